/**
 * The blake2f precompile (0x09, EIP-152) with more rounds than one step may ask of L1
 * (docs/fault-proof.md §10): its gas is one per round and `rounds` is a u32, so a block can pay
 * for tens of millions of rounds, which L1's blake2f would charge as many L1 gas in one step. F
 * cannot be chained through the precompile (it returns `h ^ v[0..8] ^ v[8..16]`, not `v`), so
 * over `BLAKE2F_ONE_STEP_MAX` rounds the machine runs F itself (`blake2.ts`), `BLAKE2F_PIECE`
 * rounds per step: the working vector `v` lives in the current frame's `op.sponge` chunks 0..3
 * (words `4c..4c + 3` in chunk `c`, little-endian u64), the rounds done in `op.cursor`, and
 * `h`, `m`, `t`, `f` are re-read from the input every step (it does not change during the call).
 * The input is `[inOff, inOff + 213)` of the byte string whose data subtree is at gindex `src`
 * (height 20: the caller's memory, or frame 0's calldata for a transaction sent to 0x09).
 */
import { blake2bFinish, blake2bInit, blake2bRounds } from "./blake2";
import { readRun } from "./bytesio";
import { ERR_BAD_STATE, fail, PRE_OUT } from "./layout";
import { G_STAGE, gSponge } from "./state";
import { read, write } from "./tree";

/** The input length blake2f takes (EIP-152): rounds, h, m, t, f. */
export const BLAKE2F_INPUT: u64 = 213;
/**
 * Most rounds one host call runs (2^20): L1's blake2f then charges at most 1,048,576 gas. A call
 * with more rounds goes in pieces.
 */
export const BLAKE2F_ONE_STEP_MAX: u64 = 1 << 20;
/**
 * Rounds one piece runs in the machine (and an on-chain verifier in EVM code: ≈ 2,000 L1 gas a
 * round, so ≈ 1M a piece; §10).
 */
export const BLAKE2F_PIECE: u64 = 512;
/** The 64-byte output after the last piece. */
export const BLAKE2F_OUT: usize = PRE_OUT + 0x200;

// Buffers in the precompile output area (no precompile output is pending during these steps).
const IN: usize = PRE_OUT; // 213 bytes
const V: usize = PRE_OUT + 0x100; // 128 bytes
const H: usize = PRE_OUT + 0x180; // 64 bytes
const M: usize = PRE_OUT + 0x280; // 128 bytes
const ZERO: usize = memory.data(32, 16);

/** Reads the input into `IN`; returns its rounds (big-endian u32 at byte 0). */
function loadInput(src: u64, inOff: u64): u64 {
  readRun(src, 20, inOff + BLAKE2F_INPUT, inOff, BLAKE2F_INPUT, IN);
  return <u64>bswap<u32>(load<u32>(IN));
}

/** The rounds of the 213-byte blake2f input at `inOff` of `src`. */
export function blake2fRounds(src: u64, inOff: u64): u64 {
  return loadInput(src, inOff);
}

/** The final-block flag (byte 212) of the blake2f input at `inOff` of `src`: valid when 0 or 1. */
export function blake2fFlag(src: u64, inOff: u64): u32 {
  loadInput(src, inOff);
  return <u32>load<u8>(IN + 212);
}

/** The blake2f call at `inOff` (`inLen` bytes) runs in pieces: 213 bytes, over 2^20 rounds. */
export function blake2fInPieces(src: u64, inOff: u64, inLen: u64): bool {
  return inLen === BLAKE2F_INPUT && blake2fRounds(src, inOff) > BLAKE2F_ONE_STEP_MAX;
}

/**
 * The next piece of the blake2f input at `inOff` of `src` after `done` rounds: up to
 * `BLAKE2F_PIECE` rounds on `v` (built from `h`, `t`, `f` when `done` is 0, else read from
 * `op.sponge`). Returns the rounds done; when that is all of them, the output is at `BLAKE2F_OUT`
 * and the sponge chunks are zero again, else `v` is in them.
 */
export function blake2fNext(src: u64, inOff: u64, done: u64): u64 {
  const rounds = loadInput(src, inOff);
  const last = load<u8>(IN + 212);
  if (done > rounds || last > 1) fail(ERR_BAD_STATE, G_STAGE);
  memory.copy(H, IN + 4, 64);
  memory.copy(M, IN + 68, 128);
  if (done === 0) blake2bInit(H, load<u64>(IN + 196), load<u64>(IN + 204), last === 1, V);
  else for (let c: u64 = 0; c < 4; c++) memory.copy(V + <usize>(c << 5), read(gSponge(c)), 32);
  const n = min<u64>(BLAKE2F_PIECE, rounds - done);
  blake2bRounds(V, M, done, n);
  if (done + n < rounds) {
    for (let c: u64 = 0; c < 4; c++) write(gSponge(c), V + <usize>(c << 5));
    return done + n;
  }
  blake2bFinish(H, V, BLAKE2F_OUT);
  if (done > 0) for (let c: u64 = 0; c < 4; c++) write(gSponge(c), ZERO);
  return rounds;
}
