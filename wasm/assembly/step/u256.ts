/**
 * 256-bit EVM arithmetic on words held as four little-endian u64 limbs (limb 0 least
 * significant) at 32-byte scratch slots. Stack words in the state tree are big-endian; `loadBE`
 * and `storeBE` convert. Division is shift-subtract: simple, exact, and fast enough for a step.
 */

/** Big-endian 32 bytes at `src` to limbs at `dst`. */
export function loadBE(src: usize, dst: usize): void {
  const a = bswap<u64>(load<u64>(src, 24));
  const b = bswap<u64>(load<u64>(src, 16));
  const c = bswap<u64>(load<u64>(src, 8));
  const d = bswap<u64>(load<u64>(src));
  store<u64>(dst, a);
  store<u64>(dst, b, 8);
  store<u64>(dst, c, 16);
  store<u64>(dst, d, 24);
}

/** Limbs at `src` to big-endian 32 bytes at `dst`. */
export function storeBE(src: usize, dst: usize): void {
  const a = load<u64>(src);
  const b = load<u64>(src, 8);
  const c = load<u64>(src, 16);
  const d = load<u64>(src, 24);
  store<u64>(dst, bswap<u64>(d));
  store<u64>(dst, bswap<u64>(c), 8);
  store<u64>(dst, bswap<u64>(b), 16);
  store<u64>(dst, bswap<u64>(a), 24);
}

export function setU64(r: usize, v: u64): void {
  store<u64>(r, v);
  store<u64>(r, 0, 8);
  store<u64>(r, 0, 16);
  store<u64>(r, 0, 24);
}

export function copyW(a: usize, r: usize): void {
  memory.copy(r, a, 32);
}

export function isZeroW(a: usize): bool {
  return (load<u64>(a) | load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) === 0;
}

/** The value if it fits in 64 bits, else `u64.MAX_VALUE`. */
export function toU64Sat(a: usize): u64 {
  if ((load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) !== 0) return u64.MAX_VALUE;
  return load<u64>(a);
}

export function eqW(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

/** Unsigned a < b. */
export function ltW(a: usize, b: usize): bool {
  for (let i: i32 = 24; i >= 0; i -= 8) {
    const x = load<u64>(a + <usize>i);
    const y = load<u64>(b + <usize>i);
    if (x !== y) return x < y;
  }
  return false;
}

/** Signed a < b. */
export function sltW(a: usize, b: usize): bool {
  const sa = load<u64>(a, 24) >> 63;
  const sb = load<u64>(b, 24) >> 63;
  if (sa !== sb) return sa > sb;
  return ltW(a, b);
}

/** r = a + b mod 2^256; returns the carry out. r may alias a or b. */
export function addW(a: usize, b: usize, r: usize): u64 {
  let carry: u64 = 0;
  for (let i: usize = 0; i < 32; i += 8) {
    const x = load<u64>(a + i);
    const s = x + load<u64>(b + i);
    const c1: u64 = s < x ? 1 : 0;
    const t = s + carry;
    const c2: u64 = t < s ? 1 : 0;
    store<u64>(r + i, t);
    carry = c1 | c2;
  }
  return carry;
}

/** r = a - b mod 2^256. r may alias a or b. */
export function subW(a: usize, b: usize, r: usize): void {
  let borrow: u64 = 0;
  for (let i: usize = 0; i < 32; i += 8) {
    const x = load<u64>(a + i);
    const y = load<u64>(b + i);
    const d = x - y;
    const b1: u64 = x < y ? 1 : 0;
    const t = d - borrow;
    const b2: u64 = d < borrow ? 1 : 0;
    store<u64>(r + i, t);
    borrow = b1 | b2;
  }
}

/** r = -a mod 2^256. */
export function negW(a: usize, r: usize): void {
  let carry: u64 = 1;
  for (let i: usize = 0; i < 32; i += 8) {
    const t = ~load<u64>(a + i) + carry;
    carry = carry === 1 && t === 0 ? 1 : 0;
    store<u64>(r + i, t);
  }
}

const MUL_TMP: usize = memory.data(64, 16);

/** The full product of two words, `limbs * 2` u32 limbs at r (r must not alias a or b). */
export function mulWide(a: usize, b: usize, r: usize, outLimbs32: u32): void {
  memory.fill(r, 0, (<usize>outLimbs32) << 2);
  for (let i: u32 = 0; i < 8; i++) {
    const x = <u64>load<u32>(a + ((<usize>i) << 2));
    if (x === 0) continue;
    let carry: u64 = 0;
    const lim = Math.min(outLimbs32 - i, 8);
    for (let j: u32 = 0; j < lim; j++) {
      const p = r + ((<usize>(i + j)) << 2);
      const t = x * <u64>load<u32>(b + ((<usize>j) << 2)) + <u64>load<u32>(p) + carry;
      store<u32>(p, <u32>t);
      carry = t >> 32;
    }
    if (i + lim < outLimbs32) {
      const p = r + ((<usize>(i + lim)) << 2);
      store<u32>(p, <u32>(<u64>load<u32>(p) + carry));
    }
  }
}

/** r = a * b mod 2^256. r may alias a or b. */
export function mulW(a: usize, b: usize, r: usize): void {
  mulWide(a, b, MUL_TMP, 8);
  memory.copy(r, MUL_TMP, 32);
}

const REM: usize = memory.data(32, 16);

/**
 * Unsigned division of the `nLimbs`-limb number at `n` by the word `d` (non-zero): quotient's
 * low 256 bits to `q` (if non-zero), remainder to `rem`.
 */
export function divModN(n: usize, nLimbs: u32, d: usize, q: usize, rem: usize): void {
  memory.fill(REM, 0, 32);
  if (q !== 0) memory.fill(q, 0, 32);
  let top: i32 = <i32>nLimbs * 64 - 1;
  while (top >= 0 && ((load<u64>(n + ((<usize>top >> 6) << 3)) >> <u64>(top & 63)) & 1) === 0) top--;
  for (let bit = top; bit >= 0; bit--) {
    const carry = load<u64>(REM, 24) >> 63;
    const inBit = (load<u64>(n + ((<usize>bit >> 6) << 3)) >> <u64>(bit & 63)) & 1;
    store<u64>(REM, (load<u64>(REM, 24) << 1) | (load<u64>(REM, 16) >> 63), 24);
    store<u64>(REM, (load<u64>(REM, 16) << 1) | (load<u64>(REM, 8) >> 63), 16);
    store<u64>(REM, (load<u64>(REM, 8) << 1) | (load<u64>(REM) >> 63), 8);
    store<u64>(REM, (load<u64>(REM) << 1) | inBit);
    if (carry !== 0 || !ltW(REM, d)) {
      subW(REM, d, REM);
      if (q !== 0 && bit < 256) {
        const p = q + ((<usize>bit >> 6) << 3);
        store<u64>(p, load<u64>(p) | ((<u64>1) << (<u64>(bit & 63))));
      }
    }
  }
  memory.copy(rem, REM, 32);
}

/** r = a << s (s < 256). r may alias a. */
export function shlW(a: usize, s: u32, r: usize): void {
  const limbs = s >> 6;
  const bits = <u64>(s & 63);
  for (let i: i32 = 3; i >= 0; i--) {
    const src = i - <i32>limbs;
    let v: u64 = 0;
    if (src >= 0) {
      v = load<u64>(a + ((<usize>src) << 3)) << bits;
      if (bits !== 0 && src >= 1) v |= load<u64>(a + ((<usize>(src - 1)) << 3)) >> (64 - bits);
    }
    store<u64>(r + ((<usize>i) << 3), v);
  }
}

/** r = a >> s, zero-filling or (arith) sign-filling (s < 256). r may alias a. */
export function shrW(a: usize, s: u32, r: usize, arith: bool): void {
  const fill: u64 = arith && load<u64>(a, 24) >> 63 ? u64.MAX_VALUE : 0;
  const limbs = s >> 6;
  const bits = <u64>(s & 63);
  for (let i: u32 = 0; i < 4; i++) {
    const src = i + limbs;
    const lo = src < 4 ? load<u64>(a + ((<usize>src) << 3)) : fill;
    const hi = src + 1 < 4 ? load<u64>(a + ((<usize>(src + 1)) << 3)) : fill;
    store<u64>(r + ((<usize>i) << 3), bits === 0 ? lo : (lo >> bits) | (hi << (64 - bits)));
  }
}
