/**
 * The `step` module: Ore's fault-proof step function (docs/fault-proof.md). One step maps the
 * step state (a binary SHA-256 tree, held in this module's node pool) to the next. The same
 * code runs in generator mode (complete tree, accesses logged, `packWitness` emits the step's
 * witness) and in verifier mode (tree and preimages decoded by `loadWitness`). Imports nothing.
 *
 * Errors trap (`unreachable`) after recording `errorCode()`/`errorArg()` (codes in `layout.ts`);
 * the host catches the trap, reads the code and must `reset` before using the tree again in
 * generator mode (a trapped step may have left it half-written) — except after
 * `ERR_MISSING_PREIMAGE`, which a step raises before writing anything: the host adds the
 * preimage (`addPreimage`) and runs the step again.
 */

import { blockStartStep } from "./block";
import { frameExitStep } from "./frames";
import { execStep } from "./interp";
import {
  clearError,
  ERR_BAD_ENCODING,
  ERR_BAD_STATE,
  ERR_UNSUPPORTED_PHASE,
  fail,
  IO_PTR as IO,
  MISS_PTR as MISS,
  PRE_IN,
  WIT_BYTES as WB,
  WIT_PTR as WP,
} from "./layout";
import { WALK_IDLE, walkStep } from "./mpt";
import { setKeepNodes } from "./mptNode";
import {
  beginFetches,
  decodePreimages,
  insertPreimage,
  MAX_PREIMAGE,
  packPreimages,
  preimagesReset,
} from "./preimages";
import { blockEndStep } from "./receipts";
import {
  G_DEPTH,
  G_PHASE,
  G_WALK_MODE,
  MAX_DEPTH,
  PHASE_BLOCK_END,
  PHASE_BLOCK_START,
  PHASE_DONE,
  PHASE_EXEC,
  PHASE_FRAME_EXIT,
  PHASE_TX_FINALIZE,
  PHASE_TX_LOAD,
  PHASE_TX_VALIDATE,
  rdU64,
  setFrame,
} from "./state";
import {
  accessAt,
  accessCount,
  beginStep,
  decodeTree,
  packTree,
  zeroAt as placeZero,
  read,
  rootHash,
  setRecording,
  treeReset,
  write,
} from "./tree";
import { txFinalizeStep, txValidateStep } from "./tx";
import { txLoadStep } from "./txload";

export { opcodeSupported } from "./interp";
export { errorArg, errorCode } from "./layout";
export { fetchCount, fetchKind } from "./preimages";
export { accessAt, accessCount };

/** Address of the 64 KiB I/O buffer (chunks and preimages in and out). */
export const IO_PTR: usize = IO;
/** Address and size of the witness buffer. */
export const WIT_PTR: usize = WP;
export const WIT_BYTES: usize = WB;
/** Where a step that missed a preimage leaves its 32-byte hash. */
export const MISS_PTR: usize = MISS;
/** The step-state layout version this module implements. */
export const STATE_VERSION: u32 = 1;
/** The witness format version this module reads and writes. */
const WITNESS_VERSION: u8 = 1;

/** Empties the tree (an all-zero state root of height 64) and the preimages; generator mode logs accesses. */
export function reset(generator: bool): void {
  clearError();
  treeReset(generator);
  preimagesReset();
  setKeepNodes(true);
}

/** Writes the 32 bytes at `IO_PTR` as the leaf at gindex `g` (not logged). */
export function setLeaf(g: u64): void {
  clearError();
  const was = setRecording(false);
  write(g, IO_PTR);
  setRecording(was);
}

/** Places the all-zero subtree of height `h` at gindex `g` (building a state; not logged). */
export function zeroAt(g: u64, h: u32): void {
  clearError();
  placeZero(g, h);
}

/** Copies the value (or subtree root) at gindex `g` to `IO_PTR` (not logged). */
export function getLeaf(g: u64): void {
  clearError();
  const was = setRecording(false);
  memory.copy(IO_PTR, read(g), 32);
  setRecording(was);
}

/** Copies the state root to `IO_PTR`. */
export function root(): void {
  clearError();
  memory.copy(IO_PTR, rootHash(), 32);
}

/** Where the host puts a preimage for `addPreimage` (256 KiB). */
export const PREIMAGE_PTR: usize = PRE_IN;

/** Adds the `len` bytes at `PREIMAGE_PTR` as a keccak preimage (an MPT node, code, a transaction). */
export function addPreimage(len: usize): void {
  clearError();
  if (len === 0 || len > MAX_PREIMAGE) fail(ERR_BAD_ENCODING, <u64>len);
  insertPreimage(PREIMAGE_PTR, len);
}

/** Executes one step. Generator mode: the access log is reset first. */
export function step(): void {
  clearError();
  beginStep();
  beginFetches();
  if (rdU64(G_WALK_MODE) !== WALK_IDLE) {
    walkStep();
    return;
  }
  const depth = rdU64(G_DEPTH);
  if (depth > MAX_DEPTH) fail(ERR_BAD_STATE, G_DEPTH);
  setFrame(depth);
  const phase = rdU64(G_PHASE);
  if (phase === PHASE_EXEC) execStep();
  else if (phase === PHASE_BLOCK_START) blockStartStep();
  else if (phase === PHASE_FRAME_EXIT) frameExitStep();
  else if (phase === PHASE_TX_LOAD) txLoadStep();
  else if (phase === PHASE_TX_VALIDATE) txValidateStep();
  else if (phase === PHASE_TX_FINALIZE) txFinalizeStep();
  else if (phase === PHASE_BLOCK_END) blockEndStep();
  else if (phase === PHASE_DONE)
    return; // the machine has halted: a step changes nothing
  else if (phase <= 8) fail(ERR_UNSUPPORTED_PHASE, phase);
  else fail(ERR_BAD_STATE, G_PHASE);
}

/** Packs the last step's witness at `WIT_PTR` (docs/fault-proof.md §8.2); returns its length. */
export function packWitness(): usize {
  clearError();
  store<u8>(WIT_PTR, WITNESS_VERSION);
  const treeEnd = packTree(WIT_PTR + 5);
  store<u32>(WIT_PTR + 1, <u32>(treeEnd - WIT_PTR - 5));
  return packPreimages(treeEnd) - WIT_PTR;
}

/**
 * Verifier mode: loads the `len` witness bytes at `WIT_PTR`: the tree becomes the witness's
 * partial tree and the preimage table its preimage section. Malformed: `ERR_BAD_ENCODING`.
 */
export function loadWitness(len: usize): void {
  clearError();
  if (len < 9 || len > WIT_BYTES) fail(ERR_BAD_ENCODING, 0);
  if (load<u8>(WIT_PTR) !== WITNESS_VERSION) fail(ERR_BAD_ENCODING, 0);
  const treeLen = <usize>load<u32>(WIT_PTR + 1);
  if (treeLen > len - 9) fail(ERR_BAD_ENCODING, 1);
  decodeTree(WIT_PTR + 5, WIT_PTR + 5 + treeLen);
  preimagesReset();
  setKeepNodes(false);
  decodePreimages(WIT_PTR + 5 + treeLen, WIT_PTR + len);
}
