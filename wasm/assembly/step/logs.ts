/**
 * LOG0..LOG4 (docs/fault-proof.md §5.5): a log is appended to `logs.entries` at index
 * `logs.count` and its data copied from memory in pieces. Stage 0 (static frame: halt) charges
 * `375 + 375·topics + 8·size` and the memory expansion, writes the entry's address, topics and
 * data length, and increments `logs.count`; stage 1 copies the data in pieces of ≤ 1,024 bytes
 * (`op.cursor`). A frame that fails restores `logs.count` from its snapshot (§6), so entries past
 * the count are stale and never read.
 */
import { readRun, writeRun } from "./bytesio";
import { argBE, exceptional, expand, finish, gas, memoryGrew, msizeNow, useGas } from "./exec";
import { ERR_BAD_STATE, fail, SCRATCH } from "./layout";
import {
  DEPTH,
  fMemData,
  G_ADDRESS,
  G_CURSOR,
  G_GAS,
  G_IS_STATIC,
  G_LOGS_COUNT,
  G_MEM_LEN,
  G_STAGE,
  rdU64,
  wrU64,
} from "./state";
import { read, write, writeZero } from "./tree";
import { loadBE, toU64Sat } from "./u256";

/** Most logs one transaction can hold. */
const MAX_LOGS: u64 = 1 << 20;
const PIECE: u64 = 1024;
const LIMBS: usize = SCRATCH + 0x1a00;
const BUF: usize = SCRATCH + 0x2000;

/** Gindex of field `k` of log entry `i` (a `Log` container of 8 fields). */
export function gLog(i: u64, k: u64): u64 {
  return ((((<u64>417) << 20) | i) << 3) | k;
}

/** The data subtree of log entry `i` (a `Bytes[2^25]`: data root at height 20, length next). */
export function gLogData(i: u64): u64 {
  return gLog(i, 6) << 1;
}

function argU64(k: u64): u64 {
  loadBE(argBE(k), LIMBS);
  return toU64Sat(LIMBS);
}

/** Runs stage `stage` of `LOGn` (`n` topics). */
export function logStep(n: u64, stage: u64): void {
  const off = argU64(0);
  const size = argU64(1);
  if (stage === 0) {
    if (rdU64(G_IS_STATIC) !== 0) {
      exceptional();
      return;
    }
    if (size >= MAX_MEM_SIZE || !useGas(375 + 375 * n) || !useGas(8 * size) || !expand(off, size)) {
      exceptional();
      return;
    }
    const i = rdU64(G_LOGS_COUNT);
    if (i >= MAX_LOGS) fail(ERR_BAD_STATE, G_LOGS_COUNT);
    write(gLog(i, 0), read(G_ADDRESS));
    wrU64(gLog(i, 1), n);
    for (let t: u64 = 0; t < 4; t++) {
      if (t < n) write(gLog(i, 2 + t), argBE(2 + t));
      else wrU64(gLog(i, 2 + t), 0);
    }
    writeZero(gLogData(i), 20);
    wrU64(gLogData(i) + 1, size);
    wrU64(gLog(i, 7), 0);
    wrU64(G_LOGS_COUNT, i + 1);
    if (size === 0) {
      finish(2 + n, 0, 0, 1);
      return;
    }
    wrU64(G_GAS, gas);
    if (memoryGrew()) wrU64(G_MEM_LEN, msizeNow());
    wrU64(G_CURSOR, 0);
    wrU64(G_STAGE, 1);
    return;
  }
  // Stage 1: the next piece of the data of the log last appended.
  const i = rdU64(G_LOGS_COUNT) - 1;
  const done = rdU64(G_CURSOR);
  const k = min<u64>(PIECE, size - done);
  readRun(fMemData(DEPTH), 20, u64.MAX_VALUE, off + done, k, BUF);
  writeRun(gLogData(i), 20, done, BUF, k);
  if (done + k === size) {
    wrU64(G_CURSOR, 0);
    wrU64(G_STAGE, 0);
    finish(2 + n, 0, 0, 1);
  } else wrU64(G_CURSOR, done + k);
}

const MAX_MEM_SIZE: u64 = 0x100000000;
