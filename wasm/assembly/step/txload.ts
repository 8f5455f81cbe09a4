/**
 * `TxLoad` (docs/fault-proof.md §3.3): transaction `tx.index` of the block, whose keccak is
 * `inputs.txHashes[tx.index]`, read as a keccak preimage and decoded in one step. Step 0 writes
 * the transaction's fields into `tx` and a fresh frame 0; step 1 reads it again and writes its
 * data into frame 0 (calldata for a call, code chunks for a creation). Deposits (type 0x7E) are
 * decoded today; other types are refused by name.
 */
import { ERR_BAD_STATE, ERR_UNSUPPORTED_TX, fail, SCRATCH } from "./layout";
import { entryData, entryLen, fetchPreimage } from "./preimages";
import {
  F_ADDRESS,
  F_CALLER,
  F_GAS,
  F_IS_STATIC,
  F_KIND,
  F_PC,
  F_VALUE,
  fCalldataData,
  fCode,
  fField,
  fMemData,
  fReturnData,
  fStackData,
  G_DEPTH,
  G_GASPRICE,
  G_IN_TX_COUNT,
  G_ORIGIN,
  G_PHASE,
  G_TX_DATA_LEN,
  G_TX_GAS_LIMIT,
  G_TX_GAS_USED,
  G_TX_GASLEFT,
  G_TX_HASH,
  G_TX_INDEX,
  G_TX_INTRINSIC,
  G_TX_IS_CREATE,
  G_TX_IS_DEPOSIT,
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
  PHASE_BLOCK_END,
  PHASE_TX_VALIDATE,
  rdU64,
  wrU64,
} from "./state";
import { read, write, writeZero } from "./tree";

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

/** One step of `TxLoad`. */
export function txLoadStep(): void {
  const i = rdU64(G_TX_INDEX);
  const stage = rdU64(G_TX_STAGE);
  if (stage === 0 && i >= rdU64(G_IN_TX_COUNT)) {
    wrU64(G_PHASE, PHASE_BLOCK_END);
    return;
  }
  memory.copy(H, read(gInTxHash(i)), 32);
  const e = fetchPreimage(H);
  const b = entryData(e);
  const len = entryLen(e);
  const type = <u32>load<u8>(b);
  if (type !== 0x7e) fail(ERR_UNSUPPORTED_TX, <u64>type);
  decodeDeposit(b, len);
  const create = toLen === 0;
  if (stage === 0) {
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
    freshTopFrame(create);
    wrU64(G_DEPTH, 0);
    wrU64(G_TX_STAGE, 1);
    return;
  }
  if (stage !== 1) fail(ERR_BAD_STATE, G_TX_STAGE);
  // Step 1: the data into frame 0.
  if (create) {
    let pushEnd: usize = 0;
    let pc: usize = 0;
    for (let k: usize = 0; k * 31 < dataLen; k++) {
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
    for (let k: usize = 0; k * 32 < dataLen; k++) {
      memory.fill(CHUNK, 0, 32);
      memory.copy(CHUNK, dataPtr + k * 32, min<usize>(32, dataLen - k * 32));
      write((fCalldataData(0) << 20) | <u64>k, CHUNK);
    }
  }
  wrU64(G_TX_STAGE, 0);
  wrU64(G_PHASE, PHASE_TX_VALIDATE);
}

/**
 * Frame 0 made fresh for the transaction (§2): caller = the sender; address, value, code come in
 * `TxValidate` (a creation's code length and calldata length are set here).
 */
function freshTopFrame(create: bool): void {
  wrU64(fField(0, F_PC), 0);
  wrU64(fField(0, F_GAS), 0);
  writeZero(fStackData(0), 10);
  wrU64(fStackData(0) + 1, 0);
  writeZero(fMemData(0), 20);
  wrU64(fMemData(0) + 1, 0);
  writeZero(fCalldataData(0), 20);
  wrU64(fCalldataData(0) + 1, create ? 0 : <u64>dataLen);
  writeZero(fReturnData(0), 20);
  wrU64(fReturnData(0) + 1, 0);
  writeZero(fCode(0), 11);
  wrU64(fCode(0) + 1, create ? <u64>dataLen : 0);
  wrU64(fCode(0) + 2, 0);
  wrU64(fCode(0) + 3, 0);
  memory.fill(W, 0, 12);
  memory.copy(W + 12, fromPtr, 20);
  write(fField(0, F_CALLER), W);
  memory.fill(W, 0, 32);
  if (!create) memory.copy(W + 12, toPtr, 20);
  write(fField(0, F_ADDRESS), W);
  write(fField(0, F_VALUE), wordOf(valuePtr, valueLen));
  wrU64(fField(0, F_KIND), create ? 4 : 0);
  wrU64(fField(0, F_IS_STATIC), 0);
  writeZero(fField(0, 12), 2);
  writeZero(fField(0, 13), 3);
  wrU64(fField(0, 14), 0);
  writeZero(fField(0, 15), 5);
}
