// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Calls the point-evaluation precompile (0x0a, EIP-4844) and keeps and logs what it returned
/// (node/prove/pointEvaluation.test.ts).
contract PointEval {
    address constant PRECOMPILE = address(0x0a);

    bool public lastOk;
    uint256 public lastSize;
    bytes32 public first;
    bytes32 public second;

    event Evaluated(bool ok, bytes output);

    /// Calls 0x0a with `input` and at most `gasLimit` gas: `how` 0 CALL, 1 STATICCALL, 2 DELEGATECALL.
    function evaluate(bytes calldata input, uint256 gasLimit, uint8 how) external returns (bool ok) {
        bytes memory out;
        if (how == 0) (ok, out) = PRECOMPILE.call{gas: gasLimit}(input);
        else if (how == 1) (ok, out) = PRECOMPILE.staticcall{gas: gasLimit}(input);
        else (ok, out) = PRECOMPILE.delegatecall{gas: gasLimit}(input);
        record(ok, out);
    }

    /// A view calling 0x0a; `nested` calls it through STATICCALL (a static frame two deep).
    function peek(bytes calldata input) external view returns (bool ok, bytes memory out) {
        (ok, out) = PRECOMPILE.staticcall(input);
    }

    function nested(bytes calldata input) external returns (bool ok) {
        bytes memory out;
        (ok, out) = this.peek(input);
        record(ok, out);
    }

    function record(bool ok, bytes memory out) internal {
        lastOk = ok;
        lastSize = out.length;
        if (out.length == 64) (first, second) = abi.decode(out, (bytes32, bytes32));
        else (first, second) = (bytes32(0), bytes32(0));
        emit Evaluated(ok, out);
    }
}
