/**
 * Inputs for the Cancun precompiles (0x01–0x0a) for differential tests, drawn half from valid
 * inputs (a real signature for ecrecover, points on BN254 and a pairing that holds, a BLAKE2
 * compression with few rounds, small modexps, a real KZG proof for point evaluation) and half
 * from edges (empty, short, one byte too long, garbage, an invalid final flag or point).
 */
import { bn254 } from "@noble/curves/bn254.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { concatBytes as cat } from "../../../core/bytes.ts";
import { word32 as w32 } from "../../../core/proof/world.ts";
import { randomBytes } from "../../../core/testing/random.ts";

type G1 = InstanceType<typeof bn254.G1.Point>;
const g1 = (p: G1): Uint8Array => {
  if (p.is0()) return new Uint8Array(64);
  const a = p.toAffine();
  return cat(w32(a.x), w32(a.y));
};
/** EIP-197 encodes an Fp2 element imaginary part first. */
const g2 = (p: InstanceType<typeof bn254.G2.Point>): Uint8Array => {
  const a = p.toAffine();
  return cat(w32(a.x.c1), w32(a.x.c0), w32(a.y.c1), w32(a.y.c0));
};

const SECP_KEY = new Uint8Array(32).fill(7);

/**
 * An input for precompile `id` (1–10) from `rand`; `pointEvaluation` gives a valid 0x0a input
 * (they are slow to make, so the caller makes one).
 */
export function precompileInput(rand: () => number, id: number, pointEvaluation?: Uint8Array): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const valid = rand() < 0.6;
  const garbage = () => randomBytes(rand, [0, 1, 31, 32, 64, 96, 128, 191, 192, 193, 213, 300][int(12)]);
  if (!valid) {
    // Edges common to all: empty, garbage of a telling length, or a valid input cut or extended.
    const r = rand();
    if (r < 0.3) return garbage();
    let first = true;
    const forceValid = () => {
      if (!first) return rand();
      first = false;
      return 0.1;
    };
    const v = precompileInput(forceValid, id, pointEvaluation);
    return r < 0.65 ? v.subarray(0, int(v.length + 1)) : cat(v, randomBytes(rand, 1 + int(40)));
  }
  switch (id) {
    case 1: {
      const hash = randomBytes(rand, 32);
      const sig = secp256k1.sign(hash, SECP_KEY, { prehash: false, format: "recovered" });
      const v = BigInt(27 + sig[0] + (rand() < 0.1 ? 2 : 0));
      return cat(hash, w32(v), sig.subarray(1, 33), sig.subarray(33, 65));
    }
    case 2:
    case 3:
    case 4:
      return randomBytes(rand, int(rand() < 0.8 ? 100 : 3000));
    case 5: {
      const len = () => [0, 1, 2, 31, 32, 33, 64][int(7)];
      const [b, e, m] = [len(), int(4) === 0 ? 0 : len() % 33, len()];
      return cat(w32(BigInt(b)), w32(BigInt(e)), w32(BigInt(m)), randomBytes(rand, b + e + m));
    }
    case 6: {
      const p = bn254.G1.Point.BASE.multiply(BigInt(1 + int(1000)));
      const q = rand() < 0.2 ? bn254.G1.Point.ZERO : bn254.G1.Point.BASE.multiply(BigInt(1 + int(1000)));
      return cat(g1(p), g1(q));
    }
    case 7: {
      const p = rand() < 0.1 ? bn254.G1.Point.ZERO : bn254.G1.Point.BASE.multiply(BigInt(1 + int(1000)));
      const k = [0n, 1n, 2n, BigInt(int(1 << 30)), (1n << 256n) - 1n, bn254.fields.Fr.ORDER][int(6)];
      return cat(g1(p), w32(k));
    }
    case 8: {
      // e(aG1, G2) · e(−aG1, G2) = 1; zero pairs hold too; a random scalar makes it false.
      const pairs = int(3);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < pairs; i++) {
        const a = BigInt(1 + int(100));
        const b = rand() < 0.8 ? a : a + 1n;
        parts.push(g1(bn254.G1.Point.BASE.multiply(a)), g2(bn254.G2.Point.BASE));
        parts.push(g1(bn254.G1.Point.BASE.multiply(b).negate()), g2(bn254.G2.Point.BASE));
      }
      return cat(...parts);
    }
    case 9: {
      const rounds = [0, 1, 2, 12, int(64)][int(5)];
      const f = rand() < 0.9 ? int(2) : 2;
      const r = new Uint8Array(4);
      new DataView(r.buffer).setUint32(0, rounds);
      return cat(r, randomBytes(rand, 64 + 128 + 16), Uint8Array.of(f));
    }
    case 10:
      return pointEvaluation ?? garbage();
    default:
      return garbage();
  }
}
