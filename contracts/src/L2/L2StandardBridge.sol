// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { ICrossDomainMessenger, StandardBridge } from "../universal/StandardBridge.sol";
import { ILegacyMintableERC20, IOptimismMintableERC20 } from "./OptimismMintableERC20.sol";

/// @title L2StandardBridge (predeploy 0x4200000000000000000000000000000000000010)
/// @notice The L2 end of the standard bridge, with OP Bedrock's StandardBridge ABI: the shared
///         StandardBridge's ETH and ERC-20 entry points, the legacy `withdraw`/`withdrawTo` for
///         both, and the legacy events. L1 tokens are represented on L2 by
///         OptimismMintableERC20s (made by the factory at 0x4200…0012): a deposit mints, a
///         withdrawal burns. Ore's L1 bridge handles L1-native tokens only, so unlike Bedrock this
///         bridge refuses tokens that are not OptimismMintableERC20 (an L2-native token could
///         never be released on L1).
/// @dev Storage (set at genesis by the engine): slot 0 holds the L1StandardBridge address.
///      Spec: https://specs.optimism.io/protocol/bridges.html
contract L2StandardBridge is StandardBridge {
    /// @notice The L2CrossDomainMessenger predeploy.
    ICrossDomainMessenger public constant MESSENGER =
        ICrossDomainMessenger(0x4200000000000000000000000000000000000007);
    /// @notice Legacy address standing for ETH in `withdraw`.
    address internal constant LEGACY_ERC20_ETH = 0xDeadDeAddeAddEAddeadDEaDDEAdDeaDDeAD0000;

    /// @notice The L1StandardBridge (slot 0, set at genesis).
    address internal otherBridgeAddress;

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
        return "1.12.0-ore";
    }

    /// @notice The L2CrossDomainMessenger (legacy getter).
    function messenger() external pure returns (ICrossDomainMessenger) {
        return MESSENGER;
    }

    /// @notice Legacy: withdraws ETH (`_l2Token` = the legacy ETH address) or an
    ///         OptimismMintableERC20 to the sender on L1.
    function withdraw(address _l2Token, uint256 _amount, uint32 _minGasLimit, bytes calldata _extraData)
        external
        payable
        onlyEOA
    {
        _legacyWithdraw(_l2Token, msg.sender, _amount, _minGasLimit, _extraData);
    }

    /// @notice Legacy: withdraws ETH or an OptimismMintableERC20 to `_to` on L1.
    function withdrawTo(address _l2Token, address _to, uint256 _amount, uint32 _minGasLimit, bytes calldata _extraData)
        external
        payable
    {
        _legacyWithdraw(_l2Token, _to, _amount, _minGasLimit, _extraData);
    }

    function _legacyWithdraw(address _l2Token, address _to, uint256 _amount, uint32 _minGasLimit, bytes calldata _extraData)
        internal
    {
        if (_l2Token == LEGACY_ERC20_ETH) {
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

    /// @notice Burns `_amount` of `_localToken` (an OptimismMintableERC20 for `_remoteToken`) from `_from`.
    function _debitERC20(address _localToken, address _remoteToken, address _from, uint256 _amount)
        internal
        override
    {
        _checkMintable(_localToken, _remoteToken);
        IOptimismMintableERC20(_localToken).burn(_from, _amount);
    }

    /// @notice Mints `_amount` of `_localToken` (an OptimismMintableERC20 for `_remoteToken`) to `_to`.
    function _creditERC20(address _localToken, address _remoteToken, address _to, uint256 _amount)
        internal
        override
    {
        _checkMintable(_localToken, _remoteToken);
        IOptimismMintableERC20(_localToken).mint(_to, _amount);
    }

    function _localMessenger() internal pure override returns (ICrossDomainMessenger) {
        return MESSENGER;
    }

    function _remoteBridge() internal view override returns (address) {
        return otherBridgeAddress;
    }

    function _emitETHBridgeInitiated(address _from, address _to, uint256 _amount, bytes memory _extraData)
        internal
        override
    {
        emit WithdrawalInitiated(address(0), LEGACY_ERC20_ETH, _from, _to, _amount, _extraData);
        super._emitETHBridgeInitiated(_from, _to, _amount, _extraData);
    }

    function _emitETHBridgeFinalized(address _from, address _to, uint256 _amount, bytes memory _extraData)
        internal
        override
    {
        emit DepositFinalized(address(0), LEGACY_ERC20_ETH, _from, _to, _amount, _extraData);
        super._emitETHBridgeFinalized(_from, _to, _amount, _extraData);
    }

    function _emitERC20BridgeInitiated(
        address _localToken,
        address _remoteToken,
        address _from,
        address _to,
        uint256 _amount,
        bytes memory _extraData
    )
        internal
        override
    {
        emit WithdrawalInitiated(_remoteToken, _localToken, _from, _to, _amount, _extraData);
        super._emitERC20BridgeInitiated(_localToken, _remoteToken, _from, _to, _amount, _extraData);
    }

    function _emitERC20BridgeFinalized(
        address _localToken,
        address _remoteToken,
        address _from,
        address _to,
        uint256 _amount,
        bytes memory _extraData
    )
        internal
        override
    {
        emit DepositFinalized(_remoteToken, _localToken, _from, _to, _amount, _extraData);
        super._emitERC20BridgeFinalized(_localToken, _remoteToken, _from, _to, _amount, _extraData);
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
}
