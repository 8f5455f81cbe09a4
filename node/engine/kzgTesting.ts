/**
 * Test helpers: EIP-4844 point-evaluation inputs computed without kzg-wasm. A polynomial is
 * given by its few coefficients; its blob holds its values over the domain (the 4096th roots of
 * unity in bit-reversed order, as the spec's blobs do), so `node/rollup/kzg.ts` commits to it in
 * the Lagrange basis; the proof at `z` is the quotient `(p(X) − y) / (X − z)` (synthetic
 * division) committed in the monomial basis (the setup's `g1_monomial`), and so is a second
 * commitment that must equal the first.
 *
 * Spec: https://github.com/ethereum/consensus-specs/blob/dev/specs/deneb/polynomial-commitments.md
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { BLS_MODULUS, FIELD_ELEMENTS_PER_BLOB, versionedHash } from "../rollup/kzg.ts";

type G1 = InstanceType<typeof bls12_381.G1.Point>;

let monomial: G1[] | undefined;

/** The first `n` points `[τ^i]G1` of the mainnet setup (viem's copy). */
function monomialPoints(n: number): G1[] {
  if (monomial === undefined) {
    const dir = dirname(createRequire(import.meta.url).resolve("viem/package.json"));
    const json = JSON.parse(readFileSync(join(dir, "trusted-setups", "mainnet.json"), "utf8")) as {
      g1_monomial: string[];
    };
    monomial = json.g1_monomial.slice(0, 16).map((h) => bls12_381.G1.Point.fromHex(h.slice(2)));
  }
  if (n > monomial.length) throw new Error(`at most ${monomial.length} coefficients, found ${n}`);
  return monomial.slice(0, n);
}

const mod = (a: bigint): bigint => ((a % BLS_MODULUS) + BLS_MODULUS) % BLS_MODULUS;

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  for (b = mod(b); e > 0n; e >>= 1n, b = (b * b) % BLS_MODULUS) if (e & 1n) r = (r * b) % BLS_MODULUS;
  return r;
}

/** `p(x)` by Horner's rule. */
export function evaluate(coeffs: readonly bigint[], x: bigint): bigint {
  let y = 0n;
  for (let i = coeffs.length - 1; i >= 0; i--) y = mod(y * x + coeffs[i]!);
  return y;
}

/** The blob of the polynomial: its value at ω^brp(i) in field element i. */
export function polynomialBlob(coeffs: readonly bigint[]): Uint8Array {
  const n = FIELD_ELEMENTS_PER_BLOB;
  const w = modPow(7n, (BLS_MODULUS - 1n) / BigInt(n));
  const bits = Math.log2(n);
  const blob = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    blob.set(word(evaluate(coeffs, modPow(w, BigInt(r)))), 32 * i);
  }
  return blob;
}

/** `Σ c_i [τ^i]G1`, compressed (48 bytes). */
export function monomialCommitment(coeffs: readonly bigint[]): Uint8Array {
  const pts = monomialPoints(coeffs.length);
  let acc = bls12_381.G1.Point.ZERO;
  for (let i = 0; i < coeffs.length; i++) {
    const c = mod(coeffs[i]!);
    if (c !== 0n) acc = acc.add(pts[i]!.multiply(c));
  }
  return acc.toBytes(true);
}

/** `y = p(z)` and the proof: the commitment of `(p(X) − y) / (X − z)`. */
export function pointProof(coeffs: readonly bigint[], z: bigint): { y: bigint; proof: Uint8Array } {
  const y = evaluate(coeffs, z);
  // Synthetic division: q_{k-1} = c_k + z·q_k from the top; the remainder is p(z) − y = 0.
  const q: bigint[] = new Array(Math.max(coeffs.length - 1, 0)).fill(0n);
  let carry = 0n;
  for (let k = coeffs.length - 1; k >= 1; k--) {
    carry = mod(coeffs[k]! + z * carry);
    q[k - 1] = carry;
  }
  return { y, proof: monomialCommitment(q) };
}

/** The precompile's 192-byte input `versionedHash ‖ z ‖ y ‖ commitment ‖ proof`. */
export function pointEvaluationInput(
  commitment: Uint8Array,
  z: bigint,
  y: bigint,
  proof: Uint8Array,
): Uint8Array {
  const input = new Uint8Array(192);
  input.set(versionedHash(commitment), 0);
  input.set(word(z), 32);
  input.set(word(y), 64);
  input.set(commitment, 96);
  input.set(proof, 144);
  return input;
}

/** `v` as a 32-byte big-endian word. */
export function word(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}
