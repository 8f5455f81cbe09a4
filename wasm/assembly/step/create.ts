/**
 * CREATE and CREATE2 (docs/fault-proof.md §3.2) in stages on the creator's frame, and the code
 * deposit when a create frame returns. Stage 0 charges gas and gives all but 1/64 to the child;
 * 1 reads the creator (balance, nonce); 2-3 hash CREATE2's init code in pieces; the new address
 * is derived and the creator's nonce bumped (4), the address warmed (5), its account checked for
 * a collision and the snapshot taken (6), the value moved and the account created with nonce 1
 * (7-9), the address added to `created` (EIP-6780, 10), and the init code copied from memory
 * into the fresh frame's code chunks in pieces (11) before the frame runs.
 */
import { keccak256 } from "../lib/keccak";
import { readRun } from "./bytesio";
import { addGas, argBE, exceptional, expand, finish, gas, memoryGrew, msizeNow, useGas } from "./exec";
import { ERR_BAD_STATE, fail, SCRATCH } from "./layout";
import { startWalk, storeWalkRoot, WALK_GET, WALK_PUT, walkFound, walkValue } from "./mpt";
import { EMPTY_ROOT, keepsNodes } from "./mptNode";
import { insertPreimage } from "./preimages";
import { writeSnapshot } from "./snapshot";
import { HASH_PIECE, hashMemoryPiece } from "./sponge";
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
  fReturnData,
  fStackData,
  G_ACCESSED_ADDRESSES,
  G_ADDRESS,
  G_CREATED,
  G_CURSOR,
  G_DEPTH,
  G_GAS,
  G_IS_STATIC,
  G_MEM_LEN,
  G_OP_BALANCE,
  G_OP_CODE_HASH,
  G_OP_NONCE,
  G_OP_T0,
  G_OP_T1,
  G_STAGE,
  G_WORLD_ROOT,
  MAX_DEPTH,
  rdU64,
  wrU64,
} from "./state";
import { read, setRecording, write, writeZero } from "./tree";
import { addW, isZeroW, loadBE, ltW, subW, toU64Sat } from "./u256";
import {
  accountBalance,
  accountCodeHash,
  accountNonce,
  accountStorageRoot,
  addressKey,
  decodeAccount,
  EMPTY_CODE_HASH,
  encodeAccountTo,
  setAccountBalance,
  setAccountCodeHash,
  setAccountNonce,
  setAccountStorageRoot,
} from "./world";

/** EIP-3860's init code limit and EIP-170's code limit. */
const MAX_INITCODE: u64 = 49152;
const ONE: usize = memory.data<u8>([1]);
const ROOT: usize = SCRATCH + 0x1c00;
const ADDR: usize = SCRATCH + 0x1c20;
const W: usize = SCRATCH + 0x1c40;
const LA: usize = SCRATCH + 0x1c60;
const LB: usize = SCRATCH + 0x1c80;
const LR: usize = SCRATCH + 0x1ca0;
const VAL: usize = SCRATCH + 0x1d00;
const H: usize = SCRATCH + 0x1d80;
const KIN: usize = SCRATCH + 0x1dc0; // 85 bytes: 0xff ‖ sender ‖ salt ‖ init hash
const CHUNK: usize = SCRATCH + 0x1e40;
const BUF: usize = SCRATCH + 0x2000;

function argU64(k: u64): u64 {
  loadBE(argBE(k), LA);
  return toU64Sat(LA);
}

function isCreate2(op: u32): bool {
  return op === 0xf5;
}

function next(stage: u64): void {
  wrU64(G_STAGE, stage);
}

function self20(): usize {
  memory.copy(ADDR, read(G_ADDRESS) + 12, 20);
  return ADDR;
}

/** The new address (op.t1, an Address word), its 20 bytes at `dst`. */
function newAddress(dst: usize): usize {
  memory.copy(dst, read(G_OP_T1) + 12, 20);
  return dst;
}

function worldGet(key: usize, stage: u64): void {
  memory.copy(ROOT, read(G_WORLD_ROOT), 32);
  startWalk(WALK_GET, ROOT, key, 0, 0);
  next(stage);
}

function putAt(rootG: u64, key: usize, val: usize, len: usize, stage: u64): void {
  memory.copy(ROOT, read(rootG), 32);
  startWalk(WALK_PUT, ROOT, key, val, len);
  next(stage);
}

/** Ends the create without running code: `back` gas, empty return data, push 0, pc + 1. */
function endCreate(op: u32, back: u64): void {
  addGas(back);
  writeZero(fReturnData(DEPTH), 20);
  wrU64(fReturnData(DEPTH) + 1, 0);
  wrU64(G_STAGE, 0);
  finish(isCreate2(op) ? 4 : 3, 1, ZERO32, 1);
}

const ZERO32: usize = memory.data(32, 16);

/** `keccak(rlp([sender, nonce]))[12:]` (CREATE) into op.t1. */
function createAddress(sender: usize, nonce: u64): void {
  // rlp: list header, 0x94 ‖ 20 bytes, the nonce as an RLP integer.
  store<u8>(KIN + 1, 0x94);
  memory.copy(KIN + 2, sender, 20);
  let p: usize = 22;
  if (nonce === 0) store<u8>(KIN + p++, 0x80);
  else if (nonce < 0x80) store<u8>(KIN + p++, <u8>nonce);
  else {
    let n: usize = 0;
    for (let v = nonce; v > 0; v >>= 8) n++;
    store<u8>(KIN + p++, <u8>(0x80 + n));
    for (let i: usize = 0; i < n; i++) store<u8>(KIN + p + i, <u8>(nonce >> <u64>(8 * (n - 1 - i))));
    p += n;
  }
  store<u8>(KIN, <u8>(0xc0 + p - 1));
  keccak256(KIN, p, H);
  setNewAddress(H);
}

/** `keccak(0xff ‖ sender ‖ salt ‖ keccak(init))[12:]` (CREATE2) into op.t1. */
function create2Address(sender: usize, salt: usize, initHash: usize): void {
  store<u8>(KIN, 0xff);
  memory.copy(KIN + 1, sender, 20);
  memory.copy(KIN + 21, salt, 32);
  memory.copy(KIN + 53, initHash, 32);
  keccak256(KIN, 85, H);
  setNewAddress(H);
}

function setNewAddress(h: usize): void {
  memory.fill(W, 0, 12);
  memory.copy(W + 12, h + 12, 20);
  write(G_OP_T1, W);
}

/** Runs stage `stage` of CREATE (0xf0) or CREATE2 (0xf5) on the current frame. */
export function createStep(op: u32, stage: u64): void {
  const off = argU64(1);
  const size = argU64(2);
  switch (<i32>stage) {
    case 0: {
      if (rdU64(G_IS_STATIC) !== 0 || size > MAX_INITCODE) {
        exceptional();
        return;
      }
      const words = (size + 31) / 32;
      if (!useGas(32000) || !useGas(words * (isCreate2(op) ? 8 : 2)) || !expand(off, size)) {
        exceptional();
        return;
      }
      const child = gas - gas / 64;
      useGas(child);
      wrU64(G_GAS, gas);
      if (memoryGrew()) wrU64(G_MEM_LEN, msizeNow());
      wrU64(G_OP_T0, child);
      if (DEPTH + 1 > MAX_DEPTH) {
        endCreate(op, child);
        return;
      }
      worldGet(addressKey(self20()), 1);
      return;
    }
    case 1: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      loadBE(accountBalance(), LA);
      loadBE(argBE(0), LB);
      if (ltW(LA, LB) || accountNonce() === u64.MAX_VALUE) {
        endCreate(op, rdU64(G_OP_T0));
        return;
      }
      if (!isCreate2(op)) {
        createAddress(self20(), accountNonce());
        bumpNonce();
      } else if (size === 0) {
        create2Address(self20(), argBE(3), EMPTY_CODE_HASH);
        bumpNonce();
      } else {
        wrU64(G_CURSOR, 0);
        next(2);
      }
      return;
    }
    case 2: {
      // CREATE2: the init code's hash, in pieces; then the creator again (to bump its nonce).
      const cursor = rdU64(G_CURSOR);
      if (!hashMemoryPiece(DEPTH, off, size, cursor, H)) {
        wrU64(G_CURSOR, cursor + HASH_PIECE);
        return;
      }
      if (cursor !== 0) wrU64(G_CURSOR, 0);
      memory.copy(SCRATCH + 0x1e80, H, 32);
      create2Address(self20(), argBE(3), SCRATCH + 0x1e80);
      worldGet(addressKey(self20()), 3);
      return;
    }
    case 3: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      bumpNonce();
      return;
    }
    case 4:
      storeWalkRoot(G_WORLD_ROOT);
      putAt(G_ACCESSED_ADDRESSES, addressKey(newAddress(ADDR)), ONE, 1, 5);
      return;
    case 5:
      if (!walkFound()) storeWalkRoot(G_ACCESSED_ADDRESSES);
      worldGet(addressKey(newAddress(ADDR)), 6);
      return;
    case 6: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      if (
        accountNonce() !== 0 ||
        !eq32(accountCodeHash(), EMPTY_CODE_HASH) ||
        !eq32(accountStorageRoot(), EMPTY_ROOT)
      ) {
        // A collision consumes all the gas given to the child (EIP-684, EIP-7610).
        endCreate(op, 0);
        return;
      }
      write(G_OP_BALANCE, accountBalance());
      writeSnapshot(DEPTH + 1);
      if (isZeroW(loadTo(argBE(0), LB))) {
        putNewAccount(9);
        return;
      }
      worldGet(addressKey(self20()), 7);
      return;
    }
    case 7: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      loadBE(accountBalance(), LA);
      loadBE(argBE(0), LB);
      subW(LA, LB, LR);
      setAccountBalance(LR);
      putAt(G_WORLD_ROOT, addressKey(self20()), VAL, encodeAccountTo(VAL), 8);
      return;
    }
    case 8:
      storeWalkRoot(G_WORLD_ROOT);
      putNewAccount(9);
      return;
    case 9:
      storeWalkRoot(G_WORLD_ROOT);
      putAt(G_CREATED, addressKey(newAddress(ADDR)), ONE, 1, 10);
      return;
    case 10:
      storeWalkRoot(G_CREATED);
      initCreateFrame(op, DEPTH + 1);
      if (size === 0) {
        enterCreate();
        return;
      }
      wrU64(G_CURSOR, 0);
      wrU64(G_OP_NONCE, 0);
      next(11);
      return;
    case 11:
      copyInitCode(off, size);
      return;
    default:
      fail(ERR_BAD_STATE, G_STAGE);
  }
}

function loadTo(src: usize, dst: usize): usize {
  loadBE(src, dst);
  return dst;
}

function eq32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

/** Writes the creator's account (decoded) back with its nonce + 1; stage 4 follows. */
function bumpNonce(): void {
  setAccountNonce(accountNonce() + 1);
  putAt(G_WORLD_ROOT, addressKey(self20()), VAL, encodeAccountTo(VAL), 4);
}

/** The new account: nonce 1, its old balance + the value, no code, no storage. */
function putNewAccount(stage: u64): void {
  decodeAccount(0, 0);
  setAccountNonce(1);
  loadBE(read(G_OP_BALANCE), LA);
  loadBE(argBE(0), LB);
  addW(LA, LB, LR);
  setAccountBalance(LR);
  setAccountStorageRoot(EMPTY_ROOT);
  setAccountCodeHash(EMPTY_CODE_HASH);
  putAt(G_WORLD_ROOT, addressKey(newAddress(ADDR)), VAL, encodeAccountTo(VAL), stage);
}

/** A fresh frame at depth `c` for the create `op` (its code is filled by `copyInitCode`). */
function initCreateFrame(op: u32, c: u64): void {
  wrU64(fField(c, F_PC), 0);
  wrU64(fField(c, F_GAS), rdU64(G_OP_T0));
  writeZero(fStackData(c), 10);
  wrU64(fStackData(c) + 1, 0);
  writeZero(fField(c, 3) << 1, 20);
  wrU64((fField(c, 3) << 1) + 1, 0);
  writeZero(fCalldataData(c), 20);
  wrU64(fCalldataData(c) + 1, 0);
  writeZero(fReturnData(c), 20);
  wrU64(fReturnData(c) + 1, 0);
  writeZero(fCode(c), 11);
  wrU64(fCode(c) + 1, argU64(2));
  wrU64(fCode(c) + 2, 0);
  wrU64(fCode(c) + 3, 0);
  write(fField(c, F_CALLER), read(G_ADDRESS));
  write(fField(c, F_ADDRESS), read(G_OP_T1));
  write(fField(c, F_VALUE), argBE(0));
  wrU64(fField(c, F_KIND), isCreate2(op) ? 5 : 4);
  wrU64(fField(c, F_IS_STATIC), 0);
  writeZero(fField(c, 12), 2);
  wrU64(fField(c, 14), 0);
  writeZero(fField(c, 15), 5);
}

/**
 * Stage 10: the next ≤ 1,023 bytes (33 chunks) of init code from memory into the child's code
 * chunks; `op.nonce` carries the end of the last PUSH's immediates across pieces.
 */
function copyInitCode(off: u64, size: u64): void {
  const c = DEPTH + 1;
  const done = rdU64(G_CURSOR);
  let pushEnd = rdU64(G_OP_NONCE);
  const n = min<u64>(33 * 31, size - done);
  readRun(fMemData(DEPTH), 20, u64.MAX_VALUE, off + done, n, BUF);
  let pc = max<u64>(pushEnd, done);
  for (let start = done; start < done + n; start += 31) {
    while (pc < start) {
      const b = <u64>load<u8>(BUF + <usize>(pc - done));
      if (b >= 0x60 && b <= 0x7f) {
        pc += b - 0x5e;
        pushEnd = pc;
      } else pc++;
    }
    memory.fill(CHUNK, 0, 32);
    store<u8>(CHUNK, <u8>(pushEnd > start ? min<u64>(31, pushEnd - start) : 0));
    memory.copy(CHUNK + 1, BUF + <usize>(start - done), <usize>min<u64>(31, done + n - start));
    write((fCode(c) << 11) | (start / 31), CHUNK);
  }
  // Scan the rest of this piece so the next one starts with the right PUSH state.
  while (pc < done + n) {
    const b = <u64>load<u8>(BUF + <usize>(pc - done));
    if (b >= 0x60 && b <= 0x7f) {
      pc += b - 0x5e;
      pushEnd = pc;
    } else pc++;
  }
  if (done + n === size) {
    wrU64(G_CURSOR, 0);
    wrU64(G_OP_NONCE, 0);
    enterCreate();
    return;
  }
  wrU64(G_CURSOR, done + n);
  wrU64(G_OP_NONCE, pushEnd);
}

function enterCreate(): void {
  wrU64(G_STAGE, 12);
  wrU64(G_DEPTH, DEPTH + 1);
}

// ---- the code deposit (FrameExit of a create frame that succeeded) ----

/** EIP-170's limit on deployed code. */
const MAX_CODE: u64 = 24576;

/**
 * A create frame `c` returned successfully (output `[outOff, +outSize)` of its memory; frame 0
 * of a creating transaction too, from `TxFinalize`): the output is deposited as the new account's code
 * (EIP-170 size, EIP-3541 no 0xEF first byte, 200 gas per byte), in stages on the child's `op`:
 * 0 checks and charges, 1 hashes the code in pieces, 2 reads the new account, 3 writes it with
 * the code hash. Returns 1 when this step's work is done, 2 when the deposit is complete (the
 * caller resumes), 0 when it failed (the exit status is now 3: the caller goes on as after an
 * exceptional halt).
 */
export function depositStep(c: u64, outOff: u64, outSize: u64): i32 {
  const stage = rdU64(G_STAGE);
  if (stage === 0) {
    const cost = 200 * outSize;
    let ok = outSize <= MAX_CODE && rdU64(fField(c, F_GAS)) >= cost;
    if (ok && outSize > 0) {
      readRun(fMemData(c), 20, u64.MAX_VALUE, outOff, 1, BUF);
      ok = load<u8>(BUF) !== 0xef;
    }
    if (!ok) {
      wrU64(fExit(c, 0), 3);
      wrU64(fField(c, F_GAS), 0);
      return 0;
    }
    wrU64(fField(c, F_GAS), rdU64(fField(c, F_GAS)) - cost);
    if (outSize === 0) return 2;
    wrU64(G_CURSOR, 0);
    next(1);
    return 1;
  }
  if (stage === 1) {
    const cursor = rdU64(G_CURSOR);
    if (!hashMemoryPiece(c, outOff, outSize, cursor, H)) {
      wrU64(G_CURSOR, cursor + HASH_PIECE);
      return 1;
    }
    if (cursor !== 0) wrU64(G_CURSOR, 0);
    write(G_OP_CODE_HASH, H);
    if (keepsNodes()) {
      // The generator keeps the new code as a preimage for later steps that load it (not part of
      // the step's computation, so not logged).
      const was = setRecording(false);
      readRun(fMemData(c), 20, u64.MAX_VALUE, outOff, outSize, CODE_BUF);
      setRecording(was);
      insertPreimage(CODE_BUF, <usize>outSize);
    }
    worldGet(addressKey(self20()), 2);
    return 1;
  }
  if (stage === 2) {
    const n = walkValue(VAL);
    decodeAccount(VAL, n);
    setAccountCodeHash(read(G_OP_CODE_HASH));
    putAt(G_WORLD_ROOT, addressKey(self20()), VAL, encodeAccountTo(VAL), 3);
    return 1;
  }
  storeWalkRoot(G_WORLD_ROOT);
  next(0);
  return 2;
}

const CODE_BUF: usize = SCRATCH + 0x8000; // 24 KiB
