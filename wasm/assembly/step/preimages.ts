/**
 * Keccak preimages the step reads: MPT nodes (keyed by the hash their parent or the state
 * holds) and contract code (keyed by the account's code hash). One table serves both: an entry
 * is found by the keccak-256 of its bytes, computed here on insertion, so a wrong preimage can
 * never be found under a hash it does not have (docs/fault-proof.md §5, §8.2).
 *
 * Generator mode: the host adds preimages (`addPreimage`) and the walker adds the nodes it
 * builds; a step that needs a missing one fails with `ERR_MISSING_PREIMAGE` *before writing the
 * tree* (checked: `ERR_FETCH_AFTER_WRITE`), so the host can add it and run the step again. Every
 * preimage a step fetches is logged and packed into its witness. Verifier mode: the table holds
 * exactly the witness's preimage section.
 *
 * Entry: hash [0, 32), length u32 at 32, bytes from 48. The table is open addressing over u32
 * entry addresses, grown (doubled) at half load. Both live on the heap and die with the tree.
 */
import { keccak256 } from "../lib/keccak";
import { allocBytes } from "./heap";
import {
  ERR_BAD_ENCODING,
  ERR_FETCH_AFTER_WRITE,
  ERR_LOG_FULL,
  ERR_MISSING_PREIMAGE,
  ERR_WITNESS_FULL,
  FETCH_MAX,
  FETCH_PTR,
  fail,
  MISS_PTR,
  WIT_BYTES,
  WIT_PTR,
} from "./layout";
import { isRecording, writesThisStep } from "./tree";

/**
 * Largest preimage: a transaction of 262,144 bytes (code is at most 24,576 bytes, EIP-170; an MPT
 * node at most 532).
 */
export const MAX_PREIMAGE: usize = 262144;
/** Most preimages one witness may carry. */
export const MAX_WITNESS_PREIMAGES: u32 = 4;

/** What a fetched preimage is (for the proof file's dicts, §8.3): an MPT node, code, a transaction. */
export const KIND_NODE: u8 = 0;
export const KIND_CODE: u8 = 1;
export const KIND_TX: u8 = 2;
/** The kinds of the step's fetched preimages, one byte each, in fetch order. */
const FETCH_KINDS: usize = FETCH_PTR + 0x40;

const HASH: usize = memory.data(32, 16);

let tab: usize = 0;
let cap: u32 = 0;
let count: u32 = 0;
let fetched: u32 = 0;

/** Empties the table (the heap it lives on is being reset). */
export function preimagesReset(): void {
  tab = 0;
  cap = 0;
  count = 0;
  fetched = 0;
}

/** Starts a step: clears the list of preimages it fetched. */
export function beginFetches(): void {
  fetched = 0;
}

function eq32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

function lookup(h: usize): usize {
  if (cap === 0) return 0;
  const mask = cap - 1;
  let i = load<u32>(h) & mask;
  while (true) {
    const e = <usize>load<u32>(tab + ((<usize>i) << 2));
    if (e === 0) return 0;
    if (eq32(e, h)) return e;
    i = (i + 1) & mask;
  }
}

function place(e: usize): void {
  const mask = cap - 1;
  let i = load<u32>(e) & mask;
  while (load<u32>(tab + ((<usize>i) << 2)) !== 0) i = (i + 1) & mask;
  store<u32>(tab + ((<usize>i) << 2), <u32>e);
}

function grow(): void {
  const old = tab;
  const oldCap = cap;
  cap = oldCap === 0 ? 1024 : oldCap << 1;
  tab = allocBytes((<usize>cap) << 2);
  for (let i: u32 = 0; i < oldCap; i++) {
    const e = <usize>load<u32>(old + ((<usize>i) << 2));
    if (e !== 0) place(e);
  }
}

/** Length of entry `e`'s bytes. */
export function entryLen(e: usize): usize {
  return <usize>load<u32>(e, 32);
}

/** Address of entry `e`'s bytes. */
export function entryData(e: usize): usize {
  return e + 48;
}

/** Adds the `len` bytes at `ptr` (keyed by their keccak, hashed here); returns the entry. */
export function insertPreimage(ptr: usize, len: usize): usize {
  keccak256(ptr, len, HASH);
  return insertHashed(ptr, len, HASH);
}

/** Adds bytes whose keccak the caller has just computed into `h`; returns the entry. */
export function insertHashed(ptr: usize, len: usize, h: usize): usize {
  let e = lookup(h);
  if (e !== 0) return e;
  e = allocBytes(48 + len);
  memory.copy(e, h, 32);
  store<u32>(e, <u32>len, 32);
  memory.copy(e + 48, ptr, len);
  if ((count + 1) << 1 > cap) grow();
  place(e);
  count++;
  return e;
}

/**
 * The entry whose keccak is the 32 bytes at `h`, logged for the witness. Missing: fails with
 * `ERR_MISSING_PREIMAGE` (the hash copied to `MISS_PTR`).
 */
export function fetchPreimage(h: usize, kind: u8 = KIND_NODE): usize {
  if (isRecording() && writesThisStep() !== 0) fail(ERR_FETCH_AFTER_WRITE, 0);
  const e = lookup(h);
  if (e === 0) {
    memory.copy(MISS_PTR, h, 32);
    fail(ERR_MISSING_PREIMAGE, <u64>bswap<u64>(load<u64>(h)));
  }
  if (isRecording()) {
    for (let i: u32 = 0; i < fetched; i++)
      if (<usize>load<u32>(FETCH_PTR + ((<usize>i) << 2)) === e) return e;
    if (fetched >= FETCH_MAX) fail(ERR_LOG_FULL, <u64>fetched);
    store<u32>(FETCH_PTR + ((<usize>fetched) << 2), <u32>e);
    store<u8>(FETCH_KINDS + <usize>fetched, kind);
    fetched++;
  }
  return e;
}

/** How many preimages the last step fetched, and the kind of the `i`-th (`KIND_*`). */
export function fetchCount(): u32 {
  return fetched;
}
export function fetchKind(i: u32): u32 {
  return i < fetched ? <u32>load<u8>(FETCH_KINDS + <usize>i) : 0xff;
}

/** Writes the preimage section of the step's witness at `dst`; returns the end address. */
export function packPreimages(dst: usize): usize {
  let p = dst;
  const limit = WIT_PTR + WIT_BYTES;
  if (p + 4 > limit) fail(ERR_WITNESS_FULL, <u64>(p - WIT_PTR));
  store<u32>(p, fetched);
  p += 4;
  for (let i: u32 = 0; i < fetched; i++) {
    const e = <usize>load<u32>(FETCH_PTR + ((<usize>i) << 2));
    const len = entryLen(e);
    if (p + 4 + len > limit) fail(ERR_WITNESS_FULL, <u64>(p - WIT_PTR));
    store<u32>(p, <u32>len);
    memory.copy(p + 4, entryData(e), len);
    p += 4 + len;
  }
  return p;
}

/**
 * Verifier mode: inserts the preimage section [start, end) of a witness. Fails with
 * `ERR_BAD_ENCODING` on more than `MAX_WITNESS_PREIMAGES` entries, an empty or oversized entry,
 * truncation or trailing bytes.
 */
export function decodePreimages(start: usize, end: usize): void {
  if (start + 4 > end) fail(ERR_BAD_ENCODING, <u64>(start - WIT_PTR));
  const n = load<u32>(start);
  if (n > MAX_WITNESS_PREIMAGES) fail(ERR_BAD_ENCODING, <u64>(start - WIT_PTR));
  let p = start + 4;
  for (let i: u32 = 0; i < n; i++) {
    if (p + 4 > end) fail(ERR_BAD_ENCODING, <u64>(p - WIT_PTR));
    const len = <usize>load<u32>(p);
    if (len === 0 || len > MAX_PREIMAGE || len > end - p - 4) fail(ERR_BAD_ENCODING, <u64>(p - WIT_PTR));
    insertPreimage(p + 4, len);
    p += 4 + len;
  }
  if (p !== end) fail(ERR_BAD_ENCODING, <u64>(p - WIT_PTR));
}
