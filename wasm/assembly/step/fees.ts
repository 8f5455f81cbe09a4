/**
 * The Ecotone L1 data fee (docs/fault-proof.md §3.3, docs/fees.md) in exact integer arithmetic:
 *
 * ```
 * l1Fee = l1GasUsed · (16 · baseFeeScalar · l1BaseFee + blobBaseFeeScalar · l1BlobBaseFee) / 16 000 000
 * ```
 *
 * with the scalars from L1Block's slot 3 (`baseFeeScalar` = bits 96..127, `blobBaseFeeScalar` =
 * bits 64..95). Intermediate values need up to 316 bits: they are held as 12 little-endian u32
 * limbs (384 bits).
 */
import { SCRATCH } from "./layout";

const LIMBS: usize = 12;
const X: usize = SCRATCH + 0x4c00;
const Y: usize = SCRATCH + 0x4c40;

/** The big-endian word at `w` into the 12 limbs at `dst`. */
function fromBE(w: usize, dst: usize): void {
  memory.fill(dst, 0, LIMBS << 2);
  for (let i: usize = 0; i < 8; i++) {
    const p = w + 28 - (i << 2);
    store<u32>(dst + (i << 2), bswap<u32>(load<u32>(p)));
  }
}

/** `a ← a · m` (`m` < 2^32). */
function mulSmall(a: usize, m: u32): void {
  let carry: u64 = 0;
  for (let i: usize = 0; i < LIMBS; i++) {
    const p = a + (i << 2);
    const t = <u64>load<u32>(p) * <u64>m + carry;
    store<u32>(p, <u32>t);
    carry = t >> 32;
  }
}

/** `a ← a + b`. */
function add(a: usize, b: usize): void {
  let carry: u64 = 0;
  for (let i: usize = 0; i < LIMBS; i++) {
    const t = <u64>load<u32>(a + (i << 2)) + <u64>load<u32>(b + (i << 2)) + carry;
    store<u32>(a + (i << 2), <u32>t);
    carry = t >> 32;
  }
}

/** `a ← floor(a / d)` (`d` < 2^32, non-zero). */
function divSmall(a: usize, d: u32): void {
  let rem: u64 = 0;
  for (let i: i32 = <i32>LIMBS - 1; i >= 0; i--) {
    const p = a + ((<usize>i) << 2);
    const cur = (rem << 32) | <u64>load<u32>(p);
    store<u32>(p, <u32>(cur / <u64>d));
    rem = cur % <u64>d;
  }
}

/**
 * The L1 fee for `gas` L1 gas (< 2^32) from the L1Block words `baseFee` (slot 1), `blobBaseFee`
 * (slot 7) and `scalars` (slot 3), each 32 big-endian bytes, into the big-endian word at `out`.
 * Returns false when it does not fit in 256 bits (no balance can pay it).
 */
export function l1Fee(gas: u32, baseFee: usize, blobBaseFee: usize, scalars: usize, out: usize): bool {
  // Slot 3 big-endian: bits 64..95 are bytes 20..23, bits 96..127 bytes 16..19.
  const blobScalar = bswap<u32>(load<u32>(scalars + 20));
  const baseScalar = bswap<u32>(load<u32>(scalars + 16));
  fromBE(baseFee, X);
  mulSmall(X, baseScalar);
  mulSmall(X, 16);
  fromBE(blobBaseFee, Y);
  mulSmall(Y, blobScalar);
  add(X, Y);
  mulSmall(X, gas);
  divSmall(X, 16_000_000);
  for (let i: usize = 8; i < LIMBS; i++) if (load<u32>(X + (i << 2)) !== 0) return false;
  for (let i: usize = 0; i < 8; i++) store<u32>(out + 28 - (i << 2), bswap<u32>(load<u32>(X + (i << 2))));
  return true;
}
