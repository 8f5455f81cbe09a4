/**
 * The step state's binary SHA-256 tree as a pool of nodes in linear memory, addressed by
 * generalized index. The one tree serves both roles of the step function:
 *
 * - generator mode: the tree is complete (all-zero subtrees are the shared nodes `zero(h)`,
 *   copied on write) and every gindex read or written is logged, with the first pre-value of
 *   every written node, so `packWitness` can emit the pre-state multiproof after the step;
 * - verifier mode: the tree is decoded from a witness; a walk that meets a terminal node above
 *   the gindex it needs stops the step with `ERR_MISSING_NODE`.
 *
 * Node record (48 bytes): hash/value [0, 32), left u32 at 32, right u32 at 36, flags u32 at 40.
 * A node with `left == 0` is terminal (a leaf chunk, or the root of a subtree the witness did not
 * open). `DIRTY` marks an inner node whose hash is stale. Index 0 is null; 1 + h is `zero(h)`.
 * The u32 at 44 is scratch: a dirty node's level while its hashes are computed (`nodeHash`).
 */

import { allocUnits, heapReset, scratch, unitAt } from "./heap";
import {
  ERR_BAD_ENCODING,
  ERR_LOG_FULL,
  ERR_MISSING_NODE,
  ERR_OVERLAP,
  ERR_WITNESS_FULL,
  fail,
  LOG_MAX,
  LOG_PTR,
  LOG_REC,
  WIT_BYTES,
  WIT_PTR,
} from "./layout";
import { preimagesReset } from "./preimages";
import { hash64 } from "./sha256";
import { hash64x4 } from "./sha256x4";

const DIRTY: u32 = 1;
const ZERO_LEVELS: u32 = 65;
const FIRST_FREE: u32 = 1 + ZERO_LEVELS;
/** Sort records for packing: key u64, depth u32, log index u32. */
const SORT_PTR: usize = LOG_PTR + <usize>LOG_MAX * LOG_REC;
/** The record being inserted. */
const SORT_TMP: usize = memory.data(16, 16);
const LOG_READ: u32 = 1;
const LOG_WRITE: u32 = 2;

let root: u32 = 0;
let recording = false;
let logCount: u32 = 0;
let witPos: usize = 0;
let zerosReady = false;
/** Tree writes since the step began (a preimage fetch must come before any: `preimages.ts`). */
let writes: u32 = 0;

function at(n: u32): usize {
  return unitAt(n);
}

function isZeroNode(n: u32): bool {
  return n - 1 < ZERO_LEVELS;
}

/** Depth of a gindex: floor(log2 g). */
export function depthOf(g: u64): i32 {
  return 63 - <i32>clz<u64>(g);
}

function alloc(): u32 {
  return allocUnits(1);
}

/** Empties the pool and recreates the zero nodes; the root becomes an all-zero tree. */
export function treeReset(generator: bool): void {
  heapReset(FIRST_FREE);
  preimagesReset();
  recording = generator;
  logCount = 0;
  writes = 0;
  // The zero nodes are never written (writes copy them first), so they are built only once.
  if (!zerosReady) {
    for (let h: u32 = 0; h < ZERO_LEVELS; h++) {
      const a = at(1 + h);
      if (h === 0) memory.fill(a, 0, 32);
      else hash64(at(h), at(h), a);
      store<u32>(a, h === 0 ? 0 : h, 32);
      store<u32>(a, h === 0 ? 0 : h, 36);
      store<u32>(a, 0, 40);
    }
    zerosReady = true;
  }
  root = expandZero(1 + 64);
}

/** A fresh inner node equal to `zero(h)` (h >= 1) whose children are the shared `zero(h - 1)`. */
function expandZero(z: u32): u32 {
  const t = alloc();
  const a = at(t);
  memory.copy(a, at(z), 32);
  store<u32>(a, z - 1, 32);
  store<u32>(a, z - 1, 36);
  store<u32>(a, 0, 40);
  return t;
}

/** Dirty nodes per level, then each level's start (then end) in the sorted list (u32 × 66). */
const LEVEL_COUNT: usize = memory.data(4 * 66, 16);
/** Four jobs (left, right, out) for `hash64x4`. */
const JOBS: usize = memory.data(48, 16);
/** A level is hashed four wide while this many of its nodes remain (a 4-wide call costs ~2.5 scalar). */
const WIDE_FROM: u32 = 3;
/** Dirty nodes found by `collect`, in post-order, then (past them) sorted by level. */
let dirtyList: usize = 0;
let dirtyCount: u32 = 0;

/**
 * Appends the dirty nodes of the subtree at `n` to the dirty list (children first) and returns
 * the subtree's level: 0 if `n` is clean, else 1 + the larger of its children's. A dirty node's
 * level is stored in its scratch word.
 */
function collect(n: u32): u32 {
  const a = at(n);
  if ((load<u32>(a, 40) & DIRTY) === 0) return 0;
  const l = collect(load<u32>(a, 32));
  const r = collect(load<u32>(a, 36));
  const lv = max<u32>(l, r) + 1;
  store<u32>(a, lv, 44);
  const p = LEVEL_COUNT + ((<usize>lv) << 2);
  store<u32>(p, load<u32>(p) + 1);
  dirtyList = scratch((<usize>(dirtyCount + 1)) << 2);
  store<u32>(dirtyList + ((<usize>dirtyCount) << 2), n);
  dirtyCount++;
  return lv;
}

function setJob(k: usize, n: u32): void {
  const a = at(n);
  const j = JOBS + k * 12;
  store<u32>(j, <u32>at(load<u32>(a, 32)));
  store<u32>(j, <u32>at(load<u32>(a, 36)), 4);
  store<u32>(j, <u32>a, 8);
}

/**
 * Address of the node's 32-byte hash, recomputing stale inner hashes below it first. The dirty
 * nodes are hashed level by level from the bottom (a level's nodes depend only on lower ones),
 * four at a time while enough of a level remain, so a large dirty set (a witness just decoded, a
 * lazy root after many steps) is hashed with SIMD; a step's few dirty paths mostly go one by one.
 */
export function nodeHash(n: u32): usize {
  const a = at(n);
  if ((load<u32>(a, 40) & DIRTY) === 0) return a;
  memory.fill(LEVEL_COUNT, 0, 4 * 66);
  dirtyCount = 0;
  const top = collect(n);
  const count = dirtyCount;
  // Counting sort by level into the scratch right after the post-order list.
  const sorted = scratch((<usize>count) << 3) + ((<usize>count) << 2);
  let start: u32 = 0;
  for (let lv: u32 = 1; lv <= top; lv++) {
    const p = LEVEL_COUNT + ((<usize>lv) << 2);
    const c = load<u32>(p);
    store<u32>(p, start);
    start += c;
  }
  for (let i: u32 = 0; i < count; i++) {
    const m = load<u32>(dirtyList + ((<usize>i) << 2));
    const p = LEVEL_COUNT + ((<usize>load<u32>(at(m), 44)) << 2);
    const k = load<u32>(p);
    store<u32>(sorted + ((<usize>k) << 2), m);
    store<u32>(p, k + 1);
  }
  // After the placement, entry `lv` holds the end of level `lv` (the start of `lv + 1`).
  let i: u32 = 0;
  for (let lv: u32 = 1; lv <= top; lv++) {
    const end = load<u32>(LEVEL_COUNT + ((<usize>lv) << 2));
    while (end - i >= WIDE_FROM) {
      for (let k: usize = 0; k < 4; k++) {
        // A short group repeats its last job (the same hash written twice).
        const j = i + <u32>k < end ? i + <u32>k : end - 1;
        setJob(k, load<u32>(sorted + ((<usize>j) << 2)));
      }
      hash64x4(JOBS);
      i = end - i >= 4 ? i + 4 : end;
    }
    for (; i < end; i++) {
      const b = at(load<u32>(sorted + ((<usize>i) << 2)));
      hash64(at(load<u32>(b, 32)), at(load<u32>(b, 36)), b);
    }
  }
  for (let k: u32 = 0; k < count; k++) store<u32>(at(load<u32>(dirtyList + ((<usize>k) << 2))), 0, 40);
  return a;
}

/** Address of the state root (32 bytes). */
export function rootHash(): usize {
  return nodeHash(root);
}

function logAccess(g: u64, kind: u32, old: usize): void {
  if (logCount >= LOG_MAX) fail(ERR_LOG_FULL, <u64>logCount);
  const r = LOG_PTR + <usize>logCount * LOG_REC;
  store<u64>(r, g);
  store<u32>(r, kind, 8);
  if (kind === LOG_WRITE) memory.copy(r + 16, old, 32);
  logCount++;
}

/** Starts a step: clears the access log and the write count. */
export function beginStep(): void {
  logCount = 0;
  writes = 0;
}

/** Tree writes since the step began. */
export function writesThisStep(): u32 {
  return writes;
}

/** Whether accesses are logged (generator mode). */
export function isRecording(): bool {
  return recording;
}

/** Number of access-log records of the current step. */
export function accessCount(): u32 {
  return logCount;
}

/** Gindex of access-log record `i`. */
export function accessAt(i: u32): u64 {
  return load<u64>(LOG_PTR + <usize>i * LOG_REC);
}

/** The node at gindex `g`, logged as read. */
export function readNode(g: u64): u32 {
  if (recording) logAccess(g, LOG_READ, 0);
  let n = root;
  for (let i = depthOf(g) - 1; i >= 0; i--) {
    const a = at(n);
    const l = load<u32>(a, 32);
    if (l === 0) fail(ERR_MISSING_NODE, g);
    n = (g >> <u64>i) & 1 ? load<u32>(a, 36) : l;
  }
  return n;
}

/** Address of the 32-byte value (or subtree root) at gindex `g`. */
export function read(g: u64): usize {
  return nodeHash(readNode(g));
}

/**
 * Walks to the parent of `g`, marking the path dirty and opening shared zero nodes on the way;
 * returns the address of the parent's child slot (u32) that holds `g`'s node.
 */
function slotOf(g: u64): usize {
  let n = root;
  const d = depthOf(g);
  let slot: usize = 0;
  for (let i = d - 1; i >= 0; i--) {
    const a = at(n);
    const l = load<u32>(a, 32);
    if (l === 0) fail(ERR_MISSING_NODE, g);
    store<u32>(a, load<u32>(a, 40) | DIRTY, 40);
    slot = a + ((g >> <u64>i) & 1 ? 36 : 32);
    let c = load<u32>(slot);
    if (i > 0 && isZeroNode(c)) {
      c = expandZero(c);
      store<u32>(slot, c);
    }
    n = c;
  }
  return slot;
}

/**
 * The terminal node at gindex `g` (a leaf chunk or the shared zero chunk), or 0 when an inner
 * node or a zero subtree is there, without marking anything dirty.
 */
function terminalAt(g: u64): u32 {
  let n = root;
  for (let i = depthOf(g) - 1; i >= 0; i--) {
    const a = at(n);
    const l = load<u32>(a, 32);
    if (l === 0) return 0;
    n = (g >> <u64>i) & 1 ? load<u32>(a, 36) : l;
  }
  if (n === 1) return n; // the zero chunk
  if (isZeroNode(n) || load<u32>(at(n), 32) !== 0) return 0;
  return n;
}

/** Writes the 32 bytes at `src` as the leaf at gindex `g` (depth >= 1), logged as written. */
export function write(g: u64, src: usize): void {
  writes++;
  // Writing the value already there changes no hash: logged, but nothing is marked dirty.
  const t = terminalAt(g);
  if (t !== 0 && memory.compare(at(t), src, 32) === 0) {
    if (recording) logAccess(g, LOG_WRITE, at(t));
    return;
  }
  const slot = slotOf(g);
  let c = load<u32>(slot);
  if (recording) logAccess(g, LOG_WRITE, nodeHash(c));
  if (isZeroNode(c) || load<u32>(at(c), 32) !== 0) {
    // A shared zero node or an inner node is replaced by a fresh terminal (the old subtree is
    // dropped; the generator never writes over a subtree it still uses).
    c = alloc();
    store<u32>(slot, c);
  }
  const a = at(c);
  memory.copy(a, src, 32);
  store<u32>(a, 0, 32);
  store<u32>(a, 0, 36);
  store<u32>(a, 0, 40);
}

/** Places the shared all-zero subtree of height `h` at gindex `g` (used to build a state). */
export function zeroAt(g: u64, h: u32): void {
  const slot = slotOf(g);
  store<u32>(slot, 1 + h);
}

/**
 * Replaces the subtree at gindex `g` by the all-zero subtree of height `h` (a step emptying a
 * list or byte string), logged as a write of `g` with its old value.
 */
export function writeZero(g: u64, h: u32): void {
  writes++;
  const slot = slotOf(g);
  if (recording) logAccess(g, LOG_WRITE, nodeHash(load<u32>(slot)));
  store<u32>(slot, 1 + h);
}

// ---- witness packing (generator) ----

function sortKey(g: u64): u64 {
  const d = depthOf(g);
  return d === 0 ? 0 : (g - ((<u64>1) << (<u64>d))) << (<u64>(64 - d));
}

function sortRec(i: u32): usize {
  return SORT_PTR + <usize>i * 16;
}

function sortLess(a: usize, b: usize): bool {
  const ka = load<u64>(a);
  const kb = load<u64>(b);
  if (ka !== kb) return ka < kb;
  const da = load<u32>(a, 8);
  const db = load<u32>(b, 8);
  if (da !== db) return da < db;
  return load<u32>(a, 12) < load<u32>(b, 12);
}

function emitByte(b: u8): void {
  if (witPos >= WIT_PTR + WIT_BYTES) fail(ERR_WITNESS_FULL, <u64>(witPos - WIT_PTR));
  store<u8>(witPos, b);
  witPos++;
}

function emitTerminal(src: usize): void {
  if (witPos + 33 > WIT_PTR + WIT_BYTES) fail(ERR_WITNESS_FULL, <u64>(witPos - WIT_PTR));
  store<u8>(witPos, 0);
  memory.copy(witPos + 1, src, 32);
  witPos += 33;
}

/** First write record of the unique gindex whose records span [lo, hi) of the sort array. */
function firstWrite(lo: u32, hi: u32): usize {
  for (let i = lo; i < hi; i++) {
    const r = LOG_PTR + <usize>load<u32>(sortRec(i), 12) * LOG_REC;
    if (load<u32>(r, 8) === LOG_WRITE) return r;
  }
  return 0;
}

function pack(n: u32, g: u64, depth: i32, lo: u32, hi: u32): void {
  if (lo === hi) {
    emitTerminal(nodeHash(n));
    return;
  }
  // Records of `g` itself come first (smallest depth among equal keys).
  let own = lo;
  while (own < hi && load<u32>(sortRec(own), 8) === <u32>depth) own++;
  if (own > lo) {
    const w = firstWrite(lo, own);
    if (own === hi) {
      emitTerminal(w !== 0 ? w + 16 : nodeHash(n));
      return;
    }
    if (w !== 0) fail(ERR_OVERLAP, g);
  }
  const a = at(n);
  if (load<u32>(a, 32) === 0) fail(ERR_OVERLAP, g);
  const bit: u64 = (<u64>1) << (<u64>(63 - depth));
  let mid = own;
  while (mid < hi && (load<u64>(sortRec(mid)) & bit) === 0) mid++;
  emitByte(1);
  pack(load<u32>(a, 32), g << 1, depth + 1, own, mid);
  pack(load<u32>(a, 36), (g << 1) | 1, depth + 1, mid, hi);
}

/**
 * Packs the tree part of the current step's witness at `dst` (format in docs/fault-proof.md
 * §8.2): the pre-state multiproof of every logged gindex, built from the post-state tree with
 * the logged pre-values of written nodes. Returns the end address.
 */
export function packTree(dst: usize): usize {
  const count = logCount;
  for (let i: u32 = 0; i < count; i++) {
    const g = load<u64>(LOG_PTR + <usize>i * LOG_REC);
    const s = sortRec(i);
    store<u64>(s, sortKey(g));
    store<u32>(s, <u32>depthOf(g), 8);
    store<u32>(s, i, 12);
  }
  // Insertion sort: a step logs a few hundred accesses, mostly already in order (a long copy
  // logs thousands, in order).
  for (let i: u32 = 1; i < count; i++) {
    const k0 = load<u64>(sortRec(i));
    const k1 = load<u64>(sortRec(i), 8);
    let j = i;
    while (j > 0) {
      store<u64>(SORT_TMP, k0);
      store<u64>(SORT_TMP, k1, 8);
      if (!sortLess(SORT_TMP, sortRec(j - 1))) break;
      store<u64>(sortRec(j), load<u64>(sortRec(j - 1)));
      store<u64>(sortRec(j), load<u64>(sortRec(j - 1), 8), 8);
      j--;
    }
    store<u64>(sortRec(j), k0);
    store<u64>(sortRec(j), k1, 8);
  }
  witPos = dst;
  nodeHash(root);
  pack(root, 1, 0, 0, count);
  return witPos;
}

// ---- witness decoding (verifier) ----

let decEnd: usize = 0;

function decode(depth: i32): u32 {
  if (depth > 64 || witPos >= decEnd) fail(ERR_BAD_ENCODING, <u64>(witPos - WIT_PTR));
  const tag = load<u8>(witPos);
  witPos++;
  const n = alloc();
  const a = at(n);
  if (tag === 0) {
    if (witPos + 32 > decEnd) fail(ERR_BAD_ENCODING, <u64>(witPos - WIT_PTR));
    memory.copy(a, witPos, 32);
    witPos += 32;
    store<u32>(a, 0, 32);
    store<u32>(a, 0, 36);
    store<u32>(a, 0, 40);
  } else if (tag === 1) {
    const l = decode(depth + 1);
    const r = decode(depth + 1);
    store<u32>(a, l, 32);
    store<u32>(a, r, 36);
    store<u32>(a, DIRTY, 40);
  } else {
    fail(ERR_BAD_ENCODING, <u64>(witPos - 1 - WIT_PTR));
  }
  return n;
}

/**
 * Verifier mode: replaces the tree with the one decoded from the bytes [start, end) of the
 * witness buffer. Fails with `ERR_BAD_ENCODING` on an unknown tag, truncation, trailing bytes,
 * a depth over 64 or a terminal root. The caller then checks `rootHash()`.
 */
export function decodeTree(start: usize, end: usize): void {
  treeReset(false);
  witPos = start;
  decEnd = end;
  const r = decode(0);
  if (witPos !== decEnd) fail(ERR_BAD_ENCODING, <u64>(witPos - WIT_PTR));
  if (load<u32>(at(r), 32) === 0) fail(ERR_BAD_ENCODING, <u64>(start - WIT_PTR));
  root = r;
}

/** Turns access logging on or off; returns the previous setting. */
export function setRecording(on: bool): bool {
  const was = recording;
  recording = on;
  return was;
}
