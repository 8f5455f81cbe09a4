// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { Constants } from "../libraries/Constants.sol";
import { CrossDomainMessenger } from "../universal/CrossDomainMessenger.sol";
import { OptimismPortal } from "./OptimismPortal.sol";

/// @title L1CrossDomainMessenger
/// @notice The L1 end of the message bridge, ABI-compatible with Bedrock's L1CrossDomainMessenger
///         (message version 1): messages to L2 are deposits through the portal; messages from L2
///         arrive as withdrawals the portal executes for the L2 messenger. Sending, relaying and
///         replaying are the shared CrossDomainMessenger's.
contract L1CrossDomainMessenger is CrossDomainMessenger {
    /// @notice Portal through which messages travel.
    OptimismPortal public immutable PORTAL;

    /// @dev The L2CrossDomainMessenger.
    address private immutable otherMessengerAddress;

    /// @param _portal         The OptimismPortal.
    /// @param _otherMessenger The L2CrossDomainMessenger (0x4200…0007 on Ore's L2).
    constructor(OptimismPortal _portal, address _otherMessenger) {
        PORTAL = _portal;
        otherMessengerAddress = _otherMessenger;
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

    /// @notice A deposit from this messenger to the L2 messenger, minting `_value` there.
    function _sendMessage(address _to, uint64 _gasLimit, uint256 _value, bytes memory _data) internal override {
        PORTAL.depositTransaction{ value: _value }(_to, _value, _gasLimit, false, _data);
    }

    /// @notice The portal executing a withdrawal sent by the L2 messenger.
    function _isOtherMessenger() internal view override returns (bool) {
        return msg.sender == address(PORTAL) && PORTAL.l2Sender() == otherMessengerAddress;
    }

    /// @notice The portal: a message calling it could pose as a withdrawal.
    function _isUnsafeTarget(address _target) internal view override returns (bool) {
        return _target == address(PORTAL);
    }

    function _remoteMessenger() internal view override returns (address) {
        return otherMessengerAddress;
    }
}
