/**
 * Decoding and stateless validation of user transactions in `TxLoad` (docs/fault-proof.md §3.3):
 * legacy (EIP-155 or unprotected), EIP-2930 and EIP-1559 envelopes, with exactly the rules
 * Ore's engine (@ethereumjs/tx and @ethereumjs/vm's `runTx`) applies; the signing hash over the
 * re-encoded unsigned payload and the sender through the host's ecrecover. A transaction that
 * breaks any rule is invalid (`decodeUser`/`recoverSender` return false): the block then
 * restarts with its deposits only.
 */
import { keccak256 } from "../lib/keccak";
import { precompile } from "./host";
import { ERR_UNSUPPORTED_PRECOMPILE, fail, PRE_IN, PRE_OUT, SCRATCH } from "./layout";
import { G_BASEFEE, G_BLOCK_GAS_USED, G_CHAINID, G_GASLIMIT, rdU64 } from "./state";
import { read } from "./tree";
import { addW, loadBE, ltW, mulWide, subW } from "./u256";

const W: usize = SCRATCH + 0x4600;
const LA: usize = SCRATCH + 0x4620;
const LB: usize = SCRATCH + 0x4640;
const LR: usize = SCRATCH + 0x4660;
const WIDE: usize = SCRATCH + 0x4680; // 64 bytes
/** The recovered sender (20 bytes, in the low bytes of a 32-byte output). */
export const SENDER: usize = SCRATCH + 0x46c0;
const SIGHASH: usize = SCRATCH + 0x46e0;
/** The effective gas price and the fee cap, big-endian words. */
export const PRICE: usize = SCRATCH + 0x4700;
export const MAX_FEE: usize = SCRATCH + 0x4720;

/** secp256k1n / 2 (EIP-2: a larger `s` is invalid), big-endian. */
const HALF_N: usize = memory.data<u8>([
  0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57,
  0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

// The decoded transaction: offsets into its bytes.
export let uType: u32 = 0;
export let uNonce: u64 = 0;
let tipPtr: usize = 0;
let tipLen: usize = 0;
let feePtr: usize = 0;
let feeLen: usize = 0;
export let uGas: u64 = 0;
export let uToPtr: usize = 0;
export let uToLen: usize = 0;
export let uValuePtr: usize = 0;
export let uValueLen: usize = 0;
export let uDataPtr: usize = 0;
export let uDataLen: usize = 0;
/** The access list's items `[alStart, alEnd)` (empty for legacy), its addresses and keys. */
export let alStart: usize = 0;
export let alEnd: usize = 0;
export let alAddresses: u64 = 0;
export let alKeys: u64 = 0;
let listData: usize = 0; // first item of the transaction's list
let afterChainId: usize = 0; // typed: the item after chainId
let sigStart: usize = 0; // the v / yParity item
let recId: u32 = 0;
let protectedTx = false;
let rPtr: usize = 0;
let rLen: usize = 0;
let sPtr: usize = 0;
let sLen: usize = 0;
export let uIntrinsic: u64 = 0;

// RLP reader: the last item read (canonical RLP only).
let iList = false;
let iData: usize = 0;
let iEnd: usize = 0;

function rd(p: usize, end: usize): bool {
  if (p >= end) return false;
  const b = <u32>load<u8>(p);
  if (b < 0x80) {
    iList = false;
    iData = p;
    iEnd = p + 1;
    return true;
  }
  if (b <= 0xb7 || (b >= 0xc0 && b <= 0xf7)) {
    const list = b >= 0xc0;
    const len = <usize>(b - (list ? 0xc0 : 0x80));
    if (len > end - p - 1) return false;
    if (!list && len === 1 && load<u8>(p + 1) < 0x80) return false;
    iList = list;
    iData = p + 1;
    iEnd = p + 1 + len;
    return true;
  }
  const list = b >= 0xf8;
  const lenOfLen = <usize>(list ? b - 0xf7 : b - 0xb7);
  if (lenOfLen > 3 || lenOfLen > end - p - 1 || load<u8>(p + 1) === 0) return false;
  let len: usize = 0;
  for (let i: usize = 0; i < lenOfLen; i++) len = (len << 8) | <usize>load<u8>(p + 1 + i);
  if (len < 56 || len > end - p - 1 - lenOfLen) return false;
  iList = list;
  iData = p + 1 + lenOfLen;
  iEnd = iData + len;
  return true;
}

/** A string of at most `max` bytes without a leading zero byte (an integer). */
function rdUint(p: usize, end: usize, max: usize): bool {
  if (!rd(p, end) || iList || iEnd - iData > max) return false;
  return iEnd === iData || load<u8>(iData) !== 0;
}

function u64Of(p: usize, n: usize): u64 {
  let v: u64 = 0;
  for (let i: usize = 0; i < n; i++) v = (v << 8) | <u64>load<u8>(p + i);
  return v;
}

/** The big-endian word of the `n` bytes at `p` into `dst`. */
function wordOf(p: usize, n: usize, dst: usize): usize {
  memory.fill(dst, 0, 32);
  memory.copy(dst + 32 - n, p, n);
  return dst;
}

/** The access list `[[address, [key, ...]], ...]` at `p`; an empty string reads as an empty list. */
function rdAccessList(p: usize, end: usize): bool {
  alAddresses = 0;
  alKeys = 0;
  if (!rd(p, end)) return false;
  alStart = iData;
  alEnd = iEnd;
  if (!iList) return iEnd === iData;
  const listEnd = iEnd;
  let q = iData;
  while (q < listEnd) {
    if (!rd(q, listEnd) || !iList) return false;
    const itemEnd = iEnd;
    let r = iData;
    if (!rd(r, itemEnd) || iList || iEnd - iData !== 20) return false;
    r = iEnd;
    if (!rd(r, itemEnd)) return false;
    if (iList) {
      const keysEnd = iEnd;
      let k = iData;
      while (k < keysEnd) {
        if (!rd(k, keysEnd) || iList || iEnd - iData !== 32) return false;
        alKeys++;
        k = iEnd;
      }
    } else if (iEnd !== iData) return false;
    r = iEnd;
    if (r !== itemEnd) return false;
    alAddresses++;
    q = itemEnd;
  }
  return true;
}

/**
 * Decodes the user transaction of `len` bytes at `b` and applies the stateless rules; false if
 * it is invalid. On success the fields above, `PRICE` and `MAX_FEE` are set.
 */
export function decodeUser(b: usize, len: usize): bool {
  const end = b + len;
  const t = <u32>load<u8>(b);
  let p: usize;
  if (t >= 0xc0) {
    uType = 0;
    if (!rd(b, end) || !iList || iEnd !== end) return false;
  } else if (t === 1 || t === 2) {
    uType = t;
    if (!rd(b + 1, end) || !iList || iEnd !== end) return false;
  } else return false;
  const le = iEnd;
  p = iData;
  listData = p;
  const chainId = rdU64(G_CHAINID);
  if (uType !== 0) {
    // chainId: leading zeros are accepted (the signing hash re-encodes it).
    if (!rd(p, le) || iList) return false;
    let q = iData;
    while (q < iEnd && load<u8>(q) === 0) q++;
    if (iEnd - q > 8 || u64Of(q, iEnd - q) !== chainId) return false;
    p = iEnd;
    afterChainId = p;
  }
  if (!rdUint(p, le, 8)) return false;
  uNonce = u64Of(iData, iEnd - iData);
  if (uNonce === u64.MAX_VALUE) return false; // EIP-2681
  p = iEnd;
  if (uType === 2) {
    if (!rdUint(p, le, 32)) return false;
    tipPtr = iData;
    tipLen = iEnd - iData;
    p = iEnd;
    if (!rdUint(p, le, 32)) return false;
    feePtr = iData;
    feeLen = iEnd - iData;
    p = iEnd;
  } else {
    if (!rdUint(p, le, 32)) return false;
    tipPtr = iData;
    tipLen = iEnd - iData;
    feePtr = iData;
    feeLen = iEnd - iData;
    p = iEnd;
  }
  if (!rdUint(p, le, 8)) return false;
  uGas = u64Of(iData, iEnd - iData);
  p = iEnd;
  if (!rd(p, le) || iList || (iEnd - iData !== 20 && iEnd !== iData)) return false;
  uToPtr = iData;
  uToLen = iEnd - iData;
  p = iEnd;
  if (!rdUint(p, le, 32)) return false;
  uValuePtr = iData;
  uValueLen = iEnd - iData;
  p = iEnd;
  if (!rd(p, le) || iList) return false;
  uDataPtr = iData;
  uDataLen = iEnd - iData;
  p = iEnd;
  alStart = 0;
  alEnd = 0;
  alAddresses = 0;
  alKeys = 0;
  if (uType !== 0) {
    if (!rdAccessList(p, le)) return false;
    p = iEnd;
  }
  sigStart = p;
  // v / yParity, r, s.
  if (uType === 0) {
    if (!rdUint(p, le, 9) || iEnd === iData) return false;
    const n = iEnd - iData;
    const hi: u64 = n === 9 ? <u64>load<u8>(iData) : 0;
    const lo = n === 9 ? u64Of(iData + 1, 8) : u64Of(iData, n);
    // v − (2·chainId + 35) over 128 bits.
    const base = (chainId << 1) + 35;
    const baseHi: u64 = (chainId >> 63) + (base < 35 ? 1 : 0);
    const dLo = lo - base;
    const dHi = hi - baseHi - (lo < base ? 1 : 0);
    if (hi === 0 && (lo === 27 || lo === 28)) {
      recId = <u32>(lo - 27);
      protectedTx = false;
    } else if (dHi === 0 && dLo <= 1 && (baseHi !== 0 || base >= 37)) {
      recId = <u32>dLo;
      protectedTx = true;
    } else return false;
  } else {
    if (!rdUint(p, le, 1)) return false;
    const v: u32 = iEnd === iData ? 0 : <u32>load<u8>(iData);
    if (v > 1) return false;
    recId = v;
    protectedTx = true;
  }
  p = iEnd;
  if (!rdUint(p, le, 32) || iEnd === iData) return false;
  rPtr = iData;
  rLen = iEnd - iData;
  p = iEnd;
  if (!rdUint(p, le, 32) || iEnd === iData) return false;
  sPtr = iData;
  sLen = iEnd - iData;
  p = iEnd;
  if (p !== le) return false;
  // EIP-2: s ≤ secp256k1n / 2.
  loadBE(wordOf(sPtr, sLen, W), LR);
  loadBE(HALF_N, LB);
  if (ltW(LB, LR)) return false;
  return statelessRules();
}

/** Fee caps, gas, init code: the rules that need only the block's context. */
function statelessRules(): bool {
  const create = uToLen === 0;
  // EIP-3860: the init code of a creation is at most 49,152 bytes.
  if (create && uDataLen > 49_152) return false;
  // Intrinsic gas at Cancun.
  let g: u64 = create ? 53_000 : 21_000;
  for (let i: usize = 0; i < uDataLen; i++) g += load<u8>(uDataPtr + i) === 0 ? 4 : 16;
  if (create) g += 2 * ((<u64>uDataLen + 31) / 32);
  g += 2400 * alAddresses + 1900 * alKeys;
  uIntrinsic = g;
  if (uGas < g) return false;
  // The block's remaining gas.
  const used = rdU64(G_BLOCK_GAS_USED);
  const limit = rdU64(G_GASLIMIT);
  if (used > limit || uGas > limit - used) return false;
  // maxPriorityFee ≤ maxFee; gasLimit · maxFee < 2^256; maxFee ≥ baseFee.
  loadBE(wordOf(feePtr, feeLen, MAX_FEE), LA);
  loadBE(wordOf(tipPtr, tipLen, W), LB);
  if (ltW(LA, LB)) return false;
  memory.fill(LR, 0, 32);
  store<u64>(LR, uGas);
  mulWide(LR, LA, WIDE, 16);
  for (let i: usize = 32; i < 64; i += 8) if (load<u64>(WIDE + i) !== 0) return false;
  loadBE(read(G_BASEFEE), LR);
  if (ltW(LA, LR)) return false;
  // The effective price: min(maxFee, baseFee + tip) (legacy and EIP-2930: the gas price).
  if (uType === 2) {
    subW(LA, LR, WIDE);
    if (ltW(LB, WIDE)) memory.copy(WIDE, LB, 32);
    addW(LR, WIDE, WIDE);
    storeWord(WIDE, PRICE);
  } else memory.copy(PRICE, MAX_FEE, 32);
  return true;
}

function storeWord(limbs: usize, dst: usize): void {
  for (let i: usize = 0; i < 4; i++) store<u64>(dst + 24 - (i << 3), bswap<u64>(load<u64>(limbs + (i << 3))));
}

/** RLP header of a list or string of `len` bytes ending right before `at`; returns its start. */
function headerBefore(at: usize, len: usize, list: bool): usize {
  const base: u32 = list ? 0xc0 : 0x80;
  if (len < 56) {
    store<u8>(at - 1, <u8>(base + <u32>len));
    return at - 1;
  }
  let n: usize = 0;
  for (let v = len; v > 0; v >>= 8) n++;
  for (let i: usize = 0; i < n; i++) store<u8>(at - 1 - i, <u8>(len >> (8 * i)));
  store<u8>(at - 1 - n, <u8>(base + 55 + <u32>n));
  return at - 1 - n;
}

/** `rlp(v)` of a uint64 at `dst`; returns its length. */
function encU64(v: u64, dst: usize): usize {
  if (v === 0) {
    store<u8>(dst, 0x80);
    return 1;
  }
  if (v < 0x80) {
    store<u8>(dst, <u8>v);
    return 1;
  }
  let n: usize = 0;
  for (let x = v; x > 0; x >>= 8) n++;
  store<u8>(dst, <u8>(0x80 + n));
  for (let i: usize = 0; i < n; i++) store<u8>(dst + 1 + i, <u8>(v >> (8 * (n - 1 - i))));
  return n + 1;
}

/**
 * The sender of the transaction `decodeUser` just read: the signing hash over the re-encoded
 * unsigned payload (legacy: `[nonce .. data]` plus `[chainId, 0, 0]` under EIP-155; typed: `type ‖
 * rlp([chainId, .. accessList])`), then the host's ecrecover. False if no key signed it.
 */
export function recoverSender(): bool {
  // The body goes at PRE_OUT + 16; its header (and type byte) right before it.
  const body = PRE_OUT + 16;
  let n: usize = 0;
  const chainId = rdU64(G_CHAINID);
  if (uType === 0) {
    memory.copy(body, listData, sigStart - listData);
    n = sigStart - listData;
    if (protectedTx) {
      n += encU64(chainId, body + n);
      store<u8>(body + n, 0x80);
      store<u8>(body + n + 1, 0x80);
      n += 2;
    }
  } else {
    n = encU64(chainId, body);
    memory.copy(body + n, afterChainId, sigStart - afterChainId);
    n += sigStart - afterChainId;
  }
  let start = headerBefore(body, n, true);
  if (uType !== 0) {
    start--;
    store<u8>(start, <u8>uType);
  }
  keccak256(start, body + n - start, SIGHASH);
  // ecrecover(hash, 27 + recId, r, s).
  memory.copy(PRE_IN, SIGHASH, 32);
  memory.fill(PRE_IN + 32, 0, 32);
  store<u8>(PRE_IN + 63, <u8>(27 + recId));
  wordOf(rPtr, rLen, PRE_IN + 64);
  wordOf(sPtr, sLen, PRE_IN + 96);
  const r = precompile(1, PRE_IN, 128, 3000, SENDER, 32);
  if (r === -2) fail(ERR_UNSUPPORTED_PRECOMPILE, 1);
  if (r < 0 || (r & 0xffffffff) !== 32) return false;
  return true;
}

/** L1 calldata gas of the `len` envelope bytes at `b`: 4 per zero byte, 16 per other. */
export function calldataGas(b: usize, len: usize): u64 {
  let g: u64 = 0;
  for (let i: usize = 0; i < len; i++) g += load<u8>(b + i) === 0 ? 4 : 16;
  return g;
}
