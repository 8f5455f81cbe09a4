/**
 * The `keccak` WASM module: Keccak-256 for the JS side (see `wasm/keccak.ts`, `core/hash/keccak.ts`),
 * over fixed buffers in its own exported memory. The ABI and memory layout are written down in
 * `wasm/README.md` (section "keccak"); the constants below are the single source for it.
 */
import { KECCAK256_RATE, keccak256, keccakAbsorb, keccakF1600, keccakFinal } from "../lib/keccak";
import { keccak256Batch } from "../lib/keccakx2";

/** Hashing state used by `absorb`/`finish` (200 bytes, 25 little-endian u64 lanes). */
export const STATE_PTR: usize = 0x10000;
/** Lengths of the inputs of a `hashMany` batch: u32 little-endian, `MAX_BATCH` entries. */
export const LENS_PTR: usize = 0x10100;
/** Digests: `hash`/`finish` write 32 bytes here, `hashMany` writes input i's digest at `+ 32 * i`. */
export const OUT_PTR: usize = 0x14100;
/** Input bytes: the message (`hash`, `absorb`, `finish`) or a batch's inputs back to back (`hashMany`). */
export const DATA_PTR: usize = 0x40000;
/** Capacity of the input buffer in bytes (1 MiB). */
export const DATA_BYTES: usize = 0x100000;
/** Most inputs per `hashMany` call. */
export const MAX_BATCH: u32 = 4096;
/** Rate of Keccak-256 in bytes; `absorb` lengths must be multiples of it. */
export const RATE: usize = KECCAK256_RATE;

/** Hashes DATA[0..len) into OUT[0..32). `len <= DATA_BYTES`. */
export function hash(len: usize): void {
  keccak256(DATA_PTR, len, OUT_PTR);
}

/**
 * Hashes `count <= MAX_BATCH` inputs stored back to back from DATA_PTR, input i being LENS[i]
 * bytes long, writing input i's digest to OUT + 32 * i. Sum of lengths `<= DATA_BYTES`. Three
 * inputs at a time (two in SIMD lanes, one scalar; see `../lib/keccakx2`), any mix of lengths.
 */
export function hashMany(count: u32): void {
  keccak256Batch(DATA_PTR, LENS_PTR, count, OUT_PTR);
}

/** Absorbs DATA[0..len) into STATE; `len` is a multiple of RATE and `<= DATA_BYTES`. */
export function absorb(len: usize): void {
  keccakAbsorb(STATE_PTR, DATA_PTR, len);
}

/** Absorbs DATA[0..len) into STATE as the final input (padded) and writes the digest to OUT. */
export function finish(len: usize): void {
  keccakFinal(STATE_PTR, DATA_PTR, len, OUT_PTR);
}

/** Applies Keccak-f[1600] to STATE in place (for other Keccak-based constructions and tests). */
export function permute(): void {
  keccakF1600(STATE_PTR);
}

/** First byte past the module's static data; always below STATE_PTR (checked by the loader). */
export function heapBase(): usize {
  return __heap_base;
}
