/**
 * Call frames (docs/fault-proof.md §3, §6): the CALL family in stages on the caller's frame,
 * entering a fresh frame at `depth + 1`, and the `FrameExit` phase that returns to the caller.
 *
 * CALL, CALLCODE, DELEGATECALL, STATICCALL keep their operands on the caller's stack until the
 * call completes. Stages (the caller's `op.stage`): 0 warms the target; 1 reads the target's
 * account; 2 charges gas (access, memory, value transfer, new account; EIP-150's 63/64 cap) and
 * fails early past depth 1024; with a value, 3 checks the caller's balance, takes the snapshot and
 * debits the caller, 4-5 credit the receiver, 6 goes on; then either the call completes at once
 * (no code at the target) or a fresh frame is written (`initFrame`), 7 copies the calldata in
 * pieces and 8 loads the code and enters the frame. `FrameExit` (the child halted) restores the
 * snapshot on failure, copies the output into the caller's return data and memory in pieces,
 * returns the child's gas and pushes the result.
 */

import {
  BLAKE2F_INPUT,
  BLAKE2F_ONE_STEP_MAX,
  BLAKE2F_OUT,
  blake2fFlag,
  blake2fNext,
  blake2fRounds,
} from "./blake2f";
import { readRun, writeRun } from "./bytesio";
import { writeCodeChunks } from "./codeChunks";
import { depositStep } from "./create";
import { addGas, argBE, exceptional, expand, finish, gas, memoryGrew, msizeNow, useGas } from "./exec";
import { precompileGasUsed, runHostPrecompile } from "./hostPrecompile";
import { ERR_BAD_STATE, ERR_PRECOMPILE_TOO_LARGE, fail, PRE_IN, PRE_LIMIT, PRE_OUT, SCRATCH } from "./layout";
import {
  MODEXP_ACC,
  modexpBegin,
  modexpGas,
  modexpInPieces,
  modexpLen,
  modexpNext,
  modexpOverBound,
} from "./modexp";
import {
  isPrecompileAddress,
  markFound,
  startWalk,
  WALK_GET,
  WALK_PUT,
  walkFound,
  walkRoot,
  walkValue,
} from "./mpt";
import { MAX_PAIRING_INPUT } from "./pairing";
import { entryData, entryLen, fetchPreimage, KIND_CODE } from "./preimages";
import { RIPEMD_IV, ripemdBlock } from "./ripemd160";
import { sha256Block } from "./sha256";
import { restoreSnapshot, writeSnapshot } from "./snapshot";
import {
  DEPTH,
  F_ADDRESS,
  F_CALLER,
  F_GAS,
  F_IS_STATIC,
  F_KIND,
  F_PC,
  F_VALUE,
  fCalldataData,
  fCode,
  fExit,
  fField,
  fMemData,
  fOp,
  fReturnData,
  fStackData,
  G_ACCESSED_ADDRESSES,
  G_ADDRESS,
  G_CALLER,
  G_CURSOR,
  G_DEPTH,
  G_GAS,
  G_IS_STATIC,
  G_MEM_LEN,
  G_OP_CODE_HASH,
  G_OP_FLAGS,
  G_OP_T0,
  G_PHASE,
  G_STAGE,
  G_VALUE,
  G_WORLD_ROOT,
  gSponge,
  MAX_DEPTH,
  O_STAGE,
  O_T1,
  PHASE_EXEC,
  rdU64,
  wrU64,
} from "./state";
import { read, write, writeZero } from "./tree";
import { addW, isZeroW, loadBE, ltW, subW, toU64Sat } from "./u256";
import {
  accountBalance,
  accountCodeHash,
  accountIsEmpty,
  addressKey,
  decodeAccount,
  EMPTY_CODE_HASH,
  encodeAccountTo,
  setAccountBalance,
} from "./world";

const OP_CALL: u32 = 0xf1;
const OP_CALLCODE: u32 = 0xf2;
const OP_DELEGATECALL: u32 = 0xf4;
const OP_STATICCALL: u32 = 0xfa;

/** Most bytes one piece of a copy moves. */
const PIECE: u64 = 1024;

const ONE: usize = memory.data<u8>([1]);
const ROOT: usize = SCRATCH + 0x1800;
const ADDR: usize = SCRATCH + 0x1820;
const W: usize = SCRATCH + 0x1840;
const LA: usize = SCRATCH + 0x1860;
const LB: usize = SCRATCH + 0x1880;
const LR: usize = SCRATCH + 0x18a0;
const VAL: usize = SCRATCH + 0x1900;
const BUF: usize = SCRATCH + 0x2000;

/** Caller-frame flags in `op.flags`: the target was cold, the target account exists. */
const FLAG_COLD: u64 = 1;
const FLAG_EXISTS: u64 = 2;

function hasValue(op: u32): bool {
  return op === OP_CALL || op === OP_CALLCODE;
}

/** Stack index of argsOffset (argsLength, retOffset, retLength follow). */
function argsAt(op: u32): u64 {
  return hasValue(op) ? 3 : 2;
}

function nIn(op: u32): u64 {
  return hasValue(op) ? 7 : 6;
}

/** Stack item `k` (from the top) of the current frame as a u64, saturated. */
function argU64(k: u64): u64 {
  loadBE(argBE(k), LA);
  return toU64Sat(LA);
}

/** The value operand of CALL/CALLCODE (zero for the others), big-endian at `W`. */
function callValue(op: u32): usize {
  if (hasValue(op)) memory.copy(W, argBE(2), 32);
  else memory.fill(W, 0, 32);
  return W;
}

/** The 20 bytes of an `Address` word at `p`. */
function addr20(p: usize, dst: usize): usize {
  memory.copy(dst, p + 12, 20);
  return dst;
}

function isPrecompile(a: usize): bool {
  for (let i: usize = 0; i < 19; i++) if (load<u8>(a + i) !== 0) return false;
  const b = load<u8>(a + 19);
  return b >= 1 && b <= 10;
}

function next(stage: u64): void {
  wrU64(G_STAGE, stage);
}

function worldPut(key: usize, len: usize, stage: u64): void {
  memory.copy(ROOT, read(G_WORLD_ROOT), 32);
  startWalk(WALK_PUT, ROOT, key, VAL, len);
  next(stage);
}

function worldGet(key: usize, stage: u64): void {
  memory.copy(ROOT, read(G_WORLD_ROOT), 32);
  startWalk(WALK_GET, ROOT, key, 0, 0);
  next(stage);
}

function storeWorldRoot(): void {
  memory.copy(ROOT, walkRoot(), 32);
  write(G_WORLD_ROOT, ROOT);
}

/**
 * Ends the call without running code: returns `back` gas, empties the return data, pushes
 * `ok`, clears the stage and advances pc.
 */
function endCall(op: u32, ok: bool, back: u64): void {
  addGas(back);
  writeZero(fReturnData(DEPTH), 20);
  wrU64(fReturnData(DEPTH) + 1, 0);
  wrU64(G_STAGE, 0);
  memory.fill(W, 0, 32);
  if (ok) store<u8>(W, 1, 31);
  finish(nIn(op), 1, W, 1);
}

/** Runs stage `stage` of CALL, CALLCODE, DELEGATECALL or STATICCALL (`op`) on the current frame. */
export function callStep(op: u32, stage: u64): void {
  switch (<i32>stage) {
    case 0: {
      if (op === OP_CALL && rdU64(G_IS_STATIC) !== 0 && !isZeroW(loadTo(callValue(op), LB))) {
        exceptional();
        return;
      }
      if (isPrecompileAddress(addr20(argBE(1), ADDR))) {
        // Always warm (§5.2): no walk.
        markFound();
        next(1);
        return;
      }
      memory.copy(ROOT, read(G_ACCESSED_ADDRESSES), 32);
      startWalk(WALK_PUT, ROOT, addressKey(addr20(argBE(1), ADDR)), ONE, 1);
      next(1);
      return;
    }
    case 1: {
      const cold = !walkFound();
      if (cold) {
        memory.copy(ROOT, walkRoot(), 32);
        write(G_ACCESSED_ADDRESSES, ROOT);
      }
      wrU64(G_OP_FLAGS, cold ? FLAG_COLD : 0);
      worldGet(addressKey(addr20(argBE(1), ADDR)), 2);
      return;
    }
    case 2:
      chargeCall(op);
      return;
    case 3: {
      // The caller's account: enough balance for the value?
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      loadBE(accountBalance(), LA);
      loadBE(callValue(op), LB);
      if (ltW(LA, LB)) {
        endCall(op, false, rdU64(G_OP_T0));
        return;
      }
      writeSnapshot(DEPTH + 1);
      subW(LA, LB, LR);
      setAccountBalance(LR);
      worldPut(addressKey(addr20(read(G_ADDRESS), ADDR)), encodeAccountTo(VAL), 4);
      return;
    }
    case 4: {
      storeWorldRoot();
      const to = op === OP_CALL ? addr20(argBE(1), ADDR) : addr20(read(G_ADDRESS), ADDR);
      worldGet(addressKey(to), 5);
      return;
    }
    case 5: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      loadBE(accountBalance(), LA);
      loadBE(callValue(op), LB);
      addW(LA, LB, LR);
      setAccountBalance(LR);
      const to = op === OP_CALL ? addr20(argBE(1), ADDR) : addr20(read(G_ADDRESS), ADDR);
      worldPut(addressKey(to), encodeAccountTo(VAL), 6);
      return;
    }
    case 6:
      storeWorldRoot();
      enter(op, false);
      return;
    case 7:
      copyCalldata(op);
      return;
    case 8:
      loadCode();
      return;
    case 13:
      if (longInput(op)) return;
      precompileStep(op, stage);
      return;
    case 14:
      precompileStep(op, stage);
      return;
    case 15:
      streamPiece(op);
      return;
    case 16:
      identityWindowPiece(op);
      return;
    case 17:
      modexpPieceStep(op);
      return;
    case 18:
      blake2fPieceStep(op);
      return;
    default:
      fail(ERR_BAD_STATE, G_STAGE);
  }
}

/**
 * Runs the precompile the call targets on the caller's input (≤ `PRE_LIMIT`) with the child's
 * gas; returns the output length (the gas used: `precompileGasUsed()`), or -1 when it fails.
 */
function runPrecompile(op: u32): i64 {
  const id = <u32>load<u8>(addr20(argBE(1), ADDR) + 19);
  const a = argsAt(op);
  const inOff = argU64(a);
  const inLen = usedInput(id, inOff, argU64(a + 1));
  // Unreachable (stage 13 decides every longer input; a modexp reads ≤ 3,168 bytes and writes
  // ≤ 1,024), refused by name all the same, as a longer output below.
  if (inLen > PRE_LIMIT) fail(ERR_PRECOMPILE_TOO_LARGE, inLen);
  readRun(fMemData(DEPTH), 20, u64.MAX_VALUE, inOff, inLen, PRE_IN);
  return runHostPrecompile(id, inLen, rdU64(G_OP_T0));
}

/**
 * Stage 13: run the precompile; a failure restores the snapshot and ends the call with 0 and no
 * gas back; a success empties the return data and sets its length (ending the call at once if
 * there is no output). Stage 14: run it again, write its output to the return data and the
 * caller's memory window, return the unused gas, push 1.
 */
function precompileStep(op: u32, stage: u64): void {
  const outLen = runPrecompile(op);
  const child = rdU64(G_OP_T0);
  if (outLen < 0) {
    restoreSnapshot(DEPTH + 1);
    endCall(op, false, 0);
    return;
  }
  if (stage === 13) {
    if (outLen === 0) {
      endCall(op, true, child - precompileGasUsed());
      return;
    }
    writeZero(fReturnData(DEPTH), 20);
    wrU64(fReturnData(DEPTH) + 1, <u64>outLen);
    next(14);
    return;
  }
  const n = <u64>outLen;
  writeRun(fReturnData(DEPTH), 20, 0, PRE_OUT, n);
  const a = argsAt(op);
  const retOff = argU64(a + 2);
  const retLen = argU64(a + 3);
  if (retLen > 0) writeRun(fMemData(DEPTH), 20, retOff, PRE_OUT, min<u64>(n, retLen));
  addGas(child - precompileGasUsed());
  wrU64(G_STAGE, 0);
  memory.fill(W, 0, 32);
  store<u8>(W, 1, 31);
  finish(nIn(op), 1, W, 1);
}

// ---- inputs over the one-step limit: sha256, ripemd160, identity in pieces (§10) ----

/** Bytes of the input (or output) one piece step reads and writes. */
const STREAM_PIECE: u64 = 8192;
// A piece and the hash state live in the precompile buffers (unused by these steps).
const SBUF: usize = PRE_IN; // STREAM_PIECE + 128 bytes
const SSTATE: usize = PRE_OUT; // 32 bytes
/** SHA-256's initial chaining value, big-endian words. */
const SHA256_IV: usize = memory.data<u8>([
  0x6a, 0x09, 0xe6, 0x67, 0xbb, 0x67, 0xae, 0x85, 0x3c, 0x6e, 0xf3, 0x72, 0xa5, 0x4f, 0xf5, 0x3a, 0x51, 0x0e,
  0x52, 0x7f, 0x9b, 0x05, 0x68, 0x8c, 0x1f, 0x83, 0xd9, 0xab, 0x5b, 0xe0, 0xcd, 0x19,
]);

function precompileId(): u32 {
  return <u32>load<u8>(addr20(argBE(1), ADDR) + 19);
}

/** The gas of sha256 (2), ripemd160 (3) or identity (4) over `len` bytes. */
function streamCost(id: u32, len: u64): u64 {
  const words = (len + 31) / 32;
  if (id === 2) return 60 + 12 * words;
  if (id === 3) return 600 + 120 * words;
  return 15 + 3 * words;
}

/**
 * How many input bytes the precompile can read: all of them, except that ecrecover and bn254 add
 * read 128, bn254 mul 96, and modexp `96 + Blen + Elen + Mlen` ≤ 3,168 (EIP-7823's bound, checked
 * first; the rest is ignored: an input over the one-step limit runs in one step on that part).
 */
function usedInput(id: u32, inOff: u64, inLen: u64): u64 {
  if (inLen <= PRE_LIMIT) return inLen;
  if (id === 1 || id === 6) return 128;
  if (id === 7) return 96;
  if (id === 5) {
    const src = fMemData(DEPTH);
    const need =
      96 +
      modexpLen(src, inOff, inLen, 0) +
      modexpLen(src, inOff, inLen, 1) +
      modexpLen(src, inOff, inLen, 2);
    return min<u64>(inLen, need);
  }
  return inLen;
}

/**
 * Stage 13's special cases (§10): first, a pairing over Ore's bound (256 pairs), a modexp
 * declaring a length over EIP-7823's 1,024 bytes and a blake2f of another length than 213 fail at
 * once, and a blake2f of more than 2^20 rounds goes in pieces at stage 18; a modexp with an
 * exponent longer than one piece (any input length) goes in pieces at stage 17, and one with
 * `Mlen = 0` ends here. For an input over `PRE_LIMIT`: point evaluation of the wrong length fails
 * at once; sha256, ripemd160 and identity check their gas (too little fails the call as stage 13
 * does) and go on in pieces at stage 15. True when it took the stage; the others (a modexp
 * included: its used part is at most 3,168 bytes) run as usual on the part of the input they use.
 */
function longInput(op: u32): bool {
  const id = precompileId();
  const a = argsAt(op);
  const inLen = argU64(a + 1);
  if (
    (id === 8 && inLen > MAX_PAIRING_INPUT) ||
    (id === 5 && modexpOverBound(fMemData(DEPTH), argU64(a), inLen)) ||
    (id === 9 && inLen !== BLAKE2F_INPUT)
  ) {
    restoreSnapshot(DEPTH + 1);
    endCall(op, false, 0);
    return true;
  }
  if (id === 9) return blake2fPieces(op);
  if (id === 5 && (modexpPieces(op) || modexpEmpty(op))) return true;
  if (inLen <= PRE_LIMIT) return false;
  // Point evaluation takes 192 bytes; sha256, ripemd160 and identity check their gas first.
  if (id === 10 || (id >= 2 && id <= 4 && streamCost(id, inLen) > rdU64(G_OP_T0))) {
    restoreSnapshot(DEPTH + 1);
    endCall(op, false, 0);
    return true;
  }
  if (id < 2 || id > 4) return false;
  // The return data is emptied now (the output fills it later: the input for identity).
  writeZero(fReturnData(DEPTH), 20);
  wrU64(fReturnData(DEPTH) + 1, id === 4 ? inLen : 0);
  if (id === 2) {
    memory.copy(SSTATE, SHA256_IV, 32);
    write(gSponge(0), SSTATE);
  } else if (id === 3) {
    memory.fill(SSTATE, 0, 32);
    memory.copy(SSTATE, RIPEMD_IV, 20);
    write(gSponge(0), SSTATE);
  }
  wrU64(G_CURSOR, 0);
  next(15);
  return true;
}

/**
 * Stage 15: the next `STREAM_PIECE` bytes of the input: sha256 and ripemd160 compress them into
 * the state in `op.sponge` (the last piece pads and finishes: the digest is the output); identity
 * copies them into the return data. `op.cursor` counts bytes done.
 */
function streamPiece(op: u32): void {
  const id = precompileId();
  const a = argsAt(op);
  const inOff = argU64(a);
  const inLen = argU64(a + 1);
  const done = rdU64(G_CURSOR);
  const n = min<u64>(STREAM_PIECE, inLen - done);
  const last = done + n === inLen;
  readRun(fMemData(DEPTH), 20, u64.MAX_VALUE, inOff + done, n, SBUF);
  if (id === 4) {
    writeRun(fReturnData(DEPTH), 20, done, SBUF, n);
    if (!last) {
      wrU64(G_CURSOR, done + n);
      return;
    }
    wrU64(G_CURSOR, 0);
    if (argU64(a + 3) === 0) streamDone(op, id, inLen);
    else next(16);
    return;
  }
  memory.copy(SSTATE, read(gSponge(0)), 32);
  let full = n;
  if (last) {
    // Padding: 0x80, zeros, the bit length (big-endian for SHA-256, little-endian for RIPEMD-160).
    let p = <usize>n;
    store<u8>(SBUF + p, 0x80);
    p++;
    while ((p & 63) !== 56) {
      store<u8>(SBUF + p, 0);
      p++;
    }
    const bits = inLen << 3;
    if (id === 2) store<u64>(SBUF + p, bswap<u64>(bits));
    else store<u64>(SBUF + p, bits);
    full = <u64>p + 8;
  }
  for (let k: u64 = 0; k < full; k += 64) {
    if (id === 2) sha256Block(SSTATE, SBUF + <usize>k);
    else ripemdBlock(SSTATE, SBUF + <usize>k);
  }
  if (!last) {
    write(gSponge(0), SSTATE);
    wrU64(G_CURSOR, done + n);
    return;
  }
  // The digest: SHA-256's 32 bytes; RIPEMD-160's 20, left-padded to 32.
  memory.fill(SBUF, 0, 32);
  if (id === 2) memory.copy(SBUF, SSTATE, 32);
  else memory.copy(SBUF + 12, SSTATE, 20);
  memory.fill(SSTATE, 0, 32);
  write(gSponge(0), SSTATE);
  wrU64(fReturnData(DEPTH) + 1, 32);
  writeRun(fReturnData(DEPTH), 20, 0, SBUF, 32);
  const retLen = argU64(a + 3);
  if (retLen > 0) writeRun(fMemData(DEPTH), 20, argU64(a + 2), SBUF, min<u64>(32, retLen));
  wrU64(G_CURSOR, 0);
  streamDone(op, id, inLen);
}

/** Stage 16 (identity): the return data into the caller's memory window, in pieces. */
function identityWindowPiece(op: u32): void {
  const a = argsAt(op);
  const inLen = argU64(a + 1);
  const total = min<u64>(inLen, argU64(a + 3));
  const done = rdU64(G_CURSOR);
  const n = min<u64>(STREAM_PIECE, total - done);
  readRun(fReturnData(DEPTH), 20, inLen, done, n, SBUF);
  writeRun(fMemData(DEPTH), 20, argU64(a + 2) + done, SBUF, n);
  if (done + n < total) {
    wrU64(G_CURSOR, done + n);
    return;
  }
  wrU64(G_CURSOR, 0);
  streamDone(op, 4, inLen);
}

// ---- blake2f over 2^20 rounds: stage 18 (blake2f.ts) ----

/**
 * Stage 13 of a 213-byte blake2f: with more than 2^20 rounds, a flag other than 0 or 1 or more
 * rounds than the child's gas fail the call as stage 13 does; else the return data is emptied,
 * the first piece of rounds runs and the rest go on at stage 18. False (the host runs it in one
 * step) for at most 2^20 rounds.
 */
function blake2fPieces(op: u32): bool {
  const inOff = argU64(argsAt(op));
  const rounds = blake2fRounds(fMemData(DEPTH), inOff);
  if (rounds <= BLAKE2F_ONE_STEP_MAX) return false;
  if (blake2fFlag(fMemData(DEPTH), inOff) > 1 || rounds > rdU64(G_OP_T0)) {
    restoreSnapshot(DEPTH + 1);
    endCall(op, false, 0);
    return true;
  }
  writeZero(fReturnData(DEPTH), 20);
  wrU64(fReturnData(DEPTH) + 1, 0);
  wrU64(G_CURSOR, blake2fNext(fMemData(DEPTH), inOff, 0));
  next(18);
  return true;
}

/**
 * Stage 18: the next piece of blake2f's rounds (`op.cursor` done, `v` in `op.sponge`); after the
 * last one the 64-byte output becomes the return data and goes to the memory window, `op.t0 −
 * rounds` returns and 1 is pushed.
 */
function blake2fPieceStep(op: u32): void {
  const a = argsAt(op);
  const inOff = argU64(a);
  // Read before the window is written: it may overlap the input.
  const rounds = blake2fRounds(fMemData(DEPTH), inOff);
  const done = blake2fNext(fMemData(DEPTH), inOff, rdU64(G_CURSOR));
  if (done < rounds) {
    wrU64(G_CURSOR, done);
    return;
  }
  wrU64(fReturnData(DEPTH) + 1, 64);
  writeRun(fReturnData(DEPTH), 20, 0, BLAKE2F_OUT, 64);
  const retLen = argU64(a + 3);
  if (retLen > 0) writeRun(fMemData(DEPTH), 20, argU64(a + 2), BLAKE2F_OUT, min<u64>(64, retLen));
  wrU64(G_CURSOR, 0);
  addGas(rdU64(G_OP_T0) - rounds);
  wrU64(G_STAGE, 0);
  memory.fill(W, 0, 32);
  store<u8>(W, 1, 31);
  finish(nIn(op), 1, W, 1);
}

// ---- modexp with a long exponent: stage 17 (modexp.ts) ----

/**
 * Stage 13 of a modexp that runs in pieces (`modexpInPieces`; any input length): too little gas
 * fails the call as stage 13 does; else the exponent goes in pieces from stage 17, and a modulus
 * of 0 or 1 gives `Mlen` zero bytes at once. False for the others.
 */
function modexpPieces(op: u32): bool {
  const a = argsAt(op);
  const inOff = argU64(a);
  const inLen = argU64(a + 1);
  if (!modexpInPieces(fMemData(DEPTH), inOff, inLen)) return false;
  if (modexpGas(fMemData(DEPTH), inOff, inLen) > rdU64(G_OP_T0)) {
    restoreSnapshot(DEPTH + 1);
    endCall(op, false, 0);
    return true;
  }
  wrU64(G_CURSOR, 0);
  if (modexpBegin(fMemData(DEPTH), inOff, inLen)) modexpDone(op);
  else next(17);
  return true;
}

/**
 * Stage 13 of a modexp with `Mlen = 0` (any input length): its output is empty, so the machine
 * decides it without a host call (whose L1 gas would be the call's: EIP-2565 charges for the base
 * and exponent whatever the modulus): EIP-2565's gas over the child's fails the call as stage 13
 * does, else the call succeeds with no output. False for `Mlen ≥ 1`.
 */
function modexpEmpty(op: u32): bool {
  const a = argsAt(op);
  const inOff = argU64(a);
  const inLen = argU64(a + 1);
  if (modexpLen(fMemData(DEPTH), inOff, inLen, 2) !== 0) return false;
  const gas = modexpGas(fMemData(DEPTH), inOff, inLen);
  if (gas > rdU64(G_OP_T0)) {
    restoreSnapshot(DEPTH + 1);
    endCall(op, false, 0);
  } else endCall(op, true, rdU64(G_OP_T0) - gas);
  return true;
}

/**
 * Stage 17: the exponent's next piece (`op.cursor` bytes done); after the last one the output
 * (the accumulator, already the return data) goes to the memory window and the call returns.
 */
function modexpPieceStep(op: u32): void {
  const a = argsAt(op);
  const inOff = argU64(a);
  const inLen = argU64(a + 1);
  const done = modexpNext(fMemData(DEPTH), inOff, inLen, rdU64(G_CURSOR));
  if (done < modexpLen(fMemData(DEPTH), inOff, inLen, 1)) {
    wrU64(G_CURSOR, done);
    return;
  }
  modexpDone(op);
}

/**
 * The modexp call succeeds with the output at `MODEXP_ACC`: `min(retLength, Mlen)` bytes of it at
 * `retOffset`, `op.t0 − gas` back, 1 pushed. The gas is computed before the window is written (it
 * may overlap the input).
 */
function modexpDone(op: u32): void {
  const a = argsAt(op);
  const inOff = argU64(a);
  const inLen = argU64(a + 1);
  const mLen = modexpLen(fMemData(DEPTH), inOff, inLen, 2);
  const back = rdU64(G_OP_T0) - modexpGas(fMemData(DEPTH), inOff, inLen);
  const retLen = argU64(a + 3);
  if (retLen > 0) writeRun(fMemData(DEPTH), 20, argU64(a + 2), MODEXP_ACC, min<u64>(mLen, retLen));
  wrU64(G_CURSOR, 0);
  addGas(back);
  wrU64(G_STAGE, 0);
  memory.fill(W, 0, 32);
  store<u8>(W, 1, 31);
  finish(nIn(op), 1, W, 1);
}

/** The call succeeds: the unused gas back, 1 pushed. */
function streamDone(op: u32, id: u32, inLen: u64): void {
  addGas(rdU64(G_OP_T0) - streamCost(id, inLen));
  wrU64(G_STAGE, 0);
  memory.fill(W, 0, 32);
  store<u8>(W, 1, 31);
  finish(nIn(op), 1, W, 1);
}

/** Copies the big-endian word at `src` as limbs to `dst`; returns `dst`. */
function loadTo(src: usize, dst: usize): usize {
  loadBE(src, dst);
  return dst;
}

/** Stage 2: the target's account is read; charge the call and decide how it goes on. */
function chargeCall(op: u32): void {
  const n = walkValue(VAL);
  decodeAccount(VAL, n);
  const exists = n > 0;
  let flags = rdU64(G_OP_FLAGS);
  if (exists) flags |= FLAG_EXISTS;
  wrU64(G_OP_FLAGS, flags);
  write(G_OP_CODE_HASH, accountCodeHash());
  const withValue = hasValue(op) && !isZeroW(loadTo(callValue(op), LB));
  let cost: u64 = flags & FLAG_COLD ? 2600 : 100;
  if (withValue) cost += 9000;
  if (op === OP_CALL && withValue && (!exists || accountIsEmpty())) cost += 25000;
  const a = argsAt(op);
  const inOff = argU64(a);
  const inLen = argU64(a + 1);
  const outOff = argU64(a + 2);
  const outLen = argU64(a + 3);
  if (!expand(inOff, inLen) || !expand(outOff, outLen) || !useGas(cost)) {
    exceptional();
    return;
  }
  const requested = argU64(0);
  const cap = gas - gas / 64;
  let child = min<u64>(requested, cap);
  useGas(child);
  if (withValue) child += 2300;
  wrU64(G_GAS, gas);
  if (memoryGrew()) wrU64(G_MEM_LEN, msizeNow());
  wrU64(G_OP_T0, child);
  if (DEPTH + 1 > MAX_DEPTH) {
    endCall(op, false, child);
    return;
  }
  if (withValue) {
    worldGet(addressKey(addr20(read(G_ADDRESS), ADDR)), 3);
    return;
  }
  enter(op, true);
}

/**
 * After the value transfer (if any): complete at once when there is no code to run, else write
 * the child frame and go on with its calldata and code. `snapshot`: also take the snapshot (a
 * value-transferring call took it before debiting the caller).
 */
function enter(op: u32, snapshot: bool): void {
  const target = addr20(argBE(1), ADDR);
  if (isPrecompile(target)) {
    // The precompile runs in the next steps (§10); a failure undoes the value transfer.
    if (snapshot) writeSnapshot(DEPTH + 1);
    next(13);
    return;
  }
  const codeHash = SCRATCH + 0x18c0;
  memory.copy(codeHash, read(G_OP_CODE_HASH), 32);
  const child = rdU64(G_OP_T0);
  if (eqHash(codeHash, EMPTY_CODE_HASH)) {
    endCall(op, true, child);
    return;
  }
  initFrame(op, DEPTH + 1, child, codeHash, snapshot);
  const inLen = argU64(argsAt(op) + 1);
  wrU64(fCalldataData(DEPTH + 1) + 1, inLen);
  if (inLen === 0) next(8);
  else {
    wrU64(G_CURSOR, 0);
    next(7);
  }
}

function eqHash(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

const CP: usize = SCRATCH + 0x18e0;
function cp(g: u64): usize {
  memory.copy(CP, read(g), 32);
  return CP;
}

/** Writes a fresh frame at depth `c` (§2) for a call `op` from the current frame. */
function initFrame(op: u32, c: u64, childGas: u64, codeHash: usize, snapshot: bool): void {
  wrU64(fField(c, F_PC), 0);
  wrU64(fField(c, F_GAS), childGas);
  writeZero(fStackData(c), 10);
  wrU64(fStackData(c) + 1, 0);
  writeZero(fMemData(c), 20);
  wrU64(fMemData(c) + 1, 0);
  writeZero(fCalldataData(c), 20);
  writeZero(fReturnData(c), 20);
  wrU64(fReturnData(c) + 1, 0);
  writeZero(fCode(c), 11);
  wrU64(fCode(c) + 1, 0);
  write(fCode(c) + 2, codeHash);
  wrU64(fCode(c) + 3, 0);
  // Context (§3): who calls, whose storage, what value, static or not.
  const self = SCRATCH + 0x1940;
  memory.copy(self, read(G_ADDRESS), 32);
  const caller = op === OP_DELEGATECALL ? cp(G_CALLER) : self;
  write(fField(c, F_CALLER), caller);
  if (op === OP_CALL || op === OP_STATICCALL) {
    memory.fill(W, 0, 12);
    memory.copy(W + 12, argBE(1) + 12, 20);
    write(fField(c, F_ADDRESS), W);
  } else write(fField(c, F_ADDRESS), self);
  if (op === OP_DELEGATECALL) write(fField(c, F_VALUE), cp(G_VALUE));
  else write(fField(c, F_VALUE), callValue(op));
  wrU64(fField(c, F_KIND), op === OP_CALL ? 0 : op === OP_CALLCODE ? 1 : op === OP_DELEGATECALL ? 2 : 3);
  wrU64(fField(c, F_IS_STATIC), op === OP_STATICCALL || rdU64(G_IS_STATIC) !== 0 ? 1 : 0);
  writeZero(fField(c, 12), 2);
  if (snapshot) writeSnapshot(c);
  wrU64(fField(c, 14), 0);
  writeZero(fField(c, 15), 5);
}

/** Stage 7: the next piece of calldata from the caller's memory into the child's calldata. */
function copyCalldata(op: u32): void {
  const a = argsAt(op);
  const inOff = argU64(a);
  const inLen = argU64(a + 1);
  const done = rdU64(G_CURSOR);
  const n = min<u64>(PIECE, inLen - done);
  readRun(fMemData(DEPTH), 20, u64.MAX_VALUE, inOff + done, n, BUF);
  writeRun(fCalldataData(DEPTH + 1), 20, done, BUF, n);
  if (done + n === inLen) {
    wrU64(G_CURSOR, 0);
    next(8);
  } else wrU64(G_CURSOR, done + n);
}

/**
 * Stage 8: the child's code, the preimage of the target's code hash, chunked (§2, `Code`) into
 * the child frame in one step; then the child runs.
 */
function loadCode(): void {
  const c = DEPTH + 1;
  const e = fetchPreimage(read(G_OP_CODE_HASH), KIND_CODE);
  writeCodeChunks(c, entryData(e), entryLen(e));
  wrU64(G_STAGE, 9);
  wrU64(G_DEPTH, c);
}

// ---- FrameExit ----

/**
 * One step of `FrameExit` (the current frame, at depth ≥ 1, has halted). A create frame that
 * succeeded deposits its code first (`create.ts`). The first step restores the snapshot on
 * failure and empties the caller's return data; each next one copies a piece of the output into
 * the caller's return data and (calls) memory; the last also returns the child's gas, pushes the
 * result and resumes the caller.
 */
export function frameExitStep(): void {
  const c = DEPTH;
  if (c === 0) fail(ERR_BAD_STATE, G_DEPTH);
  const p = c - 1;
  const create = rdU64(fField(c, F_KIND)) >= 4;
  if (create && rdU64(fExit(c, 0)) === 1 && depositStep(c, rdU64(fExit(c, 1)), rdU64(fExit(c, 2))) === 1)
    return;
  const status = rdU64(fExit(c, 0));
  const outOff = rdU64(fExit(c, 1));
  const outSize = status === 3 ? 0 : rdU64(fExit(c, 2));
  const progress = rdU64(fExit(c, 3));
  // A create's successful output is its code, not return data.
  const dataSize = create && status === 1 ? 0 : outSize;
  if (progress === 0) {
    if (status !== 1) restoreSnapshot(c);
    writeZero(fReturnData(p), 20);
    wrU64(fReturnData(p) + 1, dataSize);
    if (dataSize === 0) {
      resume(c, p, status);
      return;
    }
    wrU64(fExit(c, 3), 1);
    return;
  }
  const done = progress - 1;
  const n = min<u64>(PIECE, dataSize - done);
  readRun(fMemData(c), 20, u64.MAX_VALUE, outOff + done, n, BUF);
  writeRun(fReturnData(p), 20, done, BUF, n);
  if (!create) {
    // The caller's memory gets min(retLength, outSize) bytes at retOffset.
    const a = argsAt(callerOpcode(p));
    const retOff = stackU64(p, a + 2);
    const retLen = stackU64(p, a + 3);
    if (done < retLen) writeRun(fMemData(p), 20, retOff + done, BUF, min<u64>(n, retLen - done));
  }
  if (done + n === dataSize) resume(c, p, status);
  else wrU64(fExit(c, 3), progress + n);
}

/** The opcode at frame `p`'s pc (the call it is in). */
export function callerOpcode(p: u64): u32 {
  const pc = rdU64(fField(p, F_PC));
  const ch = read((fCode(p) << 11) | (pc / 31));
  return <u32>load<u8>(ch + 1 + <usize>(pc % 31));
}

/** Stack item `k` from the top of frame `p`, as a u64 (saturated). */
function stackU64(p: u64, k: u64): u64 {
  const sp = rdU64(fStackData(p) + 1);
  loadBE(read((fStackData(p) << 10) | (sp - 1 - k)), LA);
  return toU64Sat(LA);
}

/**
 * Returns to frame `p`: its gas back (none after an exceptional halt), the operands replaced by
 * the result (a call: 1 or 0; a create: the new address or 0), pc + 1, and `Exec` at depth `p`.
 */
export function resume(c: u64, p: u64, status: u64): void {
  const op = callerOpcode(p);
  const back = rdU64(fField(c, F_GAS));
  const pg = rdU64(fField(p, F_GAS));
  wrU64(fField(p, F_GAS), pg + (status === 3 ? 0 : back));
  const sp = rdU64(fStackData(p) + 1);
  const k: u64 = op === 0xf0 ? 3 : op === 0xf5 ? 4 : nIn(op);
  const base = sp - k;
  memory.fill(W, 0, 32);
  if (status === 1) {
    if (op === 0xf0 || op === 0xf5) memory.copy(W, read(fOp(p, O_T1)), 32);
    else store<u8>(W, 1, 31);
  }
  write((fStackData(p) << 10) | base, W);
  memory.fill(W, 0, 32);
  for (let i = base + 1; i < sp; i++) write((fStackData(p) << 10) | i, W);
  wrU64(fStackData(p) + 1, base + 1);
  wrU64(fField(p, F_PC), rdU64(fField(p, F_PC)) + 1);
  wrU64(fOp(p, O_STAGE), 0);
  wrU64(G_DEPTH, p);
  wrU64(G_PHASE, PHASE_EXEC);
}
