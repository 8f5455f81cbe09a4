// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Multicall3 (devnet subset)
/// @notice The part of the Multicall3 interface viem uses (`aggregate3`, plus the block
///         getters), written for Ore's devnet and placed at Multicall3's conventional address
///         0xcA11bde05977b3631167028862bE2a173976CA11 so viem's `multicall` (and the op-stack
///         actions built on it) work against the devnet's L1 unchanged.
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Calls each target in order; reverts if a call fails that does not allow failure.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory ret) = calls[i].target.call(calls[i].callData);
            require(ok || calls[i].allowFailure, "Multicall3: call failed");
            returnData[i] = Result(ok, ret);
        }
    }

    /// @notice The current block number.
    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }

    /// @notice The current block timestamp.
    function getCurrentBlockTimestamp() external view returns (uint256) {
        return block.timestamp;
    }

    /// @notice The balance of `addr`.
    function getEthBalance(address addr) external view returns (uint256) {
        return addr.balance;
    }
}
