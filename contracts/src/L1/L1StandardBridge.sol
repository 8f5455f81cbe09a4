// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { IERC20, SafeERC20 } from "../libraries/SafeERC20.sol";
import { ICrossDomainMessenger, StandardBridge } from "../universal/StandardBridge.sol";
import { L1CrossDomainMessenger } from "./L1CrossDomainMessenger.sol";

/// @title L1StandardBridge
/// @notice Moves ETH and L1-native ERC-20 tokens to L2 and back, ABI-compatible with Bedrock's
///         L1StandardBridge (legacy `deposit*`/`finalize*Withdrawal` names and the generic
///         `bridge*`/`finalizeBridge*` ones of the shared StandardBridge). Deposited tokens are
///         escrowed here and tracked per (L1 token, L2 token) pair; a withdrawal can only release
///         what was deposited for its pair.
contract L1StandardBridge is StandardBridge {
    using SafeERC20 for IERC20;

    /// @notice The L1CrossDomainMessenger.
    L1CrossDomainMessenger public immutable MESSENGER;

    /// @dev The L2StandardBridge.
    address private immutable otherBridgeAddress;

    /// @notice Escrowed amount per L1 token and L2 token.
    mapping(address => mapping(address => uint256)) public deposits;

    /// @notice Legacy event for an ETH deposit.
    event ETHDepositInitiated(address indexed from, address indexed to, uint256 amount, bytes extraData);
    /// @notice Legacy event for a finalized ETH withdrawal.
    event ETHWithdrawalFinalized(address indexed from, address indexed to, uint256 amount, bytes extraData);
    /// @notice Legacy event for an ERC-20 deposit.
    event ERC20DepositInitiated(
        address indexed l1Token, address indexed l2Token, address indexed from, address to, uint256 amount, bytes extraData
    );
    /// @notice Legacy event for a finalized ERC-20 withdrawal.
    event ERC20WithdrawalFinalized(
        address indexed l1Token, address indexed l2Token, address indexed from, address to, uint256 amount, bytes extraData
    );

    /// @param _messenger   The L1CrossDomainMessenger.
    /// @param _otherBridge The L2StandardBridge.
    constructor(L1CrossDomainMessenger _messenger, address _otherBridge) {
        MESSENGER = _messenger;
        otherBridgeAddress = _otherBridge;
    }

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    /// @notice Bedrock's lower-case getter for MESSENGER.
    function messenger() external view returns (L1CrossDomainMessenger) {
        return MESSENGER;
    }

    /// @notice Legacy name of OTHER_BRIDGE.
    function l2TokenBridge() external view returns (address) {
        return otherBridgeAddress;
    }

    /// @notice Deposits `msg.value` to the caller's address on L2.
    function depositETH(uint32 _minGasLimit, bytes calldata _extraData) external payable onlyEOA {
        _initiateBridgeETH(msg.sender, msg.sender, msg.value, _minGasLimit, _extraData);
    }

    /// @notice Deposits `msg.value` to `_to` on L2.
    function depositETHTo(address _to, uint32 _minGasLimit, bytes calldata _extraData) external payable {
        _initiateBridgeETH(msg.sender, _to, msg.value, _minGasLimit, _extraData);
    }

    /// @notice Deposits `_amount` of `_l1Token` (approved beforehand) to the caller on L2 as `_l2Token`.
    function depositERC20(
        address _l1Token,
        address _l2Token,
        uint256 _amount,
        uint32 _minGasLimit,
        bytes calldata _extraData
    )
        external
        onlyEOA
    {
        _initiateBridgeERC20(_l1Token, _l2Token, msg.sender, msg.sender, _amount, _minGasLimit, _extraData);
    }

    /// @notice Deposits `_amount` of `_l1Token` (approved beforehand) to `_to` on L2 as `_l2Token`.
    function depositERC20To(
        address _l1Token,
        address _l2Token,
        address _to,
        uint256 _amount,
        uint32 _minGasLimit,
        bytes calldata _extraData
    )
        external
    {
        _initiateBridgeERC20(_l1Token, _l2Token, msg.sender, _to, _amount, _minGasLimit, _extraData);
    }

    /// @notice Legacy name of finalizeBridgeETH.
    function finalizeETHWithdrawal(
        address _from,
        address _to,
        uint256 _amount,
        bytes calldata _extraData
    )
        external
        payable
    {
        finalizeBridgeETH(_from, _to, _amount, _extraData);
    }

    /// @notice Legacy name of finalizeBridgeERC20 (argument order: L1 token first).
    function finalizeERC20Withdrawal(
        address _l1Token,
        address _l2Token,
        address _from,
        address _to,
        uint256 _amount,
        bytes calldata _extraData
    )
        external
    {
        finalizeBridgeERC20(_l1Token, _l2Token, _from, _to, _amount, _extraData);
    }

    /// @notice Escrows `_amount` of `_localToken` from `_from` against `_remoteToken`.
    function _debitERC20(address _localToken, address _remoteToken, address _from, uint256 _amount)
        internal
        override
    {
        require(_localToken.code.length > 0, "StandardBridge: token has no code");
        // Credit what actually arrived: a fee-on-transfer token would otherwise let the
        // escrow record more than it holds and strand the last withdrawals.
        uint256 before = IERC20(_localToken).balanceOf(address(this));
        IERC20(_localToken).safeTransferFrom(_from, address(this), _amount);
        require(
            IERC20(_localToken).balanceOf(address(this)) - before == _amount,
            "StandardBridge: fee-on-transfer tokens are not supported"
        );
        deposits[_localToken][_remoteToken] += _amount;
    }

    /// @notice Releases `_amount` of the escrowed `_localToken` (deposited against
    ///         `_remoteToken`) to `_to`.
    function _creditERC20(address _localToken, address _remoteToken, address _to, uint256 _amount)
        internal
        override
    {
        // Checked arithmetic: a pair can never release more than was deposited for it.
        deposits[_localToken][_remoteToken] -= _amount;
        IERC20(_localToken).safeTransfer(_to, _amount);
    }

    function _localMessenger() internal view override returns (ICrossDomainMessenger) {
        return ICrossDomainMessenger(address(MESSENGER));
    }

    function _remoteBridge() internal view override returns (address) {
        return otherBridgeAddress;
    }

    function _emitETHBridgeInitiated(address _from, address _to, uint256 _amount, bytes memory _extraData)
        internal
        override
    {
        emit ETHDepositInitiated(_from, _to, _amount, _extraData);
        super._emitETHBridgeInitiated(_from, _to, _amount, _extraData);
    }

    function _emitETHBridgeFinalized(address _from, address _to, uint256 _amount, bytes memory _extraData)
        internal
        override
    {
        emit ETHWithdrawalFinalized(_from, _to, _amount, _extraData);
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
        emit ERC20DepositInitiated(_localToken, _remoteToken, _from, _to, _amount, _extraData);
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
        emit ERC20WithdrawalFinalized(_localToken, _remoteToken, _from, _to, _amount, _extraData);
        super._emitERC20BridgeFinalized(_localToken, _remoteToken, _from, _to, _amount, _extraData);
    }
}
