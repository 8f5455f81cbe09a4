// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Types
/// @notice Structs shared by the L1 contracts, laid out exactly as in OP Bedrock so that their
///         ABI encodings (and so viem's op-stack actions) match.
library Types {
    /// @notice An L2 output as the proposal manager reports it.
    /// @custom:field outputRoot    Output root v0 (see Hashing.hashOutputRootProof).
    /// @custom:field timestamp     L1 timestamp of the block that accepted the proposal.
    /// @custom:field l2BlockNumber L2 block the output commits to.
    struct OutputProposal {
        bytes32 outputRoot;
        uint128 timestamp;
        uint128 l2BlockNumber;
    }

    /// @notice The preimage of output root v0.
    struct OutputRootProof {
        bytes32 version;
        bytes32 stateRoot;
        bytes32 messagePasserStorageRoot;
        bytes32 latestBlockhash;
    }

    /// @notice A withdrawal as L2ToL1MessagePasser records it; its hash is the message
    ///         passer's `sentMessages` key.
    struct WithdrawalTransaction {
        uint256 nonce;
        address sender;
        address target;
        uint256 value;
        uint256 gasLimit;
        bytes data;
    }
}
