// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { AddressAliasHelper } from "../libraries/AddressAliasHelper.sol";
import { Hashing } from "../libraries/Hashing.sol";
import { SafeCall } from "../libraries/SafeCall.sol";
import { L2ToL1MessagePasser } from "./L2ToL1MessagePasser.sol";

/// @title L2CrossDomainMessenger (predeploy 0x4200000000000000000000000000000000000007)
/// @notice The L2 end of the message bridge, with OP Bedrock's ABI. `sendMessage` passes a
///         `relayMessage` call for the L1 messenger through the L2ToL1MessagePasser;
///         `relayMessage` runs messages the L1 messenger deposited (its address aliased).
///         Failed relays are recorded and can be replayed by anyone.
/// @dev Storage (set at genesis by the engine): slot 0 holds the L1 messenger's address.
///      Spec: https://specs.optimism.io/protocol/messengers.html
contract L2CrossDomainMessenger {
    /// @notice Version of the message encoding (top two bytes of the nonce).
    uint16 public constant MESSAGE_VERSION = 1;
    /// @notice Constant gas of relaying any message on the other side.
    uint64 public constant RELAY_CONSTANT_OVERHEAD = 200_000;
    /// @notice Numerator of the EIP-150 dynamic overhead.
    uint64 public constant MIN_GAS_DYNAMIC_OVERHEAD_NUMERATOR = 64;
    /// @notice Denominator of the EIP-150 dynamic overhead.
    uint64 public constant MIN_GAS_DYNAMIC_OVERHEAD_DENOMINATOR = 63;
    /// @notice Gas per byte of message calldata.
    uint64 public constant MIN_GAS_CALLDATA_OVERHEAD = 16;
    /// @notice Worst case of the CALL opcode's dynamic gas.
    uint64 public constant RELAY_CALL_OVERHEAD = 40_000;
    /// @notice Gas kept to finish `relayMessage` after the call returns.
    uint64 public constant RELAY_RESERVED_GAS = 40_000;
    /// @notice Gas between the min-gas check and the CALL.
    uint64 public constant RELAY_GAS_CHECK_BUFFER = 5_000;

    /// @notice The L2ToL1MessagePasser predeploy.
    L2ToL1MessagePasser internal constant MESSAGE_PASSER =
        L2ToL1MessagePasser(payable(0x4200000000000000000000000000000000000016));
    address internal constant DEFAULT_L2_SENDER = 0x000000000000000000000000000000000000dEaD;

    /// @notice The L1CrossDomainMessenger (slot 0, set at genesis).
    address internal otherMessengerAddress;
    /// @notice Sender of the message being relayed, or zero outside a relay (slot 1).
    address internal xDomainMsgSender;
    /// @notice Messages sent so far (slot 2).
    uint240 internal msgNonce;
    /// @notice Versioned message hash → relayed successfully (slot 3).
    mapping(bytes32 => bool) public successfulMessages;
    /// @notice Versioned message hash → a relay failed (slot 4).
    mapping(bytes32 => bool) public failedMessages;

    /// @notice Emitted for every sent message.
    event SentMessage(address indexed target, address sender, bytes message, uint256 messageNonce, uint256 gasLimit);
    /// @notice Companion of `SentMessage` carrying the value.
    event SentMessageExtension1(address indexed sender, uint256 value);
    /// @notice A message was relayed successfully.
    event RelayedMessage(bytes32 indexed msgHash);
    /// @notice A message's relay failed; it may be replayed.
    event FailedRelayedMessage(bytes32 indexed msgHash);

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "2.1.0-ore";
    }

    /// @notice The L1CrossDomainMessenger.
    function OTHER_MESSENGER() external view returns (address) {
        return otherMessengerAddress;
    }

    /// @notice The L1CrossDomainMessenger (legacy getter).
    function otherMessenger() external view returns (address) {
        return otherMessengerAddress;
    }

    /// @notice The next message's nonce, with `MESSAGE_VERSION` in its top two bytes.
    function messageNonce() public view returns (uint256) {
        return (uint256(MESSAGE_VERSION) << 240) | uint256(msgNonce);
    }

    /// @notice The L1 sender of the message being relayed; reverts outside a relay.
    function xDomainMessageSender() external view returns (address) {
        address sender = xDomainMsgSender;
        require(sender != address(0) && sender != DEFAULT_L2_SENDER, "CrossDomainMessenger: xDomainMessageSender is not set");
        return sender;
    }

    /// @notice Gas the L1 relay of a message needs, as OP's `baseGas`.
    function baseGas(bytes calldata _message, uint32 _minGasLimit) public pure returns (uint64) {
        return RELAY_CONSTANT_OVERHEAD + (uint64(_message.length) * MIN_GAS_CALLDATA_OVERHEAD)
            + ((_minGasLimit * MIN_GAS_DYNAMIC_OVERHEAD_NUMERATOR) / MIN_GAS_DYNAMIC_OVERHEAD_DENOMINATOR)
            + RELAY_CALL_OVERHEAD + RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER;
    }

    /// @notice Sends `_message` to `_target` on L1 with `msg.value`.
    function sendMessage(address _target, bytes calldata _message, uint32 _minGasLimit) external payable {
        uint256 nonce = messageNonce();
        MESSAGE_PASSER.initiateWithdrawal{ value: msg.value }(
            otherMessengerAddress,
            baseGas(_message, _minGasLimit),
            abi.encodeWithSelector(
                this.relayMessage.selector, nonce, msg.sender, _target, msg.value, uint256(_minGasLimit), _message
            )
        );
        emit SentMessage(_target, msg.sender, _message, nonce, _minGasLimit);
        emit SentMessageExtension1(msg.sender, msg.value);
        unchecked {
            ++msgNonce;
        }
    }

    /// @notice Relays a message from L1. First delivery comes from the aliased L1 messenger with
    ///         the value attached; a failed message may be replayed by anyone without value.
    function relayMessage(
        uint256 _nonce,
        address _sender,
        address _target,
        uint256 _value,
        uint256 _minGasLimit,
        bytes calldata _message
    ) external payable {
        require(_nonce >> 240 == MESSAGE_VERSION, "CrossDomainMessenger: only version 1 messages are supported");
        bytes32 versionedHash =
            Hashing.hashCrossDomainMessageV1(_nonce, _sender, _target, _value, _minGasLimit, _message);
        bool fromOther = AddressAliasHelper.undoL1ToL2Alias(msg.sender) == otherMessengerAddress;
        if (fromOther) {
            require(msg.value == _value, "CrossDomainMessenger: value mismatch");
        } else {
            require(msg.value == 0, "CrossDomainMessenger: value must be zero unless relaying from the other messenger");
            require(failedMessages[versionedHash], "CrossDomainMessenger: message cannot be replayed");
        }
        require(
            _target != address(this) && _target != address(MESSAGE_PASSER),
            "CrossDomainMessenger: cannot send message to blocked system address"
        );
        require(!successfulMessages[versionedHash], "CrossDomainMessenger: message has already been relayed");

        if (!SafeCall.hasMinGas(_minGasLimit, RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER) || xDomainMsgSender != address(0)) {
            failedMessages[versionedHash] = true;
            emit FailedRelayedMessage(versionedHash);
            return;
        }
        xDomainMsgSender = _sender;
        (bool success,) = _target.call{ value: _value, gas: gasleft() - RELAY_RESERVED_GAS }(_message);
        xDomainMsgSender = address(0);
        if (success) {
            successfulMessages[versionedHash] = true;
            emit RelayedMessage(versionedHash);
        } else {
            failedMessages[versionedHash] = true;
            emit FailedRelayedMessage(versionedHash);
        }
    }

}
