// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { AddressAliasHelper } from "../libraries/AddressAliasHelper.sol";
import { Constants } from "../libraries/Constants.sol";
import { CrossDomainMessenger } from "../universal/CrossDomainMessenger.sol";
import { L2ToL1MessagePasser } from "./L2ToL1MessagePasser.sol";

/// @title L2CrossDomainMessengerGenesisSlot
/// @notice Slot 0 of the L2CrossDomainMessenger, which the engine writes at genesis. Listed
///         before CrossDomainMessenger among the messenger's bases so that it stays slot 0 (the
///         most basic contract's storage comes first); the shared state follows in slots 1–4.
abstract contract L2CrossDomainMessengerGenesisSlot {
    /// @notice The L1CrossDomainMessenger.
    address internal otherMessengerAddress;
}

/// @title L2CrossDomainMessenger (predeploy 0x4200000000000000000000000000000000000007)
/// @notice The L2 end of the message bridge, with OP Bedrock's ABI: messages to L1 are
///         withdrawals through the L2ToL1MessagePasser; messages from L1 are deposits the L1
///         messenger made (its address aliased). Sending, relaying and replaying are the shared
///         CrossDomainMessenger's.
/// @dev Storage (set at genesis by the engine): slot 0 holds the L1 messenger's address;
///      `xDomainMsgSender` (slot 1) is zero outside a relay, `msgNonce` slot 2,
///      `successfulMessages` slot 3, `failedMessages` slot 4.
///      Spec: https://specs.optimism.io/protocol/messengers.html
contract L2CrossDomainMessenger is L2CrossDomainMessengerGenesisSlot, CrossDomainMessenger {
    /// @notice The L2ToL1MessagePasser predeploy.
    L2ToL1MessagePasser internal constant MESSAGE_PASSER =
        L2ToL1MessagePasser(payable(Constants.L2_TO_L1_MESSAGE_PASSER));

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "2.1.0-ore";
    }

    /// @notice A withdrawal from this messenger to the L1 messenger, carrying `_value`.
    function _sendMessage(address _to, uint64 _gasLimit, uint256 _value, bytes memory _data) internal override {
        MESSAGE_PASSER.initiateWithdrawal{ value: _value }(_to, _gasLimit, _data);
    }

    /// @notice A deposit from the L1 messenger, whose address arrives aliased.
    function _isOtherMessenger() internal view override returns (bool) {
        return AddressAliasHelper.undoL1ToL2Alias(msg.sender) == otherMessengerAddress;
    }

    /// @notice The message passer: a message calling it could start a withdrawal as this messenger.
    function _isUnsafeTarget(address _target) internal pure override returns (bool) {
        return _target == address(MESSAGE_PASSER);
    }

    function _remoteMessenger() internal view override returns (address) {
        return otherMessengerAddress;
    }
}
