/**
 * The `step` module: Ore's fault-proof step function (docs/fault-proof.md). One step maps the
 * step state (a binary SHA-256 tree, held in this module's node pool) to the next. The same
 * code runs in generator mode (complete tree, accesses logged, `packWitness` emits the step's
 * witness) and in verifier mode (tree decoded by `loadWitness`). Imports nothing.
 *
 * Errors trap (`unreachable`) after recording `errorCode()`/`errorArg()` (codes in `layout.ts`);
 * the host catches the trap, reads the code and must `reset` before using the tree again in
 * generator mode (a trapped step may have left it half-written).
 */

import { execStep } from "./interp";
import {
  clearError,
  ERR_BAD_STATE,
  ERR_UNSUPPORTED_PHASE,
  fail,
  IO_PTR as IO,
  WIT_BYTES as WB,
  WIT_PTR as WP,
} from "./layout";
import { G_PHASE, PHASE_EXEC, rdU64 } from "./state";
import {
  accessAt,
  accessCount,
  beginStep,
  loadWitness as decodeWitness,
  packWitness as pack,
  zeroAt as placeZero,
  read,
  rootHash,
  setRecording,
  treeReset,
  write,
} from "./tree";

export { opcodeSupported } from "./interp";
export { errorArg, errorCode } from "./layout";
export { accessAt, accessCount };

/** Address of the 64 KiB I/O buffer (chunks in and out). */
export const IO_PTR: usize = IO;
/** Address and size of the witness buffer. */
export const WIT_PTR: usize = WP;
export const WIT_BYTES: usize = WB;
/** The step-state layout version this module implements. */
export const STATE_VERSION: u32 = 0;

/** Empties the tree (an all-zero state root of height 64); generator mode logs accesses. */
export function reset(generator: bool): void {
  clearError();
  treeReset(generator);
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

/** Executes one step. Generator mode: the access log is reset first. */
export function step(): void {
  clearError();
  beginStep();
  const phase = rdU64(G_PHASE);
  if (phase === PHASE_EXEC) execStep();
  else if (phase <= 8) fail(ERR_UNSUPPORTED_PHASE, phase);
  else fail(ERR_BAD_STATE, G_PHASE);
}

/** Packs the last step's witness at `WIT_PTR`; returns its length. */
export function packWitness(): usize {
  clearError();
  return pack();
}

/** Verifier mode: loads the `len` witness bytes at `WIT_PTR` as the tree. */
export function loadWitness(len: usize): void {
  clearError();
  decodeWitness(len);
}
