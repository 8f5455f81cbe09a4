/**
 * The `Exec` phase: one EVM opcode (or one sub-step of a split opcode) of the current frame,
 * Cancun semantics and gas (docs/fault-proof.md §4). World-state opcodes run in stages
 * (`world.ts`); opcodes that need calls or logs are refused with `ERR_UNSUPPORTED_OPCODE`; see
 * `OPCODE TABLE` below for the coverage.
 */
import { keccak256, keccakAbsorb, keccakFinal } from "../lib/keccak";
import { createStep } from "./create";
import {
  arg,
  argBE,
  chunkedRead,
  codeByte,
  codeLen,
  codeRead,
  exceptional,
  expand,
  finish,
  gas,
  getMsize,
  halt,
  loadGasAndStack,
  loadRegisters,
  MAX_MEM,
  memoryGrew,
  memRead,
  memWrite,
  msizeNow,
  pc,
  pushU64,
  pushWord,
  resultBool,
  resultLimbs,
  sp,
  T,
  useGas,
  validJump,
} from "./exec";
import { callStep } from "./frames";
import { ERR_UNSUPPORTED_OPCODE, fail, SCRATCH } from "./layout";
import { logStep } from "./logs";
import { selfdestructStep } from "./selfdestruct";
import {
  G_ADDRESS,
  G_BASEFEE,
  G_BLOB_LEN,
  G_BLOBBASEFEE,
  G_CALLER,
  G_CD_LEN,
  G_CHAINID,
  G_COINBASE,
  G_CURSOR,
  G_GAS,
  G_GASLIMIT,
  G_GASPRICE,
  G_MEM_LEN,
  G_NUMBER,
  G_ORIGIN,
  G_PC,
  G_PREVRANDAO,
  G_RD_LEN,
  G_STACK_LEN,
  G_STAGE,
  G_TIMESTAMP,
  G_VALUE,
  gBlobHash,
  gBlockHash,
  gSponge,
  gStack,
  rdU64,
  wrU64,
} from "./state";
import { read, write } from "./tree";
import {
  addW,
  divModN,
  eqW,
  isZeroW,
  ltW,
  mulW,
  mulWide,
  negW,
  setU64,
  shlW,
  shrW,
  sltW,
  subW,
  toU64Sat,
} from "./u256";
import { worldStep } from "./world";

/** Runs stage `stage` of a staged opcode. */
function stagedStep(op: u32, stage: u64): void {
  if (op === 0xf1 || op === 0xf2 || op === 0xf4 || op === 0xfa) callStep(op, stage);
  else if (op === 0xf0 || op === 0xf5) createStep(op, stage);
  else if (op === 0xff) selfdestructStep(stage);
  else if (op >= 0xa0 && op <= 0xa4) logStep(<u64>(op - 0xa0), stage);
  else worldStep(op, stage);
}

// Scratch slots (limbs unless noted).
const A: usize = SCRATCH;
const B: usize = SCRATCH + 32;
const C: usize = SCRATCH + 64;
const R: usize = SCRATCH + 96;
const WIDE: usize = SCRATCH + 128; // 64 bytes
const WT: usize = SCRATCH + 224; // a word being swapped
const SPONGE: usize = SCRATCH + 0x100; // 224 bytes: the keccak state and padding to 7 chunks
const BUF: usize = SCRATCH + 0x400; // bytes of a copy piece (PIECE + 64)

/** Most destination (or hashed) bytes one sub-step moves. */
export const PIECE: u64 = 1024;
/** Most bytes one KECCAK256 sub-step absorbs before the last: 7 rate blocks. */
const KECCAK_PIECE: u64 = 952;

// ---- OPCODE TABLE: per opcode u32 = in | out << 8 | staticGas << 16 (gas < 256), flags on top ----
const WORLD: u32 = 1 << 29;
const DEFINED: u32 = 1 << 30;
const SUPPORTED: u32 = 1 << 31;
const TABLE: usize = memory.data(1024, 16);
let tableReady = false;

function def(op: u32, nIn: u32, nOut: u32, gas: u32, supported: bool): void {
  store<u32>(
    TABLE + ((<usize>op) << 2),
    nIn | (nOut << 8) | (gas << 16) | DEFINED | (supported ? SUPPORTED : 0),
  );
}

/** An opcode that runs in stages (`world.ts`, `frames.ts`), static gas charged in stage 0. */
function defWorld(op: u32, nIn: u32, nOut: u32, gas: u32): void {
  def(op, nIn, nOut, gas, true);
  store<u32>(TABLE + ((<usize>op) << 2), load<u32>(TABLE + ((<usize>op) << 2)) | WORLD);
}

function initTable(): void {
  def(0x00, 0, 0, 0, true); // STOP
  def(0x01, 2, 1, 3, true); // ADD
  def(0x02, 2, 1, 5, true); // MUL
  def(0x03, 2, 1, 3, true); // SUB
  def(0x04, 2, 1, 5, true); // DIV
  def(0x05, 2, 1, 5, true); // SDIV
  def(0x06, 2, 1, 5, true); // MOD
  def(0x07, 2, 1, 5, true); // SMOD
  def(0x08, 3, 1, 8, true); // ADDMOD
  def(0x09, 3, 1, 8, true); // MULMOD
  def(0x0a, 2, 1, 10, true); // EXP
  def(0x0b, 2, 1, 5, true); // SIGNEXTEND
  for (let op: u32 = 0x10; op <= 0x1d; op++) def(op, op === 0x15 || op === 0x19 ? 1 : 2, 1, 3, true);
  def(0x20, 2, 1, 30, true); // KECCAK256
  def(0x30, 0, 1, 2, true); // ADDRESS
  defWorld(0x31, 1, 1, 0); // BALANCE
  def(0x32, 0, 1, 2, true); // ORIGIN
  def(0x33, 0, 1, 2, true); // CALLER
  def(0x34, 0, 1, 2, true); // CALLVALUE
  def(0x35, 1, 1, 3, true); // CALLDATALOAD
  def(0x36, 0, 1, 2, true); // CALLDATASIZE
  def(0x37, 3, 0, 3, true); // CALLDATACOPY
  def(0x38, 0, 1, 2, true); // CODESIZE
  def(0x39, 3, 0, 3, true); // CODECOPY
  def(0x3a, 0, 1, 2, true); // GASPRICE
  defWorld(0x3b, 1, 1, 0); // EXTCODESIZE
  defWorld(0x3c, 4, 0, 0); // EXTCODECOPY
  def(0x3d, 0, 1, 2, true); // RETURNDATASIZE
  def(0x3e, 3, 0, 3, true); // RETURNDATACOPY
  defWorld(0x3f, 1, 1, 0); // EXTCODEHASH
  def(0x40, 1, 1, 20, true); // BLOCKHASH
  def(0x41, 0, 1, 2, true); // COINBASE
  def(0x42, 0, 1, 2, true); // TIMESTAMP
  def(0x43, 0, 1, 2, true); // NUMBER
  def(0x44, 0, 1, 2, true); // PREVRANDAO
  def(0x45, 0, 1, 2, true); // GASLIMIT
  def(0x46, 0, 1, 2, true); // CHAINID
  defWorld(0x47, 0, 1, 5); // SELFBALANCE
  def(0x48, 0, 1, 2, true); // BASEFEE
  def(0x49, 1, 1, 3, true); // BLOBHASH
  def(0x4a, 0, 1, 2, true); // BLOBBASEFEE
  def(0x50, 1, 0, 2, true); // POP
  def(0x51, 1, 1, 3, true); // MLOAD
  def(0x52, 2, 0, 3, true); // MSTORE
  def(0x53, 2, 0, 3, true); // MSTORE8
  defWorld(0x54, 1, 1, 0); // SLOAD
  defWorld(0x55, 2, 0, 0); // SSTORE
  def(0x56, 1, 0, 8, true); // JUMP
  def(0x57, 2, 0, 10, true); // JUMPI
  def(0x58, 0, 1, 2, true); // PC
  def(0x59, 0, 1, 2, true); // MSIZE
  def(0x5a, 0, 1, 2, true); // GAS
  def(0x5b, 0, 0, 1, true); // JUMPDEST
  defWorld(0x5c, 1, 1, 100); // TLOAD
  defWorld(0x5d, 2, 0, 100); // TSTORE
  def(0x5e, 3, 0, 3, true); // MCOPY
  def(0x5f, 0, 1, 2, true); // PUSH0
  for (let op: u32 = 0x60; op <= 0x7f; op++) def(op, 0, 1, 3, true); // PUSH1..32
  for (let n: u32 = 1; n <= 16; n++) def(0x7f + n, n, n + 1, 3, true); // DUP1..16
  for (let n: u32 = 1; n <= 16; n++) def(0x8f + n, n + 1, n + 1, 3, true); // SWAP1..16
  for (let n: u32 = 0; n <= 4; n++) defWorld(0xa0 + n, 2 + n, 0, 0); // LOG0..4
  defWorld(0xf0, 3, 1, 0); // CREATE (32000 charged by its stage 0)
  defWorld(0xf1, 7, 1, 0); // CALL
  defWorld(0xf2, 7, 1, 0); // CALLCODE
  def(0xf3, 2, 0, 0, true); // RETURN
  defWorld(0xf4, 6, 1, 0); // DELEGATECALL
  defWorld(0xf5, 4, 1, 0); // CREATE2 (32000 charged by its stage 0)
  defWorld(0xfa, 6, 1, 0); // STATICCALL
  def(0xfd, 2, 0, 0, true); // REVERT
  def(0xfe, 0, 0, 0, true); // INVALID
  defWorld(0xff, 1, 0, 0); // SELFDESTRUCT (5000 charged by its stages)
  tableReady = true;
}

/** Whether this machine executes opcode `op` (undefined opcodes count: they halt). */
export function opcodeSupported(op: u32): bool {
  if (!tableReady) initTable();
  const e = load<u32>(TABLE + ((<usize>(op & 0xff)) << 2));
  return (e & DEFINED) === 0 || (e & SUPPORTED) !== 0;
}

// ---- the step ----

/** Executes one step of the `Exec` phase. */
export function execStep(): void {
  if (!tableReady) initTable();
  loadRegisters();
  const op = codeByte(pc);
  const e = load<u32>(TABLE + ((<usize>op) << 2));
  if ((e & DEFINED) === 0 || op === 0xfe) {
    exceptional();
    return;
  }
  if ((e & SUPPORTED) === 0) fail(ERR_UNSUPPORTED_OPCODE, <u64>op);
  loadGasAndStack();
  const world = (e & WORLD) !== 0;
  if (world) {
    const stage = rdU64(G_STAGE);
    if (stage !== 0) {
      stagedStep(op, stage);
      return;
    }
  }
  const split = op === 0x20 || op === 0x37 || op === 0x39 || op === 0x3e || op === 0x5e;
  if (split) {
    const cursor = rdU64(G_CURSOR);
    if (cursor !== 0) {
      splitStep(op, cursor);
      return;
    }
  }
  const nIn = <u64>(e & 0xff);
  const nOut = <u64>((e >> 8) & 0xff);
  if (sp < nIn || sp - nIn + nOut > 1024) {
    exceptional();
    return;
  }
  const sgas = <u64>((e >> 16) & 0xff);
  if (!useGas(sgas)) {
    exceptional();
    return;
  }
  if (world) {
    stagedStep(op, 0);
    return;
  }
  if (split) {
    splitStep(op, 0);
    return;
  }
  if (op >= 0x60 && op <= 0x7f) {
    const n = <u64>(op - 0x5f);
    memory.fill(T, 0, 32);
    for (let i: u64 = 0; i < n; i++) store<u8>(T + <usize>(32 - n + i), <u8>codeByte(pc + 1 + i));
    finish(0, 1, T, 1 + n);
    return;
  }
  if (op >= 0x80 && op <= 0x8f) {
    memory.copy(T, argBE(<u64>(op - 0x80)), 32);
    write(gStack(sp), T);
    wrU64(G_STACK_LEN, sp + 1);
    wrU64(G_PC, pc + 1);
    wrU64(G_GAS, gas);
    return;
  }
  if (op >= 0x90 && op <= 0x9f) {
    const n = <u64>(op - 0x8f);
    memory.copy(T, argBE(0), 32);
    memory.copy(WT, argBE(n), 32);
    write(gStack(sp - 1), WT);
    write(gStack(sp - 1 - n), T);
    wrU64(G_PC, pc + 1);
    wrU64(G_GAS, gas);
    return;
  }
  simpleOp(op);
}

function simpleOp(op: u32): void {
  switch (op) {
    case 0x00:
      halt(1, gas, 0, 0);
      return;
    case 0x01:
      arg(0, A);
      arg(1, B);
      addW(A, B, R);
      resultLimbs(2, R);
      return;
    case 0x02:
      arg(0, A);
      arg(1, B);
      mulW(A, B, R);
      resultLimbs(2, R);
      return;
    case 0x03:
      arg(0, A);
      arg(1, B);
      subW(A, B, R);
      resultLimbs(2, R);
      return;
    case 0x04:
    case 0x06:
      arg(0, A);
      arg(1, B);
      if (isZeroW(B)) setU64(R, 0);
      else if (op === 0x04) divModN(A, 4, B, R, C);
      else divModN(A, 4, B, 0, R);
      resultLimbs(2, R);
      return;
    case 0x05:
    case 0x07: {
      arg(0, A);
      arg(1, B);
      if (isZeroW(B)) {
        setU64(R, 0);
      } else {
        const na = load<u64>(A, 24) >> 63;
        const nb = load<u64>(B, 24) >> 63;
        if (na) negW(A, A);
        if (nb) negW(B, B);
        if (op === 0x05) {
          divModN(A, 4, B, R, C);
          if (na !== nb) negW(R, R);
        } else {
          divModN(A, 4, B, 0, R);
          if (na) negW(R, R);
        }
      }
      resultLimbs(2, R);
      return;
    }
    case 0x08:
    case 0x09:
      arg(0, A);
      arg(1, B);
      arg(2, C);
      if (isZeroW(C)) {
        setU64(R, 0);
      } else if (op === 0x08) {
        memory.fill(WIDE, 0, 64);
        store<u64>(WIDE, addW(A, B, WIDE), 32);
        divModN(WIDE, 5, C, 0, R);
      } else {
        mulWide(A, B, WIDE, 16);
        divModN(WIDE, 8, C, 0, R);
      }
      resultLimbs(3, R);
      return;
    case 0x0a: {
      arg(0, A);
      arg(1, B);
      let bits: i32 = 255;
      while (bits >= 0 && ((load<u64>(B + ((<usize>bits >> 6) << 3)) >> <u64>(bits & 63)) & 1) === 0) bits--;
      const bytes = <u64>((bits + 8) >> 3);
      if (!useGas(50 * bytes)) {
        exceptional();
        return;
      }
      setU64(R, 1);
      for (let i = bits; i >= 0; i--) {
        mulW(R, R, R);
        if ((load<u64>(B + ((<usize>i >> 6) << 3)) >> <u64>(i & 63)) & 1) mulW(R, A, R);
      }
      resultLimbs(2, R);
      return;
    }
    case 0x0b: {
      arg(0, A);
      arg(1, B);
      const k = toU64Sat(A);
      if (k < 31) {
        const bit = <u32>(k * 8 + 7);
        const neg = (load<u64>(B + ((<usize>bit >> 6) << 3)) >> <u64>(bit & 63)) & 1;
        for (let i: u32 = bit + 1; i < 256; i++) {
          const p = B + ((<usize>i >> 6) << 3);
          const m = (<u64>1) << (<u64>(i & 63));
          store<u64>(p, neg ? load<u64>(p) | m : load<u64>(p) & ~m);
        }
      }
      resultLimbs(2, B);
      return;
    }
    case 0x10:
    case 0x11:
    case 0x12:
    case 0x13: {
      arg(0, A);
      arg(1, B);
      let r: bool;
      if (op === 0x10) r = ltW(A, B);
      else if (op === 0x11) r = ltW(B, A);
      else if (op === 0x12) r = sltW(A, B);
      else r = sltW(B, A);
      resultBool(2, r);
      return;
    }
    case 0x14:
      arg(0, A);
      arg(1, B);
      resultBool(2, eqW(A, B));
      return;
    case 0x15:
      arg(0, A);
      resultBool(1, isZeroW(A));
      return;
    case 0x16:
    case 0x17:
    case 0x18: {
      const x = argBE(0);
      memory.copy(WT, x, 32);
      const y = argBE(1);
      for (let i: usize = 0; i < 32; i += 8) {
        const a = load<u64>(WT + i);
        const b = load<u64>(y + i);
        store<u64>(T + i, op === 0x16 ? a & b : op === 0x17 ? a | b : a ^ b);
      }
      finish(2, 1, T, 1);
      return;
    }
    case 0x19: {
      const x = argBE(0);
      for (let i: usize = 0; i < 32; i += 8) store<u64>(T + i, ~load<u64>(x + i));
      finish(1, 1, T, 1);
      return;
    }
    case 0x1a: {
      arg(0, A);
      const i = toU64Sat(A);
      const x = argBE(1);
      memory.fill(T, 0, 32);
      if (i < 32) store<u8>(T, load<u8>(x + <usize>i), 31);
      finish(2, 1, T, 1);
      return;
    }
    case 0x1b:
    case 0x1c:
    case 0x1d: {
      arg(0, A);
      arg(1, B);
      const s = toU64Sat(A);
      if (s >= 256) {
        if (op === 0x1d && load<u64>(B, 24) >> 63) {
          for (let i: usize = 0; i < 32; i += 8) store<u64>(R + i, u64.MAX_VALUE);
        } else setU64(R, 0);
      } else if (op === 0x1b) shlW(B, <u32>s, R);
      else shrW(B, <u32>s, R, op === 0x1d);
      resultLimbs(2, R);
      return;
    }
    case 0x30:
      pushWord(read(G_ADDRESS));
      return;
    case 0x32:
      pushWord(read(G_ORIGIN));
      return;
    case 0x33:
      pushWord(read(G_CALLER));
      return;
    case 0x34:
      pushWord(read(G_VALUE));
      return;
    case 0x35: {
      arg(0, A);
      const off = toU64Sat(A);
      chunkedRead(true, rdU64(G_CD_LEN), off, 32, T);
      finish(1, 1, T, 1);
      return;
    }
    case 0x36:
      pushU64(rdU64(G_CD_LEN));
      return;
    case 0x38:
      pushU64(codeLen);
      return;
    case 0x3a:
      pushWord(read(G_GASPRICE));
      return;
    case 0x3d:
      pushU64(rdU64(G_RD_LEN));
      return;
    case 0x40: {
      arg(0, A);
      const n = toU64Sat(A);
      const number = rdU64(G_NUMBER);
      if (n < number && number - n <= 256) memory.copy(T, read(gBlockHash(n & 255)), 32);
      else memory.fill(T, 0, 32);
      finish(1, 1, T, 1);
      return;
    }
    case 0x41:
      pushWord(read(G_COINBASE));
      return;
    case 0x42:
      pushU64(rdU64(G_TIMESTAMP));
      return;
    case 0x43:
      pushU64(rdU64(G_NUMBER));
      return;
    case 0x44:
      pushWord(read(G_PREVRANDAO));
      return;
    case 0x45:
      pushU64(rdU64(G_GASLIMIT));
      return;
    case 0x46:
      pushU64(rdU64(G_CHAINID));
      return;
    case 0x48:
      pushWord(read(G_BASEFEE));
      return;
    case 0x49: {
      arg(0, A);
      const i = toU64Sat(A);
      if (i < rdU64(G_BLOB_LEN)) memory.copy(T, read(gBlobHash(i)), 32);
      else memory.fill(T, 0, 32);
      finish(1, 1, T, 1);
      return;
    }
    case 0x4a:
      pushWord(read(G_BLOBBASEFEE));
      return;
    case 0x50:
      finish(1, 0, 0, 1);
      return;
    case 0x51: {
      arg(0, A);
      const off = toU64Sat(A);
      if (!expand(off, 32)) {
        exceptional();
        return;
      }
      memRead(off, 32, T);
      finish(1, 1, T, 1);
      return;
    }
    case 0x52:
    case 0x53: {
      arg(0, A);
      const off = toU64Sat(A);
      const n: u64 = op === 0x52 ? 32 : 1;
      if (!expand(off, n)) {
        exceptional();
        return;
      }
      memory.copy(T, argBE(1), 32);
      memWrite(off, op === 0x52 ? T : T + 31, n);
      finish(2, 0, 0, 1);
      return;
    }
    case 0x56:
    case 0x57: {
      arg(0, A);
      if (op === 0x57) {
        arg(1, B);
        if (isZeroW(B)) {
          finish(2, 0, 0, 1);
          return;
        }
      }
      const t = toU64Sat(A);
      if (!validJump(t)) {
        exceptional();
        return;
      }
      finish(op === 0x56 ? 1 : 2, 0, 0, t - pc);
      return;
    }
    case 0x58:
      pushU64(pc);
      return;
    case 0x59:
      pushU64(getMsize());
      return;
    case 0x5a:
      pushU64(gas);
      return;
    case 0x5b:
      finish(0, 0, 0, 1);
      return;
    case 0x5f:
      memory.fill(T, 0, 32);
      finish(0, 1, T, 1);
      return;
    case 0xf3:
    case 0xfd: {
      arg(0, A);
      arg(1, B);
      const off = toU64Sat(A);
      const size = toU64Sat(B);
      if (!expand(off, size)) {
        exceptional();
        return;
      }
      halt(op === 0xf3 ? 1 : 2, gas, size === 0 ? 0 : off, size);
      return;
    }
    default:
      fail(ERR_UNSUPPORTED_OPCODE, <u64>op);
  }
}

// ---- split opcodes (§4.2) ----

function splitStep(op: u32, cursor: u64): void {
  // Operands: KECCAK256 (off, size); copies (dst, src, size).
  const isHash = op === 0x20;
  arg(0, A);
  arg(1, B);
  if (!isHash) arg(2, C);
  const dst = toU64Sat(A);
  const src = isHash ? dst : toU64Sat(B);
  const size = isHash ? toU64Sat(B) : toU64Sat(C);
  if (cursor === 0) {
    // All gas is charged here; the sizes are below 2^32 after a successful expansion.
    if (size !== 0 && size >= MAX_MEM) {
      exceptional();
      return;
    }
    const words = (size + 31) / 32;
    const perWord: u64 = isHash ? 6 : 3;
    if (!useGas(words * perWord)) {
      exceptional();
      return;
    }
    if (op === 0x3e) {
      const rdLen = rdU64(G_RD_LEN);
      if (src > rdLen || size > rdLen - src) {
        exceptional();
        return;
      }
    }
    if (!expand(dst, size) || (op === 0x5e && !expand(src, size))) {
      exceptional();
      return;
    }
  }
  const nIn: u64 = isHash ? 2 : 3;
  if (isHash) {
    keccakPiece(cursor, dst, size);
    return;
  }
  const n = min<u64>(PIECE, size - cursor);
  if (n > 0) {
    const backward = op === 0x5e && dst > src;
    const start = backward ? size - cursor - n : cursor;
    if (op === 0x37) chunkedRead(true, rdU64(G_CD_LEN), src >= MAX_MEM ? u64.MAX_VALUE : src + start, n, BUF);
    else if (op === 0x39) {
      if (src >= MAX_MEM) memory.fill(BUF, 0, <usize>n);
      else codeRead(src + start, n, BUF);
    } else if (op === 0x3e) chunkedRead(false, u64.MAX_VALUE, src + start, n, BUF);
    else memRead(src + start, n, BUF);
    memWrite(dst + start, BUF, n);
  }
  const next = cursor + n;
  if (next === size) {
    if (cursor !== 0) wrU64(G_CURSOR, 0);
    finish(nIn, 0, 0, 1);
  } else {
    wrU64(G_CURSOR, next);
    if (cursor === 0) {
      wrU64(G_GAS, gas);
      if (memoryGrew()) wrU64(G_MEM_LEN, msizeNow());
    }
  }
}

function loadSponge(): void {
  for (let i: u64 = 0; i < 7; i++) memory.copy(SPONGE + <usize>(i << 5), read(gSponge(i)), 32);
}

function storeSponge(): void {
  memory.fill(SPONGE + 200, 0, 24);
  for (let i: u64 = 0; i < 7; i++) write(gSponge(i), SPONGE + <usize>(i << 5));
}

function keccakPiece(cursor: u64, off: u64, size: u64): void {
  const rest = size - cursor;
  if (rest <= KECCAK_PIECE) {
    memRead(off + cursor, rest, BUF);
    if (cursor === 0) {
      keccak256(BUF, <usize>rest, T);
    } else {
      loadSponge();
      keccakFinal(SPONGE, BUF, <usize>rest, T);
      memory.fill(SPONGE, 0, 224);
      storeSponge();
      wrU64(G_CURSOR, 0);
    }
    finish(2, 1, T, 1);
    return;
  }
  memRead(off + cursor, KECCAK_PIECE, BUF);
  if (cursor === 0) memory.fill(SPONGE, 0, 224);
  else loadSponge();
  keccakAbsorb(SPONGE, BUF, <usize>KECCAK_PIECE);
  storeSponge();
  wrU64(G_CURSOR, cursor + KECCAK_PIECE);
  if (cursor === 0) {
    wrU64(G_GAS, gas);
    if (memoryGrew()) wrU64(G_MEM_LEN, msizeNow());
  }
}
