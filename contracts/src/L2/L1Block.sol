// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title L1Block (predeploy 0x4200000000000000000000000000000000000015)
/// @notice Holds the attributes of the L1 block an L2 block derives from. The L1 attributes
///         deposit that opens every L2 block sets them with Ecotone's packed calldata.
///         Storage layout matches OP Bedrock's L1Block, so the engine reads fee parameters
///         from the same slots op-geth does (basefee 1, scalars 3, blobBaseFee 7).
/// @dev Spec: https://specs.optimism.io/protocol/ecotone/l1-attributes.html
contract L1Block {
    /// @notice Sender of the L1 attributes deposit.
    address public constant DEPOSITOR_ACCOUNT = 0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001;

    /// @notice L1 block number (slot 0, low 8 bytes).
    uint64 public number;
    /// @notice L1 block timestamp (slot 0, next 8 bytes).
    uint64 public timestamp;
    /// @notice L1 base fee (slot 1).
    uint256 public basefee;
    /// @notice L1 block hash (slot 2).
    bytes32 public hash;
    /// @notice L2 blocks since the L1 origin changed (slot 3, low 8 bytes).
    uint64 public sequenceNumber;
    /// @notice Scalar of the blob base fee in the L1 fee (slot 3, next 4 bytes).
    uint32 public blobBaseFeeScalar;
    /// @notice Scalar of the L1 base fee in the L1 fee (slot 3, next 4 bytes).
    uint32 public baseFeeScalar;
    /// @notice The batcher address, left-padded (slot 4).
    bytes32 public batcherHash;
    /// @notice Pre-Ecotone fee overhead; unused (slot 5).
    uint256 public l1FeeOverhead;
    /// @notice Pre-Ecotone fee scalar; unused (slot 6).
    uint256 public l1FeeScalar;
    /// @notice L1 blob base fee (slot 7).
    uint256 public blobBaseFee;

    /// @notice Raised when anyone but the depositor sets the values.
    error NotDepositor();

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "1.0.0-ore";
    }

    /// @notice Always zero: Ore has no operator fee.
    function operatorFeeScalar() external pure returns (uint32) {
        return 0;
    }

    /// @notice Always zero: Ore has no operator fee.
    function operatorFeeConstant() external pure returns (uint64) {
        return 0;
    }

    /// @notice Sets the L1 attributes from packed calldata (164 bytes, see docs/deposits.md).
    function setL1BlockValuesEcotone() external {
        address depositor = DEPOSITOR_ACCOUNT;
        assembly {
            if xor(caller(), depositor) {
                mstore(0x00, 0x3cc50b45) // NotDepositor()
                revert(0x1C, 0x04)
            }
            // baseFeeScalar ‖ blobBaseFeeScalar ‖ sequenceNumber → slot 3 (packed high to low)
            sstore(sequenceNumber.slot, shr(128, calldataload(4)))
            // timestamp ‖ number → slot 0
            sstore(number.slot, shr(128, calldataload(20)))
            sstore(basefee.slot, calldataload(36))
            sstore(blobBaseFee.slot, calldataload(68))
            sstore(hash.slot, calldataload(100))
            sstore(batcherHash.slot, calldataload(132))
        }
    }
}
