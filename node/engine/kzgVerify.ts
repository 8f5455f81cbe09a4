/**
 * EIP-4844's `verify_kzg_proof` in TypeScript over @noble/curves' BLS12-381, giving the verdict
 * c-kzg-4844 (blst) gives on every 48/32/32/48-byte input, as consensus requires:
 * `bytes_to_kzg_commitment` and `bytes_to_kzg_proof` (`validate_kzg_g1`: blst's compressed G1
 * decoding, then the subgroup check), `bytes_to_bls_field` for z and y, then
 * `verify_kzg_proof_impl`'s pairing check `e(C − [y]G1, −G2) · e(π, [τ]G2 − [z]G2) == 1`
 * (rearranged by bilinearity so that both G2 points are fixed). Any input c-kzg rejects
 * (C_KZG_BADARGS) gives `false`, as kzg-wasm's `verifyProof` does. Only `[τ]G2`
 * (`g2_monomial[1]` of the mainnet setup, viem's copy) is needed; it is read, with the Miller-loop
 * lines of the two G2 points, on the first verification (tens of milliseconds, not seconds).
 *
 * Spec: https://github.com/ethereum/consensus-specs/blob/dev/specs/deneb/polynomial-commitments.md#verify_kzg_proof
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { OreError } from "../../core/errors.ts";

/** The scalar field modulus r of BLS12-381 (BLS_MODULUS). */
const BLS_MODULUS = bls12_381.fields.Fr.ORDER;
/** The base field modulus p of BLS12-381. */
const FP_MODULUS = bls12_381.fields.Fp.ORDER;

const { G1, G2 } = bls12_381;
type G1Point = InstanceType<typeof G1.Point>;

/** A `verifyProof` argument that is not 0x-prefixed hex of the expected length. */
export class KzgInputError extends OreError {
  override name = "KzgInputError";
}

type Lines = ReturnType<typeof bls12_381.utils.calcPairingPrecomputes>;
let fixed: { g2Lines: Lines; tauLines: Lines } | undefined;

/** Miller-loop lines of G2 and of `[τ]G2` (`g2_monomial[1]` of the mainnet setup), once. */
function lines(): { g2Lines: Lines; tauLines: Lines } {
  if (fixed === undefined) {
    // viem ships the file but does not export it (see node/rollup/kzg.ts).
    const viemDir = dirname(createRequire(import.meta.url).resolve("viem/package.json"));
    const json = JSON.parse(readFileSync(join(viemDir, "trusted-setups", "mainnet.json"), "utf8")) as {
      g2_monomial: string[];
    };
    const tau = G2.Point.fromHex(json.g2_monomial[1]!.replace(/^0x/, ""));
    const { calcPairingPrecomputes } = bls12_381.utils;
    fixed = { g2Lines: calcPairingPrecomputes(G2.Point.BASE), tauLines: calcPairingPrecomputes(tau) };
  }
  return fixed;
}

function big(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/**
 * `validate_kzg_g1`: the point of a 48-byte compressed encoding that blst's `blst_p1_uncompress`
 * accepts and that lies in G1, else `undefined`. blst requires the compression flag (0x80); with
 * the infinity flag (0x40) every other bit must be clear, so infinity is only `0xc0 00…00`;
 * otherwise x (the low 381 bits) must be below p, x = 0 is refused (POINT_NOT_IN_GROUP), x³ + 4
 * must be a square and the sort flag (0x20) picks y, and c-kzg then requires the point to be in
 * the prime-order subgroup. The flag and range rules are checked here, explicitly, whatever
 * noble would also check; noble's `fromBytes` does the square root, the sign, the curve
 * equation and the subgroup check (`assertValidity`).
 */
export function kzgG1FromBytes(b: Uint8Array): G1Point | undefined {
  if (b.length !== 48) return undefined;
  const flags = b[0]!;
  if ((flags & 0x80) === 0) return undefined;
  if (flags & 0x40) {
    if ((flags & 0x3f) !== 0) return undefined;
    for (let i = 1; i < 48; i++) if (b[i] !== 0) return undefined;
    return G1.Point.ZERO;
  }
  const x = big(b) & ((1n << 381n) - 1n);
  if (x >= FP_MODULUS || x === 0n) return undefined;
  try {
    return G1.Point.fromBytes(b);
  } catch {
    return undefined;
  }
}

/** `bytes_to_bls_field`: a 32-byte big-endian scalar below BLS_MODULUS, else `undefined`. */
function field(b: Uint8Array): bigint | undefined {
  const v = big(b);
  return v < BLS_MODULUS ? v : undefined;
}

/**
 * `verify_kzg_proof` on bytes: whether `proof` proves that the polynomial committed to by
 * `commitment` takes the value `y` at `z`. A commitment or proof that is not a valid G1
 * encoding, or a z or y not below BLS_MODULUS, gives `false` (c-kzg's C_KZG_BADARGS).
 * Arguments of the wrong length throw {@link KzgInputError}.
 */
export function verifyKzgProof(
  commitment: Uint8Array,
  z: Uint8Array,
  y: Uint8Array,
  proof: Uint8Array,
): boolean {
  for (const [name, v, n] of [
    ["commitment", commitment, 48],
    ["z", z, 32],
    ["y", y, 32],
    ["proof", proof, 48],
  ] as const)
    if (v.length !== n) throw new KzgInputError(`kzg ${name}: expected ${n} bytes, found ${v.length}`);
  const c = kzgG1FromBytes(commitment);
  const zz = field(z);
  const yy = field(y);
  const pi = kzgG1FromBytes(proof);
  if (c === undefined || zz === undefined || yy === undefined || pi === undefined) return false;
  // verify_kzg_proof_impl checks e(C − [y]G1, −G2) · e(π, [τ]G2 − [z]G2) == 1; by bilinearity
  // (every point is in its prime-order group) that product equals
  // e(−(C − [y]G1 + [z]π), G2) · e(π, [τ]G2), whose G2 points are fixed, so their Miller-loop
  // lines are computed once and a verification is two G1 multiplications and one pairing.
  const a = c.subtract(G1.Point.BASE.multiplyUnsafe(yy)).add(pi.multiplyUnsafe(zz)).negate();
  const { g2Lines, tauLines } = lines();
  // A pairing with the point at infinity is 1, and c-kzg's verdicts agree (kzgVerify.test.ts);
  // noble's pairing refuses the point at infinity, so such a term is left out.
  const pairs: Parameters<typeof bls12_381.millerLoopBatch>[0] = [];
  for (const [p, l] of [
    [a, g2Lines],
    [pi, tauLines],
  ] as const) {
    if (p.is0()) continue;
    const { x, y } = p.toAffine();
    pairs.push([l, x, y]);
  }
  const { Fp12 } = bls12_381.fields;
  return Fp12.eql(Fp12.finalExponentiate(bls12_381.millerLoopBatch(pairs)), Fp12.ONE);
}

/** `0x`-prefixed hex of exactly `n` bytes, else {@link KzgInputError}. */
function hexBytes(name: string, hex: string, n: number): Uint8Array {
  if (typeof hex !== "string" || hex.length !== 2 + 2 * n || !/^0x[0-9a-fA-F]*$/.test(hex))
    throw new KzgInputError(
      `kzg ${name}: expected 0x-prefixed hex of ${n} bytes, found ${String(hex).length - 2} digits`,
    );
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Number.parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

/**
 * {@link verifyKzgProof} on 0x-hex strings, c-kzg/kzg-wasm style (what @ethereumjs's 0x0a and
 * the step machine's `KzgVerifier` call): `true`, `false` for any input c-kzg rejects, and a
 * thrown {@link KzgInputError} for a string that is not hex of 48/32/32/48 bytes (neither caller
 * can pass one: the precompile's input is exactly 192 bytes).
 */
export function verifyKzgProofHex(commitment: string, z: string, y: string, proof: string): boolean {
  return verifyKzgProof(
    hexBytes("commitment", commitment, 48),
    hexBytes("z", z, 32),
    hexBytes("y", y, 32),
    hexBytes("proof", proof, 48),
  );
}
