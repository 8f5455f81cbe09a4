// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { StepWitness } from "../fault/StepWitness.sol";

/// @title StepWitnessHarness
/// @notice Exposes the {StepWitness} library to tests and the gas benchmark: each function
///         decodes the witness it is given and answers from the decoded tree. Test support only.
contract StepWitnessHarness {
    using StepWitness for StepWitness.Witness;

    /// @notice The root of witness `w`'s tree.
    function root(bytes calldata w) external view returns (bytes32) {
        return StepWitness.decode(w).root();
    }

    /// @notice The root of `w` followed by zero bytes up to `length` bytes in all: a witness too
    ///         large for an RPC request body, built on chain.
    function rootPadded(bytes calldata w, uint256 length) external view returns (bytes32) {
        bytes memory m = new bytes(length);
        for (uint256 i = 0; i < w.length; i++) {
            m[i] = w[i];
        }
        return StepWitness.decode(m).root();
    }

    /// @notice Decodes `w` and requires its root to be `preRoot` (what a verifier does first);
    ///         returns the number of preimages. Sent as a transaction by the gas benchmark.
    function load(bytes calldata w, bytes32 preRoot) external view returns (uint256) {
        return StepWitness.load(w, preRoot).preimages.length;
    }

    /// @notice Decodes `w`, reads the values at `gets`, writes `values` at `sets` in order and
    ///         returns the pre-root, the values read and the root after the writes.
    function check(bytes calldata w, uint256[] calldata gets, uint256[] calldata sets, bytes32[] calldata values)
        external
        view
        returns (bytes32 preRoot, bytes32[] memory got, bytes32 postRoot)
    {
        StepWitness.Witness memory wit = StepWitness.decode(w);
        preRoot = wit.root();
        got = new bytes32[](gets.length);
        for (uint256 i = 0; i < gets.length; i++) {
            got[i] = wit.get(gets[i]);
        }
        for (uint256 i = 0; i < sets.length; i++) {
            wit.set(sets[i], values[i]);
        }
        postRoot = wit.root();
    }

    /// @notice {load}, then the writes of {check}: the post-step root a verifier computes.
    function post(bytes calldata w, bytes32 preRoot, uint256[] calldata sets, bytes32[] calldata values)
        external
        view
        returns (bytes32)
    {
        StepWitness.Witness memory wit = StepWitness.load(w, preRoot);
        for (uint256 i = 0; i < sets.length; i++) {
            wit.set(sets[i], values[i]);
        }
        return wit.root();
    }

    /// @notice The preimages of `w` (copies) with their keccak256, and whether looking each
    ///         up by its hash finds it again.
    function preimages(bytes calldata w)
        external
        view
        returns (bytes[] memory data, bytes32[] memory hashes, bool[] memory found)
    {
        StepWitness.Witness memory wit = StepWitness.decode(w);
        uint256 n = wit.preimages.length;
        data = new bytes[](n);
        hashes = new bytes32[](n);
        found = new bool[](n);
        for (uint256 i = 0; i < n; i++) {
            data[i] = StepWitness.copy(wit.preimages[i]);
            hashes[i] = wit.preimages[i].hash;
            (bool ok, uint256 ptr, uint256 len) = wit.preimage(hashes[i]);
            found[i] = ok && ptr == wit.preimages[i].ptr && len == wit.preimages[i].length;
        }
    }

    /// @notice The execution gas of decoding `w` and hashing its tree, measured inside the call
    ///         (the copy of `w` to memory excluded), and the root.
    function measure(bytes calldata w) external view returns (bytes32 r, uint256 gasUsed) {
        bytes memory m = w;
        uint256 g0 = gasleft();
        r = StepWitness.decode(m).root();
        gasUsed = g0 - gasleft();
    }
}
