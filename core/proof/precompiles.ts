/**
 * The precompiles the step machine calls through its `host.precompile` import (docs/fault-proof.md
 * §10), as an on-chain verifier calls L1's precompile at the same address: 0x01–0x03 and
 * 0x05–0x0a at Cancun, on @noble's hashes and curves (identity, 0x04, is copied in WASM).
 * Point evaluation (0x0a) needs a KZG verifier from the host; without one it is refused by name.
 * Tested against @ethereumjs/evm's implementations (`precompiles.test.ts`).
 */
import { bn254 } from "@noble/curves/bn254.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";

/**
 * What `verifyProof` of EIP-4844's point evaluation takes (c-kzg style, hex strings): Ore's own
 * (`node/engine/kzgVerify.ts`) or kzg-wasm, which tests use as a reference.
 */
export interface KzgVerifier {
  verifyProof(commitment: string, z: string, y: string, proof: string): boolean;
}

/** Outcome of a precompile call. */
export type PrecompileResult =
  | { ok: true; gasUsed: bigint; output: Uint8Array }
  | { ok: false } // invalid input or out of gas: the call fails and consumes all its gas
  | { ok: "unsupported" }; // this host cannot compute it

/** A precompile runner for the step machine's host import. */
export type PrecompileHost = (id: number, input: Uint8Array, gasLimit: bigint) => PrecompileResult;

const words = (n: number): bigint => BigInt(Math.ceil(n / 32));

/** `input` zero-padded (or cut) to `n` bytes. */
function padded(input: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(input.subarray(0, n));
  return out;
}

function big(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function word(v: bigint, n = 32): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function charge(gas: bigint, gasLimit: bigint, output: () => Uint8Array | undefined): PrecompileResult {
  if (gas > gasLimit) return { ok: false };
  const out = output();
  return out === undefined ? { ok: false } : { ok: true, gasUsed: gas, output: out };
}

/** The Cancun precompiles; `kzg` enables point evaluation. */
export function cancunPrecompiles(kzg?: KzgVerifier): PrecompileHost {
  return (id, input, gasLimit) => {
    switch (id) {
      case 0x01:
        return charge(3000n, gasLimit, () => ecrecover(padded(input, 128)));
      case 0x02:
        return charge(60n + 12n * words(input.length), gasLimit, () => sha256(input));
      case 0x03:
        return charge(600n + 120n * words(input.length), gasLimit, () => word(big(ripemd160(input))));
      case 0x05:
        return modexp(input, gasLimit);
      case 0x06:
        return charge(150n, gasLimit, () => bnAdd(padded(input, 128)));
      case 0x07:
        return charge(6000n, gasLimit, () => bnMul(padded(input, 96)));
      case 0x08:
        if (input.length % 192 !== 0) return { ok: false };
        return charge(45000n + 34000n * BigInt(input.length / 192), gasLimit, () => bnPairing(input));
      case 0x09:
        return blake2f(input, gasLimit);
      case 0x0a:
        return kzg === undefined ? { ok: "unsupported" } : pointEvaluation(kzg, input, gasLimit);
      default:
        return { ok: "unsupported" };
    }
  };
}

// ---- 0x01 ecrecover ----

const SECP_N = secp256k1.Point.CURVE().n;

function ecrecover(data: Uint8Array): Uint8Array {
  const v = big(data.subarray(32, 64));
  const r = big(data.subarray(64, 96));
  const s = big(data.subarray(96, 128));
  // Invalid input is not a failure: the output is empty.
  if ((v !== 27n && v !== 28n) || r === 0n || r >= SECP_N || s === 0n || s >= SECP_N)
    return new Uint8Array(0);
  const rec = new Uint8Array(65);
  rec[0] = Number(v - 27n);
  rec.set(data.subarray(64, 128), 1);
  try {
    const pub = secp256k1.recoverPublicKey(rec, data.subarray(0, 32), { prehash: false });
    const full = secp256k1.Point.fromBytes(pub).toBytes(false);
    return word(big(keccak256(full.subarray(1)).subarray(12)));
  } catch {
    return new Uint8Array(0);
  }
}

// ---- 0x05 modexp (EIP-198, gas EIP-2565) ----

function bitLength(v: bigint): bigint {
  return v === 0n ? 0n : BigInt(v.toString(2).length);
}

function modexp(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  const head = padded(input, 96);
  const bLen = big(head.subarray(0, 32));
  const eLen = big(head.subarray(32, 64));
  const mLen = big(head.subarray(64, 96));
  const readAt = (off: bigint, n: bigint): Uint8Array => {
    const out = new Uint8Array(Number(n));
    if (off < BigInt(input.length)) out.set(input.subarray(Number(off), Number(off + n)));
    return out;
  };
  // The exponent's first 32 bytes (zero-padded) decide the iteration count.
  const eHeadLen = eLen < 32n ? eLen : 32n;
  const eHead = bLen > 1n << 32n ? 0n : big(readAt(96n + bLen, eHeadLen));
  const iterations =
    eLen <= 32n
      ? eHead === 0n
        ? 0n
        : bitLength(eHead) - 1n
      : 8n * (eLen - 32n) + (bitLength(eHead) > 0n ? bitLength(eHead) - 1n : 0n);
  const longer = bLen > mLen ? [bLen] : [mLen];
  const w = (longer[0] + 7n) / 8n;
  let gas = (w * w * (iterations > 1n ? iterations : 1n)) / 3n;
  if (gas < 200n) gas = 200n;
  if (gas > gasLimit) return { ok: false };
  if (mLen === 0n) return { ok: true, gasUsed: gas, output: new Uint8Array(0) };
  const b = big(readAt(96n, bLen));
  const e = big(readAt(96n + bLen, eLen));
  const m = big(readAt(96n + bLen + eLen, mLen));
  let r = 0n;
  if (m > 1n) {
    r = 1n;
    let x = b % m;
    for (let k = e; k > 0n; k >>= 1n) {
      if (k & 1n) r = (r * x) % m;
      x = (x * x) % m;
    }
  }
  return { ok: true, gasUsed: gas, output: word(r, Number(mLen)) };
}

// ---- 0x06..0x08 bn254 (EIP-196, EIP-197) ----

const FP = bn254.fields.Fp.ORDER;

type G1 = ReturnType<typeof bn254.G1.Point.fromAffine>;

function g1(b: Uint8Array): G1 {
  const x = big(b.subarray(0, 32));
  const y = big(b.subarray(32, 64));
  if (x === 0n && y === 0n) return bn254.G1.Point.ZERO;
  if (x >= FP || y >= FP) throw new Error("not in the field");
  const p = bn254.G1.Point.fromAffine({ x, y });
  p.assertValidity();
  return p;
}

function g1Bytes(p: G1): Uint8Array {
  if (p.equals(bn254.G1.Point.ZERO)) return new Uint8Array(64);
  const a = p.toAffine();
  const out = new Uint8Array(64);
  out.set(word(a.x), 0);
  out.set(word(a.y), 32);
  return out;
}

function g2(b: Uint8Array) {
  const [x1, x0, y1, y0] = [0, 32, 64, 96].map((o) => big(b.subarray(o, o + 32)));
  if (x0 === 0n && x1 === 0n && y0 === 0n && y1 === 0n) return bn254.G2.Point.ZERO;
  if ([x0, x1, y0, y1].some((v) => v >= FP)) throw new Error("not in the field");
  const Fp2 = bn254.fields.Fp2;
  const p = bn254.G2.Point.fromAffine({
    x: Fp2.create({ c0: x0, c1: x1 }),
    y: Fp2.create({ c0: y0, c1: y1 }),
  });
  p.assertValidity();
  return p;
}

function bnAdd(data: Uint8Array): Uint8Array | undefined {
  try {
    return g1Bytes(g1(data.subarray(0, 64)).add(g1(data.subarray(64, 128))));
  } catch {
    return undefined;
  }
}

function bnMul(data: Uint8Array): Uint8Array | undefined {
  try {
    const p = g1(data.subarray(0, 64));
    const s = big(data.subarray(64, 96)) % bn254.fields.Fr.ORDER;
    return s === 0n || p.equals(bn254.G1.Point.ZERO) ? new Uint8Array(64) : g1Bytes(p.multiply(s));
  } catch {
    return undefined;
  }
}

function bnPairing(data: Uint8Array): Uint8Array | undefined {
  try {
    const pairs: { g1: G1; g2: ReturnType<typeof g2> }[] = [];
    for (let k = 0; k < data.length; k += 192) {
      const a = g1(data.subarray(k, k + 64));
      const b = g2(data.subarray(k + 64, k + 192));
      if (a.equals(bn254.G1.Point.ZERO) || b.equals(bn254.G2.Point.ZERO)) continue;
      pairs.push({ g1: a, g2: b });
    }
    const one = pairs.length === 0 || bn254.fields.Fp12.eql(bn254.pairingBatch(pairs), bn254.fields.Fp12.ONE);
    return word(one ? 1n : 0n);
  } catch {
    return undefined;
  }
}

// ---- 0x09 blake2f (EIP-152) ----

/** BLAKE2b's IV as (low, high) 32-bit halves. */
const IV32 = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a, 0xade682d1,
  0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/**
 * BLAKE2b's G on words a, b, c, d of `v` with message words `x`, `y` of `m`: 64-bit words as
 * (low, high) halves of a Uint32Array (JS numbers, not bigints: a call may run 2^20 rounds).
 */
function mix(
  v: Uint32Array,
  m: Uint32Array,
  a: number,
  b: number,
  c: number,
  d: number,
  x: number,
  y: number,
): void {
  const add = (i: number, lo: number, hi: number): void => {
    const l = v[2 * i] + lo;
    v[2 * i + 1] += hi + (l > 0xffffffff ? 1 : 0);
    v[2 * i] = l;
  };
  // v[i] = rotr(v[i] ^ v[j], n) for n = 32, 24, 16, 63.
  const xorRot = (i: number, j: number, n: number): void => {
    const lo = v[2 * i] ^ v[2 * j];
    const hi = v[2 * i + 1] ^ v[2 * j + 1];
    if (n === 32) {
      v[2 * i] = hi;
      v[2 * i + 1] = lo;
    } else if (n === 63) {
      v[2 * i] = (lo << 1) | (hi >>> 31);
      v[2 * i + 1] = (hi << 1) | (lo >>> 31);
    } else {
      v[2 * i] = (lo >>> n) | (hi << (32 - n));
      v[2 * i + 1] = (hi >>> n) | (lo << (32 - n));
    }
  };
  add(a, v[2 * b], v[2 * b + 1]);
  add(a, m[2 * x], m[2 * x + 1]);
  xorRot(d, a, 32);
  add(c, v[2 * d], v[2 * d + 1]);
  xorRot(b, c, 24);
  add(a, v[2 * b], v[2 * b + 1]);
  add(a, m[2 * y], m[2 * y + 1]);
  xorRot(d, a, 16);
  add(c, v[2 * d], v[2 * d + 1]);
  xorRot(b, c, 63);
}

/** EIP-152: 213 bytes (rounds, h, m, t, f ∈ {0, 1}), one gas per round, the new h (64 bytes). */
function blake2f(input: Uint8Array, gasLimit: bigint): PrecompileResult {
  if (input.length !== 213) return { ok: false };
  const view = new DataView(input.buffer, input.byteOffset, 213);
  const rounds = view.getUint32(0, false);
  const f = input[212];
  if (f > 1) return { ok: false };
  if (BigInt(rounds) > gasLimit) return { ok: false };
  const le = (off: number, n: number) =>
    Uint32Array.from({ length: n }, (_, i) => view.getUint32(off + 4 * i, true));
  const h = le(4, 16);
  const m = le(68, 32);
  const v = new Uint32Array(32);
  v.set(h);
  v.set(IV32, 16);
  for (let i = 0; i < 4; i++) v[24 + i] ^= view.getUint32(196 + 4 * i, true); // t0, t1 into words 12, 13
  if (f === 1) {
    v[28] = ~v[28];
    v[29] = ~v[29];
  }
  for (let r = 0; r < rounds; r++) {
    const s = SIGMA[r % 10];
    mix(v, m, 0, 4, 8, 12, s[0], s[1]);
    mix(v, m, 1, 5, 9, 13, s[2], s[3]);
    mix(v, m, 2, 6, 10, 14, s[4], s[5]);
    mix(v, m, 3, 7, 11, 15, s[6], s[7]);
    mix(v, m, 0, 5, 10, 15, s[8], s[9]);
    mix(v, m, 1, 6, 11, 12, s[10], s[11]);
    mix(v, m, 2, 7, 8, 13, s[12], s[13]);
    mix(v, m, 3, 4, 9, 14, s[14], s[15]);
  }
  const out = new Uint8Array(64);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) ov.setUint32(4 * i, h[i] ^ v[i] ^ v[i + 16], true);
  return { ok: true, gasUsed: BigInt(rounds), output: out };
}

// ---- 0x0a point evaluation (EIP-4844) ----

/** BLS12-381's scalar field modulus (EIP-4844's BLS_MODULUS). */
const BLS_MODULUS = 52435875175126190479447740508185965837690552500527637822603658699938581184513n;

/**
 * 50000 gas; the input is `versionedHash ‖ z ‖ y ‖ commitment ‖ proof` (192 bytes); the
 * versioned hash must be `0x01 ‖ sha256(commitment)[1..]` and the KZG proof valid; the output is
 * FIELD_ELEMENTS_PER_BLOB (4096) and BLS_MODULUS as two 32-byte words.
 */
function pointEvaluation(kzg: KzgVerifier, input: Uint8Array, gasLimit: bigint): PrecompileResult {
  if (gasLimit < 50000n || input.length !== 192) return { ok: false };
  const versioned = sha256(input.subarray(96, 144));
  versioned[0] = 1;
  for (let i = 0; i < 32; i++) if (versioned[i] !== input[i]) return { ok: false };
  try {
    const ok = kzg.verifyProof(
      toHex(input.subarray(96, 144)),
      toHex(input.subarray(32, 64)),
      toHex(input.subarray(64, 96)),
      toHex(input.subarray(144, 192)),
    );
    if (!ok) return { ok: false };
  } catch {
    return { ok: false };
  }
  const output = new Uint8Array(64);
  output.set(word(4096n), 0);
  output.set(word(BLS_MODULUS), 32);
  return { ok: true, gasUsed: 50000n, output };
}
