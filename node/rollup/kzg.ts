/**
 * EIP-4844 KZG in TypeScript over @noble/curves' BLS12-381: blob → commitment, blob proof, and
 * the versioned hash, following the consensus specs' polynomial-commitments (deneb) functions
 * `blob_to_kzg_commitment`, `compute_blob_kzg_proof` and `kzg_commitment_to_versioned_hash`.
 * The trusted setup is the mainnet ceremony output that viem ships
 * (`viem/trusted-setups/mainnet.json`, Lagrange points in natural order); it is parsed on first
 * use (a few seconds), so only nodes that handle blobs pay for it. The batcher uses the
 * commitment and proof to build blob transactions; the L1 client uses the commitment to check
 * a fetched blob against its versioned hash.
 *
 * Spec: https://github.com/ethereum/consensus-specs/blob/dev/specs/deneb/polynomial-commitments.md
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pippenger } from "@noble/curves/abstract/curve.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { OreError } from "../../core/errors.ts";

/** Field elements per blob. */
export const FIELD_ELEMENTS_PER_BLOB = 4096;

/** Bytes per blob. */
export const BYTES_PER_BLOB = 32 * FIELD_ELEMENTS_PER_BLOB;

/** The scalar field modulus r of BLS12-381. */
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

const PRIMITIVE_ROOT_OF_UNITY = 7n;
const FIAT_SHAMIR_PROTOCOL_DOMAIN = new TextEncoder().encode("FSBLOBVERIFY_V1_");
const VERSIONED_HASH_VERSION_KZG = 0x01;

/** A blob is malformed (wrong size, or a field element ≥ the modulus). */
export class InvalidBlobError extends OreError {
  override name = "InvalidBlobError";
}

type G1Point = InstanceType<typeof bls12_381.G1.Point>;

let setup: { lagrangeBrp: G1Point[]; rootsBrp: bigint[] } | undefined;

function load() {
  if (setup) return setup;
  // viem ships the file but does not export it (and its own path helper is wrong under ESM).
  const viemDir = dirname(createRequire(import.meta.url).resolve("viem/package.json"));
  const json = JSON.parse(readFileSync(join(viemDir, "trusted-setups", "mainnet.json"), "utf8")) as {
    g1_lagrange: string[];
  };
  const natural = json.g1_lagrange.map((h) => bls12_381.G1.Point.fromHex(h.replace(/^0x/, "")));
  const w = modPow(PRIMITIVE_ROOT_OF_UNITY, (BLS_MODULUS - 1n) / BigInt(FIELD_ELEMENTS_PER_BLOB));
  const roots: bigint[] = [];
  let x = 1n;
  for (let i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) {
    roots.push(x);
    x = (x * w) % BLS_MODULUS;
  }
  setup = { lagrangeBrp: bitReversal(natural), rootsBrp: bitReversal(roots) };
  return setup;
}

/** The blob's 4096 field elements (big-endian 32-byte words, each < r). */
export function blobToPolynomial(blob: Uint8Array): bigint[] {
  if (blob.length !== BYTES_PER_BLOB)
    throw new InvalidBlobError(`blob: expected ${BYTES_PER_BLOB} bytes, found ${blob.length}`);
  const out: bigint[] = new Array(FIELD_ELEMENTS_PER_BLOB);
  for (let i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) {
    let v = 0n;
    for (let j = 0; j < 32; j++) v = (v << 8n) | BigInt(blob[32 * i + j]!);
    if (v >= BLS_MODULUS) throw new InvalidBlobError(`blob: field element ${i} is not below the BLS modulus`);
    out[i] = v;
  }
  return out;
}

/** `blob_to_kzg_commitment`: the 48-byte compressed G1 commitment. */
export function blobToKzgCommitment(blob: Uint8Array): Uint8Array {
  return lincomb(blobToPolynomial(blob)).toBytes(true);
}

/** `compute_blob_kzg_proof` for `blob` and its `commitment`. */
export function computeBlobKzgProof(blob: Uint8Array, commitment: Uint8Array): Uint8Array {
  const poly = blobToPolynomial(blob);
  const z = challenge(blob, commitment);
  const { rootsBrp } = load();
  const y = evaluate(poly, z, rootsBrp);
  const quotient: bigint[] = new Array(FIELD_ELEMENTS_PER_BLOB);
  const denominators = rootsBrp.map((x) => mod(x - z));
  const inverses = batchInverse(denominators);
  for (let i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) {
    if (denominators[i] === 0n) {
      quotient[i] = quotientWithinDomain(rootsBrp[i]!, poly, y, rootsBrp);
    } else {
      quotient[i] = mod((poly[i]! - y) * inverses[i]!);
    }
  }
  return lincomb(quotient).toBytes(true);
}

/** `kzg_commitment_to_versioned_hash`: `0x01 ‖ sha256(commitment)[1:]`. */
export function versionedHash(commitment: Uint8Array): Uint8Array {
  const h = new Uint8Array(createHash("sha256").update(commitment).digest());
  h[0] = VERSIONED_HASH_VERSION_KZG;
  return h;
}

/** What viem's `kzg` parameter takes, so blob transactions can be sent with viem. */
export const viemKzg = {
  blobToKzgCommitment: (blob: Uint8Array) => blobToKzgCommitment(blob),
  computeBlobKzgProof: (blob: Uint8Array, commitment: Uint8Array) => computeBlobKzgProof(blob, commitment),
};

function lincomb(scalars: bigint[]): G1Point {
  const { lagrangeBrp } = load();
  const pts: G1Point[] = [];
  const sc: bigint[] = [];
  for (let i = 0; i < scalars.length; i++) {
    if (scalars[i] !== 0n) {
      pts.push(lagrangeBrp[i]!);
      sc.push(scalars[i]!);
    }
  }
  if (pts.length === 0) return bls12_381.G1.Point.ZERO;
  return pippenger(bls12_381.G1.Point, pts, sc);
}

function challenge(blob: Uint8Array, commitment: Uint8Array): bigint {
  const degree = new Uint8Array(16);
  degree[14] = FIELD_ELEMENTS_PER_BLOB >> 8;
  degree[15] = FIELD_ELEMENTS_PER_BLOB & 0xff;
  const h = createHash("sha256")
    .update(FIAT_SHAMIR_PROTOCOL_DOMAIN)
    .update(degree)
    .update(blob)
    .update(commitment)
    .digest();
  let v = 0n;
  for (const b of h) v = (v << 8n) | BigInt(b);
  return v % BLS_MODULUS;
}

function evaluate(poly: bigint[], z: bigint, rootsBrp: bigint[]): bigint {
  const at = rootsBrp.indexOf(z);
  if (at >= 0) return poly[at]!;
  const inv = batchInverse(rootsBrp.map((x) => mod(z - x)));
  let result = 0n;
  for (let i = 0; i < poly.length; i++)
    result = (result + ((poly[i]! * rootsBrp[i]!) % BLS_MODULUS) * inv[i]!) % BLS_MODULUS;
  const r = mod(modPow(z, BigInt(poly.length)) - 1n);
  return (((result * r) % BLS_MODULUS) * modInverse(BigInt(poly.length))) % BLS_MODULUS;
}

/** `compute_quotient_eval_within_domain`. */
function quotientWithinDomain(z: bigint, poly: bigint[], y: bigint, rootsBrp: bigint[]): bigint {
  let result = 0n;
  for (let i = 0; i < poly.length; i++) {
    const omega = rootsBrp[i]!;
    if (omega === z) continue;
    const f = mod(poly[i]! - y);
    const numerator = (f * omega) % BLS_MODULUS;
    const denominator = (z * mod(z - omega)) % BLS_MODULUS;
    result = (result + numerator * modInverse(denominator)) % BLS_MODULUS;
  }
  return result;
}

function bitReversal<T>(xs: T[]): T[] {
  const n = xs.length;
  const bits = Math.log2(n);
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    out[r] = xs[i]!;
  }
  return out;
}

function mod(a: bigint): bigint {
  const r = a % BLS_MODULUS;
  return r < 0n ? r + BLS_MODULUS : r;
}

function modPow(base: bigint, exp: bigint): bigint {
  let r = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % BLS_MODULUS;
    b = (b * b) % BLS_MODULUS;
    e >>= 1n;
  }
  return r;
}

function modInverse(a: bigint): bigint {
  return modPow(a, BLS_MODULUS - 2n);
}

/** Montgomery's batch inversion (zeros stay zero). */
function batchInverse(xs: bigint[]): bigint[] {
  const prefix: bigint[] = new Array(xs.length);
  let acc = 1n;
  for (let i = 0; i < xs.length; i++) {
    prefix[i] = acc;
    if (xs[i] !== 0n) acc = (acc * xs[i]!) % BLS_MODULUS;
  }
  let inv = modInverse(acc);
  const out: bigint[] = new Array(xs.length);
  for (let i = xs.length - 1; i >= 0; i--) {
    if (xs[i] === 0n) {
      out[i] = 0n;
      continue;
    }
    out[i] = (inv * prefix[i]!) % BLS_MODULUS;
    inv = (inv * xs[i]!) % BLS_MODULUS;
  }
  return out;
}
