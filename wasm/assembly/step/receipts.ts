/**
 * Receipts and `BlockEnd` (docs/fault-proof.md §3.5). At the end of each transaction
 * `TxFinalize` writes its receipt into `receipts.entries[receipts.count]` (type, status,
 * cumulative gas, its logs `[logStart, logs.count)`, a deposit's nonce) and then takes its logs
 * one per step: each sets its bloom bits in the receipt's bloom and the block's, and adds its
 * encoded length. `BlockEnd` builds the receipts trie (keys `rlp(i)`) bottom-up over the receipts
 * in key order, as geth's stack trie and reth's hash builder do: each receipt's leaf node is
 * hashed in pieces of at most 952 bytes streamed from the receipt and its logs, then folded into
 * the builder's branch masks and node stack (`receipts.groups`, `receipts.stack`); the last one
 * leaves the root in `receipts.root` and the phase `Done`.
 */
import { keccak256, keccakAbsorb, keccakFinal } from "../lib/keccak";
import { readRun } from "./bytesio";
import { ERR_BAD_STATE, fail, SCRATCH } from "./layout";
import { gLog, gLogData } from "./logs";
import { startWalk, WALK_GET, walkValue } from "./mpt";
import { EMPTY_ROOT } from "./mptNode";
import { entryData, entryLen, fetchPreimage, KIND_TX } from "./preimages";
import {
  fOp,
  G_BASEFEE,
  G_BLOCK_GAS_USED,
  G_COINBASE,
  G_GASLIMIT,
  G_LOGS_COUNT,
  G_NUMBER,
  G_PHASE,
  G_PREVRANDAO,
  G_RC_BLOCK_HASH,
  G_RC_COUNT,
  G_RC_GROUPS_LEN,
  G_RC_MP_ROOT,
  G_RC_OUTPUT_ROOT,
  G_RC_ROOT,
  G_RC_STACK_LEN,
  G_RC_TX_ROOT,
  G_TIMESTAMP,
  G_TX_INDEX,
  G_TX_IS_DEPOSIT,
  G_TX_LOG_START,
  G_TX_NONCE,
  G_TX_STAGE,
  G_TX_STATUS,
  G_TX_TYPE,
  G_WORLD_ROOT,
  gBlockBloom,
  gInTxHash,
  gRcGroup,
  gRcStack,
  gReceipt,
  gReceiptBloom,
  O_CURSOR,
  O_FLAGS,
  O_NONCE,
  O_SPONGE,
  O_T0,
  PHASE_DONE,
  PHASE_TX_LOAD,
  R_CUMULATIVE_GAS,
  R_DEPOSIT_NONCE,
  R_IS_DEPOSIT,
  R_LOG_END,
  R_LOG_START,
  R_LOGS_LEN,
  R_STATUS,
  R_TX_INDEX,
  R_TYPE,
  rdU64,
  wrU64,
} from "./state";
import { read, write, writeZero } from "./tree";
import { accountStorageRoot, addressKey, decodeAccount } from "./world";

const W: usize = SCRATCH + 0x5000;
const H: usize = SCRATCH + 0x5020;
const BLOOM_TX: usize = SCRATCH + 0x5040; // 256 bytes
const BLOOM_BLOCK: usize = SCRATCH + 0x5140; // 256 bytes
const HEAD: usize = SCRATCH + 0x5240; // a log's head, ≤ 170 bytes
const PRE: usize = SCRATCH + 0x5300; // a leaf's prefix, ≤ 320 bytes
const SUF: usize = SCRATCH + 0x5480; // its suffix, ≤ 16 bytes
const BUF: usize = SCRATCH + 0x54a0; // a piece, ≤ 952 bytes
const NODE: usize = SCRATCH + 0x5880; // a branch node's encoding, ≤ 532 bytes
const SPONGE: usize = SCRATCH + 0x5aa0; // 224 bytes
const CUR: usize = SCRATCH + 0x5b80; // the current key's nibbles
const SUC: usize = SCRATCH + 0x5b90; // the next key's nibbles
const TXH: usize = SCRATCH + 0x5ba0;
const ROOT: usize = SCRATCH + 0x5bc0;
const MP_ROOT: usize = SCRATCH + 0x5be0;

/** The L2ToL1MessagePasser predeploy (its storage root goes into the output root). */
const MESSAGE_PASSER: usize = memory.data<u8>([
  0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16,
]);
/** keccak(rlp([])): every block's ommers hash. */
const OMMERS_HASH: usize = memory.data<u8>([
  0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12,
  0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47,
]);
// BlockInputs (§7).
const IN_PARENT_HASH: u64 = 288;
const IN_BEACON_ROOT: u64 = 295;

/** Most bytes of a leaf's encoding absorbed by a step that does not finish it: 7 rate blocks. */
const PIECE: u64 = 952;

// Frame 0's op fields hold BlockEnd's progress (frames are unused by then).
const G_POS: u64 = fOp(0, O_T0); // the receipt (in key order) being hashed
const G_CUR: u64 = fOp(0, O_CURSOR); // bytes of its leaf encoding absorbed
const G_LOG_IDX: u64 = fOp(0, O_NONCE); // the log the next piece starts in
const G_LOG_OFF: u64 = fOp(0, O_FLAGS); // and the offset in that log's encoding

// ---- RLP lengths ----

function bytesOf(v: u64): u64 {
  let n: u64 = 0;
  for (let x = v; x > 0; x >>= 8) n++;
  return n;
}

/** Length of the RLP header of a string or list of `len` bytes. */
function hdrLen(len: u64): u64 {
  return len < 56 ? 1 : 1 + bytesOf(len);
}

/** Writes the header of a string (`base` 0x80) or list (0xc0) of `len` bytes; returns its length. */
function putHdr(dst: usize, len: u64, base: u32): usize {
  if (len < 56) {
    store<u8>(dst, <u8>(base + <u32>len));
    return 1;
  }
  const n = <usize>bytesOf(len);
  store<u8>(dst, <u8>(base + 55 + <u32>n));
  for (let i: usize = 0; i < n; i++) store<u8>(dst + 1 + i, <u8>(len >> (8 * <u64>(n - 1 - i))));
  return n + 1;
}

/** Length of `rlp(v)` for an integer. */
function uintLen(v: u64): u64 {
  return v > 0 && v < 0x80 ? 1 : 1 + bytesOf(v);
}

/** Writes `rlp(v)` for an integer; returns its length. */
function putUint(dst: usize, v: u64): usize {
  if (v > 0 && v < 0x80) {
    store<u8>(dst, <u8>v);
    return 1;
  }
  const n = <usize>bytesOf(v);
  store<u8>(dst, <u8>(0x80 + n));
  for (let i: usize = 0; i < n; i++) store<u8>(dst + 1 + i, <u8>(v >> (8 * <u64>(n - 1 - i))));
  return n + 1;
}

// ---- logs ----

function dataLen(j: u64): u64 {
  return rdU64(gLogData(j) + 1);
}

/** True when log `j`'s data is one byte below 0x80 (its RLP is that byte, no header). */
function singleByteData(j: u64): bool {
  return dataLen(j) === 1 && load<u8>(read(gLogData(j) << 20)) < 0x80;
}

/** Writes log `j`'s encoding up to its data bytes into `HEAD`; returns that length. */
function logHead(j: u64): usize {
  const n = rdU64(gLog(j, 1));
  const len = dataLen(j);
  const single = singleByteData(j);
  const payload: u64 = 21 + hdrLen(33 * n) + 33 * n + (single ? 1 : hdrLen(len) + len);
  let p = HEAD + putHdr(HEAD, payload, 0xc0);
  store<u8>(p++, 0x94);
  memory.copy(p, read(gLog(j, 0)) + 12, 20);
  p += 20;
  p += putHdr(p, 33 * n, 0xc0);
  for (let t: u64 = 0; t < n; t++) {
    store<u8>(p++, 0xa0);
    memory.copy(p, read(gLog(j, 2 + t)), 32);
    p += 32;
  }
  if (!single) p += putHdr(p, len, 0x80);
  return p - HEAD;
}

/** Length of log `j`'s whole encoding. */
function logLen(j: u64): u64 {
  return <u64>logHead(j) + dataLen(j);
}

/** Sets the 3 bloom bits of `keccak(len bytes at p)` in both blooms. */
function bloomAdd(p: usize, len: usize): void {
  keccak256(p, len, H);
  for (let i: usize = 0; i < 6; i += 2) {
    const bit = (((<u32>load<u8>(H + i)) << 8) | <u32>load<u8>(H + i + 1)) & 2047;
    const byte = 255 - <usize>(bit >> 3);
    const mask = <u8>((<u32>1) << (bit & 7));
    store<u8>(BLOOM_TX + byte, load<u8>(BLOOM_TX + byte) | mask);
    store<u8>(BLOOM_BLOCK + byte, load<u8>(BLOOM_BLOCK + byte) | mask);
  }
}

// ---- TxFinalize: the receipt ----

/**
 * Writes the transaction's receipt (`blockGasUsed` already includes its gas) and goes on to its
 * logs, or ends the transaction if it has none.
 */
export function receiptStart(): void {
  const i = rdU64(G_RC_COUNT);
  const start = rdU64(G_TX_LOG_START);
  const end = rdU64(G_LOGS_COUNT);
  const deposit = rdU64(G_TX_IS_DEPOSIT) !== 0;
  wrU64(gReceipt(i, R_TYPE), rdU64(G_TX_TYPE));
  wrU64(gReceipt(i, R_STATUS), rdU64(G_TX_STATUS) === 1 ? 1 : 0);
  wrU64(gReceipt(i, R_CUMULATIVE_GAS), rdU64(G_BLOCK_GAS_USED));
  wrU64(gReceipt(i, R_LOG_START), start);
  wrU64(gReceipt(i, R_LOG_END), end);
  wrU64(gReceipt(i, R_DEPOSIT_NONCE), deposit ? rdU64(G_TX_NONCE) : 0);
  wrU64(gReceipt(i, R_IS_DEPOSIT), deposit ? 1 : 0);
  wrU64(gReceipt(i, R_LOGS_LEN), 0);
  writeZero(gReceipt(i, 8), 3);
  wrU64(gReceipt(i, R_TX_INDEX), rdU64(G_TX_INDEX));
  for (let k: u64 = 10; k < 16; k++) wrU64(gReceipt(i, k), 0);
  if (start < end) {
    wrU64(fOp(0, O_CURSOR), start);
    wrU64(G_TX_STAGE, 60);
    return;
  }
  endTx();
}

/** Stage 60: log `op.cursor` of the transaction into its receipt's bloom, the block's, and its length. */
export function receiptLogStep(): void {
  const i = rdU64(G_RC_COUNT);
  const j = rdU64(fOp(0, O_CURSOR));
  for (let k: u64 = 0; k < 8; k++) {
    memory.copy(BLOOM_TX + <usize>(k << 5), read(gReceiptBloom(i, k)), 32);
    memory.copy(BLOOM_BLOCK + <usize>(k << 5), read(gBlockBloom(k)), 32);
  }
  bloomAdd(read(gLog(j, 0)) + 12, 20);
  const n = rdU64(gLog(j, 1));
  for (let t: u64 = 0; t < n; t++) bloomAdd(read(gLog(j, 2 + t)), 32);
  for (let k: u64 = 0; k < 8; k++) {
    write(gReceiptBloom(i, k), BLOOM_TX + <usize>(k << 5));
    write(gBlockBloom(k), BLOOM_BLOCK + <usize>(k << 5));
  }
  wrU64(gReceipt(i, R_LOGS_LEN), rdU64(gReceipt(i, R_LOGS_LEN)) + logLen(j));
  if (j + 1 < rdU64(gReceipt(i, R_LOG_END))) {
    wrU64(fOp(0, O_CURSOR), j + 1);
    return;
  }
  wrU64(fOp(0, O_CURSOR), 0);
  endTx();
}

/** The receipt is complete: the next transaction. */
function endTx(): void {
  wrU64(G_RC_COUNT, rdU64(G_RC_COUNT) + 1);
  wrU64(G_TX_INDEX, rdU64(G_TX_INDEX) + 1);
  wrU64(G_TX_STAGE, 0);
  wrU64(G_PHASE, PHASE_TX_LOAD);
}

// ---- BlockEnd: the receipts trie ----

/** The receipt index at key-order position `p` of `n` (keys `rlp(i)` sort as 1..127, 0, 128..). */
function indexAt(p: u64, n: u64): u64 {
  const small = min<u64>(n, 128) - 1;
  if (p < small) return p + 1;
  if (p === small) return 0;
  return p;
}

/** The nibbles of `rlp(i)` at `dst`; returns their count. */
function keyNibbles(i: u64, dst: usize): u64 {
  if (i === 0) {
    store<u8>(dst, 8);
    store<u8>(dst + 1, 0);
    return 2;
  }
  if (i < 128) {
    store<u8>(dst, <u8>(i >> 4));
    store<u8>(dst + 1, <u8>(i & 15));
    return 2;
  }
  const n = bytesOf(i);
  store<u8>(dst, 8);
  store<u8>(dst + 1, <u8>n);
  for (let k: u64 = 0; k < 2 * n; k++) store<u8>(dst + 2 + <usize>k, <u8>((i >> (4 * (2 * n - 1 - k))) & 15));
  return 2 + 2 * n;
}

/** Writes the hex-prefix encoding of nibbles `[from, to)` at `src` as an RLP string; returns its length. */
function putPath(dst: usize, src: usize, from: u64, to: u64, leaf: bool): usize {
  const s = to - from;
  const flag: u32 = leaf ? 2 : 0;
  let q = dst + 1;
  let k = from;
  let first: u32;
  if (s & 1) {
    first = ((flag + 1) << 4) | <u32>load<u8>(src + <usize>k);
    k++;
  } else first = flag << 4;
  const bytes = 1 + (s >> 1);
  store<u8>(q++, <u8>first);
  for (; k < to; k += 2) store<u8>(q++, <u8>((load<u8>(src + <usize>k) << 4) | load<u8>(src + <usize>k + 1)));
  if (bytes === 1) {
    // One byte below 0x80: itself.
    store<u8>(dst, <u8>first);
    return 1;
  }
  store<u8>(dst, <u8>(0x80 + bytes));
  return <usize>bytes + 1;
}

function commonPrefix(a: usize, la: u64, b: usize, lb: u64): u64 {
  let k: u64 = 0;
  while (k < la && k < lb && load<u8>(a + <usize>k) === load<u8>(b + <usize>k)) k++;
  return k;
}

// The leaf being hashed: receipt `ri` at key-order position `p`.
let ri: u64 = 0;
let curLen: u64 = 0;
let sucLen: u64 = 0;
let shortFrom: u64 = 0;
let preLen: u64 = 0;
let logsLen: u64 = 0;
let sufLen: u64 = 0;

/** Sets `ri`, the keys, the leaf's short key (`shortFrom`) and the stream's sections. */
function leafLayout(p: u64, n: u64): void {
  ri = indexAt(p, n);
  curLen = keyNibbles(ri, CUR);
  sucLen = p + 1 < n ? keyNibbles(indexAt(p + 1, n), SUC) : 0;
  // The first round of the builder's update (below) cuts the key here.
  const gl = rdU64(G_RC_GROUPS_LEN);
  const precedingLen: u64 = gl > 0 ? gl - 1 : 0;
  const len = max<u64>(precedingLen, commonPrefix(SUC, sucLen, CUR, curLen));
  shortFrom = len + (sucLen > 0 || gl > 0 ? 1 : 0);
  const pathLen = <u64>putPath(W, CUR, shortFrom, curLen, true);
  if (txPass) {
    // The transactions trie: the leaf is rlp([hp(short key), the transaction's bytes]).
    memory.copy(TXH, read(gInTxHash(rdU64(gReceipt(ri, R_TX_INDEX)))), 32);
    const e = fetchPreimage(TXH, KIND_TX);
    txPtr = entryData(e);
    logsLen = <u64>entryLen(e);
    sufLen = 0;
    const lp = pathLen + hdrLen(logsLen) + logsLen;
    let q = PRE + putHdr(PRE, lp, 0xc0);
    memory.copy(q, W, <usize>pathLen);
    q += <usize>pathLen;
    q += putHdr(q, logsLen, 0x80);
    preLen = <u64>(q - PRE);
    store<usize>(W, 0);
    return;
  }
  // The leaf: rlp([hp(short key), E]), E = [type] ‖ rlp([status, cumulativeGas, bloom, logs, (nonce, 1)]).
  const deposit = rdU64(gReceipt(ri, R_IS_DEPOSIT)) !== 0;
  logsLen = rdU64(gReceipt(ri, R_LOGS_LEN));
  const cum = rdU64(gReceipt(ri, R_CUMULATIVE_GAS));
  sufLen = deposit ? uintLen(rdU64(gReceipt(ri, R_DEPOSIT_NONCE))) + 1 : 0;
  const rp: u64 = 1 + uintLen(cum) + 259 + hdrLen(logsLen) + logsLen + sufLen;
  const type = rdU64(gReceipt(ri, R_TYPE));
  const e: u64 = (type !== 0 ? 1 : 0) + hdrLen(rp) + rp;
  const lp = pathLen + hdrLen(e) + e;
  // The prefix: everything before the logs' encodings.
  let q = PRE + putHdr(PRE, lp, 0xc0);
  memory.copy(q, W, <usize>pathLen);
  q += <usize>pathLen;
  q += putHdr(q, e, 0x80);
  if (type !== 0) store<u8>(q++, <u8>type);
  q += putHdr(q, rp, 0xc0);
  store<u8>(q++, rdU64(gReceipt(ri, R_STATUS)) === 1 ? 0x01 : 0x80);
  q += putUint(q, cum);
  store<u8>(q++, 0xb9);
  store<u8>(q++, 0x01);
  store<u8>(q++, 0x00);
  const bloomAt = q;
  q += 256;
  q += putHdr(q, logsLen, 0xc0);
  preLen = <u64>(q - PRE);
  // The bloom is read only when a piece needs the prefix (below).
  store<usize>(W, bloomAt);
  if (deposit) {
    const s = putUint(SUF, rdU64(gReceipt(ri, R_DEPOSIT_NONCE)));
    store<u8>(SUF + s, 0x01);
  }
}

/** Emits stream bytes `[from, from + len)` of the leaf into `BUF` (the log position is kept). */
function emit(from: u64, len: u64): void {
  const bloomAt = load<usize>(W);
  let out = BUF;
  let pos = from;
  const end = from + len;
  if (pos < preLen) {
    if (bloomAt !== 0) {
      for (let k: u64 = 0; k < 8; k++) memory.copy(bloomAt + <usize>(k << 5), read(gReceiptBloom(ri, k)), 32);
    }
    const take = min<u64>(preLen, end) - pos;
    memory.copy(out, PRE + <usize>pos, <usize>take);
    out += <usize>take;
    pos += take;
    wrLogPos(rdU64(gReceipt(ri, R_LOG_START)), 0);
  }
  if (txPass && pos < end) {
    // The transaction's bytes.
    memory.copy(out, txPtr + <usize>(pos - preLen), <usize>(end - pos));
    return;
  }
  if (pos < end && pos < preLen + logsLen) {
    let j = logIdx;
    let off = logOff;
    while (pos < end && pos < preLen + logsLen) {
      const headLen = <u64>logHead(j);
      const total = headLen + dataLen(j);
      const take = min<u64>(total - off, end - pos);
      // Head bytes, then data bytes.
      let done: u64 = 0;
      if (off < headLen) {
        const h = min<u64>(headLen - off, take);
        memory.copy(out, HEAD + <usize>off, <usize>h);
        done = h;
      }
      if (done < take) {
        const dOff = off + done - headLen;
        readRun(gLogData(j), 20, dataLen(j), dOff, take - done, out + <usize>done);
      }
      out += <usize>take;
      pos += take;
      off += take;
      if (off === total) {
        j++;
        off = 0;
      }
    }
    wrLogPos(j, off);
  }
  if (pos < end) {
    const s = pos - preLen - logsLen;
    memory.copy(out, SUF + <usize>s, <usize>(end - pos));
  }
}

let logIdx: u64 = 0;
let logOff: u64 = 0;
/** The transactions trie's pass (`BlockEnd` stage 3), and the transaction's bytes. */
let txPass = false;
let txPtr: usize = 0;

function wrLogPos(j: u64, off: u64): void {
  logIdx = j;
  logOff = off;
}

function loadSponge(): void {
  for (let i: u64 = 0; i < 7; i++) memory.copy(SPONGE + <usize>(i << 5), read(fOp(0, O_SPONGE + i)), 32);
}

function storeSponge(): void {
  memory.fill(SPONGE + 200, 0, 24);
  for (let i: u64 = 0; i < 7; i++) write(fOp(0, O_SPONGE + i), SPONGE + <usize>(i << 5));
}

/** One step of `BlockEnd`. */
export function blockEndStep(): void {
  const n = rdU64(G_RC_COUNT);
  const stage = rdU64(G_TX_STAGE);
  switch (<i32>stage) {
    case 0:
    case 2:
      // The receipts trie (stage 1), then the transactions trie (stage 3), over the same keys.
      if (n === 0) {
        write(G_RC_ROOT, EMPTY_ROOT);
        write(G_RC_TX_ROOT, EMPTY_ROOT);
        messagePasser();
        return;
      }
      wrU64(G_RC_GROUPS_LEN, 0);
      wrU64(G_RC_STACK_LEN, 0);
      wrU64(G_POS, 0);
      wrU64(G_CUR, 0);
      wrU64(G_TX_STAGE, stage + 1);
      return;
    case 1:
    case 3:
      txPass = stage === 3;
      if (leafStep(n)) {
        if (txPass) {
          write(G_RC_TX_ROOT, read(gRcStack(0)));
          messagePasser();
        } else {
          write(G_RC_ROOT, read(gRcStack(0)));
          wrU64(G_TX_STAGE, 2);
        }
      }
      return;
    case 4:
      blockOutput();
      return;
    default:
      fail(ERR_BAD_STATE, G_TX_STAGE);
  }
}

/** One piece of the leaf at position `op.t0`; true when the last leaf is folded in. */
function leafStep(n: u64): bool {
  const p = rdU64(G_POS);
  const cursor = rdU64(G_CUR);
  leafLayout(p, n);
  logIdx = rdU64(G_LOG_IDX);
  logOff = rdU64(G_LOG_OFF);
  const total = preLen + logsLen + sufLen;
  const rest = total - cursor;
  if (rest > PIECE) {
    emit(cursor, PIECE);
    if (cursor === 0) memory.fill(SPONGE, 0, 224);
    else loadSponge();
    keccakAbsorb(SPONGE, BUF, <usize>PIECE);
    storeSponge();
    wrU64(G_CUR, cursor + PIECE);
    wrU64(G_LOG_IDX, logIdx);
    wrU64(G_LOG_OFF, logOff);
    return false;
  }
  emit(cursor, rest);
  if (cursor === 0) keccak256(BUF, <usize>rest, H);
  else {
    loadSponge();
    keccakFinal(SPONGE, BUF, <usize>rest, H);
    memory.fill(SPONGE, 0, 224);
    storeSponge();
  }
  update(H);
  wrU64(G_CUR, 0);
  wrU64(G_LOG_IDX, 0);
  wrU64(G_LOG_OFF, 0);
  if (p + 1 < n) {
    wrU64(G_POS, p + 1);
    return false;
  }
  wrU64(G_POS, 0);
  return true;
}

/** The L2ToL1MessagePasser's account, for its storage root (stage 4). */
function messagePasser(): void {
  memory.copy(ROOT, read(G_WORLD_ROOT), 32);
  startWalk(WALK_GET, ROOT, addressKey(MESSAGE_PASSER), 0, 0);
  wrU64(G_TX_STAGE, 4);
}

/**
 * Stage 4: the block's header and hash, and the output root v0 `keccak(0 ‖ stateRoot ‖
 * messagePasserStorageRoot ‖ blockHash)`; then `Done`.
 */
function blockOutput(): void {
  const v = walkValue(NODE);
  decodeAccount(NODE, v);
  memory.copy(MP_ROOT, accountStorageRoot(), 32);
  // The header: rlp([parentHash, ommersHash, coinbase, stateRoot, transactionsRoot, receiptsRoot,
  // logsBloom, difficulty, number, gasLimit, gasUsed, timestamp, extraData, mixHash, nonce,
  // baseFee, withdrawalsRoot, blobGasUsed, excessBlobGas, parentBeaconRoot]).
  let q = NODE + 8;
  q = putWord(q, read(IN_PARENT_HASH));
  q = putWord(q, OMMERS_HASH);
  store<u8>(q++, 0x94);
  memory.copy(q, read(G_COINBASE) + 12, 20);
  q += 20;
  q = putWord(q, read(G_WORLD_ROOT));
  q = putWord(q, read(G_RC_TX_ROOT));
  q = putWord(q, read(G_RC_ROOT));
  store<u8>(q++, 0xb9);
  store<u8>(q++, 0x01);
  store<u8>(q++, 0x00);
  for (let k: u64 = 0; k < 8; k++) memory.copy(q + <usize>(k << 5), read(gBlockBloom(k)), 32);
  q += 256;
  store<u8>(q++, 0x80); // difficulty 0
  q += putUint(q, rdU64(G_NUMBER));
  q += putUint(q, rdU64(G_GASLIMIT));
  q += putUint(q, rdU64(G_BLOCK_GAS_USED));
  q += putUint(q, rdU64(G_TIMESTAMP));
  store<u8>(q++, 0x80); // extraData: empty in Ore's blocks
  q = putWord(q, read(G_PREVRANDAO));
  store<u8>(q++, 0x88); // nonce: 8 zero bytes
  memory.fill(q, 0, 8);
  q += 8;
  q += putBigUint(q, read(G_BASEFEE));
  q = putWord(q, EMPTY_ROOT);
  store<u8>(q++, 0x80); // blobGasUsed 0
  store<u8>(q++, 0x80); // excessBlobGas 0
  q = putWord(q, read(IN_BEACON_ROOT));
  const payload = <u64>(q - NODE - 8);
  const start = NODE + 8 - <usize>hdrLen(payload);
  putHdr(start, payload, 0xc0);
  keccak256(start, q - start, H);
  write(G_RC_BLOCK_HASH, H);
  write(G_RC_MP_ROOT, MP_ROOT);
  memory.fill(NODE, 0, 32);
  memory.copy(NODE + 32, read(G_WORLD_ROOT), 32);
  memory.copy(NODE + 64, MP_ROOT, 32);
  memory.copy(NODE + 96, H, 32);
  keccak256(NODE, 128, W);
  write(G_RC_OUTPUT_ROOT, W);
  wrU64(G_TX_STAGE, 0);
  wrU64(G_PHASE, PHASE_DONE);
}

/** `rlp(word)` of 32 bytes (a string of 32). */
function putWord(q: usize, w: usize): usize {
  store<u8>(q, 0xa0);
  memory.copy(q + 1, w, 32);
  return q + 33;
}

/** `rlp` of the big-endian word at `w` as an integer (no leading zeros); returns its length. */
function putBigUint(q: usize, w: usize): usize {
  let i: usize = 0;
  while (i < 32 && load<u8>(w + i) === 0) i++;
  const n = 32 - i;
  if (n === 1 && load<u8>(w + 31) < 0x80) {
    store<u8>(q, load<u8>(w + 31));
    return 1;
  }
  store<u8>(q, <u8>(0x80 + n));
  memory.copy(q + 1, w + i, n);
  return n + 1;
}

// ---- the builder (reth's HashBuilder `update`, every node reference a hash) ----

function push(h: usize): void {
  const k = rdU64(G_RC_STACK_LEN);
  if (k >= 128) fail(ERR_BAD_STATE, G_RC_STACK_LEN);
  write(gRcStack(k), h);
  wrU64(G_RC_STACK_LEN, k + 1);
}

/** Folds the leaf whose hash is at `leaf` (key `CUR`, next key `SUC`) into the builder. */
function update(leaf: usize): void {
  let buildExt = false;
  let cur = curLen;
  while (true) {
    const gl = rdU64(G_RC_GROUPS_LEN);
    const precedingExists = gl > 0;
    const precedingLen: u64 = gl > 0 ? gl - 1 : 0;
    const cpl = commonPrefix(SUC, sucLen, CUR, cur);
    const len = max<u64>(precedingLen, cpl);
    if (len >= cur) fail(ERR_BAD_STATE, G_RC_GROUPS_LEN);
    const extra = <u64>load<u8>(CUR + <usize>len);
    for (let d = gl; d <= len; d++) wrU64(gRcGroup(d), 0);
    if (gl <= len) wrU64(G_RC_GROUPS_LEN, len + 1);
    wrU64(gRcGroup(len), rdU64(gRcGroup(len)) | ((<u64>1) << extra));
    const lenFrom = len + (sucLen > 0 || precedingExists ? 1 : 0);
    if (!buildExt) push(leaf);
    if (buildExt && lenFrom < cur) {
      // An extension over the short key to the node on top of the stack.
      const top = rdU64(G_RC_STACK_LEN) - 1;
      let q = NODE + 4;
      q += putPath(q, CUR, lenFrom, cur, false);
      store<u8>(q++, 0xa0);
      memory.copy(q, read(gRcStack(top)), 32);
      q += 32;
      const payload = <u64>(q - NODE - 4);
      const start = NODE + 4 - <usize>hdrLen(payload);
      putHdr(start, payload, 0xc0);
      keccak256(start, q - start, H);
      write(gRcStack(top), H);
    }
    if (precedingLen <= cpl && sucLen > 0) return;
    if (sucLen > 0 || precedingExists) branch(len);
    wrU64(G_RC_GROUPS_LEN, len);
    if (precedingLen === 0) return;
    cur = precedingLen;
    let g = len;
    while (g > 0 && rdU64(gRcGroup(g - 1)) === 0) g--;
    wrU64(G_RC_GROUPS_LEN, g);
    buildExt = true;
  }
}

/** Replaces the children of the branch at depth `len` on the stack by the branch's hash. */
function branch(len: u64): void {
  const mask = rdU64(gRcGroup(len));
  const k = <u64>popcnt<u64>(mask);
  const top = rdU64(G_RC_STACK_LEN);
  let c = top - k;
  let q = NODE + 4;
  for (let nib: u64 = 0; nib < 16; nib++) {
    if ((mask >> nib) & 1) {
      store<u8>(q++, 0xa0);
      memory.copy(q, read(gRcStack(c++)), 32);
      q += 32;
    } else store<u8>(q++, 0x80);
  }
  store<u8>(q++, 0x80);
  const payload = <u64>(q - NODE - 4);
  const start = NODE + 4 - <usize>hdrLen(payload);
  putHdr(start, payload, 0xc0);
  keccak256(start, q - start, H);
  write(gRcStack(top - k), H);
  wrU64(G_RC_STACK_LEN, top - k + 1);
}
