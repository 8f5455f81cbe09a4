// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title AddressAliasHelper
/// @notice L1 contracts act on L2 under an alias (address + 0x1111…1111, modulo 2^160) so that
///         an L1 contract can never pose as the L2 account with the same address
///         (specs/protocol/deposits.md#address-aliasing).
library AddressAliasHelper {
    uint160 internal constant OFFSET = uint160(0x1111000000000000000000000000000000001111);

    /// @notice The L2 alias of the L1 contract `_l1Address`.
    function applyL1ToL2Alias(address _l1Address) internal pure returns (address) {
        unchecked {
            return address(uint160(_l1Address) + OFFSET);
        }
    }

    /// @notice The L1 address whose alias is `_l2Address`.
    function undoL1ToL2Alias(address _l2Address) internal pure returns (address) {
        unchecked {
            return address(uint160(_l2Address) - OFFSET);
        }
    }
}
