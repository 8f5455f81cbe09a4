// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Constants
/// @notice Addresses and values shared by Ore's contracts.
library Constants {
    /// @notice Placeholder for "no cross-domain sender right now"; a non-zero value keeps the
    ///         storage slot warm and non-zero between withdrawals, as in Bedrock.
    address internal constant DEFAULT_L2_SENDER = 0x000000000000000000000000000000000000dEaD;

    /// @notice `tx.origin` that op-node and viem use for gas estimation; failed calls made on its
    ///         behalf revert so that estimation finds the gas that makes them succeed.
    address internal constant ESTIMATION_ADDRESS = address(1);

    /// @notice L2ToL1MessagePasser predeploy, whose storage the withdrawal proofs open.
    address internal constant L2_TO_L1_MESSAGE_PASSER = 0x4200000000000000000000000000000000000016;

    /// @notice L2CrossDomainMessenger predeploy: the L1 messenger's counterpart.
    address internal constant L2_CROSS_DOMAIN_MESSENGER = 0x4200000000000000000000000000000000000007;

    /// @notice L2StandardBridge predeploy: the L1 bridge's counterpart.
    address internal constant L2_STANDARD_BRIDGE = 0x4200000000000000000000000000000000000010;
}
