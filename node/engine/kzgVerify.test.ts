/**
 * Ore's `verify_kzg_proof` (`kzgVerify.ts`) against c-kzg-4844 (kzg-wasm, loaded once here:
 * about 11 s): the same verdict, true or false, on valid proofs (random points, z = 0, y = 0,
 * the point at infinity as commitment and proof), wrong y or z, another point's proof, z or y
 * not below the modulus, and every non-canonical G1 encoding blst rejects (compression bit
 * clear, infinity with other bits set, x ≥ p, x off the curve, x = 0, a point on the curve
 * outside the subgroup), plus random mutations of valid inputs; the step machine's host gives
 * the same answer with either. Inputs of the wrong length throw here, while kzg-wasm reads past
 * a short argument or ignores the rest of a long one (neither caller can pass one).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { loadKZG } from "kzg-wasm";
import { toHex } from "../../core/bytes.ts";
import { cancunPrecompiles } from "../../core/proof/precompiles.ts";
import { seededRandom } from "../../core/testing/random.ts";
import { BLS_MODULUS, blobToKzgCommitment, versionedHash } from "../rollup/kzg.ts";
import { oreKzg } from "./kzg.ts";
import { evaluate, monomialCommitment, pointProof, polynomialBlob, word } from "./kzgTesting.ts";
import { KzgInputError, verifyKzgProof } from "./kzgVerify.ts";

type Wasm = Awaited<ReturnType<typeof loadKZG>>;
type Args = [commitment: Uint8Array, z: Uint8Array, y: Uint8Array, proof: Uint8Array];

const { Fp } = bls12_381.fields;
const G1 = bls12_381.G1.Point;
const COEFFS = [5n, 0x1234_5678_9abc_def0n, BLS_MODULUS - 3n, 0xdead_beefn, 7n];
const INFINITY = (() => {
  const b = new Uint8Array(48);
  b[0] = 0xc0;
  return b;
})();

let wasm: Wasm;
let commitment: Uint8Array;
const rand = seededRandom(7594);
const randomField = (): bigint => {
  let v = 0n;
  for (let i = 0; i < 32; i++) v = (v << 8n) | BigInt(Math.floor(rand() * 256));
  return v % BLS_MODULUS;
};

beforeAll(async () => {
  wasm = await loadKZG();
  commitment = blobToKzgCommitment(polynomialBlob(COEFFS));
}, 120_000);

/** A verdict as a string: "true", "false" or "throws". */
function verdict(f: () => boolean): string {
  try {
    return String(f());
  } catch {
    return "throws";
  }
}

/** Both verdicts on `args`, and the step machine's host on the precompile input with each KZG. */
function both(args: Args): { ore: string; wasm: string; oreHost: string; wasmHost: string } {
  const hex = args.map((a) => toHex(a)) as [string, string, string, string];
  const input = new Uint8Array([...versionedHash(args[0]), ...args[1], ...args[2], ...args[0], ...args[3]]);
  const host = (k: { verifyProof: typeof oreKzg.verifyProof }): string => {
    const r = cancunPrecompiles(k)(0x0a, input, 50_000n);
    return r.ok === true ? "ok" : String(r.ok);
  };
  return {
    ore: verdict(() => oreKzg.verifyProof(...hex)),
    wasm: verdict(() => wasm.verifyProof(...hex)),
    oreHost: host(oreKzg),
    wasmHost: host(wasm),
  };
}

/** Asserts Ore and kzg-wasm agree on `args` (directly and through the host) and returns the verdict. */
function agree(name: string, args: Args): string {
  const r = both(args);
  expect({ name, ore: r.ore, host: r.oreHost }).toEqual({ name, ore: r.wasm, host: r.wasmHost });
  expect(r.ore).not.toBe("throws");
  return r.ore;
}

/** The valid proof of COEFFS at `z`, as arguments. */
function valid(z: bigint): Args {
  const { y, proof } = pointProof(COEFFS, z);
  return [commitment, word(z), word(y), proof];
}

/** A 48-byte compressed encoding of x with the given flag bits, without any validation. */
function encodeX(x: bigint, flags: number): Uint8Array {
  const out = new Uint8Array(48);
  let v = x;
  for (let i = 47; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  out[0]! |= flags;
  return out;
}

/** The first x ≥ `from` where x³ + 4 is a square and (x, y) is outside G1, with y's sort bit. */
function offSubgroup(from: bigint): { x: bigint; sort: number } {
  for (let x = from; ; x++) {
    let y: bigint;
    try {
      y = Fp.sqrt(Fp.add(Fp.pow(x, 3n), 4n));
    } catch {
      continue;
    }
    const p = G1.fromAffine({ x, y });
    if (!p.isTorsionFree()) return { x, sort: y * 2n > Fp.ORDER ? 0x20 : 0 };
  }
}

/** The first x ≥ `from` where x³ + 4 has no square root: no point on the curve. */
function offCurve(from: bigint): bigint {
  for (let x = from; ; x++) {
    try {
      Fp.sqrt(Fp.add(Fp.pow(x, 3n), 4n));
    } catch {
      return x;
    }
  }
}

describe("verify_kzg_proof: Ore (noble) against c-kzg (kzg-wasm)", () => {
  test("the test helpers' proofs are c-kzg's: same commitment, accepted proofs", () => {
    expect(toHex(commitment)).toBe(toHex(monomialCommitment(COEFFS)));
    expect(wasm.blobToKzgCommitment(toHex(polynomialBlob(COEFFS))).toLowerCase()).toBe(toHex(commitment));
    for (let k = 0; k < 3; k++) {
      const z = randomField();
      const { y, proof } = pointProof(COEFFS, z);
      expect(y).toBe(evaluate(COEFFS, z));
      expect(wasm.verifyProof(toHex(commitment), toHex(word(z)), toHex(word(y)), toHex(proof))).toBe(true);
    }
  });

  test("valid proofs: random z, z = 0, z = r − 1, y = 0, the point at infinity", () => {
    for (const z of [0n, 1n, BLS_MODULUS - 1n, randomField(), randomField(), randomField()])
      expect(agree(`valid at ${z}`, valid(z))).toBe("true");
    // y = 0: a polynomial with a root at z.
    const z = randomField();
    const rooted = [...COEFFS];
    rooted[0] = (BLS_MODULUS - evaluate([0n, ...COEFFS.slice(1)], z)) % BLS_MODULUS;
    const r = pointProof(rooted, z);
    expect(r.y).toBe(0n);
    expect(agree("y = 0", [monomialCommitment(rooted), word(z), word(0n), r.proof])).toBe("true");
    // The zero polynomial commits to infinity and proves y = 0 with infinity anywhere.
    expect(agree("infinity, y = 0", [INFINITY, word(z), word(0n), INFINITY])).toBe("true");
    expect(agree("infinity, z = 0", [INFINITY, word(0n), word(0n), INFINITY])).toBe("true");
    // A constant polynomial: its quotient is zero, so its proof is infinity.
    const c = pointProof([42n], z);
    expect(toHex(c.proof)).toBe(toHex(INFINITY));
    expect(agree("constant, proof infinity", [monomialCommitment([42n]), word(z), word(42n), INFINITY])).toBe(
      "true",
    );
    expect(agree("constant, wrong y", [monomialCommitment([42n]), word(z), word(41n), INFINITY])).toBe(
      "false",
    );
    expect(agree("infinity, y = 1", [INFINITY, word(z), word(1n), INFINITY])).toBe("false");
    expect(agree("infinity, a non-zero proof", [INFINITY, word(z), word(0n), valid(z)[3]])).toBe("false");
    expect(agree("a commitment, proof infinity", [commitment, word(z), valid(z)[2], INFINITY])).toBe("false");
  });

  test("wrong y, wrong z, another point's proof, swapped arguments", () => {
    const z = randomField();
    const [c, zb, yb, proof] = valid(z);
    const { y } = pointProof(COEFFS, z);
    const cases: [string, Args][] = [
      ["y + 1", [c, zb, word((y + 1n) % BLS_MODULUS), proof]],
      ["z + 1", [c, word(z + 1n), yb, proof]],
      ["proof of z + 1", [c, zb, yb, valid(z + 1n)[3]]],
      ["commitment and proof swapped", [proof, zb, yb, c]],
      ["z and y swapped", [c, yb, zb, proof]],
      [
        "negated proof (sort bit flipped)",
        [c, zb, yb, Uint8Array.from(proof, (b, i) => (i === 0 ? b ^ 0x20 : b))],
      ],
    ];
    for (const [name, args] of cases) expect(agree(name, args)).toBe("false");
  });

  test("z or y not below the modulus", () => {
    const z = randomField();
    const [c, zb, yb, proof] = valid(z);
    const { y } = pointProof(COEFFS, z);
    const max = (1n << 256n) - 1n;
    const cases: [string, Args][] = [
      ["z = r", [c, word(BLS_MODULUS), yb, proof]],
      ["z = 2^256 − 1", [c, word(max), yb, proof]],
      ["z + r (same residue)", [c, word(z + BLS_MODULUS), yb, proof]],
      ["y = r", [c, zb, word(BLS_MODULUS), proof]],
      ["y = 2^256 − 1", [c, zb, word(max), proof]],
      ["y + r (same residue)", [c, zb, word(y + BLS_MODULUS), proof]],
    ];
    for (const [name, args] of cases) expect(agree(name, args)).toBe("false");
    // z = r with y = 0 and infinity everywhere would verify if z were reduced; c-kzg rejects it.
    expect(agree("infinity, z = r", [INFINITY, word(BLS_MODULUS), word(0n), INFINITY])).toBe("false");
    expect(agree("infinity, y = r", [INFINITY, word(0n), word(BLS_MODULUS), INFINITY])).toBe("false");
  });

  test("G1 encodings blst rejects, as commitment and as proof", () => {
    const z = randomField();
    const good = valid(z);
    const p = Fp.ORDER;
    const withByte0 = (b: Uint8Array, v: number) => Uint8Array.from(b, (x, i) => (i === 0 ? v : x));
    // A subgroup point whose x is small enough that x + p still fits in 381 bits.
    let k = 2n;
    while (G1.BASE.multiply(k).toAffine().x >= (1n << 381n) - p) k++;
    const small = G1.BASE.multiply(k);
    const smallBytes = small.toBytes(true);
    const notInGroup = offSubgroup(1n);
    const encodings: [string, Uint8Array, string][] = [
      ["compression bit clear", withByte0(good[0], good[0][0]! & 0x7f), "false"],
      ["infinity without compression bit (0x40)", withByte0(INFINITY, 0x40), "false"],
      ["infinity with sort bit (0xe0)", withByte0(INFINITY, 0xe0), "false"],
      ["infinity with a low bit of byte 0 (0xc1)", withByte0(INFINITY, 0xc1), "false"],
      [
        "infinity with a non-zero last byte",
        Uint8Array.from(INFINITY, (x, i) => (i === 47 ? 1 : x)),
        "false",
      ],
      ["infinity flag on a point's x", withByte0(good[0], good[0][0]! | 0x40), "false"],
      ["all zero", new Uint8Array(48), "false"],
      ["x = 0 (the order-3 point (0, ±2))", encodeX(0n, 0x80), "false"],
      ["x = 0 with sort bit", encodeX(0n, 0xa0), "false"],
      ["x = p", encodeX(p, 0x80), "false"],
      ["x = 2^381 − 1", encodeX((1n << 381n) - 1n, 0x80), "false"],
      ["x + p of a subgroup point", encodeX(small.toAffine().x + p, smallBytes[0]! & 0xe0), "false"],
      ["x off the curve", encodeX(offCurve(1n), 0x80), "false"],
      ["x off the curve, sort bit", encodeX(offCurve(1n), 0xa0), "false"],
      ["on the curve, outside the subgroup", encodeX(notInGroup.x, 0x80 | notInGroup.sort), "false"],
      [
        "on the curve, outside the subgroup (other y)",
        encodeX(notInGroup.x, 0x80 | (notInGroup.sort ^ 0x20)),
        "false",
      ],
      ["0x9f… (x ≥ p, no compression flag)", new Uint8Array(48).fill(0x9f), "false"],
    ];
    // The subgroup point itself, canonically encoded, is accepted (a false proof, not an error).
    expect(verifyKzgProof(smallBytes, good[1], good[2], good[3])).toBe(false);
    for (const [name, bytes, expected] of encodings) {
      expect(agree(`commitment: ${name}`, [bytes, good[1], good[2], good[3]])).toBe(expected);
      expect(agree(`proof: ${name}`, [good[0], good[1], good[2], bytes])).toBe(expected);
    }
    // An invalid encoding gives false even where its point would make the check pass: infinity
    // with stray bits as the proof of a constant polynomial.
    const constant: Args = [monomialCommitment([9n]), good[1], word(9n), INFINITY];
    expect(agree("constant, canonical infinity", constant)).toBe("true");
    const stray = [0xe0, 0xc1, 0x40].map((b0) => withByte0(INFINITY, b0));
    stray.push(Uint8Array.from(INFINITY, (x, i) => (i === 47 ? 1 : x)));
    for (const bytes of stray)
      expect(agree(`constant, proof ${toHex(bytes)}`, [constant[0], constant[1], constant[2], bytes])).toBe(
        "false",
      );
  });

  test("random mutations of valid inputs agree", () => {
    let accepted = 0;
    for (let n = 0; n < 150; n++) {
      const args = valid(randomField()).map((a) => a.slice()) as Args;
      const which = Math.floor(rand() * 5);
      if (which < 4) {
        const a = args[which]!;
        const i = rand() < 0.5 ? 0 : Math.floor(rand() * a.length);
        a[i]! ^= 1 << Math.floor(rand() * 8);
      } else {
        // A random 48-byte string with the compression flag: mostly off the curve or the subgroup.
        const a = args[Math.floor(rand() * 2) * 3]!;
        for (let i = 0; i < 48; i++) a[i] = Math.floor(rand() * 256);
        a[0]! = (a[0]! & 0x3f) | 0x80;
      }
      if (agree(`mutation ${n}`, args) === "true") accepted++;
    }
    // A flipped bit of byte 0 that only toggles an unused bit is rare; nearly all must fail.
    expect(accepted).toBeLessThan(5);
  }, 60_000);

  test("wrong lengths throw here; kzg-wasm reads only the first 48/32 bytes of each argument", () => {
    const [c, z, y, proof] = valid(randomField());
    const long = (b: Uint8Array) => new Uint8Array([...b, 0xff]);
    const cases: Args[] = [
      [long(c), z, y, proof],
      [c, long(z), y, proof],
      [c, z, long(y), proof],
      [c, z, y, long(proof)],
      [c.subarray(0, 47), z, y, proof],
      [c, z.subarray(0, 31), y, proof],
      [c, z, y, proof.subarray(0, 47)],
      [new Uint8Array(0), z, y, proof],
    ];
    for (const args of cases) {
      expect(() => verifyKzgProof(...args)).toThrow(KzgInputError);
      expect(both(args).ore).toBe("throws");
    }
    // Over-long arguments: kzg-wasm verifies their prefixes (a truncated one makes it read
    // whatever follows in WASM memory, so it has no verdict of its own to compare).
    for (const args of cases.slice(0, 4)) expect(both(args).wasm).toBe("true");
    // Not hex at all: both throw.
    expect(verdict(() => wasm.verifyProof("0xzz", toHex(z), toHex(y), toHex(proof)))).toBe("throws");
    expect(verdict(() => oreKzg.verifyProof("0xzz", toHex(z), toHex(y), toHex(proof)))).toBe("throws");
    expect(verdict(() => oreKzg.verifyProof(toHex(c).slice(2), toHex(z), toHex(y), toHex(proof)))).toBe(
      "throws",
    );
    expect(
      oreKzg.verifyProof(toHex(c).toUpperCase().replace("0X", "0x"), toHex(z), toHex(y), toHex(proof)),
    ).toBe(true);
  });
});
