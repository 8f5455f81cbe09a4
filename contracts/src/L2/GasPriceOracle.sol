// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { L1Block } from "./L1Block.sol";

/// @title GasPriceOracle (predeploy 0x420000000000000000000000000000000000000F)
/// @notice Ecotone L1 data-fee oracle, ABI-compatible with OP's, so viem's `estimateL1Fee`,
///         `estimateL1Gas` and `estimateTotalFee` work against Ore. The engine charges the
///         same formula on signed transactions (docs/fees.md).
/// @dev Spec: https://specs.optimism.io/protocol/ecotone/predeploys.html#gaspriceoracle
contract GasPriceOracle {
    /// @notice Decimals of the fee scalars.
    uint256 public constant DECIMALS = 6;

    L1Block internal constant L1_BLOCK = L1Block(0x4200000000000000000000000000000000000015);

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "1.3.0-ore";
    }

    /// @notice Ore is Ecotone from genesis.
    function isEcotone() external pure returns (bool) {
        return true;
    }

    /// @notice Ore does not implement Fjord's compression estimate.
    function isFjord() external pure returns (bool) {
        return false;
    }

    /// @notice Decimals of the fee scalars (6).
    function decimals() external pure returns (uint256) {
        return DECIMALS;
    }

    /// @notice The current L2 base fee.
    function gasPrice() external view returns (uint256) {
        return block.basefee;
    }

    /// @notice The current L2 base fee.
    function baseFee() external view returns (uint256) {
        return block.basefee;
    }

    /// @notice The L1 base fee of the L1 origin.
    function l1BaseFee() public view returns (uint256) {
        return L1_BLOCK.basefee();
    }

    /// @notice The L1 blob base fee of the L1 origin.
    function blobBaseFee() public view returns (uint256) {
        return L1_BLOCK.blobBaseFee();
    }

    /// @notice Scalar of the L1 base fee.
    function baseFeeScalar() public view returns (uint32) {
        return L1_BLOCK.baseFeeScalar();
    }

    /// @notice Scalar of the blob base fee.
    function blobBaseFeeScalar() public view returns (uint32) {
        return L1_BLOCK.blobBaseFeeScalar();
    }

    /// @notice L1 data fee of an unsigned, RLP-encoded transaction.
    function getL1Fee(bytes memory _data) external view returns (uint256) {
        uint256 l1GasUsed = getL1GasUsed(_data);
        uint256 scaledBaseFee = uint256(baseFeeScalar()) * 16 * l1BaseFee();
        uint256 scaledBlobBaseFee = uint256(blobBaseFeeScalar()) * blobBaseFee();
        return (l1GasUsed * (scaledBaseFee + scaledBlobBaseFee)) / (16 * 10 ** DECIMALS);
    }

    /// @notice L1 calldata gas of an unsigned transaction, plus 68·16 for its missing signature.
    function getL1GasUsed(bytes memory _data) public pure returns (uint256) {
        uint256 total = 0;
        uint256 length = _data.length;
        for (uint256 i = 0; i < length; i++) {
            total += _data[i] == 0 ? 4 : 16;
        }
        return total + 68 * 16;
    }

    /// @notice Always zero: Ore has no operator fee.
    function getOperatorFee(uint256) external pure returns (uint256) {
        return 0;
    }
}
