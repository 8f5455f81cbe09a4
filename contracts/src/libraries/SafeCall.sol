// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SafeCall
/// @notice Low-level calls that copy no return data (a hostile callee cannot make the caller
///         pay for a huge return buffer) and, where it matters, guarantee the callee a minimum
///         amount of gas so that a relayer cannot make a call fail by starving it.
library SafeCall {
    /// @notice Calls `_target` with `_gas` gas and `_value` wei; returns whether it succeeded.
    function call(address _target, uint256 _gas, uint256 _value, bytes memory _data) internal returns (bool ok_) {
        assembly {
            ok_ := call(_gas, _target, _value, add(_data, 32), mload(_data), 0, 0)
        }
    }

    /// @notice True when this frame can forward at least `_minGas` to a call after the EIP-150
    ///         63/64 rule, keeping `_reservedGas` back, plus 40,000 for the CALL itself
    ///         (cold access + value transfer + new account, with margin):
    ///         gasleft × 63 ≥ minGas × 64 + 63 × (40,000 + reservedGas).
    function hasMinGas(uint256 _minGas, uint256 _reservedGas) internal view returns (bool ok_) {
        assembly {
            ok_ := iszero(lt(mul(gas(), 63), add(mul(_minGas, 64), mul(add(40000, _reservedGas), 63))))
        }
    }

    /// @notice Calls `_target` forwarding all remaining gas, after checking that at least
    ///         `_minGas` reaches it; reverts the whole transaction otherwise, so a caller who
    ///         under-supplies gas cannot turn the call into a recorded failure.
    function callWithMinGas(address _target, uint256 _minGas, uint256 _value, bytes memory _data)
        internal
        returns (bool)
    {
        require(hasMinGas(_minGas, 1000), "SafeCall: Not enough gas");
        return call(_target, gasleft(), _value, _data);
    }
}
