/**
 * The registers and helpers of an `Exec` step (docs/fault-proof.md §4): pc, gas, stack pointer
 * and code length read once per step, code and stack reads, memory expansion and copies, and the
 * ways a step ends (`finish` writes the stack, pc, gas and memory length; `halt` ends the frame).
 * Shared by the opcode interpreter (`interp.ts`) and the world-state opcodes (`world.ts`).
 */
import { SCRATCH } from "./layout";
import {
  DEPTH,
  fExit,
  G_CODE_LEN,
  G_GAS,
  G_MEM_LEN,
  G_PC,
  G_PHASE,
  G_STACK_LEN,
  G_TX_GASLEFT,
  G_TX_OUTOFF,
  G_TX_OUTSIZE,
  G_TX_STATUS,
  gCalldata,
  gCode,
  gMem,
  gReturndata,
  gStack,
  PHASE_FRAME_EXIT,
  PHASE_TX_FINALIZE,
  rdU64,
  wrU64,
} from "./state";
import { read, write } from "./tree";
import { loadBE, storeBE } from "./u256";

/** A big-endian result word being built. */
export const T: usize = SCRATCH + 192;
/** A memory word being patched. */
const WT: usize = SCRATCH + 224;
/** The zero word. */
export const ZERO: usize = memory.data(32, 16);
/** Offsets or sizes at or above this are out of gas (§4.4). */
export const MAX_MEM: u64 = 0x100000000;

// ---- per-step registers (read-only outside this file; `loadRegisters`, `useGas` change them) ----
export let pc: u64 = 0;
export let gas: u64 = 0;
export let sp: u64 = 0;
export let codeLen: u64 = 0;
let msize: u64 = 0;
let msizeRead = false;
let msizeDirty = false;
let cachedChunk: u64 = u64.MAX_VALUE;
let cachedPtr: usize = 0;

export function codeByte(p: u64): u32 {
  if (p >= codeLen) return 0;
  const idx = p / 31;
  if (idx !== cachedChunk) {
    cachedPtr = read(gCode(idx));
    cachedChunk = idx;
  }
  return <u32>load<u8>(cachedPtr + 1 + <usize>(p % 31));
}

/** Stack item `k` from the top (0 = top), as limbs at `dst`. */
export function arg(k: u64, dst: usize): void {
  loadBE(read(gStack(sp - 1 - k)), dst);
}

/** Stack item `k` from the top, big-endian, as a pointer into the tree (read-only). */
export function argBE(k: u64): usize {
  return read(gStack(sp - 1 - k));
}

export function getMsize(): u64 {
  if (!msizeRead) {
    msize = rdU64(G_MEM_LEN);
    msizeRead = true;
  }
  return msize;
}

function memCost(words: u64): u64 {
  return words * 3 + (words * words) / 512;
}

/** Charges and records the expansion for touching [off, off + size); false when out of gas. */
export function expand(off: u64, size: u64): bool {
  if (size === 0) return true;
  if (off >= MAX_MEM || size >= MAX_MEM) return false;
  const end = off + size;
  const cur = getMsize();
  if (end <= cur) return true;
  const words = (end + 31) / 32;
  const cost = memCost(words) - memCost(cur / 32);
  if (gas < cost) return false;
  gas -= cost;
  msize = words * 32;
  msizeDirty = true;
  return true;
}

/** Copies `n` memory bytes from `off` (already within msize) to `dst`. */
export function memRead(off: u64, n: u64, dst: usize): void {
  let done: u64 = 0;
  while (done < n) {
    const p = off + done;
    const j = p >> 5;
    const s = p & 31;
    const take = min<u64>(32 - s, n - done);
    memory.copy(dst + <usize>done, read(gMem(j)) + <usize>s, <usize>take);
    done += take;
  }
}

/** Writes `n` bytes from `src` to memory at `off` (already within msize). */
export function memWrite(off: u64, src: usize, n: u64): void {
  let done: u64 = 0;
  while (done < n) {
    const p = off + done;
    const j = p >> 5;
    const s = p & 31;
    const take = min<u64>(32 - s, n - done);
    if (take === 32) {
      write(gMem(j), src + <usize>done);
    } else {
      memory.copy(WT, read(gMem(j)), 32);
      memory.copy(WT + <usize>s, src + <usize>done, <usize>take);
      write(gMem(j), WT);
    }
    done += take;
  }
}

/** Copies `n` bytes of a chunked byte string (calldata or return data) from `off` to `dst`. */
export function chunkedRead(isCalldata: bool, len: u64, off: u64, n: u64, dst: usize): void {
  memory.fill(dst, 0, <usize>n);
  if (off >= len) return;
  const end = min<u64>(off + n, len);
  let p = off;
  while (p < end) {
    const j = p >> 5;
    const s = p & 31;
    const take = min<u64>(32 - s, end - p);
    const src = isCalldata ? read(gCalldata(j)) : read(gReturndata(j));
    memory.copy(dst + <usize>(p - off), src + <usize>s, <usize>take);
    p += take;
  }
}

export function codeRead(off: u64, n: u64, dst: usize): void {
  for (let i: u64 = 0; i < n; i++) {
    store<u8>(dst + <usize>i, <u8>(off + i < codeLen ? codeByte(off + i) : 0));
  }
}

// ---- finishing a step ----

/** Replaces the top `nIn` items with `nOut` (0 or 1) result (big-endian at `res`), advances pc. */
export function finish(nIn: u64, nOut: u64, res: usize, advance: u64): void {
  const base = sp - nIn;
  if (nOut === 1) write(gStack(base), res);
  for (let i = base + nOut; i < sp; i++) write(gStack(i), ZERO);
  const nsp = base + nOut;
  if (nsp !== sp) wrU64(G_STACK_LEN, nsp);
  wrU64(G_PC, pc + advance);
  wrU64(G_GAS, gas);
  if (msizeDirty) wrU64(G_MEM_LEN, msize);
}

export function pushU64(v: u64): void {
  memory.fill(T, 0, 32);
  store<u64>(T, bswap<u64>(v), 24);
  finish(0, 1, T, 1);
}

export function pushWord(ptr: usize): void {
  memory.copy(T, ptr, 32);
  finish(0, 1, T, 1);
}

export function resultLimbs(nIn: u64, limbs: usize): void {
  storeBE(limbs, T);
  finish(nIn, 1, T, 1);
}

export function resultBool(nIn: u64, b: bool): void {
  memory.fill(T, 0, 32);
  if (b) store<u8>(T, 1, 31);
  finish(nIn, 1, T, 1);
}

/** The frame halts: STOP/RETURN/REVERT (status 1/1/2) or exceptional (3, all gas). */
export function halt(status: u64, gasLeft: u64, outOff: u64, outSize: u64): void {
  wrU64(G_GAS, gasLeft);
  if (outSize !== 0 && msizeDirty) wrU64(G_MEM_LEN, msize);
  if (DEPTH === 0) {
    wrU64(G_TX_STATUS, status);
    wrU64(G_TX_GASLEFT, gasLeft);
    if (outSize !== 0) {
      wrU64(G_TX_OUTOFF, outOff);
      wrU64(G_TX_OUTSIZE, outSize);
    }
    wrU64(G_PHASE, PHASE_TX_FINALIZE);
    return;
  }
  // A child frame: its exit record (progress 0), then FrameExit returns to the parent (§3).
  wrU64(fExit(DEPTH, 0), status);
  if (outSize !== 0) {
    wrU64(fExit(DEPTH, 1), outOff);
    wrU64(fExit(DEPTH, 2), outSize);
  }
  wrU64(G_PHASE, PHASE_FRAME_EXIT);
}

/** Adds `n` gas (gas a call returns). */
export function addGas(n: u64): void {
  gas += n;
}

export function exceptional(): void {
  halt(3, 0, 0, 0);
}

export function validJump(t: u64): bool {
  if (t >= codeLen) return false;
  if (codeByte(t) !== 0x5b) return false;
  const lead = <u64>load<u8>(cachedPtr);
  const p = t % 31;
  if (p < lead) return false;
  let i = lead;
  while (i < p) {
    const b = <u64>load<u8>(cachedPtr + 1 + <usize>i);
    i += b >= 0x60 && b <= 0x7f ? b - 0x5e : 1;
  }
  return i === p;
}

/** Starts an `Exec` step: reads pc, code length and the opcode's registers lazily after. */
export function loadRegisters(): void {
  cachedChunk = u64.MAX_VALUE;
  msizeRead = false;
  msizeDirty = false;
  pc = rdU64(G_PC);
  codeLen = rdU64(G_CODE_LEN);
}

/** Reads the frame's gas and stack length (after the opcode is known to be supported). */
export function loadGasAndStack(): void {
  gas = rdU64(G_GAS);
  sp = rdU64(G_STACK_LEN);
}

/** Charges `n` gas; false (nothing charged) when less is left. */
export function useGas(n: u64): bool {
  if (gas < n) return false;
  gas -= n;
  return true;
}

/** Whether the frame's memory grew during this step (its length must then be written). */
export function memoryGrew(): bool {
  return msizeDirty;
}

/** The frame's memory length after this step's expansions. */
export function msizeNow(): u64 {
  return msize;
}

/** The code byte at chunk offset `i` of the chunk cached by the last `codeByte` (JUMPDEST checks). */
export function cachedChunkPtr(): usize {
  return cachedPtr;
}
