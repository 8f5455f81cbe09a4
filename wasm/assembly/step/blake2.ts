/**
 * BLAKE2b's compression function F (RFC 7693 §3.2) with a caller-chosen number of rounds, as the
 * blake2f precompile (0x09, EIP-152) defines it, split so that the rounds can go in pieces across
 * steps (docs/fault-proof.md §10): `blake2bInit` builds the 16-word working vector `v` from the
 * state `h`, the offset counter `t` and the final-block flag; `blake2bRounds` runs rounds
 * `from .. from + n` on `v` (round `i` takes the message schedule `SIGMA[i mod 10]`);
 * `blake2bFinish` folds `v` back into `h`. Words are u64, little-endian in memory (EIP-152's
 * encoding and WASM's byte order).
 */

/** BLAKE2b's IV (the SHA-512 IV; RFC 7693 §2.6) as u64 words, each written low half first. */
const IV: usize = memory.data<u32>([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a, 0xade682d1,
  0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

/** The message schedule: row `r` permutes the 16 message words for rounds `r`, `r + 10`, ... */
const SIGMA: usize = memory.data<u8>([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
  11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4, 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
  9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13, 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
  12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11, 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
  6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5, 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
]);

/**
 * The working vector for the state `h` (8 words), counter `t0`, `t1` and final flag `last`, into
 * `v` (16 words): `h`, then the IV with `t0`, `t1` xored into words 12, 13 and word 14 inverted
 * for the last block.
 */
export function blake2bInit(h: usize, t0: u64, t1: u64, last: bool, v: usize): void {
  memory.copy(v, h, 64);
  memory.copy(v + 64, IV, 64);
  store<u64>(v, load<u64>(v, 96) ^ t0, 96);
  store<u64>(v, load<u64>(v, 104) ^ t1, 104);
  if (last) store<u64>(v, ~load<u64>(v, 112), 112);
}

/** The mixing function G on words `a`, `b`, `c`, `d` of `v` with message words `x`, `y`. */
function mix(v: usize, a: usize, b: usize, c: usize, d: usize, x: u64, y: u64): void {
  const pa = v + (a << 3);
  const pb = v + (b << 3);
  const pc = v + (c << 3);
  const pd = v + (d << 3);
  let va = load<u64>(pa);
  let vb = load<u64>(pb);
  let vc = load<u64>(pc);
  let vd = load<u64>(pd);
  va = va + vb + x;
  vd = rotr<u64>(vd ^ va, 32);
  vc = vc + vd;
  vb = rotr<u64>(vb ^ vc, 24);
  va = va + vb + y;
  vd = rotr<u64>(vd ^ va, 16);
  vc = vc + vd;
  vb = rotr<u64>(vb ^ vc, 63);
  store<u64>(pa, va);
  store<u64>(pb, vb);
  store<u64>(pc, vc);
  store<u64>(pd, vd);
}

/** Message word `SIGMA[row][k]` of `m`. */
function word(m: usize, s: usize, k: usize): u64 {
  return load<u64>(m + ((<usize>load<u8>(s + k)) << 3));
}

/**
 * Runs rounds `from`, ..., `from + n − 1` of F on the working vector `v` (16 words) with the
 * message `m` (16 words): each round mixes the columns, then the diagonals.
 */
export function blake2bRounds(v: usize, m: usize, from: u64, n: u64): void {
  let row = <usize>(from % 10);
  for (let i: u64 = 0; i < n; i++) {
    const s = SIGMA + (row << 4);
    mix(v, 0, 4, 8, 12, word(m, s, 0), word(m, s, 1));
    mix(v, 1, 5, 9, 13, word(m, s, 2), word(m, s, 3));
    mix(v, 2, 6, 10, 14, word(m, s, 4), word(m, s, 5));
    mix(v, 3, 7, 11, 15, word(m, s, 6), word(m, s, 7));
    mix(v, 0, 5, 10, 15, word(m, s, 8), word(m, s, 9));
    mix(v, 1, 6, 11, 12, word(m, s, 10), word(m, s, 11));
    mix(v, 2, 7, 8, 13, word(m, s, 12), word(m, s, 13));
    mix(v, 3, 4, 9, 14, word(m, s, 14), word(m, s, 15));
    row = row === 9 ? 0 : row + 1;
  }
}

/** F's output from the state `h` and the working vector `v`: `h[i] ^ v[i] ^ v[i + 8]` into `out`. */
export function blake2bFinish(h: usize, v: usize, out: usize): void {
  for (let i: usize = 0; i < 64; i += 8) {
    store<u64>(out + i, load<u64>(h + i) ^ load<u64>(v + i) ^ load<u64>(v + i + 64));
  }
}
