// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title StepWitness
/// @notice Reads a step witness of Ore's step machine (docs/fault-proof.md §8.2) on chain: the
///         first piece of the single-step verifier.
///
///             witness   = version:u8 (= 1) ‖ treeLen:u32le ‖ tree[treeLen] ‖ preimages
///             node      = 0x00 ‖ value:32  |  0x01 ‖ node ‖ node        (pre-order)
///             preimages = count:u32le ‖ (len:u32le ‖ bytes[len])*count
///
///         `decode` checks the bytes exactly as the WASM verifier's `loadWitness` does
///         (wasm/assembly/step/index.ts, tree.ts, preimages.ts) and as core/proof/witness.ts
///         does, in the same order, and hashes the partial SHA-256 tree on the way. The tree
///         then lives in memory as an array of 64-byte nodes: word 0 is the node's value (a
///         terminal's chunk, an inner node's hash), word 1 packs the memory pointers of its
///         children (left in bits 0..63, right in bits 64..127; 0 for a terminal), its parent
///         (bits 128..191, used while decoding) and a dirty flag (bit 192: an inner node whose
///         hash is stale after a `set`). `get` and `set` walk the bits of a gindex from the top;
///         `root` rehashes only the dirty nodes, each once. A walk that meets a terminal above
///         the gindex it wants reverts with {MissingNode}, the WASM machine's
///         `missing node at gindex g`.
library StepWitness {
    /// @notice The witness format version this library reads.
    uint256 internal constant VERSION = 1;
    /// @notice Deepest node a witness tree may hold (the root is depth 0).
    uint256 internal constant MAX_DEPTH = 64;
    /// @notice Most preimages in one witness.
    uint256 internal constant MAX_PREIMAGES = 4;
    /// @notice Largest preimage: a whole transaction (`MAX_TX_BYTES`).
    uint256 internal constant MAX_PREIMAGE = 262_144;
    /// @notice Largest witness: the WASM verifier's witness buffer (`WIT_BYTES`, 2 MiB).
    uint256 internal constant MAX_WITNESS = 2_097_152;

    uint256 private constant PTR_MASK = 0xffffffffffffffff;
    uint256 private constant DIRTY = 1 << 192;

    /// @notice A preimage of the witness, left in place in the witness's memory: `length` bytes
    ///         from memory address `ptr`, and their keccak256.
    struct Preimage {
        uint256 ptr;
        uint256 length;
        bytes32 hash;
    }

    /// @notice A decoded witness: the memory pointer of the tree's root node and the preimages.
    struct Witness {
        uint256 tree;
        Preimage[] preimages;
    }

    /// @notice Fewer than 9 bytes (version, tree length, preimage count).
    error WitnessTooShort(uint256 length);
    /// @notice More bytes than the WASM verifier's witness buffer holds.
    error WitnessTooLarge(uint256 length, uint256 max);
    /// @notice The version byte is not {VERSION}.
    error BadWitnessVersion(uint256 version);
    /// @notice `treeLen` leaves no room for the preimage count.
    error BadTreeLength(uint256 treeLen, uint256 length);
    /// @notice The tree or a preimage length ends early; `offset` is the witness byte where.
    error WitnessTruncated(uint256 offset);
    /// @notice A node tag other than 0x00 or 0x01 at witness byte `offset`.
    error UnknownNodeTag(uint256 tag, uint256 offset);
    /// @notice A node below depth {MAX_DEPTH}, which would start at witness byte `offset`.
    error WitnessTooDeep(uint256 offset);
    /// @notice The tree ends `count` bytes before `treeLen` says.
    error TrailingTreeBytes(uint256 count);
    /// @notice The tree is a single terminal; a step state's root is always an inner node.
    error TerminalRoot();
    /// @notice More than {MAX_PREIMAGES} preimages.
    error TooManyPreimages(uint256 count, uint256 max);
    /// @notice Preimage `index` claims `length` bytes (0, over {MAX_PREIMAGE}, or past the end).
    error BadPreimageLength(uint256 index, uint256 length, uint256 offset);
    /// @notice `count` bytes after the last preimage.
    error TrailingBytes(uint256 count);
    /// @notice The tree's root is not the expected pre-state root.
    error WrongPreRoot(bytes32 root, bytes32 expected);
    /// @notice A walk to `gindex` met a terminal above it: the witness does not open that node.
    error MissingNode(uint256 gindex);
    /// @notice Gindex 0 (no node), or gindex 1 for `set` (the root is never written).
    error BadGindex(uint256 gindex);

    /// @notice Decodes `w` (reverting with the errors above on any malformation) and hashes
    ///         its tree; `root` of the result is then free until a `set`.
    function decode(bytes memory w) internal view returns (Witness memory wit) {
        uint256 len = w.length;
        if (len < 9) revert WitnessTooShort(len);
        if (len > MAX_WITNESS) revert WitnessTooLarge(len, MAX_WITNESS);
        uint256 base;
        assembly {
            base := add(w, 32)
        }
        uint256 version = uint8(w[0]);
        if (version != VERSION) revert BadWitnessVersion(version);
        uint256 treeLen = _u32le(base + 1);
        if (treeLen > len - 9) revert BadTreeLength(treeLen, len);
        uint256 treeEnd = base + 5 + treeLen;
        uint256 pos = _decodeTree(wit, base, treeEnd);
        if (pos != treeEnd) revert TrailingTreeBytes(treeEnd - pos);
        uint256 rootMeta;
        assembly {
            rootMeta := mload(add(mload(wit), 32))
        }
        if (rootMeta & PTR_MASK == 0) revert TerminalRoot();
        wit.preimages = _decodePreimages(base, treeEnd, base + len);
    }

    /// @notice {decode}, then requires the tree's root to be `preRoot` ({WrongPreRoot}).
    function load(bytes memory w, bytes32 preRoot) internal view returns (Witness memory wit) {
        wit = decode(w);
        bytes32 r;
        uint256 t = wit.tree;
        assembly {
            r := mload(t)
        }
        if (r != preRoot) revert WrongPreRoot(r, preRoot);
    }

    /// @notice The tree's current root: the pre-state root after {decode}, the post-state root
    ///         after the step's `set`s (only nodes on their paths are rehashed).
    function root(Witness memory wit) internal view returns (bytes32 r) {
        uint256 t = wit.tree;
        _rehash(t);
        assembly {
            r := mload(t)
        }
    }

    /// @notice The value at `gindex`: a terminal's chunk or an inner node's (subtree) root.
    ///         Reverts with {MissingNode} if the walk meets a terminal above `gindex`.
    function get(Witness memory wit, uint256 gindex) internal view returns (bytes32 v) {
        uint256 n = _walk(wit.tree, gindex, 0);
        _rehash(n);
        assembly {
            v := mload(n)
        }
    }

    /// @notice Makes the node at `gindex` (depth ≥ 1) a terminal holding `value`, as the
    ///         machine's tree write does (an inner node there is replaced with its subtree);
    ///         marks its ancestors for {root} to rehash. Reverts with {MissingNode} if the walk
    ///         meets a terminal above `gindex`.
    function set(Witness memory wit, uint256 gindex, bytes32 value) internal pure {
        if (gindex < 2) revert BadGindex(gindex);
        uint256 n = _walk(wit.tree, gindex, DIRTY);
        assembly {
            mstore(n, value)
            mstore(add(n, 32), 0)
        }
    }

    /// @notice The preimage whose keccak256 is `hash`, as a memory slice of the witness:
    ///         `found` false (and zeros) if the witness has none.
    function preimage(Witness memory wit, bytes32 hash)
        internal
        pure
        returns (bool found, uint256 ptr, uint256 length)
    {
        Preimage[] memory ps = wit.preimages;
        for (uint256 i = 0; i < ps.length; i++) {
            if (ps[i].hash == hash) return (true, ps[i].ptr, ps[i].length);
        }
        return (false, 0, 0);
    }

    /// @notice A copy of preimage `p` as `bytes`.
    function copy(Preimage memory p) internal pure returns (bytes memory out) {
        out = new bytes(p.length);
        uint256 src = p.ptr;
        uint256 len = p.length;
        assembly {
            mcopy(add(out, 32), src, len)
        }
    }

    /// @dev Little-endian u32 at memory address `p`.
    function _u32le(uint256 p) private pure returns (uint256 v) {
        assembly {
            let x := mload(p)
            v := or(or(byte(0, x), shl(8, byte(1, x))), or(shl(16, byte(2, x)), shl(24, byte(3, x))))
        }
    }

    /// @dev Decodes the tree in [base + 5, treeEnd) into nodes allocated from the free memory
    ///      pointer, hashing each inner node as soon as its right subtree is complete, and sets
    ///      `wit.tree`. Iterative: the open inner node (`cur`) keeps its parent in its meta word,
    ///      so no stack is needed. The depth check happens at an inner node of depth 64, which
    ///      is where the WASM and TypeScript decoders refuse its first child (same offset).
    ///      Returns where the tree ended (on an error, the error's code, offset and tag).
    function _decodeTree(Witness memory wit, uint256 base, uint256 treeEnd) private view returns (uint256 pos) {
        uint256 code;
        uint256 errAt;
        uint256 tag;
        assembly ("memory-safe") {
            // A sentinel above the root: the root becomes its left child, so every node has a
            // parent to attach to and the walk ends when it climbs back to the sentinel.
            let top := mload(0x40)
            mstore(add(top, 32), 0)
            let free := add(top, 64)
            pos := add(base, 5)
            let cur := top
            let depth := 0
            for {} 1 {} {
                if iszero(lt(pos, treeEnd)) {
                    code := 2
                    errAt := sub(pos, base)
                    break
                }
                tag := byte(0, mload(pos))
                if gt(tag, 1) {
                    code := 3
                    errAt := sub(pos, base)
                    break
                }
                let n := free
                free := add(free, 64)
                // The left slot if empty, else the right one.
                let meta := mload(add(cur, 32))
                mstore(add(cur, 32), or(meta, shl(shl(6, gt(and(meta, PTR_MASK), 0)), n)))
                if tag {
                    // An inner node at depth 64 would have children at depth 65.
                    if eq(depth, 64) {
                        code := 1
                        errAt := sub(add(pos, 1), base)
                        break
                    }
                    mstore(add(n, 32), shl(128, cur))
                    cur := n
                    depth := add(depth, 1)
                    pos := add(pos, 1)
                    continue
                }
                if gt(add(pos, 33), treeEnd) {
                    code := 2
                    errAt := sub(add(pos, 1), base)
                    break
                }
                mstore(n, mload(add(pos, 1)))
                mstore(add(n, 32), 0)
                pos := add(pos, 33)
                // Close every inner node whose right subtree this terminal completed.
                for {} 1 {} {
                    meta := mload(add(cur, 32))
                    let r := and(shr(64, meta), PTR_MASK)
                    if iszero(r) { break }
                    mstore(0, mload(and(meta, PTR_MASK)))
                    mstore(32, mload(r))
                    if iszero(staticcall(gas(), 2, 0, 64, cur, 32)) { revert(0, 0) }
                    cur := and(shr(128, meta), PTR_MASK)
                    depth := sub(depth, 1)
                }
                if eq(cur, top) { break }
            }
            mstore(wit, and(mload(add(top, 32)), PTR_MASK))
            mstore(0x40, free)
        }
        if (code == 1) revert WitnessTooDeep(errAt);
        if (code == 2) revert WitnessTruncated(errAt);
        if (code == 3) revert UnknownNodeTag(tag, errAt);
    }

    /// @dev Decodes the preimage section in [start, end) (`base` is the witness's first byte,
    ///      for offsets in errors) and hashes each preimage.
    function _decodePreimages(uint256 base, uint256 start, uint256 end) private pure returns (Preimage[] memory ps) {
        uint256 count = _u32le(start);
        if (count > MAX_PREIMAGES) revert TooManyPreimages(count, MAX_PREIMAGES);
        ps = new Preimage[](count);
        uint256 p = start + 4;
        for (uint256 i = 0; i < count; i++) {
            if (p + 4 > end) revert WitnessTruncated(p - base);
            uint256 len = _u32le(p);
            if (len == 0 || len > MAX_PREIMAGE || len > end - p - 4) revert BadPreimageLength(i, len, p - base);
            bytes32 h;
            assembly {
                h := keccak256(add(p, 4), len)
            }
            ps[i] = Preimage({ ptr: p + 4, length: len, hash: h });
            p += 4 + len;
        }
        if (p != end) revert TrailingBytes(end - p);
    }

    /// @dev The node at `gindex` below the root node `n`, walking the gindex's bits from the
    ///      top; `flag` is or-ed into the meta word of every node passed (DIRTY for a write).
    function _walk(uint256 n, uint256 gindex, uint256 flag) private pure returns (uint256 node) {
        if (gindex == 0) revert BadGindex(gindex);
        bool missing;
        assembly ("memory-safe") {
            // d = floor(log2 gindex), the depth of the gindex.
            let d := shl(7, lt(0xffffffffffffffffffffffffffffffff, gindex))
            d := or(d, shl(6, lt(0xffffffffffffffff, shr(d, gindex))))
            d := or(d, shl(5, lt(0xffffffff, shr(d, gindex))))
            d := or(d, shl(4, lt(0xffff, shr(d, gindex))))
            d := or(d, shl(3, lt(0xff, shr(d, gindex))))
            d := or(d, shl(2, lt(0xf, shr(d, gindex))))
            d := or(d, shl(1, lt(0x3, shr(d, gindex))))
            d := or(d, lt(0x1, shr(d, gindex)))
            for {} d {} {
                let meta := mload(add(n, 32))
                let l := and(meta, PTR_MASK)
                if iszero(l) {
                    missing := 1
                    break
                }
                if flag { mstore(add(n, 32), or(meta, flag)) }
                d := sub(d, 1)
                switch and(shr(d, gindex), 1)
                case 0 { n := l }
                default { n := and(shr(64, meta), PTR_MASK) }
            }
            node := n
        }
        if (missing) revert MissingNode(gindex);
    }

    /// @dev Recomputes the hash of every dirty node in the subtree of node `n` (children first).
    function _rehash(uint256 n) private view {
        assembly ("memory-safe") {
            function rehash(node) {
                let meta := mload(add(node, 32))
                if and(meta, DIRTY) {
                    let l := and(meta, PTR_MASK)
                    let r := and(shr(64, meta), PTR_MASK)
                    rehash(l)
                    rehash(r)
                    mstore(0, mload(l))
                    mstore(32, mload(r))
                    if iszero(staticcall(gas(), 2, 0, 64, node, 32)) { revert(0, 0) }
                    mstore(add(node, 32), xor(meta, DIRTY))
                }
            }
            rehash(n)
        }
    }
}
