// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The parts of the messenger the bridge calls.
interface ICrossDomainMessenger {
    function sendMessage(address _target, bytes calldata _message, uint32 _minGasLimit) external payable;
    function xDomainMessageSender() external view returns (address);
}

/// @title L2StandardBridge (predeploy 0x4200000000000000000000000000000000000010)
/// @notice The L2 end of the ETH bridge, with OP Bedrock's StandardBridge ABI for ETH:
///         `bridgeETH`, `bridgeETHTo`, `finalizeBridgeETH` and their events, plus the legacy
///         `withdraw`/`withdrawTo` for ETH. ERC-20 bridging is not implemented.
/// @dev Storage (set at genesis by the engine): slot 0 holds the L1StandardBridge address.
///      Spec: https://specs.optimism.io/protocol/bridges.html
contract L2StandardBridge {
    /// @notice The L2CrossDomainMessenger predeploy.
    ICrossDomainMessenger public constant MESSENGER =
        ICrossDomainMessenger(0x4200000000000000000000000000000000000007);
    /// @notice Legacy address standing for ETH in `withdraw`.
    address internal constant LEGACY_ERC20_ETH = 0xDeadDeAddeAddEAddeadDEaDDEAdDeaDDeAD0000;
    /// @notice Gas of the legacy `receive` path's L1 finalization.
    uint32 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 200_000;

    /// @notice The L1StandardBridge (slot 0, set at genesis).
    address internal otherBridgeAddress;

    /// @notice ETH leaves L2 toward L1.
    event ETHBridgeInitiated(address indexed from, address indexed to, uint256 amount, bytes extraData);
    /// @notice ETH arrived from L1.
    event ETHBridgeFinalized(address indexed from, address indexed to, uint256 amount, bytes extraData);
    /// @notice Legacy event of a withdrawal.
    event WithdrawalInitiated(
        address indexed l1Token, address indexed l2Token, address indexed from, address to, uint256 amount, bytes extraData
    );
    /// @notice Legacy event of a finalized deposit.
    event DepositFinalized(
        address indexed l1Token, address indexed l2Token, address indexed from, address to, uint256 amount, bytes extraData
    );

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "1.11.0-ore";
    }

    /// @notice The L1StandardBridge.
    function OTHER_BRIDGE() external view returns (address) {
        return otherBridgeAddress;
    }

    /// @notice The L1StandardBridge (legacy getter).
    function otherBridge() external view returns (address) {
        return otherBridgeAddress;
    }

    /// @notice The L2CrossDomainMessenger (legacy getter).
    function messenger() external pure returns (ICrossDomainMessenger) {
        return MESSENGER;
    }

    /// @notice A plain transfer from an EOA bridges the ETH to the same address on L1.
    receive() external payable {
        require(msg.sender.code.length == 0, "StandardBridge: function can only be called from an EOA");
        _initiateBridgeETH(msg.sender, msg.sender, msg.value, RECEIVE_DEFAULT_GAS_LIMIT, bytes(""));
    }

    /// @notice Bridges `msg.value` to the sender's address on L1.
    function bridgeETH(uint32 _minGasLimit, bytes calldata _extraData) external payable {
        require(msg.sender.code.length == 0, "StandardBridge: function can only be called from an EOA");
        _initiateBridgeETH(msg.sender, msg.sender, msg.value, _minGasLimit, _extraData);
    }

    /// @notice Bridges `msg.value` to `_to` on L1.
    function bridgeETHTo(address _to, uint32 _minGasLimit, bytes calldata _extraData) external payable {
        _initiateBridgeETH(msg.sender, _to, msg.value, _minGasLimit, _extraData);
    }

    /// @notice Legacy: withdraws ETH (`_l2Token` must be the legacy ETH address) to the sender.
    function withdraw(address _l2Token, uint256 _amount, uint32 _minGasLimit, bytes calldata _extraData)
        external
        payable
    {
        require(msg.sender.code.length == 0, "StandardBridge: function can only be called from an EOA");
        _legacyWithdraw(_l2Token, msg.sender, _amount, _minGasLimit, _extraData);
    }

    /// @notice Legacy: withdraws ETH (`_l2Token` must be the legacy ETH address) to `_to`.
    function withdrawTo(address _l2Token, address _to, uint256 _amount, uint32 _minGasLimit, bytes calldata _extraData)
        external
        payable
    {
        _legacyWithdraw(_l2Token, _to, _amount, _minGasLimit, _extraData);
    }

    /// @notice Credits ETH bridged from L1; only the messenger relaying the L1 bridge may call.
    function finalizeBridgeETH(address _from, address _to, uint256 _amount, bytes calldata _extraData)
        external
        payable
    {
        require(
            msg.sender == address(MESSENGER) && MESSENGER.xDomainMessageSender() == otherBridgeAddress,
            "StandardBridge: function can only be called from the other bridge"
        );
        require(msg.value == _amount, "StandardBridge: amount sent does not match amount required");
        require(_to != address(this) && _to != address(MESSENGER), "StandardBridge: cannot send to self or messenger");
        emit DepositFinalized(address(0), LEGACY_ERC20_ETH, _from, _to, _amount, _extraData);
        emit ETHBridgeFinalized(_from, _to, _amount, _extraData);
        (bool ok,) = _to.call{ value: _amount }("");
        require(ok, "StandardBridge: ETH transfer failed");
    }

    function _legacyWithdraw(address _l2Token, address _to, uint256 _amount, uint32 _minGasLimit, bytes calldata _extraData)
        internal
    {
        require(_l2Token == LEGACY_ERC20_ETH, "L2StandardBridge: only ETH withdrawals are supported");
        require(msg.value == _amount, "L2StandardBridge: ETH withdrawals must include sufficient ETH value");
        _initiateBridgeETH(msg.sender, _to, _amount, _minGasLimit, _extraData);
    }

    function _initiateBridgeETH(address _from, address _to, uint256 _amount, uint32 _minGasLimit, bytes memory _extraData)
        internal
    {
        emit WithdrawalInitiated(address(0), LEGACY_ERC20_ETH, _from, _to, _amount, _extraData);
        emit ETHBridgeInitiated(_from, _to, _amount, _extraData);
        MESSENGER.sendMessage{ value: _amount }(
            otherBridgeAddress,
            abi.encodeWithSelector(this.finalizeBridgeETH.selector, _from, _to, _amount, _extraData),
            _minGasLimit
        );
    }
}
