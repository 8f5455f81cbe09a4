// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { IERC20, SafeERC20 } from "../libraries/SafeERC20.sol";
import { SafeCall } from "../libraries/SafeCall.sol";
import { L1CrossDomainMessenger } from "./L1CrossDomainMessenger.sol";

/// @title L1StandardBridge
/// @notice Moves ETH and L1-native ERC-20 tokens to L2 and back, ABI-compatible with Bedrock's
///         L1StandardBridge (legacy `deposit*`/`finalize*Withdrawal` names and the generic
///         `bridge*`/`finalizeBridge*` ones). Deposited tokens are escrowed here and tracked
///         per (L1 token, L2 token) pair; a withdrawal can only release what was deposited for
///         its pair. Messages to and from the L2StandardBridge go through the messengers, so a
///         finalization that fails (e.g. a recipient that rejects ETH) stays replayable there.
contract L1StandardBridge {
    using SafeERC20 for IERC20;

    /// @notice L2 gas for deposits made by sending ETH straight to the bridge.
    uint32 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 200_000;

    /// @notice The L1CrossDomainMessenger.
    L1CrossDomainMessenger public immutable MESSENGER;

    /// @notice The L2StandardBridge (0x4200…0010 on Ore's L2).
    address public immutable OTHER_BRIDGE;

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
    /// @notice Generic event for an ETH bridge transfer leaving L1.
    event ETHBridgeInitiated(address indexed from, address indexed to, uint256 amount, bytes extraData);
    /// @notice Generic event for an ETH bridge transfer arriving on L1.
    event ETHBridgeFinalized(address indexed from, address indexed to, uint256 amount, bytes extraData);
    /// @notice Generic event for an ERC-20 bridge transfer leaving L1.
    event ERC20BridgeInitiated(
        address indexed localToken,
        address indexed remoteToken,
        address indexed from,
        address to,
        uint256 amount,
        bytes extraData
    );
    /// @notice Generic event for an ERC-20 bridge transfer arriving on L1.
    event ERC20BridgeFinalized(
        address indexed localToken,
        address indexed remoteToken,
        address indexed from,
        address to,
        uint256 amount,
        bytes extraData
    );

    /// @param _messenger   The L1CrossDomainMessenger.
    /// @param _otherBridge The L2StandardBridge.
    constructor(L1CrossDomainMessenger _messenger, address _otherBridge) {
        MESSENGER = _messenger;
        OTHER_BRIDGE = _otherBridge;
    }

    /// @notice Only externally owned accounts, whose address is theirs on L2 too.
    modifier onlyEOA() {
        require(msg.sender == tx.origin, "StandardBridge: function can only be called from an EOA");
        _;
    }

    /// @notice Only the L2StandardBridge, speaking through the messenger.
    modifier onlyOtherBridge() {
        require(
            msg.sender == address(MESSENGER) && MESSENGER.xDomainMessageSender() == OTHER_BRIDGE,
            "StandardBridge: function can only be called from the other bridge"
        );
        _;
    }

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    /// @notice Bedrock's lower-case getter for MESSENGER.
    function messenger() external view returns (L1CrossDomainMessenger) {
        return MESSENGER;
    }

    /// @notice Bedrock's lower-case getter for OTHER_BRIDGE.
    function otherBridge() external view returns (address) {
        return OTHER_BRIDGE;
    }

    /// @notice Legacy name of OTHER_BRIDGE.
    function l2TokenBridge() external view returns (address) {
        return OTHER_BRIDGE;
    }

    /// @notice ETH sent straight to the bridge is deposited to the sender on L2.
    receive() external payable onlyEOA {
        _initiateETHDeposit(msg.sender, msg.sender, RECEIVE_DEFAULT_GAS_LIMIT, bytes(""));
    }

    /// @notice Deposits `msg.value` to the caller's address on L2.
    function depositETH(uint32 _minGasLimit, bytes calldata _extraData) external payable onlyEOA {
        _initiateETHDeposit(msg.sender, msg.sender, _minGasLimit, _extraData);
    }

    /// @notice Deposits `msg.value` to `_to` on L2.
    function depositETHTo(address _to, uint32 _minGasLimit, bytes calldata _extraData) external payable {
        _initiateETHDeposit(msg.sender, _to, _minGasLimit, _extraData);
    }

    /// @notice Generic name of depositETH.
    function bridgeETH(uint32 _minGasLimit, bytes calldata _extraData) external payable onlyEOA {
        _initiateETHDeposit(msg.sender, msg.sender, _minGasLimit, _extraData);
    }

    /// @notice Generic name of depositETHTo.
    function bridgeETHTo(address _to, uint32 _minGasLimit, bytes calldata _extraData) external payable {
        _initiateETHDeposit(msg.sender, _to, _minGasLimit, _extraData);
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
        _initiateERC20Deposit(_l1Token, _l2Token, msg.sender, msg.sender, _amount, _minGasLimit, _extraData);
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
        _initiateERC20Deposit(_l1Token, _l2Token, msg.sender, _to, _amount, _minGasLimit, _extraData);
    }

    /// @notice Generic name of depositERC20.
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
        _initiateERC20Deposit(_localToken, _remoteToken, msg.sender, msg.sender, _amount, _minGasLimit, _extraData);
    }

    /// @notice Generic name of depositERC20To.
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
        _initiateERC20Deposit(_localToken, _remoteToken, msg.sender, _to, _amount, _minGasLimit, _extraData);
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

    /// @notice Completes an ETH withdrawal sent by the L2 bridge: pays `_amount` (which must
    ///         arrive with the call) to `_to`. Reverts if `_to` rejects it, leaving the message
    ///         failed and replayable in the messenger.
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
        require(_to != address(MESSENGER), "StandardBridge: cannot send to messenger");
        emit ETHWithdrawalFinalized(_from, _to, _amount, _extraData);
        emit ETHBridgeFinalized(_from, _to, _amount, _extraData);
        require(SafeCall.call(_to, gasleft(), _amount, hex""), "StandardBridge: ETH transfer failed");
    }

    /// @notice Completes an ERC-20 withdrawal sent by the L2 bridge: releases `_amount` of the
    ///         escrowed `_localToken` (deposited against `_remoteToken`) to `_to`.
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
        // Checked arithmetic: a pair can never release more than was deposited for it.
        deposits[_localToken][_remoteToken] -= _amount;
        IERC20(_localToken).safeTransfer(_to, _amount);
        emit ERC20WithdrawalFinalized(_localToken, _remoteToken, _from, _to, _amount, _extraData);
        emit ERC20BridgeFinalized(_localToken, _remoteToken, _from, _to, _amount, _extraData);
    }

    function _initiateETHDeposit(address _from, address _to, uint32 _minGasLimit, bytes memory _extraData) internal {
        emit ETHDepositInitiated(_from, _to, msg.value, _extraData);
        emit ETHBridgeInitiated(_from, _to, msg.value, _extraData);
        MESSENGER.sendMessage{ value: msg.value }(
            OTHER_BRIDGE,
            abi.encodeWithSelector(this.finalizeBridgeETH.selector, _from, _to, msg.value, _extraData),
            _minGasLimit
        );
    }

    function _initiateERC20Deposit(
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

        emit ERC20DepositInitiated(_localToken, _remoteToken, _from, _to, _amount, _extraData);
        emit ERC20BridgeInitiated(_localToken, _remoteToken, _from, _to, _amount, _extraData);
        // On L2 the message finalizes with the tokens swapped: L2 token local, L1 token remote.
        MESSENGER.sendMessage(
            OTHER_BRIDGE,
            abi.encodeWithSelector(
                this.finalizeBridgeERC20.selector, _remoteToken, _localToken, _from, _to, _amount, _extraData
            ),
            _minGasLimit
        );
    }
}
