// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TestTarget
/// @notice Scriptable call target for tests: when called (any calldata, with or without ETH)
///         it optionally makes one configured call of its own (e.g. re-entering the portal or
///         reading the messenger's xDomainMessageSender), records its outcome, and then
///         reverts or not as configured. `exec` lets a test act through a contract (aliasing,
///         onlyEOA checks).
contract TestTarget {
    bool public shouldRevert;
    address public innerTarget;
    bytes public innerData;
    bool public revertIfInnerFails;

    uint256 public calls;
    uint256 public received;
    bool public lastInnerOk;
    bytes public lastInnerReturn;

    /// @notice Sets the behaviour of the next calls.
    function configure(bool _shouldRevert, address _innerTarget, bytes calldata _innerData, bool _revertIfInnerFails)
        external
    {
        shouldRevert = _shouldRevert;
        innerTarget = _innerTarget;
        innerData = _innerData;
        revertIfInnerFails = _revertIfInnerFails;
    }

    /// @notice Calls `_to` with `_value` and `_data` from this contract; bubbles up a revert.
    function exec(address _to, uint256 _value, bytes calldata _data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = _to.call{ value: _value }(_data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    fallback() external payable {
        _hit();
    }

    receive() external payable {
        _hit();
    }

    function _hit() internal {
        calls++;
        received += msg.value;
        if (innerTarget != address(0)) {
            (bool ok, bytes memory ret) = innerTarget.call(innerData);
            lastInnerOk = ok;
            lastInnerReturn = ret;
            require(ok || !revertIfInnerFails, "TestTarget: inner call failed");
        }
        require(!shouldRevert, "TestTarget: configured to revert");
    }
}
