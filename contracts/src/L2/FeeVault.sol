// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The bridge entry the vault withdraws through.
interface IL2StandardBridge {
    function bridgeETHTo(address _to, uint32 _minGasLimit, bytes calldata _extraData) external payable;
}

/// @title FeeVault
/// @notice Accumulates one kind of L2 fee and withdraws it to an L1 recipient through the
///         L2StandardBridge. Deployed three times: SequencerFeeVault (…0011, priority fees,
///         the block's coinbase), BaseFeeVault (…0019) and L1FeeVault (…001A).
/// @dev Storage (set at genesis by the engine): slot 0 recipient, slot 1 minimum withdrawal
///      amount, slot 2 total processed. Spec: https://specs.optimism.io/protocol/predeploys.html
contract FeeVault {
    /// @notice Gas the L1 finalization of a withdrawal gets.
    uint32 public constant WITHDRAWAL_MIN_GAS = 400_000;
    IL2StandardBridge internal constant BRIDGE = IL2StandardBridge(payable(0x4200000000000000000000000000000000000010));

    /// @notice L1 address the fees go to (slot 0).
    address public recipient;
    /// @notice Balance below which `withdraw` reverts (slot 1).
    uint256 public minWithdrawalAmount;
    /// @notice Wei withdrawn so far (slot 2).
    uint256 public totalProcessed;

    /// @notice Emitted on every withdrawal.
    event Withdrawal(uint256 value, address to, address from);

    /// @notice Accepts fees and plain transfers.
    receive() external payable {}

    /// @notice L1 address the fees go to (OP's getter name).
    function RECIPIENT() external view returns (address) {
        return recipient;
    }

    /// @notice Minimum withdrawal (OP's getter name).
    function MIN_WITHDRAWAL_AMOUNT() external view returns (uint256) {
        return minWithdrawalAmount;
    }

    /// @notice Sends the whole balance to `recipient` on L1.
    function withdraw() external {
        uint256 value = address(this).balance;
        require(value >= minWithdrawalAmount, "FeeVault: withdrawal amount must be greater than minimum withdrawal amount");
        require(recipient != address(0), "FeeVault: no recipient set");
        totalProcessed += value;
        emit Withdrawal(value, recipient, msg.sender);
        BRIDGE.bridgeETHTo{ value: value }(recipient, WITHDRAWAL_MIN_GAS, bytes(""));
    }
}
