/**
 * RIPEMD-160 compression (the 0x03 precompile's hash), for hashing inputs too long for one step in
 * pieces (docs/fault-proof.md §10): the chaining value is 5 little-endian u32 words, message words
 * are little-endian, padding appends 0x80, zeros and the bit length as a little-endian u64.
 */

const R: usize = memory.data<u8>([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
  3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12, 1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
  4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
]);
const RP: usize = memory.data<u8>([
  5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12, 6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
  15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13, 8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
  12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
]);
const S: usize = memory.data<u8>([
  11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8, 7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13,
  12, 11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5, 11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6,
  5, 12, 9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
]);
const SP: usize = memory.data<u8>([
  8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6, 9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13,
  11, 9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5, 15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5,
  15, 8, 8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
]);
const K: usize = memory.data<u32>([0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e]);
const KP: usize = memory.data<u32>([0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000]);

/** The initial chaining value (5 little-endian words). */
export const RIPEMD_IV: usize = memory.data<u32>([
  0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
]);

function f(j: u32, x: u32, y: u32, z: u32): u32 {
  if (j < 16) return x ^ y ^ z;
  if (j < 32) return (x & y) | (~x & z);
  if (j < 48) return (x | ~y) ^ z;
  if (j < 64) return (x & z) | (y & ~z);
  return x ^ (y | ~z);
}

/** One compression of the 64-byte block at `block` into the 5-word chaining value at `state`. */
export function ripemdBlock(state: usize, block: usize): void {
  const h0 = load<u32>(state);
  const h1 = load<u32>(state, 4);
  const h2 = load<u32>(state, 8);
  const h3 = load<u32>(state, 12);
  const h4 = load<u32>(state, 16);
  let a = h0,
    b = h1,
    c = h2,
    d = h3,
    e = h4;
  let ap = h0,
    bp = h1,
    cp = h2,
    dp = h3,
    ep = h4;
  for (let j: u32 = 0; j < 80; j++) {
    const x = load<u32>(block + ((<usize>load<u8>(R + <usize>j)) << 2));
    let t =
      rotl<u32>(
        a + f(j, b, c, d) + x + load<u32>(K + ((<usize>(j >> 4)) << 2)),
        <u32>load<u8>(S + <usize>j),
      ) + e;
    a = e;
    e = d;
    d = rotl<u32>(c, 10);
    c = b;
    b = t;
    const xp = load<u32>(block + ((<usize>load<u8>(RP + <usize>j)) << 2));
    t =
      rotl<u32>(
        ap + f(79 - j, bp, cp, dp) + xp + load<u32>(KP + ((<usize>(j >> 4)) << 2)),
        <u32>load<u8>(SP + <usize>j),
      ) + ep;
    ap = ep;
    ep = dp;
    dp = rotl<u32>(cp, 10);
    cp = bp;
    bp = t;
  }
  const t = h1 + c + dp;
  store<u32>(state, t);
  store<u32>(state, h2 + d + ep, 4);
  store<u32>(state, h3 + e + ap, 8);
  store<u32>(state, h4 + a + bp, 12);
  store<u32>(state, h0 + b + cp, 16);
}
