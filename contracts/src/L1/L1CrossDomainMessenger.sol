// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { Constants } from "../libraries/Constants.sol";
import { Hashing } from "../libraries/Hashing.sol";
import { SafeCall } from "../libraries/SafeCall.sol";
import { OptimismPortal } from "./OptimismPortal.sol";

/// @title L1CrossDomainMessenger
/// @notice Sends messages to L2 through the portal and relays messages from L2 that arrive as
///         withdrawals, ABI-compatible with Bedrock's CrossDomainMessenger (message version 1).
///         A relayed message whose call fails (or does not get its minimum gas) is recorded in
///         `failedMessages` with any ETH it carried kept here, and anyone may replay it later;
///         a message succeeds at most once.
contract L1CrossDomainMessenger {
    /// @notice Version encoded in the top two bytes of every message nonce.
    uint16 public constant MESSAGE_VERSION = 1;

    /// @notice Constant overhead added to the L2 gas of every message.
    uint64 public constant RELAY_CONSTANT_OVERHEAD = 200_000;

    /// @notice Numerator of the EIP-150 (64/63) overhead on the message's minimum gas.
    uint64 public constant MIN_GAS_DYNAMIC_OVERHEAD_NUMERATOR = 64;

    /// @notice Denominator of the EIP-150 overhead.
    uint64 public constant MIN_GAS_DYNAMIC_OVERHEAD_DENOMINATOR = 63;

    /// @notice L2 gas per message byte.
    uint64 public constant MIN_GAS_CALLDATA_OVERHEAD = 16;

    /// @notice Gas reserved for the CALL to the target.
    uint64 public constant RELAY_CALL_OVERHEAD = 40_000;

    /// @notice Gas kept back to finish `relayMessage` after the target returns.
    uint64 public constant RELAY_RESERVED_GAS = 40_000;

    /// @notice Gas between the `hasMinGas` check and the CALL.
    uint64 public constant RELAY_GAS_CHECK_BUFFER = 5_000;

    /// @notice Portal through which messages travel.
    OptimismPortal public immutable PORTAL;

    /// @notice The L2CrossDomainMessenger.
    address public immutable OTHER_MESSENGER;

    /// @notice Messages relayed successfully, by version-1 hash.
    mapping(bytes32 => bool) public successfulMessages;

    /// @notice Messages that failed at least once, by version-1 hash.
    mapping(bytes32 => bool) public failedMessages;

    /// @dev Sender of the message being relayed, DEFAULT_L2_SENDER otherwise.
    address internal xDomainMsgSender;

    /// @dev Messages sent so far (the nonce without its version).
    uint240 internal msgNonce;

    /// @notice Emitted for every message sent to L2.
    event SentMessage(address indexed target, address sender, bytes message, uint256 messageNonce, uint256 gasLimit);

    /// @notice Companion of SentMessage carrying the ETH value.
    event SentMessageExtension1(address indexed sender, uint256 value);

    /// @notice Emitted when a message from L2 is relayed successfully.
    event RelayedMessage(bytes32 indexed msgHash);

    /// @notice Emitted when a message from L2 fails to relay.
    event FailedRelayedMessage(bytes32 indexed msgHash);

    /// @param _portal         The OptimismPortal.
    /// @param _otherMessenger The L2CrossDomainMessenger (0x4200…0007 on Ore's L2).
    constructor(OptimismPortal _portal, address _otherMessenger) {
        PORTAL = _portal;
        OTHER_MESSENGER = _otherMessenger;
        xDomainMsgSender = Constants.DEFAULT_L2_SENDER;
    }

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    /// @notice Bedrock's lower-case getter for PORTAL.
    function portal() external view returns (OptimismPortal) {
        return PORTAL;
    }

    /// @notice Bedrock's lower-case getter for OTHER_MESSENGER.
    function otherMessenger() external view returns (address) {
        return OTHER_MESSENGER;
    }

    /// @notice Sends `_message` to `_target` on L2 with `msg.value` and at least `_minGasLimit`
    ///         gas for the target call.
    function sendMessage(address _target, bytes calldata _message, uint32 _minGasLimit) external payable {
        PORTAL.depositTransaction{ value: msg.value }(
            OTHER_MESSENGER,
            msg.value,
            baseGas(_message, _minGasLimit),
            false,
            abi.encodeWithSelector(
                this.relayMessage.selector, messageNonce(), msg.sender, _target, msg.value, _minGasLimit, _message
            )
        );
        emit SentMessage(_target, msg.sender, _message, messageNonce(), _minGasLimit);
        emit SentMessageExtension1(msg.sender, msg.value);
        unchecked {
            ++msgNonce;
        }
    }

    /// @notice Relays a message from L2. The first delivery must come from the portal while
    ///         it executes a withdrawal sent by the L2 messenger; afterwards a failed message
    ///         may be replayed by anyone (without value: the ETH is already held here).
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

        if (msg.sender == address(PORTAL) && PORTAL.l2Sender() == OTHER_MESSENGER) {
            // First delivery: the value arrives with it, and it cannot have failed before.
            assert(msg.value == _value);
            assert(!failedMessages[hash]);
        } else {
            require(msg.value == 0, "CrossDomainMessenger: value must be zero unless message is from a system address");
            require(failedMessages[hash], "CrossDomainMessenger: message cannot be replayed");
        }

        require(
            _target != address(this) && _target != address(PORTAL),
            "CrossDomainMessenger: cannot send message to blocked system address"
        );
        require(!successfulMessages[hash], "CrossDomainMessenger: message has already been relayed");

        // Too little gas to give the target its minimum, or a reentrant relay: record as failed
        // (replayable) instead of reverting, so the withdrawal carrying it still completes.
        if (
            !SafeCall.hasMinGas(_minGasLimit, RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER)
                || xDomainMsgSender != Constants.DEFAULT_L2_SENDER
        ) {
            _fail(hash);
            return;
        }

        xDomainMsgSender = _sender;
        bool success = SafeCall.call(_target, gasleft() - RELAY_RESERVED_GAS, _value, _message);
        xDomainMsgSender = Constants.DEFAULT_L2_SENDER;

        if (success) {
            assert(!successfulMessages[hash]);
            successfulMessages[hash] = true;
            emit RelayedMessage(hash);
        } else {
            _fail(hash);
        }
    }

    /// @notice L2 sender of the message being relayed; reverts outside a relay.
    function xDomainMessageSender() external view returns (address) {
        require(
            xDomainMsgSender != Constants.DEFAULT_L2_SENDER, "CrossDomainMessenger: xDomainMessageSender is not set"
        );
        return xDomainMsgSender;
    }

    /// @notice Nonce of the next message, with MESSAGE_VERSION in its top two bytes.
    function messageNonce() public view returns (uint256) {
        return (uint256(MESSAGE_VERSION) << 240) | uint256(msgNonce);
    }

    /// @notice L2 gas a message needs so that its target gets at least `_minGasLimit`, and a
    ///         failure is always recorded rather than lost to an out-of-gas relay.
    function baseGas(bytes calldata _message, uint32 _minGasLimit) public pure returns (uint64) {
        return RELAY_CONSTANT_OVERHEAD + (uint64(_message.length) * MIN_GAS_CALLDATA_OVERHEAD)
            + ((uint64(_minGasLimit) * MIN_GAS_DYNAMIC_OVERHEAD_NUMERATOR) / MIN_GAS_DYNAMIC_OVERHEAD_DENOMINATOR)
            + RELAY_CALL_OVERHEAD + RELAY_RESERVED_GAS + RELAY_GAS_CHECK_BUFFER;
    }

    function _fail(bytes32 _hash) internal {
        failedMessages[_hash] = true;
        emit FailedRelayedMessage(_hash);
        if (tx.origin == Constants.ESTIMATION_ADDRESS) {
            revert("CrossDomainMessenger: failed to relay message");
        }
    }
}
