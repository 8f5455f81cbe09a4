// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { RLPReader } from "./RLPReader.sol";

/// @title MerkleTrie
/// @notice Verifies inclusion proofs against the root of an Ethereum Merkle Patricia Trie
///         (Yellow Paper, appendix D), in the form `eth_getProof` returns them: the RLP
///         encodings of the nodes on the path from the root to the value, root first.
///         The walk is strict: each node must hash (or, for nodes under 32 bytes, be equal)
///         to the reference its parent holds, the path must match the key nibble for nibble,
///         and the node holding the value must be the last element, so a proof can be
///         neither forged, truncated nor padded.
library MerkleTrie {
    using RLPReader for RLPReader.Item;

    /// @notice Returns true iff `_proof` shows that the trie with root `_root` maps the
    ///         secure key `keccak256(_key)` to `_value`. Reverts on a malformed proof.
    function verifySecureInclusionProof(
        bytes memory _key,
        bytes memory _value,
        bytes[] memory _proof,
        bytes32 _root
    )
        internal
        pure
        returns (bool)
    {
        return keccak256(get(abi.encodePacked(keccak256(_key)), _proof, _root)) == keccak256(_value);
    }

    /// @notice Walks `_proof` from `_root` along the nibbles of `_key` and returns the value
    ///         stored there. Reverts unless the proof proves a (non-empty) value for the key.
    function get(bytes memory _key, bytes[] memory _proof, bytes32 _root) internal pure returns (bytes memory) {
        require(_key.length > 0, "MerkleTrie: empty key");
        require(_proof.length > 0, "MerkleTrie: empty proof");
        bytes memory key = _nibbles(_key);
        uint256 keyIndex = 0;
        // The reference the next node must match: a 32-byte hash, or an inline node's encoding.
        bytes32 expectedHash = _root;
        bytes memory expectedInline;
        bool isInline = false;

        for (uint256 i = 0; i < _proof.length; i++) {
            bytes memory node = _proof[i];
            if (isInline) {
                require(keccak256(node) == keccak256(expectedInline), "MerkleTrie: invalid inline node");
            } else {
                // The root is always referenced by hash, whatever its size.
                require(i == 0 || node.length >= 32, "MerkleTrie: hashed node shorter than 32 bytes");
                require(keccak256(node) == expectedHash, "MerkleTrie: invalid node hash");
            }

            (RLPReader.Item memory next, uint256 newIndex, bool isValue) =
                _step(RLPReader.toItem(node).readList(), key, keyIndex);
            keyIndex = newIndex;
            if (isValue) {
                require(i == _proof.length - 1, "MerkleTrie: value node must be the last proof element");
                bytes memory value = next.readBytes();
                require(value.length > 0, "MerkleTrie: key not in trie");
                return value;
            }
            (expectedHash, expectedInline, isInline) = _childRef(next);
        }
        revert("MerkleTrie: ran out of proof elements");
    }

    /// @notice Follows the key through one decoded node. Returns the item reached (the value
    ///         when `isValue_`, else the child reference), and the key position after the node.
    function _step(
        RLPReader.Item[] memory _fields,
        bytes memory _key,
        uint256 _keyIndex
    )
        private
        pure
        returns (RLPReader.Item memory next_, uint256 keyIndex_, bool isValue_)
    {
        if (_fields.length == 17) {
            // The key ends at this branch: its value slot holds the answer.
            if (_keyIndex == _key.length) return (_fields[16], _keyIndex, true);
            return (_fields[uint8(_key[_keyIndex])], _keyIndex + 1, false);
        }
        require(_fields.length == 2, "MerkleTrie: invalid node");
        bytes memory path = _nibbles(_fields[0].readBytes());
        require(path.length > 0, "MerkleTrie: empty node path");
        uint8 flag = uint8(path[0]);
        require(flag < 4, "MerkleTrie: unknown node prefix");
        // Odd paths pack their first nibble beside the flag; even paths pad with a zero nibble.
        uint256 skip = flag % 2 == 1 ? 1 : 2;
        require(path.length >= skip, "MerkleTrie: truncated node path");
        if (skip == 2) require(uint8(path[1]) == 0, "MerkleTrie: non-zero path padding");
        uint256 pathLen = path.length - skip;
        require(_key.length - _keyIndex >= pathLen, "MerkleTrie: node path longer than key");
        for (uint256 j = 0; j < pathLen; j++) {
            require(path[skip + j] == _key[_keyIndex + j], "MerkleTrie: key not in trie");
        }
        keyIndex_ = _keyIndex + pathLen;
        if (flag >= 2) {
            require(keyIndex_ == _key.length, "MerkleTrie: leaf path shorter than key");
            return (_fields[1], keyIndex_, true);
        }
        // An extension must consume at least one nibble, or it would loop in place.
        require(pathLen > 0, "MerkleTrie: empty extension");
        return (_fields[1], keyIndex_, false);
    }

    /// @notice How a child is referenced: by 32-byte hash, or embedded (encoding < 32 bytes).
    function _childRef(RLPReader.Item memory _child)
        private
        pure
        returns (bytes32 hash_, bytes memory inline_, bool isInline_)
    {
        if (_child.length < 32) {
            inline_ = _child.readRawBytes();
            // 0x80 is the empty string: no child there, so the key is absent.
            require(!(inline_.length == 1 && uint8(inline_[0]) == 0x80), "MerkleTrie: key not in trie");
            return (bytes32(0), inline_, true);
        }
        bytes memory ref = _child.readBytes();
        require(ref.length == 32, "MerkleTrie: invalid child reference");
        return (bytes32(ref), inline_, false);
    }

    /// @notice Splits each byte of `_b` into its high and low nibble.
    function _nibbles(bytes memory _b) private pure returns (bytes memory out_) {
        out_ = new bytes(_b.length * 2);
        for (uint256 i = 0; i < _b.length; i++) {
            out_[2 * i] = bytes1(uint8(_b[i]) >> 4);
            out_[2 * i + 1] = bytes1(uint8(_b[i]) & 0x0f);
        }
    }
}
