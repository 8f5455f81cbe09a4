// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { SafeCall } from "../libraries/SafeCall.sol";

/// @notice The parts of a cross-domain messenger the bridges call.
interface ICrossDomainMessenger {
    function sendMessage(address _target, bytes calldata _message, uint32 _minGasLimit) external payable;
    function xDomainMessageSender() external view returns (address);
}

/// @title StandardBridge
/// @notice What the L1 and L2 standard bridges share, as Bedrock's universal StandardBridge: the
///         generic `bridge*` entry points and their events, and `finalizeBridge*`, which only the
///         other bridge may call through the messengers (a finalization that reverts stays
///         failed and replayable in the messenger). Each side supplies how ERC-20s leave and
///         arrive (`_debitERC20`, `_creditERC20`: L1 escrows, L2 burns and mints), its legacy
///         events (by overriding the `_emit*` hooks, legacy event first), and where the messenger
///         and the other bridge are.
/// @dev No storage of its own, so each side's storage layout is its own (the L2 predeploy's
///      slot 0 is written at genesis).
///      Spec: https://specs.optimism.io/protocol/bridges.html
abstract contract StandardBridge {
    /// @notice Gas on the other side for ETH sent straight to the bridge.
    uint32 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 200_000;

    /// @notice ETH leaves this side.
    event ETHBridgeInitiated(address indexed from, address indexed to, uint256 amount, bytes extraData);
    /// @notice ETH arrived from the other side.
    event ETHBridgeFinalized(address indexed from, address indexed to, uint256 amount, bytes extraData);
    /// @notice An ERC-20 leaves this side.
    event ERC20BridgeInitiated(
        address indexed localToken,
        address indexed remoteToken,
        address indexed from,
        address to,
        uint256 amount,
        bytes extraData
    );
    /// @notice An ERC-20 arrived from the other side.
    event ERC20BridgeFinalized(
        address indexed localToken,
        address indexed remoteToken,
        address indexed from,
        address to,
        uint256 amount,
        bytes extraData
    );

    /// @notice Only externally owned accounts, whose address is theirs on the other side too.
    modifier onlyEOA() {
        require(msg.sender == tx.origin, "StandardBridge: function can only be called from an EOA");
        _;
    }

    /// @notice Only the other bridge, speaking through the messenger.
    modifier onlyOtherBridge() {
        ICrossDomainMessenger messenger_ = _localMessenger();
        require(
            msg.sender == address(messenger_) && messenger_.xDomainMessageSender() == _remoteBridge(),
            "StandardBridge: function can only be called from the other bridge"
        );
        _;
    }

    /// @notice The bridge on the other side.
    function OTHER_BRIDGE() external view returns (address) {
        return _remoteBridge();
    }

    /// @notice Bedrock's lower-case getter for OTHER_BRIDGE.
    function otherBridge() external view returns (address) {
        return _remoteBridge();
    }

    /// @notice ETH sent straight to the bridge goes to the sender's address on the other side.
    receive() external payable onlyEOA {
        _initiateBridgeETH(msg.sender, msg.sender, msg.value, RECEIVE_DEFAULT_GAS_LIMIT, bytes(""));
    }

    /// @notice Bridges `msg.value` to the caller's address on the other side.
    function bridgeETH(uint32 _minGasLimit, bytes calldata _extraData) external payable onlyEOA {
        _initiateBridgeETH(msg.sender, msg.sender, msg.value, _minGasLimit, _extraData);
    }

    /// @notice Bridges `msg.value` to `_to` on the other side.
    function bridgeETHTo(address _to, uint32 _minGasLimit, bytes calldata _extraData) external payable {
        _initiateBridgeETH(msg.sender, _to, msg.value, _minGasLimit, _extraData);
    }

    /// @notice Bridges `_amount` of `_localToken` to the caller on the other side, where it is
    ///         `_remoteToken`.
    function bridgeERC20(
        address _localToken,
        address _remoteToken,
        uint256 _amount,
        uint32 _minGasLimit,
        bytes calldata _extraData
    )
        external
        onlyEOA
    {
        _initiateBridgeERC20(_localToken, _remoteToken, msg.sender, msg.sender, _amount, _minGasLimit, _extraData);
    }

    /// @notice As bridgeERC20, to `_to` on the other side.
    function bridgeERC20To(
        address _localToken,
        address _remoteToken,
        address _to,
        uint256 _amount,
        uint32 _minGasLimit,
        bytes calldata _extraData
    )
        external
    {
        _initiateBridgeERC20(_localToken, _remoteToken, msg.sender, _to, _amount, _minGasLimit, _extraData);
    }

    /// @notice Completes an ETH transfer sent by the other bridge: pays `_amount` (which must
    ///         arrive with the call) to `_to`. Reverts if `_to` rejects it.
    function finalizeBridgeETH(
        address _from,
        address _to,
        uint256 _amount,
        bytes calldata _extraData
    )
        public
        payable
        onlyOtherBridge
    {
        require(msg.value == _amount, "StandardBridge: amount sent does not match amount required");
        require(_to != address(this), "StandardBridge: cannot send to self");
        require(_to != address(_localMessenger()), "StandardBridge: cannot send to messenger");
        _emitETHBridgeFinalized(_from, _to, _amount, _extraData);
        require(SafeCall.call(_to, gasleft(), _amount, hex""), "StandardBridge: ETH transfer failed");
    }

    /// @notice Completes an ERC-20 transfer sent by the other bridge: gives `_to` `_amount` of
    ///         `_localToken`, which the other side sent as `_remoteToken`.
    function finalizeBridgeERC20(
        address _localToken,
        address _remoteToken,
        address _from,
        address _to,
        uint256 _amount,
        bytes calldata _extraData
    )
        public
        onlyOtherBridge
    {
        _creditERC20(_localToken, _remoteToken, _to, _amount);
        _emitERC20BridgeFinalized(_localToken, _remoteToken, _from, _to, _amount, _extraData);
    }

    /// @notice Sends `_amount` (which must be `msg.value`) to `_to` on the other side.
    function _initiateBridgeETH(
        address _from,
        address _to,
        uint256 _amount,
        uint32 _minGasLimit,
        bytes memory _extraData
    )
        internal
    {
        require(msg.value == _amount, "StandardBridge: bridging ETH must include sufficient ETH value");
        _emitETHBridgeInitiated(_from, _to, _amount, _extraData);
        _localMessenger().sendMessage{ value: _amount }(
            _remoteBridge(),
            abi.encodeWithSelector(this.finalizeBridgeETH.selector, _from, _to, _amount, _extraData),
            _minGasLimit
        );
    }

    /// @notice Takes `_amount` of `_localToken` from `_from` and sends it to `_to` on the other
    ///         side, where it is `_remoteToken`.
    function _initiateBridgeERC20(
        address _localToken,
        address _remoteToken,
        address _from,
        address _to,
        uint256 _amount,
        uint32 _minGasLimit,
        bytes memory _extraData
    )
        internal
    {
        _debitERC20(_localToken, _remoteToken, _from, _amount);
        _emitERC20BridgeInitiated(_localToken, _remoteToken, _from, _to, _amount, _extraData);
        // On the other side the message finalizes with the tokens swapped: theirs local, ours remote.
        _localMessenger().sendMessage(
            _remoteBridge(),
            abi.encodeWithSelector(
                this.finalizeBridgeERC20.selector, _remoteToken, _localToken, _from, _to, _amount, _extraData
            ),
            _minGasLimit
        );
    }

    /// @notice Takes `_amount` of `_localToken` (bridged as `_remoteToken`) from `_from`.
    function _debitERC20(address _localToken, address _remoteToken, address _from, uint256 _amount) internal virtual;

    /// @notice Gives `_to` `_amount` of `_localToken` that arrived as `_remoteToken`.
    function _creditERC20(address _localToken, address _remoteToken, address _to, uint256 _amount) internal virtual;

    /// @notice The messenger on this side.
    function _localMessenger() internal view virtual returns (ICrossDomainMessenger);

    /// @notice The bridge on the other side.
    function _remoteBridge() internal view virtual returns (address);

    /// @notice Emits ETHBridgeInitiated; a side overrides it to emit its legacy event first.
    function _emitETHBridgeInitiated(address _from, address _to, uint256 _amount, bytes memory _extraData)
        internal
        virtual
    {
        emit ETHBridgeInitiated(_from, _to, _amount, _extraData);
    }

    /// @notice Emits ETHBridgeFinalized; a side overrides it to emit its legacy event first.
    function _emitETHBridgeFinalized(address _from, address _to, uint256 _amount, bytes memory _extraData)
        internal
        virtual
    {
        emit ETHBridgeFinalized(_from, _to, _amount, _extraData);
    }

    /// @notice Emits ERC20BridgeInitiated; a side overrides it to emit its legacy event first.
    function _emitERC20BridgeInitiated(
        address _localToken,
        address _remoteToken,
        address _from,
        address _to,
        uint256 _amount,
        bytes memory _extraData
    )
        internal
        virtual
    {
        emit ERC20BridgeInitiated(_localToken, _remoteToken, _from, _to, _amount, _extraData);
    }

    /// @notice Emits ERC20BridgeFinalized; a side overrides it to emit its legacy event first.
    function _emitERC20BridgeFinalized(
        address _localToken,
        address _remoteToken,
        address _from,
        address _to,
        uint256 _amount,
        bytes memory _extraData
    )
        internal
        virtual
    {
        emit ERC20BridgeFinalized(_localToken, _remoteToken, _from, _to, _amount, _extraData);
    }
}
