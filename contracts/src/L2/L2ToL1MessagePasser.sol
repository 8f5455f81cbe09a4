// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { Hashing } from "../libraries/Hashing.sol";
import { Types } from "../libraries/Types.sol";

/// @title L2ToL1MessagePasser (predeploy 0x4200000000000000000000000000000000000016)
/// @notice Records withdrawals: each `initiateWithdrawal` stores the withdrawal hash in
///         `sentMessages` (slot 0), which an output root commits to through this contract's
///         storage root, and which the L1 portal proves against.
/// @dev Spec: https://specs.optimism.io/protocol/withdrawals.html#the-l2tol1messagepasser-contract
contract L2ToL1MessagePasser {
    /// @notice Gas limit of a withdrawal started by a plain ETH transfer to this contract.
    uint64 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 100_000;

    /// @notice Version encoded in the top two bytes of `messageNonce()`.
    uint16 public constant MESSAGE_VERSION = 1;

    /// @notice Withdrawal hash → sent (slot 0).
    mapping(bytes32 => bool) public sentMessages;

    /// @notice Number of withdrawals initiated so far (slot 1).
    uint240 internal msgNonce;

    /// @notice Emitted for every withdrawal, with everything the L1 side needs to prove it.
    event MessagePassed(
        uint256 indexed nonce,
        address indexed sender,
        address indexed target,
        uint256 value,
        uint256 gasLimit,
        bytes data,
        bytes32 withdrawalHash
    );

    /// @notice Emitted when the contract's ETH is burnt.
    event WithdrawerBalanceBurnt(uint256 indexed amount);

    /// @notice A plain transfer withdraws the value to the same address on L1.
    receive() external payable {
        initiateWithdrawal(msg.sender, RECEIVE_DEFAULT_GAS_LIMIT, bytes(""));
    }

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "1.1.0-ore";
    }

    /// @notice Removes the withdrawn ETH from the L2 supply.
    function burn() external {
        uint256 balance = address(this).balance;
        new Burner{ value: balance }();
        emit WithdrawerBalanceBurnt(balance);
    }

    /// @notice Starts a withdrawal of `msg.value` and a call of `_target` with `_data` on L1.
    function initiateWithdrawal(address _target, uint256 _gasLimit, bytes memory _data) public payable {
        uint256 nonce = messageNonce();
        bytes32 withdrawalHash = Hashing.hashWithdrawal(
            Types.WithdrawalTransaction({
                nonce: nonce,
                sender: msg.sender,
                target: _target,
                value: msg.value,
                gasLimit: _gasLimit,
                data: _data
            })
        );
        sentMessages[withdrawalHash] = true;
        emit MessagePassed(nonce, msg.sender, _target, msg.value, _gasLimit, _data, withdrawalHash);
        unchecked {
            ++msgNonce;
        }
    }

    /// @notice The next withdrawal's nonce, with `MESSAGE_VERSION` in its top two bytes.
    function messageNonce() public view returns (uint256) {
        return (uint256(MESSAGE_VERSION) << 240) | uint256(msgNonce);
    }
}

/// @notice Takes ETH and destroys itself in its constructor, removing the ETH from circulation.
contract Burner {
    constructor() payable {
        selfdestruct(payable(address(this)));
    }
}
