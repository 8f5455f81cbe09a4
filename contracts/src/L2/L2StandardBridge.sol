// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { ILegacyMintableERC20, IOptimismMintableERC20 } from "./OptimismMintableERC20.sol";

/// @notice The parts of the messenger the bridge calls.
interface ICrossDomainMessenger {
    function sendMessage(address _target, bytes calldata _message, uint32 _minGasLimit) external payable;
    function xDomainMessageSender() external view returns (address);
}

/// @title L2StandardBridge (predeploy 0x4200000000000000000000000000000000000010)
/// @notice The L2 end of the standard bridge, with OP Bedrock's StandardBridge ABI: ETH
///         (`bridgeETH`, `bridgeETHTo`, `finalizeBridgeETH`) and ERC-20 (`bridgeERC20`,
///         `bridgeERC20To`, `finalizeBridgeERC20`), their events, and the legacy
///         `withdraw`/`withdrawTo` for both. L1 tokens are represented on L2 by
///         OptimismMintableERC20s (made by the factory at 0x4200…0012): a deposit mints, a
///         withdrawal burns. Ore's L1 bridge handles L1-native tokens only, so unlike Bedrock this
///         bridge refuses tokens that are not OptimismMintableERC20 (an L2-native token could
///         never be released on L1).
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
    /// @notice ERC-20 leaves L2 toward L1 (burnt here).
    event ERC20BridgeInitiated(
        address indexed localToken,
        address indexed remoteToken,
        address indexed from,
        address to,
        uint256 amount,
        bytes extraData
    );
    /// @notice ERC-20 arrived from L1 (minted here).
    event ERC20BridgeFinalized(
        address indexed localToken,
        address indexed remoteToken,
        address indexed from,
        address to,
        uint256 amount,
        bytes extraData
    );

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "1.12.0-ore";
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

    /// @notice Legacy: withdraws ETH (`_l2Token` = the legacy ETH address) or an
    ///         OptimismMintableERC20 to the sender on L1.
    function withdraw(address _l2Token, uint256 _amount, uint32 _minGasLimit, bytes calldata _extraData)
        external
        payable
    {
        require(msg.sender.code.length == 0, "StandardBridge: function can only be called from an EOA");
        _legacyWithdraw(_l2Token, msg.sender, _amount, _minGasLimit, _extraData);
    }

    /// @notice Legacy: withdraws ETH or an OptimismMintableERC20 to `_to` on L1.
    function withdrawTo(address _l2Token, address _to, uint256 _amount, uint32 _minGasLimit, bytes calldata _extraData)
        external
        payable
    {
        _legacyWithdraw(_l2Token, _to, _amount, _minGasLimit, _extraData);
    }

    /// @notice Burns `_amount` of `_localToken` (an OptimismMintableERC20 for `_remoteToken`) and
    ///         sends it to the caller on L1.
    function bridgeERC20(
        address _localToken,
        address _remoteToken,
        uint256 _amount,
        uint32 _minGasLimit,
        bytes calldata _extraData
    )
        external
    {
        require(msg.sender.code.length == 0, "StandardBridge: function can only be called from an EOA");
        _initiateBridgeERC20(_localToken, _remoteToken, msg.sender, msg.sender, _amount, _minGasLimit, _extraData);
    }

    /// @notice As bridgeERC20, to `_to` on L1.
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

    /// @notice Mints ERC-20 bridged from L1: `_localToken` must be an OptimismMintableERC20 whose
    ///         remote token is `_remoteToken`. Only the messenger relaying the L1 bridge may call;
    ///         a revert leaves the message failed and replayable in the messenger.
    function finalizeBridgeERC20(
        address _localToken,
        address _remoteToken,
        address _from,
        address _to,
        uint256 _amount,
        bytes calldata _extraData
    )
        external
    {
        require(
            msg.sender == address(MESSENGER) && MESSENGER.xDomainMessageSender() == otherBridgeAddress,
            "StandardBridge: function can only be called from the other bridge"
        );
        _checkMintable(_localToken, _remoteToken);
        IOptimismMintableERC20(_localToken).mint(_to, _amount);
        emit DepositFinalized(_remoteToken, _localToken, _from, _to, _amount, _extraData);
        emit ERC20BridgeFinalized(_localToken, _remoteToken, _from, _to, _amount, _extraData);
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
        if (_l2Token == LEGACY_ERC20_ETH) {
            require(msg.value == _amount, "L2StandardBridge: ETH withdrawals must include sufficient ETH value");
            _initiateBridgeETH(msg.sender, _to, _amount, _minGasLimit, _extraData);
        } else {
            require(msg.value == 0, "L2StandardBridge: ERC20 withdrawals must not include ETH");
            require(_isMintable(_l2Token), "L2StandardBridge: token is not an OptimismMintableERC20");
            address remote = _isOptimismMintable(_l2Token)
                ? IOptimismMintableERC20(_l2Token).remoteToken()
                : ILegacyMintableERC20(_l2Token).l1Token();
            _initiateBridgeERC20(_l2Token, remote, msg.sender, _to, _amount, _minGasLimit, _extraData);
        }
    }

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
        _checkMintable(_localToken, _remoteToken);
        IOptimismMintableERC20(_localToken).burn(_from, _amount);
        emit WithdrawalInitiated(_remoteToken, _localToken, _from, _to, _amount, _extraData);
        emit ERC20BridgeInitiated(_localToken, _remoteToken, _from, _to, _amount, _extraData);
        // On L1 the message finalizes with the tokens swapped: L1 token local, L2 token remote.
        MESSENGER.sendMessage(
            otherBridgeAddress,
            abi.encodeWithSelector(
                this.finalizeBridgeERC20.selector, _remoteToken, _localToken, _from, _to, _amount, _extraData
            ),
            _minGasLimit
        );
    }

    /// @notice Reverts unless `_token` is an OptimismMintableERC20 (current or legacy interface)
    ///         representing `_remote`.
    function _checkMintable(address _token, address _remote) internal view {
        require(_isMintable(_token), "L2StandardBridge: token is not an OptimismMintableERC20");
        address actual = _isOptimismMintable(_token)
            ? IOptimismMintableERC20(_token).remoteToken()
            : ILegacyMintableERC20(_token).l1Token();
        require(actual == _remote, "StandardBridge: wrong remote token for Optimism Mintable ERC20 local token");
    }

    function _isMintable(address _token) internal view returns (bool) {
        return _isOptimismMintable(_token) || _supports(_token, type(ILegacyMintableERC20).interfaceId);
    }

    function _isOptimismMintable(address _token) internal view returns (bool) {
        return _supports(_token, type(IOptimismMintableERC20).interfaceId);
    }

    /// @notice ERC-165 detection (OpenZeppelin's ERC165Checker): the token answers true for
    ///         IERC165 and `_id`, false for 0xffffffff; anything else (no code, a revert,
    ///         malformed return data) is "no".
    function _supports(address _token, bytes4 _id) internal view returns (bool) {
        return _supportsUnchecked(_token, 0x01ffc9a7) && !_supportsUnchecked(_token, 0xffffffff)
            && _supportsUnchecked(_token, _id);
    }

    function _supportsUnchecked(address _token, bytes4 _id) internal view returns (bool) {
        if (_token.code.length == 0) return false;
        (bool ok, bytes memory ret) = _token.staticcall{ gas: 30_000 }(abi.encodeWithSelector(0x01ffc9a7, _id));
        return ok && ret.length >= 32 && abi.decode(ret, (uint256)) == 1;
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
