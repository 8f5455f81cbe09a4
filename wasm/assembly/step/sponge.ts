/**
 * Keccak-256 over a byte run of a frame's memory in pieces (docs/fault-proof.md §4.2): the
 * 200-byte sponge lives in the current frame's `op.sponge` between steps, at most 952 bytes (7
 * rate blocks) are absorbed per step, and the sponge is zeroed again when the digest is out.
 * Used by CREATE2 (the init code's hash) and by a create frame's code deposit.
 */
import { keccak256, keccakAbsorb, keccakFinal } from "../lib/keccak";
import { readRun } from "./bytesio";
import { SCRATCH } from "./layout";
import { fMemData, gSponge } from "./state";
import { read, write } from "./tree";

/** Most bytes absorbed by a step that does not finish the hash: 7 rate blocks. */
export const HASH_PIECE: u64 = 952;

const SPONGE: usize = SCRATCH + 0x3000; // 224 bytes
const BUF: usize = SCRATCH + 0x3100; // HASH_PIECE bytes

function loadSponge(): void {
  for (let i: u64 = 0; i < 7; i++) memory.copy(SPONGE + <usize>(i << 5), read(gSponge(i)), 32);
}

function storeSponge(): void {
  memory.fill(SPONGE + 200, 0, 24);
  for (let i: u64 = 0; i < 7; i++) write(gSponge(i), SPONGE + <usize>(i << 5));
}

/**
 * Hashes the next piece of the `size` bytes at `off` in frame `d`'s memory, `cursor` bytes being
 * done. Returns true when the digest is written to `out`; else the caller advances its cursor by
 * `HASH_PIECE`.
 */
export function hashMemoryPiece(d: u64, off: u64, size: u64, cursor: u64, out: usize): bool {
  const rest = size - cursor;
  if (rest <= HASH_PIECE) {
    readRun(fMemData(d), 20, u64.MAX_VALUE, off + cursor, rest, BUF);
    if (cursor === 0) keccak256(BUF, <usize>rest, out);
    else {
      loadSponge();
      keccakFinal(SPONGE, BUF, <usize>rest, out);
      memory.fill(SPONGE, 0, 224);
      storeSponge();
    }
    return true;
  }
  readRun(fMemData(d), 20, u64.MAX_VALUE, off + cursor, HASH_PIECE, BUF);
  if (cursor === 0) memory.fill(SPONGE, 0, 224);
  else loadSponge();
  keccakAbsorb(SPONGE, BUF, <usize>HASH_PIECE);
  storeSponge();
  return false;
}
