/**
 * Ore's Merkle hashing loops: binary SHA-256 trees (SSZ style), multiproof roots and single
 * branch roots. SHA-256 itself is not here: this module imports the compression functions of
 * ChainSafe's as-sha256 instance (`digest64`, `batchHash4UintArray64s`) and its memory, so every
 * hash is a wasm-to-wasm call with no JS in the loop.
 *
 * The module owns no static data (no data segments, `--use abort=`), only wasm globals, so it can
 * share as-sha256's memory without overlapping its heap. Every pointer it uses is handed in by
 * the loader (`wasm/merkle.ts`), which places the zero-hash table and the working area in pages
 * grown beyond as-sha256's heap. ABI and layout: `wasm/README.md`.
 */

import { batchHash4UintArray64s as batchHash4, digest64 } from "./sha256.ts";

/** Address of as-sha256's `input` buffer (at least 256 bytes), also used as a 64-byte scratch. */
let shaInput: usize = 0;
/** Address of the zero-hash table: `zeroHash(l)` (the root of 2^l zero chunks) at `+ 32 * l`. */
let zeros: usize = 0;

/** Number of zero-hash levels kept: levels 0..64 cover every tree of depth <= 64. */
const ZERO_LEVELS: u32 = 65;

/**
 * Records as-sha256's input buffer and fills the zero-hash table at `zeroTable`
 * (`ZERO_LEVELS * 32` bytes). Called once per instance, before anything else.
 */
export function setup(input: usize, zeroTable: usize): void {
  shaInput = input;
  zeros = zeroTable;
  memory.fill(zeros, 0, 32);
  for (let l: u32 = 1; l < ZERO_LEVELS; l++) {
    const prev = zeros + ((<usize>(l - 1)) << 5);
    memory.copy(shaInput, prev, 32);
    memory.copy(shaInput + 32, prev, 32);
    digest64(shaInput, prev + 32);
  }
}

/**
 * Hashes `pairs` adjacent 32-byte siblings at `src` into `pairs` parents at `dst`:
 * `dst[i] = sha256(src[2i] || src[2i+1])`. Four pairs at a time go through the batch hasher.
 * `dst` may equal `src`: parent `i` is written only after siblings `2i..2i+7` were read, and for
 * i >= 4 it lands below the next unread sibling, so hashing a level in place is safe.
 */
function hashLevel(src: usize, dst: usize, pairs: u32): void {
  let i: u32 = 0;
  const batched = pairs & ~3;
  for (; i < batched; i += 4) {
    memory.copy(shaInput, src + ((<usize>i) << 6), 256);
    batchHash4(dst + ((<usize>i) << 5));
  }
  for (; i < pairs; i++) {
    digest64(src + ((<usize>i) << 6), dst + ((<usize>i) << 5));
  }
}

/**
 * Merkleizes the `count` chunks at `ptr` up to `depth` levels and returns the root's address.
 * A level with an odd node count is first padded (in the slot after its last node) with that
 * level's zero hash, which is exactly SSZ's virtual zero padding. With `keep` set, level l+1
 * is written right after level l (levels are padded to even counts), so the whole tree stays
 * in memory; otherwise each level overwrites the one below it. Empty input returns the zero
 * hash of `depth`. Memory needed from `ptr`: 32 * (count + 1) bytes, or with `keep`
 * 32 * sum over levels of (count_l rounded up to even) + 32.
 */
export function merkleize(ptr: usize, count: u32, depth: u32, keep: bool): usize {
  if (count === 0) return zeros + ((<usize>depth) << 5);
  let src = ptr;
  let c = count;
  for (let l: u32 = 0; l < depth; l++) {
    if (c & 1) {
      memory.copy(src + ((<usize>c) << 5), zeros + ((<usize>l) << 5), 32);
      c++;
    }
    const dst = keep ? src + ((<usize>c) << 5) : src;
    hashLevel(src, dst, c >> 1);
    src = dst;
    c >>= 1;
  }
  return src;
}

/** Bytes per multiproof node: a little-endian u64 gindex followed by the 32-byte value. */
const NODE: usize = 40;

/** True when the 32 bytes at `a` and `b` are equal. */
function equal32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

// Merge state for `multiRoot`: a cursor into the given nodes and a FIFO of computed parents.
let given: usize = 0;
let givenEnd: usize = 0;
let qHead: usize = 0;
let qTail: usize = 0;
/** Set when two copies of the same gindex carry different values. */
let conflict: bool = false;

/** The largest gindex still to be processed, or 0 when none is left. */
function peek(): u64 {
  const a: u64 = given < givenEnd ? load<u64>(given) : 0;
  const b: u64 = qHead < qTail ? load<u64>(qHead) : 0;
  return a > b ? a : b;
}

/**
 * Removes the node with the largest gindex and returns the address of its value. When a given
 * node and a computed parent share that gindex both are removed, and their values must agree.
 */
function pop(): usize {
  const a: u64 = given < givenEnd ? load<u64>(given) : 0;
  const b: u64 = qHead < qTail ? load<u64>(qHead) : 0;
  if (a > b) {
    const v = given + 8;
    given += NODE;
    return v;
  }
  const v = qHead + 8;
  qHead += NODE;
  if (a === b) {
    if (!equal32(given + 8, v)) conflict = true;
    given += NODE;
  }
  return v;
}

/**
 * Root of a multiproof. `nodes` holds `count` nodes (leaves and helpers together) sorted by
 * strictly decreasing gindex, each `NODE` bytes; `queue` has room for `count` more nodes.
 * Nodes are taken largest gindex first; a right child (odd k) must be followed by its left
 * sibling k-1, and the pair is hashed into parent k/2, which joins the queue (parents come out in
 * decreasing order, so the queue stays sorted and merging it with `nodes` keeps the order). A
 * parent that is also given must equal the computed hash, so every given node is bound to the
 * root. Returns the root's address, 0 when a sibling is missing or gindex 1 is not reached last,
 * or 1 when two values for the same gindex disagree.
 */
export function multiRoot(nodes: usize, count: u32, queue: usize): usize {
  given = nodes;
  givenEnd = nodes + <usize>count * NODE;
  qHead = queue;
  qTail = queue;
  conflict = false;
  while (true) {
    const k = peek();
    if (k === 0) return 0;
    const vk = pop();
    if (conflict) return 1;
    if (k === 1) return peek() === 0 ? vk : 0;
    if ((k & 1) === 0 || peek() !== k - 1) return 0;
    const vl = pop();
    if (conflict) return 1;
    memory.copy(shaInput, vl, 32);
    memory.copy(shaInput + 32, vk, 32);
    store<u64>(qTail, k >> 1);
    digest64(shaInput, qTail + 8);
    qTail += NODE;
  }
}

/**
 * Root of a single-branch proof: starts from the 32-byte `leaf` and, for each of the `depth`
 * siblings at `branch` (bottom-up, 32 bytes each), hashes `sibling || node` when bit i of
 * `gindex` is set and `node || sibling` otherwise (consensus-specs `calculate_merkle_root`).
 * Writes the root to `out` (which may equal `leaf`) and returns `out`.
 */
export function branchRoot(leaf: usize, branch: usize, depth: u32, gindex: u64, out: usize): usize {
  if (out !== leaf) memory.copy(out, leaf, 32);
  let g = gindex;
  for (let i: u32 = 0; i < depth; i++) {
    const sib = branch + ((<usize>i) << 5);
    if (g & 1) {
      memory.copy(shaInput, sib, 32);
      memory.copy(shaInput + 32, out, 32);
    } else {
      memory.copy(shaInput, out, 32);
      memory.copy(shaInput + 32, sib, 32);
    }
    digest64(shaInput, out);
    g >>= 1;
  }
  return out;
}
