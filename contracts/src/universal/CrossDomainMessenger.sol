// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { Constants } from "../libraries/Constants.sol";
import { Hashing } from "../libraries/Hashing.sol";
import { SafeCall } from "../libraries/SafeCall.sol";

/// @title CrossDomainMessenger
/// @notice What the L1 and L2 messengers share, as Bedrock's universal CrossDomainMessenger:
///         message encoding (version 1: the version in the nonce's top two bytes), `baseGas`,
///         `sendMessage`, and `relayMessage` with its replay rules. A relayed message whose call
///         fails (or does not get its minimum gas) is recorded in `failedMessages`, keeping any
///         ETH it carried, and anyone may replay it later; a message succeeds at most once.
///         Each side supplies how a message reaches the other side (`_sendMessage`), how a
///         first delivery is recognised (`_isOtherMessenger`), which targets are refused
///         (`_isUnsafeTarget`) and where the other messenger is (`_otherMessenger`).
/// @dev Storage, in order after whatever a side puts before this contract: `xDomainMsgSender`,
///      `msgNonce`, `successfulMessages`, `failedMessages`. Outside a relay `xDomainMsgSender`
///      holds its idle value, which a relay puts back: DEFAULT_L2_SENDER where a constructor set
///      it (L1: the slot stays non-zero and cheap to write, as in Bedrock), zero where storage
///      starts empty (the L2 predeploy, whose genesis storage is only slot 0).
///      Spec: https://specs.optimism.io/protocol/messengers.html
abstract contract CrossDomainMessenger {
    /// @notice Version encoded in the top two bytes of every message nonce.
    uint16 public constant MESSAGE_VERSION = 1;

    /// @notice Constant overhead added to the gas of every message on the other side.
    uint64 public constant RELAY_CONSTANT_OVERHEAD = 200_000;

    /// @notice Numerator of the EIP-150 (64/63) overhead on the message's minimum gas.
    uint64 public constant MIN_GAS_DYNAMIC_OVERHEAD_NUMERATOR = 64;

    /// @notice Denominator of the EIP-150 overhead.
    uint64 public constant MIN_GAS_DYNAMIC_OVERHEAD_DENOMINATOR = 63;

    /// @notice Gas per message byte on the other side.
    uint64 public constant MIN_GAS_CALLDATA_OVERHEAD = 16;

    /// @notice Gas reserved for the CALL to the target.
    uint64 public constant RELAY_CALL_OVERHEAD = 40_000;

    /// @notice Gas kept back to finish `relayMessage` after the target returns.
    uint64 public constant RELAY_RESERVED_GAS = 40_000;

    /// @notice Gas between the `hasMinGas` check and the CALL.
    uint64 public constant RELAY_GAS_CHECK_BUFFER = 5_000;

    /// @dev Sender of the message being relayed; its idle value (zero or DEFAULT_L2_SENDER)
    ///      outside a relay.
    address internal xDomainMsgSender;

    /// @dev Messages sent so far (the nonce without its version).
    uint240 internal msgNonce;

    /// @notice Messages relayed successfully, by version-1 hash.
    mapping(bytes32 => bool) public successfulMessages;

    /// @notice Messages that failed at least once, by version-1 hash.
    mapping(bytes32 => bool) public failedMessages;

    /// @notice Emitted for every message sent to the other side.
    event SentMessage(address indexed target, address sender, bytes message, uint256 messageNonce, uint256 gasLimit);

    /// @notice Companion of SentMessage carrying the ETH value.
    event SentMessageExtension1(address indexed sender, uint256 value);

    /// @notice Emitted when a message from the other side is relayed successfully.
    event RelayedMessage(bytes32 indexed msgHash);

    /// @notice Emitted when a message from the other side fails to relay; it may be replayed.
    event FailedRelayedMessage(bytes32 indexed msgHash);

    /// @notice The messenger on the other side.
    function OTHER_MESSENGER() external view returns (address) {
        return _remoteMessenger();
    }

    /// @notice Bedrock's lower-case getter for OTHER_MESSENGER.
    function otherMessenger() external view returns (address) {
        return _remoteMessenger();
    }

    /// @notice Sends `_message` to `_target` on the other side with `msg.value` and at least
    ///         `_minGasLimit` gas for the target call.
    function sendMessage(address _target, bytes calldata _message, uint32 _minGasLimit) external payable {
        uint256 nonce = messageNonce();
        _sendMessage(
            _remoteMessenger(),
            baseGas(_message, _minGasLimit),
            msg.value,
            abi.encodeWithSelector(
                this.relayMessage.selector, nonce, msg.sender, _target, msg.value, _minGasLimit, _message
            )
        );
        emit SentMessage(_target, msg.sender, _message, nonce, _minGasLimit);
        emit SentMessageExtension1(msg.sender, msg.value);
        unchecked {
            ++msgNonce;
        }
    }

    /// @notice Relays a message from the other side. The first delivery must come from the other
    ///         messenger (`_isOtherMessenger`) with the value attached; afterwards a failed
    ///         message may be replayed by anyone, without value (the ETH is already held here).
    function relayMessage(
        uint256 _nonce,
        address _sender,
        address _target,
        uint256 _value,
        uint256 _minGasLimit,
        bytes calldata _message
    )
        external
        payable
    {
        require(
            _nonce >> 240 == MESSAGE_VERSION, "CrossDomainMessenger: only version 1 messages are supported at this time"
        );
        bytes32 hash = Hashing.hashCrossDomainMessageV1(_nonce, _sender, _target, _value, _minGasLimit, _message);

        if (_isOtherMessenger()) {
            // First delivery: the value arrives with it, and it cannot have failed before.
            assert(msg.value == _value);
            assert(!failedMessages[hash]);
        } else {
            require(msg.value == 0, "CrossDomainMessenger: value must be zero unless message is from a system address");
            require(failedMessages[hash], "CrossDomainMessenger: message cannot be replayed");
        }

        require(
            _target != address(this) && !_isUnsafeTarget(_target),
            "CrossDomainMessenger: cannot send message to blocked system address"
        );
        require(!successfulMessages[hash], "CrossDomainMessenger: message has already been relayed");

        // Too little gas to give the target its minimum, or a reentrant relay: record as failed
        // (replayable) instead of reverting, so the transaction carrying it still completes.
        address idle = xDomainMsgSender;
        if (
            !SafeCall.hasMinGas(_minGasLimit, RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER)
                || (idle != address(0) && idle != Constants.DEFAULT_L2_SENDER)
        ) {
            _fail(hash);
            return;
        }

        xDomainMsgSender = _sender;
        bool success = SafeCall.call(_target, gasleft() - RELAY_RESERVED_GAS, _value, _message);
        xDomainMsgSender = idle;

        if (success) {
            assert(!successfulMessages[hash]);
            successfulMessages[hash] = true;
            emit RelayedMessage(hash);
        } else {
            _fail(hash);
        }
    }

    /// @notice Sender on the other side of the message being relayed; reverts outside a relay.
    function xDomainMessageSender() external view returns (address) {
        address sender = xDomainMsgSender;
        require(
            sender != address(0) && sender != Constants.DEFAULT_L2_SENDER,
            "CrossDomainMessenger: xDomainMessageSender is not set"
        );
        return sender;
    }

    /// @notice Nonce of the next message, with MESSAGE_VERSION in its top two bytes.
    function messageNonce() public view returns (uint256) {
        return (uint256(MESSAGE_VERSION) << 240) | uint256(msgNonce);
    }

    /// @notice Gas a message needs on the other side so that its target gets at least
    ///         `_minGasLimit`, and a failure is always recorded rather than lost to an
    ///         out-of-gas relay.
    function baseGas(bytes calldata _message, uint32 _minGasLimit) public pure returns (uint64) {
        return RELAY_CONSTANT_OVERHEAD + (uint64(_message.length) * MIN_GAS_CALLDATA_OVERHEAD)
            + ((uint64(_minGasLimit) * MIN_GAS_DYNAMIC_OVERHEAD_NUMERATOR) / MIN_GAS_DYNAMIC_OVERHEAD_DENOMINATOR)
            + RELAY_CALL_OVERHEAD + RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER;
    }

    /// @notice Sends `_data` (a `relayMessage` call) to `_to` on the other side with `_value`
    ///         wei and `_gasLimit` gas there.
    function _sendMessage(address _to, uint64 _gasLimit, uint256 _value, bytes memory _data) internal virtual;

    /// @notice Whether this call is a first delivery by the messenger on the other side.
    function _isOtherMessenger() internal view virtual returns (bool);

    /// @notice Whether `_target` is a system contract a message must not call (besides this one).
    function _isUnsafeTarget(address _target) internal view virtual returns (bool);

    /// @notice The messenger on the other side.
    function _remoteMessenger() internal view virtual returns (address);

    /// @notice Records `_hash` as failed (replayable). During gas estimation (Bedrock's
    ///         estimation origin) it reverts instead, so the estimate is what makes it succeed.
    function _fail(bytes32 _hash) internal {
        failedMessages[_hash] = true;
        emit FailedRelayedMessage(_hash);
        if (tx.origin == Constants.ESTIMATION_ADDRESS) {
            revert("CrossDomainMessenger: failed to relay message");
        }
    }
}
