/**
 * `TxLoad` (docs/fault-proof.md §3.3): transaction `tx.index` of the block, whose keccak is
 * `inputs.txHashes[tx.index]`, read as a keccak preimage and decoded in one step. Step 0 writes
 * the transaction's fields into `tx` and a fresh frame 0; step 1 reads it again and writes its
 * data into frame 0 (calldata for a call, code chunks for a creation) and a user transaction's
 * access list into `tx.accessList`. Deposits (type 0x7E) and user transactions (legacy, EIP-2930,
 * EIP-1559; `txuser.ts`) load; an invalid user transaction, or a deposit after a user
 * transaction, restarts the block with its deposits only.
 */
import { ERR_BAD_STATE, ERR_UNSUPPORTED_TX, fail, SCRATCH } from "./layout";
import { entryData, entryLen, fetchPreimage, KIND_TX } from "./preimages";
import {
  F_ADDRESS,
  F_CALLER,
  F_GAS,
  F_IS_STATIC,
  F_KIND,
  F_PC,
  F_VALUE,
  FLAG_DEPOSITS_ONLY,
  FLAG_USER_SEEN,
  fCalldataData,
  fCode,
  fField,
  fMemData,
  fOp,
  fReturnData,
  fStackData,
  G_BLOCK_FLAGS,
  G_BLOCK_GAS_USED,
  G_DEPTH,
  G_GASLIMIT,
  G_GASPRICE,
  G_IN_TX_COUNT,
  G_ORIGIN,
  G_PHASE,
  G_TX_AL_LEN,
  G_TX_DATA_LEN,
  G_TX_GAS_LIMIT,
  G_TX_GAS_USED,
  G_TX_GASLEFT,
  G_TX_HASH,
  G_TX_INDEX,
  G_TX_INTRINSIC,
  G_TX_IS_CREATE,
  G_TX_IS_DEPOSIT,
  G_TX_L1_FEE,
  G_TX_L1_GAS,
  G_TX_MAX_FEE,
  G_TX_MINT,
  G_TX_NONCE,
  G_TX_OUTOFF,
  G_TX_OUTSIZE,
  G_TX_STAGE,
  G_TX_STATUS,
  G_TX_TO,
  G_TX_TYPE,
  G_TX_VALUE,
  gInTxHash,
  gTxAccessList,
  O_CURSOR,
  PHASE_BLOCK_END,
  PHASE_BLOCK_START,
  PHASE_TX_VALIDATE,
  rdU64,
  wrU64,
} from "./state";
import { read, write, writeZero } from "./tree";
import {
  alAddresses,
  alEnd,
  alKeys,
  alStart,
  calldataGas,
  decodeUser,
  MAX_FEE,
  PRICE,
  recoverSender,
  SENDER,
  uDataLen,
  uDataPtr,
  uGas,
  uIntrinsic,
  uNonce,
  uToLen,
  uToPtr,
  uType,
  uValueLen,
  uValuePtr,
} from "./txuser";

/** Frame 0's `op.cursor`: the progress of step 1's pieces. */
const G_CURSOR0: u64 = fOp(0, O_CURSOR);
const W: usize = SCRATCH + 0x4000;
const H: usize = SCRATCH + 0x4020;
const CHUNK: usize = SCRATCH + 0x4040;

// The decoded deposit: offsets into the preimage.
let fromPtr: usize = 0;
let toPtr: usize = 0;
let toLen: usize = 0;
let mintPtr: usize = 0;
let mintLen: usize = 0;
let valuePtr: usize = 0;
let valueLen: usize = 0;
let gas: u64 = 0;
let dataPtr: usize = 0;
let dataLen: usize = 0;

// RLP reader over [p, end): the last item read.
let itList = false;
let itData: usize = 0;
let itEnd: usize = 0;

function bad(): void {
  fail(ERR_UNSUPPORTED_TX, 0x100);
}

/** Reads the canonical RLP item at `p` (within `end`); a malformed one fails the step. */
function item(p: usize, end: usize): void {
  if (p >= end) bad();
  const b = <u32>load<u8>(p);
  if (b < 0x80) {
    itList = false;
    itData = p;
    itEnd = p + 1;
    return;
  }
  if (b <= 0xb7 || (b >= 0xc0 && b <= 0xf7)) {
    const list = b >= 0xc0;
    const len = <usize>(b - (list ? 0xc0 : 0x80));
    if (len > end - p - 1) bad();
    if (!list && len === 1 && load<u8>(p + 1) < 0x80) bad();
    itList = list;
    itData = p + 1;
    itEnd = p + 1 + len;
    return;
  }
  const list = b >= 0xf8;
  const lenOfLen = <usize>(list ? b - 0xf7 : b - 0xb7);
  if (lenOfLen > 3 || lenOfLen > end - p - 1 || load<u8>(p + 1) === 0) bad();
  let len: usize = 0;
  for (let i: usize = 0; i < lenOfLen; i++) len = (len << 8) | <usize>load<u8>(p + 1 + i);
  if (len < 56 || len > end - p - 1 - lenOfLen) bad();
  itList = list;
  itData = p + 1 + lenOfLen;
  itEnd = itData + len;
}

/** A string item of at most `max` bytes, canonical as an integer (no leading zero). */
function uintItem(p: usize, end: usize, max: usize): usize {
  item(p, end);
  if (itList || itEnd - itData > max) bad();
  if (itEnd > itData && load<u8>(itData) === 0) bad();
  return itEnd;
}

/** Decodes the deposit `0x7E ‖ rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])`. */
function decodeDeposit(b: usize, len: usize): void {
  const end = b + len;
  item(b + 1, end);
  if (!itList || itEnd !== end) bad();
  const listEnd = itEnd;
  let p = itData;
  item(p, listEnd); // sourceHash
  if (itList || itEnd - itData !== 32) bad();
  p = itEnd;
  item(p, listEnd); // from
  if (itList || itEnd - itData !== 20) bad();
  fromPtr = itData;
  p = itEnd;
  item(p, listEnd); // to
  if (itList || (itEnd - itData !== 20 && itEnd !== itData)) bad();
  toPtr = itData;
  toLen = itEnd - itData;
  p = itEnd;
  p = uintItem(p, listEnd, 32);
  mintPtr = itData;
  mintLen = itEnd - itData;
  p = uintItem(p, listEnd, 32);
  valuePtr = itData;
  valueLen = itEnd - itData;
  p = uintItem(p, listEnd, 8);
  gas = 0;
  for (let i = itData; i < itEnd; i++) gas = (gas << 8) | <u64>load<u8>(i);
  item(p, listEnd); // isSystemTx: always false after Regolith
  if (itList || itEnd !== itData) bad();
  p = itEnd;
  item(p, listEnd); // data
  if (itList) bad();
  dataPtr = itData;
  dataLen = itEnd - itData;
  if (itEnd !== listEnd) bad();
}

/** A big-endian word at `W` from `len` minimal bytes at `p`. */
function wordOf(p: usize, len: usize): usize {
  memory.fill(W, 0, 32);
  memory.copy(W + 32 - len, p, len);
  return W;
}

/** Intrinsic gas at Cancun: 21000 (53000 for a creation), 4/16 per zero/non-zero data byte, 2 per init-code word. */
function intrinsic(create: bool): u64 {
  let g: u64 = create ? 53000 : 21000;
  for (let i: usize = 0; i < dataLen; i++) g += load<u8>(dataPtr + i) === 0 ? 4 : 16;
  if (create) g += 2 * ((<u64>dataLen + 31) / 32);
  return g;
}

/** keccak("") : a transaction of no bytes (never a preimage: it is invalid at once). */
const EMPTY_HASH: usize = memory.data<u8>([
  0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00,
  0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
]);

/**
 * The block's transactions cannot all run (an invalid user transaction, or a deposit after
 * one): it restarts from `BlockStart` with its deposits only (as the rollup node retries a
 * refused block).
 */
export function restartDepositsOnly(): void {
  wrU64(G_BLOCK_FLAGS, rdU64(G_BLOCK_FLAGS) | FLAG_DEPOSITS_ONLY);
  wrU64(G_TX_STAGE, 0);
  wrU64(G_PHASE, PHASE_BLOCK_START);
}

/** Transaction `i` is left out of the block (deposits only). */
function skip(i: u64): void {
  wrU64(G_TX_INDEX, i + 1);
}

/** One step of `TxLoad`. */
export function txLoadStep(): void {
  const i = rdU64(G_TX_INDEX);
  const stage = rdU64(G_TX_STAGE);
  if (stage === 0 && i >= rdU64(G_IN_TX_COUNT)) {
    wrU64(G_PHASE, PHASE_BLOCK_END);
    return;
  }
  memory.copy(H, read(gInTxHash(i)), 32);
  const flags = rdU64(G_BLOCK_FLAGS);
  if (memory.compare(H, EMPTY_HASH, 32) === 0) {
    if ((flags & FLAG_DEPOSITS_ONLY) !== 0) skip(i);
    else restartDepositsOnly();
    return;
  }
  const e = fetchPreimage(H, KIND_TX);
  const b = entryData(e);
  const len = entryLen(e);
  const type = <u32>load<u8>(b);
  if (type !== 0x7e) {
    if ((flags & FLAG_DEPOSITS_ONLY) !== 0) {
      // Deposits only: every other transaction is left out.
      skip(i);
      return;
    }
    userLoad(stage, b, len, flags);
    return;
  }
  if ((flags & FLAG_USER_SEEN) !== 0) {
    restartDepositsOnly();
    return;
  }
  decodeDeposit(b, len);
  const create = toLen === 0;
  if (stage === 0) {
    // A deposit over the block's remaining gas makes the whole block impossible (Ore's engine
    // refuses it with or without the other transactions): the machine cannot go on.
    const used = rdU64(G_BLOCK_GAS_USED);
    const limit = rdU64(G_GASLIMIT);
    if (used > limit || gas > limit - used) fail(ERR_UNSUPPORTED_TX, 0x200);
    write(G_TX_HASH, H);
    wrU64(G_TX_TYPE, <u64>type);
    wrU64(G_TX_IS_DEPOSIT, 1);
    memory.fill(W, 0, 12);
    memory.copy(W + 12, fromPtr, 20);
    write(G_ORIGIN, W);
    memory.fill(W, 0, 32);
    if (!create) memory.copy(W + 12, toPtr, 20);
    write(G_TX_TO, W);
    wrU64(G_TX_IS_CREATE, create ? 1 : 0);
    write(G_TX_MINT, wordOf(mintPtr, mintLen));
    write(G_TX_VALUE, wordOf(valuePtr, valueLen));
    wrU64(G_TX_GAS_LIMIT, gas);
    wrU64(G_GASPRICE, 0);
    wrU64(G_TX_DATA_LEN, <u64>dataLen);
    wrU64(G_TX_INTRINSIC, intrinsic(create));
    wrU64(G_TX_NONCE, 0);
    wrU64(G_TX_STATUS, 0);
    wrU64(G_TX_GASLEFT, 0);
    wrU64(G_TX_OUTOFF, 0);
    wrU64(G_TX_OUTSIZE, 0);
    wrU64(G_TX_GAS_USED, 0);
    resetUserFields();
    freshTopFrame(create, fromPtr, toPtr, valuePtr, valueLen, dataLen);
    wrU64(G_DEPTH, 0);
    wrU64(G_TX_STAGE, 1);
    return;
  }
  if (stage !== 1) fail(ERR_BAD_STATE, G_TX_STAGE);
  if (dataPiece(create, dataPtr, dataLen)) toValidate();
}

function toValidate(): void {
  wrU64(G_CURSOR0, 0);
  wrU64(G_TX_STAGE, 0);
  wrU64(G_PHASE, PHASE_TX_VALIDATE);
}

function resetUserFields(): void {
  wrU64(G_TX_MAX_FEE, 0);
  wrU64(G_TX_L1_FEE, 0);
  wrU64(G_TX_L1_GAS, 0);
  wrU64(G_TX_AL_LEN, 0);
}

/** `TxLoad` of a user transaction: step 0 decodes, validates and recovers; step 1 the data. */
function userLoad(stage: u64, b: usize, len: usize, flags: u64): void {
  if (!decodeUser(b, len)) {
    restartDepositsOnly();
    return;
  }
  const create = uToLen === 0;
  if (stage === 0) {
    if (!recoverSender()) {
      restartDepositsOnly();
      return;
    }
    write(G_TX_HASH, H);
    wrU64(G_TX_TYPE, <u64>uType);
    wrU64(G_TX_IS_DEPOSIT, 0);
    memory.fill(W, 0, 12);
    memory.copy(W + 12, SENDER + 12, 20);
    write(G_ORIGIN, W);
    memory.fill(W, 0, 32);
    if (!create) memory.copy(W + 12, uToPtr, 20);
    write(G_TX_TO, W);
    wrU64(G_TX_IS_CREATE, create ? 1 : 0);
    wrU64(G_TX_MINT, 0);
    write(G_TX_VALUE, wordOf(uValuePtr, uValueLen));
    wrU64(G_TX_GAS_LIMIT, uGas);
    write(G_GASPRICE, PRICE);
    write(G_TX_MAX_FEE, MAX_FEE);
    wrU64(G_TX_DATA_LEN, <u64>uDataLen);
    wrU64(G_TX_INTRINSIC, uIntrinsic);
    wrU64(G_TX_NONCE, uNonce);
    wrU64(G_TX_STATUS, 0);
    wrU64(G_TX_GASLEFT, 0);
    wrU64(G_TX_OUTOFF, 0);
    wrU64(G_TX_OUTSIZE, 0);
    wrU64(G_TX_GAS_USED, 0);
    wrU64(G_TX_L1_FEE, 0);
    wrU64(G_TX_L1_GAS, calldataGas(b, len));
    wrU64(G_TX_AL_LEN, 2 * (alAddresses + alKeys));
    freshTopFrame(create, SENDER + 12, uToPtr, uValuePtr, uValueLen, uDataLen);
    wrU64(G_DEPTH, 0);
    wrU64(G_BLOCK_FLAGS, flags | FLAG_USER_SEEN);
    wrU64(G_TX_STAGE, 1);
    return;
  }
  if (stage === 1) {
    if (!dataPiece(create, uDataPtr, uDataLen)) return;
    if (alAddresses + alKeys === 0) {
      toValidate();
      return;
    }
    wrU64(G_CURSOR0, 0);
    wrU64(G_TX_STAGE, 2);
    return;
  }
  if (stage !== 2) fail(ERR_BAD_STATE, G_TX_STAGE);
  if (accessListPiece()) toValidate();
}

/** Chunks one `TxLoad` piece writes at most (32 KiB of calldata, 31 KiB of code, 512 entries). */
const PIECE_CHUNKS: u64 = 1024;

/**
 * Access-list entries `[c, c + 512)` (`c` = frame 0's `op.cursor`) into `tx.accessList`, two
 * chunks per entry: an address entry is (the address word, zero); a storage key entry is (its
 * address word with byte 0 = 1, the key). Returns true when the list is done.
 */
function accessListPiece(): bool {
  const c = rdU64(G_CURSOR0);
  const end = c + PIECE_CHUNKS / 2;
  let e: u64 = 0;
  let q = alStart;
  while (q < alEnd && e < end) {
    item(q, alEnd);
    const itemEnd = itEnd;
    item(itData, itemEnd); // the address
    memory.fill(W, 0, 12);
    memory.copy(W + 12, itData, 20);
    if (e >= c) {
      write(gTxAccessList(2 * e), W);
      writeZero(gTxAccessList(2 * e + 1), 0);
    }
    e++;
    item(itEnd, itemEnd); // its keys (a list, or an empty string)
    if (itList) {
      const keysEnd = itEnd;
      let k = itData;
      store<u8>(W, 1);
      while (k < keysEnd && e < end) {
        item(k, keysEnd);
        if (e >= c) {
          write(gTxAccessList(2 * e), W);
          write(gTxAccessList(2 * e + 1), itData);
        }
        e++;
        k = itEnd;
      }
    }
    q = itemEnd;
  }
  if (e === alAddresses + alKeys) return true;
  wrU64(G_CURSOR0, end);
  return false;
}

/**
 * Chunks `[c, c + 1024)` (`c` = frame 0's `op.cursor`) of the transaction's data into frame 0:
 * calldata for a call, code chunks for a creation. Returns true when the data is done.
 */
function dataPiece(create: bool, dataPtr: usize, dataLen: usize): bool {
  const c = rdU64(G_CURSOR0);
  const total: u64 = create ? (<u64>dataLen + 30) / 31 : (<u64>dataLen + 31) / 32;
  const end = min<u64>(total, c + PIECE_CHUNKS);
  if (create) {
    let pushEnd: usize = 0;
    let pc: usize = 0;
    for (let k = <usize>c; k < <usize>end; k++) {
      const start = k * 31;
      while (pc < start) {
        const op = <usize>load<u8>(dataPtr + pc);
        if (op >= 0x60 && op <= 0x7f) {
          pc += op - 0x5e;
          pushEnd = pc;
        } else pc++;
      }
      memory.fill(CHUNK, 0, 32);
      store<u8>(CHUNK, <u8>(pushEnd > start ? min<usize>(31, pushEnd - start) : 0));
      memory.copy(CHUNK + 1, dataPtr + start, min<usize>(31, dataLen - start));
      write((fCode(0) << 11) | <u64>k, CHUNK);
    }
  } else {
    for (let k = <usize>c; k < <usize>end; k++) {
      memory.fill(CHUNK, 0, 32);
      memory.copy(CHUNK, dataPtr + k * 32, min<usize>(32, dataLen - k * 32));
      write((fCalldataData(0) << 20) | <u64>k, CHUNK);
    }
  }
  if (end === total) return true;
  wrU64(G_CURSOR0, end);
  return false;
}

/**
 * Frame 0 made fresh for the transaction (§2): caller = the sender; address, value, code come in
 * `TxValidate` (a creation's code length and calldata length are set here).
 */
function freshTopFrame(create: bool, fromP: usize, toP: usize, valP: usize, valL: usize, dLen: usize): void {
  wrU64(fField(0, F_PC), 0);
  wrU64(fField(0, F_GAS), 0);
  writeZero(fStackData(0), 10);
  wrU64(fStackData(0) + 1, 0);
  writeZero(fMemData(0), 20);
  wrU64(fMemData(0) + 1, 0);
  writeZero(fCalldataData(0), 20);
  wrU64(fCalldataData(0) + 1, create ? 0 : <u64>dLen);
  writeZero(fReturnData(0), 20);
  wrU64(fReturnData(0) + 1, 0);
  writeZero(fCode(0), 11);
  wrU64(fCode(0) + 1, create ? <u64>dLen : 0);
  wrU64(fCode(0) + 2, 0);
  wrU64(fCode(0) + 3, 0);
  memory.fill(W, 0, 12);
  memory.copy(W + 12, fromP, 20);
  write(fField(0, F_CALLER), W);
  memory.fill(W, 0, 32);
  if (!create) memory.copy(W + 12, toP, 20);
  write(fField(0, F_ADDRESS), W);
  write(fField(0, F_VALUE), wordOf(valP, valL));
  wrU64(fField(0, F_KIND), create ? 4 : 0);
  wrU64(fField(0, F_IS_STATIC), 0);
  writeZero(fField(0, 12), 2);
  writeZero(fField(0, 13), 3);
  wrU64(fField(0, 14), 0);
  writeZero(fField(0, 15), 5);
}
