/**
 * Four SHA-256 hashes of 64 bytes at once, one per lane of WASM SIMD (`v128` as `i32x4`): the
 * same two compressions as `hash64` (`sha256.ts`), the message block's schedule computed four
 * wide and the padding block's taken from a splatted table. One call costs about 2.5 scalar
 * `hash64` calls under JavaScriptCore (about 2 under V8), so it pays from three hashes up; the
 * state tree uses it for the dirty nodes of one level (`tree.ts`).
 */
import { K } from "./sha256";

/** Message schedule of the four blocks, word `i` of every lane in v128 `i` (64 v128). */
const W4: usize = memory.data(1024, 16);
/** K[i] splatted (64 v128). */
const K4: usize = memory.data(1024, 16);
/** K[i] + W[i] of the four blocks (64 v128). */
const KW4: usize = memory.data(1024, 16);
/** K[i] + W[i] of the padding block of a 64-byte message, splatted (64 v128). */
const PAD4: usize = memory.data(1024, 16);
/** Chaining values of the four lanes (8 v128). */
const H4: usize = memory.data(128, 16);
const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

let ready = false;

function rotr4(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}

/** W[16..63] from W[0..15], and K[i] + W[i] into KW4, four lanes at once. */
function sched4(): void {
  for (let i: usize = 0; i < 16; i++) {
    v128.store(KW4 + (i << 4), i32x4.add(v128.load(W4 + (i << 4)), v128.load(K4 + (i << 4))));
  }
  for (let i: usize = 16; i < 64; i++) {
    const w15 = v128.load(W4 + ((i - 15) << 4));
    const w2 = v128.load(W4 + ((i - 2) << 4));
    const s0 = v128.xor(v128.xor(rotr4(w15, 7), rotr4(w15, 18)), i32x4.shr_u(w15, 3));
    const s1 = v128.xor(v128.xor(rotr4(w2, 17), rotr4(w2, 19)), i32x4.shr_u(w2, 10));
    const w16 = v128.load(W4 + ((i - 16) << 4));
    const w7 = v128.load(W4 + ((i - 7) << 4));
    const w = i32x4.add(i32x4.add(w16, s0), i32x4.add(w7, s1));
    v128.store(W4 + (i << 4), w);
    v128.store(KW4 + (i << 4), i32x4.add(w, v128.load(K4 + (i << 4))));
  }
}

function setup(): void {
  // The padding block (0x80, zeros, bit length 512), scheduled by the same code.
  for (let i: usize = 0; i < 16; i++) v128.store(W4 + (i << 4), i32x4.splat(0));
  v128.store(W4, i32x4.splat(0x80000000));
  v128.store(W4 + (15 << 4), i32x4.splat(512));
  for (let i: usize = 0; i < 64; i++) v128.store(K4 + (i << 4), i32x4.splat(load<u32>(K + (i << 2))));
  sched4();
  memory.copy(PAD4, KW4, 1024);
  ready = true;
}

/** One compression of every lane into H4, with K[i] + W[i] from `kw` (64 v128). */
function compress4(kw: usize): void {
  let a = v128.load(H4),
    b = v128.load(H4, 16),
    c = v128.load(H4, 32),
    d = v128.load(H4, 48);
  let e = v128.load(H4, 64),
    f = v128.load(H4, 80),
    g = v128.load(H4, 96),
    h = v128.load(H4, 112);
  for (let p = kw; p < kw + 1024; p += 16) {
    const s1 = v128.xor(v128.xor(rotr4(e, 6), rotr4(e, 11)), rotr4(e, 25));
    // Ch(e, f, g) = bitselect(f, g, e); Maj(a, b, c) = bitselect(c, a, a ^ b).
    const t1 = i32x4.add(i32x4.add(h, s1), i32x4.add(v128.bitselect(f, g, e), v128.load(p)));
    const s0 = v128.xor(v128.xor(rotr4(a, 2), rotr4(a, 13)), rotr4(a, 22));
    const t2 = i32x4.add(s0, v128.bitselect(c, a, v128.xor(a, b)));
    h = g;
    g = f;
    f = e;
    e = i32x4.add(d, t1);
    d = c;
    c = b;
    b = a;
    a = i32x4.add(t1, t2);
  }
  v128.store(H4, i32x4.add(v128.load(H4), a));
  v128.store(H4, i32x4.add(v128.load(H4, 16), b), 16);
  v128.store(H4, i32x4.add(v128.load(H4, 32), c), 32);
  v128.store(H4, i32x4.add(v128.load(H4, 48), d), 48);
  v128.store(H4, i32x4.add(v128.load(H4, 64), e), 64);
  v128.store(H4, i32x4.add(v128.load(H4, 80), f), 80);
  v128.store(H4, i32x4.add(v128.load(H4, 96), g), 96);
  v128.store(H4, i32x4.add(v128.load(H4, 112), h), 112);
}

/**
 * Four `hash64`s at once: `jobs` holds 4 records of three u32 addresses (left, right, out), and
 * each writes SHA-256(left[0..32) ‖ right[0..32)) to its `out`. An `out` may alias its own
 * inputs, and two records may be the same job; no `out` may be another record's input.
 */
export function hash64x4(jobs: usize): void {
  if (!ready) setup();
  // Words are big-endian: swap the bytes of each 32-bit lane.
  const swap = i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  for (let half: usize = 0; half < 2; half++) {
    const p0 = <usize>load<u32>(jobs + (half << 2));
    const p1 = <usize>load<u32>(jobs + 12 + (half << 2));
    const p2 = <usize>load<u32>(jobs + 24 + (half << 2));
    const p3 = <usize>load<u32>(jobs + 36 + (half << 2));
    const dst = W4 + (half << 7);
    for (let i: usize = 0; i < 32; i += 4) {
      let v = i32x4.splat(load<u32>(p0 + i));
      v = v128.load32_lane(p1 + i, v, 1);
      v = v128.load32_lane(p2 + i, v, 2);
      v = v128.load32_lane(p3 + i, v, 3);
      v128.store(dst + (i << 2), i8x16.swizzle(v, swap));
    }
  }
  sched4();
  for (let i: usize = 0; i < 8; i++) v128.store(H4 + (i << 4), i32x4.splat(load<u32>(IV + (i << 2))));
  compress4(KW4);
  compress4(PAD4);
  const o0 = <usize>load<u32>(jobs, 8);
  const o1 = <usize>load<u32>(jobs, 20);
  const o2 = <usize>load<u32>(jobs, 32);
  const o3 = <usize>load<u32>(jobs, 44);
  for (let i: usize = 0; i < 8; i++) {
    const v = i8x16.swizzle(v128.load(H4 + (i << 4)), swap);
    store<u32>(o0 + (i << 2), i32x4.extract_lane(v, 0));
    store<u32>(o1 + (i << 2), i32x4.extract_lane(v, 1));
    store<u32>(o2 + (i << 2), i32x4.extract_lane(v, 2));
    store<u32>(o3 + (i << 2), i32x4.extract_lane(v, 3));
  }
}
