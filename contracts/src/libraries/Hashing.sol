// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { Types } from "./Types.sol";

/// @title Hashing
/// @notice The hashes both domains must agree on, byte for byte with OP Bedrock's specs
///         (specs/protocol/withdrawals.md, specs/protocol/proposals.md).
library Hashing {
    /// @notice Withdrawal hash: keccak256 of the ABI encoding of all six fields, in order.
    function hashWithdrawal(Types.WithdrawalTransaction memory _tx) internal pure returns (bytes32) {
        return keccak256(abi.encode(_tx.nonce, _tx.sender, _tx.target, _tx.value, _tx.gasLimit, _tx.data));
    }

    /// @notice Output root: keccak256(version ‖ stateRoot ‖ messagePasserStorageRoot ‖ latestBlockhash).
    function hashOutputRootProof(Types.OutputRootProof memory _proof) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(_proof.version, _proof.stateRoot, _proof.messagePasserStorageRoot, _proof.latestBlockhash)
        );
    }

    /// @notice Version-1 cross-domain message hash: keccak256 of the `relayMessage` calldata
    ///         that carries the message, so it commits to value and minimum gas limit too.
    function hashCrossDomainMessageV1(
        uint256 _nonce,
        address _sender,
        address _target,
        uint256 _value,
        uint256 _gasLimit,
        bytes memory _data
    )
        internal
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encodeWithSignature(
                "relayMessage(uint256,address,address,uint256,uint256,bytes)",
                _nonce,
                _sender,
                _target,
                _value,
                _gasLimit,
                _data
            )
        );
    }

    /// @notice Storage slot of `sentMessages[_withdrawalHash]` in L2ToL1MessagePasser, whose
    ///         mapping sits at slot 0.
    function messagePasserSlot(bytes32 _withdrawalHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(_withdrawalHash, uint256(0)));
    }
}
