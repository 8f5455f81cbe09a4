// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Ownable
/// @notice Single-owner access control with the OpenZeppelin-compatible event and getters
///         (`owner()`, `transferOwnership`, `OwnershipTransferred`), so existing tooling reads it.
abstract contract Ownable {
    /// @notice Current owner.
    address public owner;

    /// @notice Emitted when ownership moves, including at construction (from address(0)).
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    constructor(address _owner) {
        require(_owner != address(0), "Ownable: owner is the zero address");
        owner = _owner;
        emit OwnershipTransferred(address(0), _owner);
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "Ownable: caller is not the owner");
        _;
    }

    /// @notice Hands the contract to `_newOwner`.
    function transferOwnership(address _newOwner) external onlyOwner {
        require(_newOwner != address(0), "Ownable: new owner is the zero address");
        emit OwnershipTransferred(owner, _newOwner);
        owner = _newOwner;
    }
}
