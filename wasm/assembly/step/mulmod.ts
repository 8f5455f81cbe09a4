/**
 * `x · y mod m` for big-endian byte strings of any one length (modexp's long exponent, §10):
 * the product by schoolbook multiplication over 32-bit limbs, the remainder by normalized long
 * division (Knuth, TAOCP vol. 2, 4.3.1, algorithm D). Each quotient digit is estimated from the top
 * two limbs and lowered by 2, so by Knuth's theorem B it is never too large (no add-back) and at
 * most 2 subtractions of the divisor correct it. For `n`-limb operands that is `n²` limb products
 * for the product and at most `(n + 1)(n + 2n)` limb operations for the division.
 */

/** Bytes of scratch `mulModBE` needs for operands of `len` bytes. */
export function mulModScratch(len: u32): usize {
  return (<usize>limbsOf(len) * 6 + 2) << 2;
}

function limbsOf(len: u32): u32 {
  return (len + 3) >> 2;
}

/** The `len` big-endian bytes at `src` as `n` little-endian u32 limbs at `dst` (zero above). */
function toLimbs(src: usize, len: u32, dst: usize, n: u32): void {
  memory.fill(dst, 0, (<usize>n) << 2);
  for (let t: u32 = 0; t < len; t++) {
    const p = dst + ((<usize>(t >> 2)) << 2);
    store<u32>(p, load<u32>(p) | ((<u32>load<u8>(src + <usize>(len - 1 - t))) << ((t & 3) << 3)));
  }
}

/** The low `len` bytes of the limbs at `src`, big-endian, to `dst`. */
function fromLimbs(src: usize, dst: usize, len: u32): void {
  for (let t: u32 = 0; t < len; t++) {
    const limb = load<u32>(src + ((<usize>(t >> 2)) << 2));
    store<u8>(dst + <usize>(len - 1 - t), <u8>(limb >> ((t & 3) << 3)));
  }
}

function limb(p: usize, i: u32): u64 {
  return <u64>load<u32>(p + ((<usize>i) << 2));
}

function setLimb(p: usize, i: u32, v: u64): void {
  store<u32>(p + ((<usize>i) << 2), <u32>v);
}

/** `dn + 1` limbs at `w` are at least the `dn` limbs at `d`. */
function atLeast(w: usize, d: usize, dn: u32): bool {
  if (limb(w, dn) !== 0) return true;
  for (let i = <i32>dn - 1; i >= 0; i--) {
    const a = limb(w, <u32>i);
    const b = limb(d, <u32>i);
    if (a !== b) return a > b;
  }
  return true;
}

/** `dn + 1` limbs at `w` minus the `dn` limbs at `d` (no borrow out: the caller checked). */
function subLimbs(w: usize, d: usize, dn: u32): void {
  let borrow: u64 = 0;
  for (let i: u32 = 0; i < dn; i++) {
    const t = limb(w, i) - limb(d, i) - borrow;
    setLimb(w, i, t);
    borrow = (t >> 32) & 1;
  }
  setLimb(w, dn, limb(w, dn) - borrow);
}

/**
 * Writes `x · y mod m` as `len` big-endian bytes at `out`; `x`, `y`, `m` are `len` big-endian
 * bytes each and `m ≥ 1`. `scratch` holds `mulModScratch(len)` bytes. `out` may alias `x` or `y`.
 */
export function mulModBE(x: usize, y: usize, m: usize, len: u32, out: usize, scratch: usize): void {
  const n = limbsOf(len);
  const X = scratch;
  const Y = X + ((<usize>n) << 2);
  const D = Y + ((<usize>n) << 2);
  const DN = D + ((<usize>n) << 2);
  const U = DN + ((<usize>n + 1) << 2); // the product, normalized: 2n + 1 limbs
  toLimbs(x, len, X, n);
  toLimbs(y, len, Y, n);
  toLimbs(m, len, D, n);
  // The product, 2n limbs.
  const nl = n << 1;
  memory.fill(U, 0, (<usize>nl + 1) << 2);
  for (let i: u32 = 0; i < n; i++) {
    const a = limb(X, i);
    if (a === 0) continue;
    let carry: u64 = 0;
    for (let j: u32 = 0; j < n; j++) {
      const t = a * limb(Y, j) + limb(U, i + j) + carry;
      setLimb(U, i + j, t);
      carry = t >> 32;
    }
    setLimb(U, i + n, carry);
  }
  // The divisor without its leading zero limbs, shifted left so its top bit is set.
  let dn = n;
  while (dn > 1 && limb(D, dn - 1) === 0) dn--;
  const s = <u64>clz<u32>(load<u32>(D + ((<usize>(dn - 1)) << 2)));
  for (let i = <i32>dn - 1; i >= 0; i--) {
    const lo = i > 0 ? limb(D, <u32>(i - 1)) : 0;
    setLimb(DN, <u32>i, (((limb(D, <u32>i) << 32) | lo) << s) >> 32);
  }
  setLimb(U, nl, 0);
  for (let i = <i32>nl; i >= 0; i--) {
    const hi = i < <i32>nl ? limb(U, <u32>i) : 0;
    const lo = i > 0 ? limb(U, <u32>(i - 1)) : 0;
    setLimb(U, <u32>i, (((hi << 32) | lo) << s) >> 32);
  }
  // One quotient digit per limb of the product above the divisor's length; the window
  // U[j .. j + dn] is always below DN · 2^32 (normalization makes it so at the top).
  const top = limb(DN, dn - 1);
  for (let j = <i32>(nl - dn); j >= 0; j--) {
    const w = U + ((<usize>j) << 2);
    const t = (limb(w, dn) << 32) | limb(w, dn - 1);
    let q = t / top;
    if (q > 0xffffffff) q = 0xffffffff;
    q = q >= 2 ? q - 2 : 0;
    if (q !== 0) {
      // w -= q · DN: q is at most the true digit, so this never goes below zero.
      let carry: u64 = 0;
      let borrow: u64 = 0;
      for (let i: u32 = 0; i < dn; i++) {
        const p = q * limb(DN, i) + carry;
        carry = p >> 32;
        const d = limb(w, i) - (p & 0xffffffff) - borrow;
        setLimb(w, i, d);
        borrow = (d >> 32) & 1;
      }
      setLimb(w, dn, limb(w, dn) - carry - borrow);
    }
    while (atLeast(w, DN, dn)) subLimbs(w, DN, dn);
  }
  // The remainder is U[0 .. dn], shifted back.
  memory.fill(X, 0, (<usize>n) << 2);
  for (let i: u32 = 0; i < dn; i++) {
    setLimb(X, i, ((limb(U, i + 1) << 32) | limb(U, i)) >> s);
  }
  fromLimbs(X, out, len);
}
