/**
 * Modexp (0x05) on the caller's memory, or on the transaction's data for a transaction sent to
 * 0x05 (docs/fault-proof.md §10, §3.3): EIP-7823's bound on its declared lengths (checked first:
 * Ore's engine's rule, `core/engine/modexp.ts`), its EIP-2565 gas, and the exponent in pieces
 * (stage 17 of a call, `TxValidate` stage 16 of a transaction) when it is longer than one piece.
 * The input is the byte string whose data subtree is at gindex `src` (height 20: a frame's memory
 * or calldata), `[inOff, inOff + inLen)` of it. The accumulator lives in the current frame's
 * return data (`Mlen` bytes, big-endian: the output once the last piece is in); base, modulus and
 * exponent are re-read from the input each step (it does not change during the call). A piece of
 * `k` exponent bytes `c` does `acc ← acc^(256^k) · base^c mod m`: the two powers by the host's
 * modexp (an on-chain verifier: L1's), the product and its reduction here (`mulmod.ts`).
 */
import { readRun, writeRun } from "./bytesio";
import { precompile } from "./host";
import { ERR_BAD_STATE, ERR_UNSUPPORTED_PRECOMPILE, fail, PRE_IN, PRE_OUT } from "./layout";
import { mulModBE } from "./mulmod";
import { DEPTH, fReturnData, G_STAGE, wrU64 } from "./state";
import { writeZero } from "./tree";
import { loadBE, toU64Sat } from "./u256";

/**
 * Longest declared base, exponent or modulus (bytes): EIP-7823's bound, Ore's engine's
 * (`MAX_MODEXP_LENGTH`, `core/engine/provableLimits.ts`). A call declaring a longer one fails,
 * consuming all its gas, before anything else is read; so the used part of every input the
 * machine reads is at most 96 + 3 · 1,024 = 3,168 bytes and every host modexp is one L1 accepts.
 */
export const MAX_MODEXP_LENGTH: u64 = 1024;
/**
 * Most exponent bytes one step takes: the first host modexp's exponent `0x01 ‖ 0^k` then has at
 * most 1,024 bytes, which L1's modexp accepts since Fusaka (EIP-7823 refuses longer lengths).
 */
const PIECE_MAX: u64 = 1023;
/**
 * `k · w² ≤ PIECE_BUDGET` for a piece of `k` bytes: each of a step's two host modexps then costs
 * at most `max(200, ⌊8 · 65,536 / 3⌋) = 174,762` gas by EIP-2565.
 */
const PIECE_BUDGET: u64 = 65536;

// Buffers in the precompile output area (no precompile output is pending during these steps).
const WORD: usize = PRE_OUT; // 32 bytes
const LIMBS: usize = PRE_OUT + 0x20; // 32 bytes
const BASE: usize = PRE_OUT + 0x100; // ≤ 1,024 bytes each: base, modulus, accumulator, powers
const MOD: usize = PRE_OUT + 0x500;
/** The accumulator after `modexpBegin` or `modexpNext`: the output once the exponent is done. */
export const MODEXP_ACC: usize = PRE_OUT + 0x900;
const XP: usize = PRE_OUT + 0xd00;
const YP: usize = PRE_OUT + 0x1100;
const PIECE: usize = PRE_OUT + 0x1800; // ≤ 1,023 bytes
const POW: usize = PRE_OUT + 0x3000; // ≤ 4,097 bytes
const MULMOD_TMP: usize = PRE_OUT + 0x5000; // mulModScratch(1,024) = 6,152 bytes

/**
 * Length `k` of the modexp input at `inOff` (`inLen` bytes): 0 Blen, 1 Elen, 2 Mlen, the 32-byte
 * big-endian word at `32k` (zero past the input's end), saturated to u64.
 */
export function modexpLen(src: u64, inOff: u64, inLen: u64, k: u64): u64 {
  readRun(src, 20, inOff + inLen, inOff + 32 * k, 32, WORD);
  loadBE(WORD, LIMBS);
  return toU64Sat(LIMBS);
}

/**
 * Whether EIP-7823's bound refuses the modexp input at `inOff` (`inLen` bytes): `Blen`, `Elen` or
 * `Mlen` over `MAX_MODEXP_LENGTH`.
 */
export function modexpOverBound(src: u64, inOff: u64, inLen: u64): bool {
  return (
    modexpLen(src, inOff, inLen, 0) > MAX_MODEXP_LENGTH ||
    modexpLen(src, inOff, inLen, 1) > MAX_MODEXP_LENGTH ||
    modexpLen(src, inOff, inLen, 2) > MAX_MODEXP_LENGTH
  );
}

/**
 * EIP-2565's gas for the modexp input at `inOff` (`inLen` bytes; bytes past its end read as zero),
 * within the bound (`modexpOverBound` false): at most `128² · (8 · 992 + 255) / 3`, no overflow.
 */
export function modexpGas(src: u64, inOff: u64, inLen: u64): u64 {
  const b = modexpLen(src, inOff, inLen, 0);
  const e = modexpLen(src, inOff, inLen, 1);
  const m = modexpLen(src, inOff, inLen, 2);
  if (b > MAX_MODEXP_LENGTH || e > MAX_MODEXP_LENGTH || m > MAX_MODEXP_LENGTH) fail(ERR_BAD_STATE, G_STAGE);
  // The exponent's first min(Elen, 32) bytes.
  let bits: u32 = 0;
  if (e > 0) {
    readRun(src, 20, inOff + inLen, inOff + 96 + b, 32, WORD);
    if (e < 32) {
      memory.copy(WORD + 32 - <usize>e, WORD, <usize>e);
      memory.fill(WORD, 0, 32 - <usize>e);
    }
    loadBE(WORD, LIMBS);
    for (let k: i32 = 3; k >= 0; k--) {
      const limb = load<u64>(LIMBS + ((<usize>k) << 3));
      if (limb !== 0) {
        bits = <u32>(k * 64) + 64 - <u32>clz<u64>(limb);
        break;
      }
    }
  }
  let iters: u64 = bits > 0 ? <u64>(bits - 1) : 0;
  if (e > 32) iters += 8 * (e - 32);
  const x = max<u64>(b, m);
  const w = (x + 7) / 8;
  const gas = (w * w * max<u64>(iters, 1)) / 3;
  return max<u64>(gas, 200);
}

/**
 * Exponent bytes per step for a base of `bLen` and a modulus of `mLen` bytes (`1 ≤ mLen`):
 * `min(1,023, max(1, ⌊65,536 / w²⌋))`, `w = ceil(max(bLen, mLen) / 8)`.
 */
export function modexpPieceLen(bLen: u64, mLen: u64): u64 {
  const x = max<u64>(bLen, mLen);
  const w = (x + 7) / 8;
  const k = PIECE_BUDGET / (w * w);
  return k < 1 ? 1 : min<u64>(k, PIECE_MAX);
}

/**
 * The modexp at `inOff` (within the bound) runs in pieces (stage 17): `1 ≤ Mlen` and an exponent
 * longer than one piece. Every host modexp of the call then costs at most 174,762 gas (EIP-2565),
 * as does a one-step modexp with `1 ≤ Mlen` (`Elen ≤ k`).
 */
export function modexpInPieces(src: u64, inOff: u64, inLen: u64): bool {
  const mLen = modexpLen(src, inOff, inLen, 2);
  if (mLen === 0) return false;
  return modexpLen(src, inOff, inLen, 1) > modexpPieceLen(modexpLen(src, inOff, inLen, 0), mLen);
}

/** The `n` bytes at `p` are all zero. */
function isZero(p: usize, n: u64): bool {
  for (let i: usize = 0; i < <usize>n; i++) if (load<u8>(p + i) !== 0) return false;
  return true;
}

/** The `n ≥ 1` big-endian bytes at `p` are the number 1. */
function isOne(p: usize, n: u64): bool {
  return isZero(p, n - 1) && load<u8>(p + <usize>n - 1) === 1;
}

/** The modulus (`mLen` bytes at `p`) is 0 or 1. */
function atMostOne(p: usize, mLen: u64): bool {
  return isZero(p, mLen - 1) && load<u8>(p + <usize>mLen - 1) <= 1;
}

/**
 * Starts the pieces of the modexp at `inOff` (`inLen` bytes, `1 ≤ Mlen ≤ MAX_MODEXP_LENGTH`): the
 * return data becomes `Mlen` zero bytes. Returns true when the modulus is 0 or 1, whose output
 * (all zero, at `MODEXP_ACC`) needs no piece.
 */
export function modexpBegin(src: u64, inOff: u64, inLen: u64): bool {
  const b = modexpLen(src, inOff, inLen, 0);
  const e = modexpLen(src, inOff, inLen, 1);
  const mLen = modexpLen(src, inOff, inLen, 2);
  writeZero(fReturnData(DEPTH), 20);
  wrU64(fReturnData(DEPTH) + 1, mLen);
  readRun(src, 20, inOff + inLen, inOff + 96 + b + e, mLen, MOD);
  memory.fill(MODEXP_ACC, 0, <usize>mLen);
  return atMostOne(MOD, mLen);
}

/** `base^exp mod m` (lengths in bytes) through the host's modexp into the `mLen` bytes at `out`. */
function hostModexp(base: usize, bLen: u64, exp: usize, eLen: u64, m: usize, mLen: u64, out: usize): void {
  const p = PRE_IN;
  memory.fill(p, 0, 96);
  store<u64>(p + 24, bswap<u64>(bLen));
  store<u64>(p + 56, bswap<u64>(eLen));
  store<u64>(p + 88, bswap<u64>(mLen));
  memory.copy(p + 96, base, <usize>bLen);
  memory.copy(p + 96 + <usize>bLen, exp, <usize>eLen);
  memory.copy(p + 96 + <usize>(bLen + eLen), m, <usize>mLen);
  const r = precompile(5, p, <u32>(96 + bLen + eLen + mLen), (<u64>1) << 62, out, <u32>mLen);
  if (r === -2) fail(ERR_UNSUPPORTED_PRECOMPILE, 5);
  if (r < 0 || <u64>(r & 0xffffffff) !== mLen) fail(ERR_BAD_STATE, G_STAGE);
}

/**
 * Stage 17's work: the exponent's next piece after `done` bytes. The accumulator (1 before the
 * first piece, else the return data) becomes `acc^(256^k) · base^c mod m`, is written back to the
 * return data and left at `MODEXP_ACC`. Returns the exponent bytes done.
 */
export function modexpNext(src: u64, inOff: u64, inLen: u64, done: u64): u64 {
  const b = modexpLen(src, inOff, inLen, 0);
  const e = modexpLen(src, inOff, inLen, 1);
  const mLen = modexpLen(src, inOff, inLen, 2);
  // Stage 13 refused longer lengths and made no pieces of Mlen = 0.
  if (mLen === 0 || b > MAX_MODEXP_LENGTH || mLen > MAX_MODEXP_LENGTH || done > e)
    fail(ERR_BAD_STATE, G_STAGE);
  const k = min<u64>(modexpPieceLen(b, mLen), e - done);
  const end = inOff + inLen;
  readRun(src, 20, end, inOff + 96, b, BASE);
  readRun(src, 20, end, inOff + 96 + b + done, k, PIECE);
  readRun(src, 20, end, inOff + 96 + b + e, mLen, MOD);
  // modexpBegin finished the call for a modulus of 0 or 1.
  if (atMostOne(MOD, mLen)) fail(ERR_BAD_STATE, G_STAGE);
  if (done === 0) {
    memory.fill(MODEXP_ACC, 0, <usize>mLen);
    store<u8>(MODEXP_ACC + <usize>mLen - 1, 1);
  } else readRun(fReturnData(DEPTH), 20, mLen, 0, mLen, MODEXP_ACC);
  // x = acc^(256^k) (the exponent 0x01 and k zero bytes) and y = base^c; a power of 1 or to the
  // 0th is 1 (m > 1) without a host call: the exponent's leading zero bytes cost no modexp.
  if (isOne(MODEXP_ACC, mLen)) memory.copy(XP, MODEXP_ACC, <usize>mLen);
  else {
    memory.fill(POW, 0, <usize>k + 1);
    store<u8>(POW, 1);
    hostModexp(MODEXP_ACC, mLen, POW, k + 1, MOD, mLen, XP);
  }
  if (isZero(PIECE, k)) {
    memory.fill(YP, 0, <usize>mLen);
    store<u8>(YP + <usize>mLen - 1, 1);
  } else hostModexp(BASE, b, PIECE, k, MOD, mLen, YP);
  mulModBE(XP, YP, MOD, <u32>mLen, MODEXP_ACC, MULMOD_TMP);
  writeRun(fReturnData(DEPTH), 20, 0, MODEXP_ACC, mLen);
  return done + k;
}
