/**
 * Generalized indices of the step state's fields (docs/fault-proof.md §2) and small typed
 * accessors over the tree. Every field the machine touches is named here.
 */

import { SCRATCH } from "./layout";
import { read, write } from "./tree";

export const G_PHASE: u64 = 16;

// BlockContext (field k at 272 + k)
export const G_NUMBER: u64 = 272;
export const G_TIMESTAMP: u64 = 273;
export const G_COINBASE: u64 = 274;
export const G_PREVRANDAO: u64 = 275;
export const G_GASLIMIT: u64 = 276;
export const G_BASEFEE: u64 = 277;
export const G_CHAINID: u64 = 278;
export const G_BLOBBASEFEE: u64 = 279;
export function gBlockHash(i: u64): u64 {
  return ((<u64>280) << 8) | i;
}

// TxContext (field k at 304 + k)
export const G_ORIGIN: u64 = 304;
export const G_GASPRICE: u64 = 305;
export const G_TX_STATUS: u64 = 308;
export const G_TX_GASLEFT: u64 = 309;
export const G_TX_OUTOFF: u64 = 310;
export const G_TX_OUTSIZE: u64 = 311;
export const G_BLOB_LEN: u64 = 625;
export function gBlobHash(i: u64): u64 {
  return ((<u64>624) << 4) | i;
}

// Frame (the current frame, field k at 320 + k)
export const G_PC: u64 = 320;
export const G_GAS: u64 = 321;
export const G_STACK_LEN: u64 = 645;
export function gStack(i: u64): u64 {
  return ((<u64>644) << 10) | i;
}
export const G_MEM_LEN: u64 = 647;
export function gMem(j: u64): u64 {
  return ((<u64>646) << 20) | j;
}
export const G_CD_LEN: u64 = 649;
export function gCalldata(j: u64): u64 {
  return ((<u64>648) << 16) | j;
}
export const G_RD_LEN: u64 = 651;
export function gReturndata(j: u64): u64 {
  return ((<u64>650) << 20) | j;
}
export const G_CODE_LEN: u64 = 1305;
export function gCode(i: u64): u64 {
  return ((<u64>1304) << 11) | i;
}
export const G_CALLER: u64 = 327;
export const G_ADDRESS: u64 = 328;
export const G_VALUE: u64 = 329;
export const G_DEPTH: u64 = 332;
export const G_CURSOR: u64 = 5360;
export function gSponge(i: u64): u64 {
  return ((<u64>5361) << 3) | i;
}

// Phases (§3)
export const PHASE_EXEC: u64 = 4;
export const PHASE_FRAME_EXIT: u64 = 5;
export const PHASE_TX_FINALIZE: u64 = 6;

/** A 32-byte temporary for building chunks. */
export const CHUNK_TMP: usize = SCRATCH + 0x3e0;

/** The uint64 at `g` (bytes 0..7 little-endian; the rest of the chunk is ignored). */
export function rdU64(g: u64): u64 {
  return load<u64>(read(g));
}

/** Writes `v` as a uint64 chunk at `g`. */
export function wrU64(g: u64, v: u64): void {
  memory.fill(CHUNK_TMP, 0, 32);
  store<u64>(CHUNK_TMP, v);
  write(g, CHUNK_TMP);
}
