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

/** True when the 32 bytes at `a` and `b` are equal. */
function equal32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

// Merge state of `multiRoot`. Given nodes: gindices (u64), values (32 bytes), leaf flags (u8),
// `gI` of `gN` taken. Computed parents (a FIFO): gindices and values, `qH` taken of `qT`; values
// of entries `hashed..qT` are still staged in as-sha256's input buffer, waiting for a batch.
let gG: usize = 0;
let gV: usize = 0;
let gF: usize = 0;
let gI: u32 = 0;
let gN: u32 = 0;
let qG: usize = 0;
let qV: usize = 0;
let qH: u32 = 0;
let qT: u32 = 0;
let hashed: u32 = 0;
// What `pop` took: value address, and whether a leaf lies at or below it.
let popV: usize = 0;
let popLeaf: bool = false;
/** Set by `pop` when a given node collides badly with a computed one: `SHAPE` or `CONFLICT`. */
let failure: i32 = -1;

/** `multiRoot` result: the proof does not have the shape of a minimal multiproof. */
const SHAPE: usize = 0;
/** `multiRoot` result: two values for the same node disagree. */
const CONFLICT: usize = 1;

/** Hashes the staged pairs into their queue slots: one batch call for four, else one by one. */
function flush(): void {
  const n = qT - hashed;
  const out = qV + ((<usize>hashed) << 5);
  if (n === 4) batchHash4(out);
  else for (let j: u32 = 0; j < n; j++) digest64(shaInput + ((<usize>j) << 6), out + ((<usize>j) << 5));
  hashed = qT;
}

/** The largest gindex still to be taken, or 0 when none is left. */
function peek(): u64 {
  const a: u64 = gI < gN ? load<u64>(gG + ((<usize>gI) << 3)) : 0;
  const b: u64 = qH < qT ? load<u64>(qG + ((<usize>qH) << 3)) : 0;
  return a > b ? a : b;
}

/**
 * Takes the node with the largest gindex. When a given node and a computed parent share it, both
 * are taken: the given one must be a leaf (a helper on a leaf's path is not minimal) with the
 * computed value.
 */
function pop(): void {
  const a: u64 = gI < gN ? load<u64>(gG + ((<usize>gI) << 3)) : 0;
  const b: u64 = qH < qT ? load<u64>(qG + ((<usize>qH) << 3)) : 0;
  if (a > b) {
    popV = gV + ((<usize>gI) << 5);
    popLeaf = load<u8>(gF + gI) !== 0;
    gI++;
    return;
  }
  if (qH >= hashed) flush();
  popV = qV + ((<usize>qH) << 5);
  popLeaf = true;
  qH++;
  if (a === b) {
    if (load<u8>(gF + gI) === 0) failure = <i32>SHAPE;
    else if (!equal32(gV + ((<usize>gI) << 5), popV)) failure = <i32>CONFLICT;
    gI++;
  }
}

/**
 * Root of a multiproof, or `SHAPE` (0) / `CONFLICT` (1). The `count` given nodes (leaves and
 * helpers) are in three arrays: `gindices` (u64, strictly decreasing), `values` (32 bytes each)
 * and `leafFlags` (u8, 1 for a leaf); the queue needs `count` u64 gindices at `queueG` and
 * `count + 3` values at `queueV`.
 *
 * Nodes are taken largest gindex first. A right child (odd k) must be followed by its left
 * sibling k-1, and the pair makes parent k/2, which joins the queue; parents come out in
 * decreasing order, so the queue stays sorted and merging it with the given nodes keeps the
 * order. Every given node is thus hashed up to the root or compared with an equal computed node.
 * The shape is checked on the way, which makes the accepted helper set exactly the spec's
 * `get_helper_indices(leaves)`: a pair of two nodes with no leaf below is not minimal, nor is a
 * helper that is also computed, and a missing sibling stops the walk. Pairs are staged four at a
 * time for the batch hasher; a staged parent is hashed before anyone reads it.
 */
export function multiRoot(
  gindices: usize,
  values: usize,
  leafFlags: usize,
  count: u32,
  queueG: usize,
  queueV: usize,
): usize {
  gG = gindices;
  gV = values;
  gF = leafFlags;
  gI = 0;
  gN = count;
  qG = queueG;
  qV = queueV;
  qH = 0;
  qT = 0;
  hashed = 0;
  failure = -1;
  while (true) {
    const k = peek();
    if (k === 0) return SHAPE;
    pop();
    if (failure >= 0) return <usize>failure;
    if (k === 1) return peek() === 0 ? popV : SHAPE;
    if ((k & 1) === 0 || peek() !== k - 1) return SHAPE;
    const right = popV;
    const rightLeaf = popLeaf;
    pop();
    if (failure >= 0) return <usize>failure;
    if (!rightLeaf && !popLeaf) return SHAPE;
    const stage = shaInput + ((<usize>(qT - hashed)) << 6);
    memory.copy(stage, popV, 32);
    memory.copy(stage + 32, right, 32);
    store<u64>(qG + ((<usize>qT) << 3), k >> 1);
    qT++;
    if (qT - hashed === 4) flush();
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
