/**
 * Roots of whole key/value sets, computed in bulk by the `mpt` WASM module: the entries cross into
 * WASM memory once, where they are sorted, deduplicated, encoded and hashed bottom-up (see
 * `docs/mpt.md`, "The root builder"). This is how transaction, receipt, state and storage roots
 * of a block are computed from scratch.
 */
import { mptWasm, releaseMptWasm } from "../../wasm/mpt.ts";
import { assertBytes } from "../bytes.ts";
import { TrieTooLargeError } from "./errors.ts";

/** A key/value pair; an empty value means the key is absent, as in every Ethereum trie. */
export type TrieEntry = readonly [key: Uint8Array, value: Uint8Array];

// After a build that grew WASM memory beyond this, the instance is dropped so the memory can be
// collected; smaller builds keep reusing it.
const KEEP_MEMORY = 64 << 20;
// wasm32 addresses 4 GiB; leave room for the builder's records and scratch above the input.
const MAX_INPUT = 2 ** 32 - (256 << 20);

/**
 * Root of the trie holding `entries` under their plain keys (keys of any length, including keys
 * that are prefixes of others), like a transactions or receipts root. Later entries overwrite
 * earlier ones with the same key; an entry with an empty value removes the key. The empty set
 * gives the empty root `0x56e8…b421`.
 */
export function trieRoot(entries: Iterable<TrieEntry>): Uint8Array {
  return buildRoot(entries, false);
}

/**
 * Root of the trie holding `entries` under `keccak256(key)`, like the state trie (key: address)
 * and storage tries (key: 32-byte slot). Same overwrite and empty-value rules as {@link trieRoot},
 * applied to the original keys.
 */
export function secureTrieRoot(entries: Iterable<TrieEntry>): Uint8Array {
  return buildRoot(entries, true);
}

function buildRoot(entries: Iterable<TrieEntry>, secure: boolean): Uint8Array {
  const w = mptWasm();
  const base = w.heapBase();
  let u8 = new Uint8Array(w.memory.buffer);
  let pos = base;
  let count = 0;
  const reserve = (need: number) => {
    if (need > MAX_INPUT) throw new TrieTooLargeError(need - base);
    if (need <= u8.length) return;
    const grow = Math.ceil((Math.max(need, u8.length * 1.5) - u8.length) / 65536);
    try {
      w.memory.grow(grow);
    } catch (cause) {
      throw new TrieTooLargeError(need - base, { cause });
    }
    u8 = new Uint8Array(w.memory.buffer);
  };
  // Arrays (the common case) are sized up front so memory grows once.
  if (Array.isArray(entries)) {
    let total = base;
    for (const e of entries as TrieEntry[]) total += 8 + (e?.[0]?.length ?? 0) + (e?.[1]?.length ?? 0);
    reserve(total);
  }
  for (const entry of entries) {
    const key = entry[0];
    const value = entry[1];
    assertBytes(key, `entries[${count}][0]`);
    assertBytes(value, `entries[${count}][1]`);
    const kl = key.length;
    const vl = value.length;
    const end = pos + 8 + kl + vl;
    if (end > u8.length) reserve(end);
    u8[pos] = kl;
    u8[pos + 1] = kl >>> 8;
    u8[pos + 2] = kl >>> 16;
    u8[pos + 3] = kl >>> 24;
    u8[pos + 4] = vl;
    u8[pos + 5] = vl >>> 8;
    u8[pos + 6] = vl >>> 16;
    u8[pos + 7] = vl >>> 24;
    u8.set(key, pos + 8);
    u8.set(value, pos + 8 + kl);
    pos = end;
    count++;
  }
  let rootPtr: number;
  try {
    rootPtr = w.build(pos - base, count, secure ? 1 : 0);
  } catch (cause) {
    // The builder traps only on refused memory growth (or a native stack overflow); start afresh.
    releaseMptWasm(0);
    throw new TrieTooLargeError(pos - base, { cause });
  }
  const root = new Uint8Array(w.memory.buffer, rootPtr, 32).slice();
  releaseMptWasm(KEEP_MEMORY);
  return root;
}
