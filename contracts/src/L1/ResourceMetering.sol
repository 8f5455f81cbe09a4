// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ResourceMetering
/// @notice An EIP-1559-style market for the L2 gas that deposits buy on L1, as in Bedrock
///         (specs/protocol/deposits.md#deposit-gas-market): at most MAX_RESOURCE_LIMIT L2 gas
///         per L1 block, priced by a base fee that rises when blocks buy more than the target
///         and decays otherwise. The price is paid by burning L1 gas, so flooding the
///         deposit path (Ore's forced-inclusion route) costs real L1 fees.
abstract contract ResourceMetering {
    /// @notice Market state, as Bedrock's `params()` reports it.
    /// @custom:field prevBaseFee   Base fee (wei per L2 gas) in force in `prevBlockNum`.
    /// @custom:field prevBoughtGas L2 gas bought so far in `prevBlockNum`.
    /// @custom:field prevBlockNum  Last L1 block in which gas was bought.
    struct ResourceParams {
        uint128 prevBaseFee;
        uint64 prevBoughtGas;
        uint64 prevBlockNum;
    }

    /// @notice L2 gas deposits may buy per L1 block.
    uint64 public constant MAX_RESOURCE_LIMIT = 20_000_000;

    /// @notice Target is MAX_RESOURCE_LIMIT / ELASTICITY_MULTIPLIER.
    uint64 public constant ELASTICITY_MULTIPLIER = 10;

    /// @notice Largest per-block base fee change is 1 / BASE_FEE_MAX_CHANGE_DENOMINATOR.
    uint64 public constant BASE_FEE_MAX_CHANGE_DENOMINATOR = 8;

    /// @notice Floor of the base fee.
    uint128 public constant MINIMUM_BASE_FEE = 1 gwei;

    /// @notice Rounds of the fee decay (see `_decay`).
    uint256 internal constant DECAY_BITS = 10;

    /// @notice Gas a metered call must hold beyond its burn when the burn starts. The burn loop
    ///         overshoots by up to one iteration, by an amount that depends on the gas used
    ///         before it, which differs between a wallet's estimate and the block the deposit
    ///         lands in (viem estimates exactly, with no headroom). The margin enters every
    ///         estimate and is not spent.
    uint256 internal constant BURN_MARGIN = 1_000;

    /// @notice Current market state.
    ResourceParams public params;

    constructor() {
        params = ResourceParams({ prevBaseFee: MINIMUM_BASE_FEE, prevBoughtGas: 0, prevBlockNum: uint64(block.number) });
    }

    /// @notice Buys `_amount` L2 gas for the wrapped function, burning L1 gas for its price.
    modifier metered(uint64 _amount) {
        uint256 initialGas = gasleft();
        _;
        _metered(_amount, initialGas);
    }

    function _metered(uint64 _amount, uint256 _initialGas) internal {
        ResourceParams memory p = params;
        uint256 blockDiff = block.number - p.prevBlockNum;
        if (blockDiff > 0) {
            int256 target = int256(uint256(MAX_RESOURCE_LIMIT / ELASTICITY_MULTIPLIER));
            int256 prevFee = int256(uint256(p.prevBaseFee));
            int256 used = int256(uint256(p.prevBoughtGas));
            int256 fee = prevFee + (prevFee * (used - target)) / target / int256(uint256(BASE_FEE_MAX_CHANGE_DENOMINATOR));
            uint256 next = fee < int256(uint256(MINIMUM_BASE_FEE)) ? MINIMUM_BASE_FEE : uint256(fee);
            // Blocks in between bought nothing: each lowers the fee by 1/denominator.
            next = _decay(next, blockDiff - 1);
            if (next < MINIMUM_BASE_FEE) next = MINIMUM_BASE_FEE;
            if (next > type(uint128).max) next = type(uint128).max;
            p.prevBaseFee = uint128(next);
            p.prevBoughtGas = 0;
            p.prevBlockNum = uint64(block.number);
        }
        require(
            uint256(p.prevBoughtGas) + _amount <= MAX_RESOURCE_LIMIT,
            "ResourceMetering: cannot buy more gas than available gas limit"
        );
        p.prevBoughtGas += _amount;
        params = p;

        uint256 cost = uint256(_amount) * p.prevBaseFee;
        uint256 l1BaseFee = block.basefee > 1 gwei ? block.basefee : 1 gwei;
        uint256 gasToCharge = cost / l1BaseFee;
        uint256 used_ = _initialGas - gasleft();
        if (gasToCharge > used_) {
            uint256 burn = gasToCharge - used_;
            // used_ + burn is fixed, so this holds or fails alike for every gas use before it:
            // a gas estimate made in one block stays enough in the block the deposit lands in.
            require(gasleft() >= burn + BURN_MARGIN, "ResourceMetering: gas limit too low for the burn");
            _burnGas(burn);
        }
    }

    /// @notice `_fee` × (1 − 1/denominator)^`_blocks`, by squaring in 18-decimal fixed point.
    ///         Runs DECAY_BITS rounds whatever `_blocks` is, without branching on its bits, so its
    ///         gas does not depend on how many blocks passed (see BURN_MARGIN). `_blocks` is
    ///         capped at 2^DECAY_BITS − 1: (7/8)^1023 takes any fee below the floor.
    function _decay(uint256 _fee, uint256 _blocks) private pure returns (uint256) {
        uint256 d = BASE_FEE_MAX_CHANGE_DENOMINATOR;
        uint256 factor = (1e18 * (d - 1)) / d;
        uint256 r = 1e18;
        uint256 n = _blocks < (1 << DECAY_BITS) ? _blocks : (1 << DECAY_BITS) - 1;
        // r, factor ≤ 1e18, so no product exceeds 1e36.
        unchecked {
            for (uint256 i = 0; i < DECAY_BITS; ++i) {
                // Multiplies by `factor` when bit i of n is set, by 1 otherwise.
                uint256 bit = (n >> i) & 1;
                r = (r * (1e18 - bit * (1e18 - factor))) / 1e18;
                factor = (factor * factor) / 1e18;
            }
        }
        return (_fee * r) / 1e18;
    }

    /// @notice Consumes at least `_amount` gas.
    function _burnGas(uint256 _amount) private view {
        uint256 start = gasleft();
        uint256 i = 0;
        while (start - gasleft() < _amount) {
            unchecked {
                ++i;
            }
        }
    }
}
