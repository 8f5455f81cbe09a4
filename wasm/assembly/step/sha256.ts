/**
 * SHA-256 of exactly 64 bytes (two 32-byte tree nodes), the only hash the step state's binary
 * tree needs: one compression of the message block, one of the constant padding block (whose
 * message schedule is precomputed). Self-contained so `step.wasm` imports nothing.
 */

/** The 64 round constants K[i] (u32 each). */
export const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** Message schedule W[0..63] of the block (filled per call). */
const W: usize = memory.data(256, 16);
/** K[i] + W[i] of the padding block of a 64-byte message (0x80, zeros, bit length 512). */
const PADKW: usize = memory.data(256, 16);
/** Chaining value. */
const HV: usize = memory.data(32, 16);

let ready = false;

function sched(): void {
  for (let i: usize = 16; i < 64; i++) {
    const w15 = load<u32>(W + ((i - 15) << 2));
    const w2 = load<u32>(W + ((i - 2) << 2));
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + (i << 2), load<u32>(W + ((i - 16) << 2)) + s0 + load<u32>(W + ((i - 7) << 2)) + s1);
  }
}

function setup(): void {
  for (let i: usize = 0; i < 16; i++) store<u32>(W + (i << 2), 0);
  store<u32>(W, 0x80000000);
  store<u32>(W + 60, 512);
  sched();
  for (let i: usize = 0; i < 64; i++) {
    store<u32>(PADKW + (i << 2), load<u32>(W + (i << 2)) + load<u32>(K + (i << 2)));
  }
  ready = true;
}

/** One compression into HV: of the schedule in W, or of the padding block when `usePad`. */
function compress(usePad: bool): void {
  let a = load<u32>(HV),
    b = load<u32>(HV, 4),
    c = load<u32>(HV, 8),
    d = load<u32>(HV, 12);
  let e = load<u32>(HV, 16),
    f = load<u32>(HV, 20),
    g = load<u32>(HV, 24),
    h = load<u32>(HV, 28);
  for (let i: usize = 0; i < 64; i++) {
    const kw = usePad ? load<u32>(PADKW + (i << 2)) : load<u32>(K + (i << 2)) + load<u32>(W + (i << 2));
    const s1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = h + s1 + ch + kw;
    const s0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = s0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  store<u32>(HV, load<u32>(HV) + a);
  store<u32>(HV, load<u32>(HV, 4) + b, 4);
  store<u32>(HV, load<u32>(HV, 8) + c, 8);
  store<u32>(HV, load<u32>(HV, 12) + d, 12);
  store<u32>(HV, load<u32>(HV, 16) + e, 16);
  store<u32>(HV, load<u32>(HV, 20) + f, 20);
  store<u32>(HV, load<u32>(HV, 24) + g, 24);
  store<u32>(HV, load<u32>(HV, 28) + h, 28);
}

/**
 * One SHA-256 compression of the 64-byte block at `block` into the chaining value at `state`
 * (8 big-endian u32 words, as the digest is written), for hashing long inputs in pieces.
 */
export function sha256Block(state: usize, block: usize): void {
  if (!ready) setup();
  for (let i: usize = 0; i < 16; i++) store<u32>(W + (i << 2), bswap<u32>(load<u32>(block + (i << 2))));
  sched();
  for (let i: usize = 0; i < 8; i++) store<u32>(HV + (i << 2), bswap<u32>(load<u32>(state + (i << 2))));
  compress(false);
  for (let i: usize = 0; i < 8; i++) store<u32>(state + (i << 2), bswap<u32>(load<u32>(HV + (i << 2))));
}

/** Writes SHA-256(left[0..32) ‖ right[0..32)) to `out` (which may alias either input). */
export function hash64(left: usize, right: usize, out: usize): void {
  if (!ready) setup();
  for (let i: usize = 0; i < 8; i++) {
    store<u32>(W + (i << 2), bswap<u32>(load<u32>(left + (i << 2))));
    store<u32>(W + 32 + (i << 2), bswap<u32>(load<u32>(right + (i << 2))));
  }
  sched();
  store<u32>(HV, 0x6a09e667);
  store<u32>(HV, 0xbb67ae85, 4);
  store<u32>(HV, 0x3c6ef372, 8);
  store<u32>(HV, 0xa54ff53a, 12);
  store<u32>(HV, 0x510e527f, 16);
  store<u32>(HV, 0x9b05688c, 20);
  store<u32>(HV, 0x1f83d9ab, 24);
  store<u32>(HV, 0x5be0cd19, 28);
  compress(false);
  compress(true);
  for (let i: usize = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(HV + (i << 2))));
}
