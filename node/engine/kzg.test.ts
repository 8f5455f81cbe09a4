/**
 * The engine's point evaluation (0x0a, EIP-4844, Ore's KZG verifier) against proofs computed
 * independently (`kzgTesting.ts`: the commitment by `node/rollup/kzg.ts` from the blob, the proof
 * by synthetic division in the monomial basis; `kzgVerify.test.ts` checks them and the verifier
 * against c-kzg): valid proofs give FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS for
 * exactly 50,000 gas; a wrong y, a proof for another point, a wrong versioned hash, a wrong
 * length, a non-canonical z and a commitment off the curve fail. The step machine's host
 * (`cancunPrecompiles` with the same KZG) gives the same answer on every input.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { toHex } from "../../core/bytes.ts";
import { seededRandom } from "../../core/mpt/testing.ts";
import { cancunPrecompiles } from "../../core/proof/precompiles.ts";
import { BLS_MODULUS, blobToKzgCommitment, FIELD_ELEMENTS_PER_BLOB } from "../rollup/kzg.ts";
import { oreKzg as kzg, POINT_EVALUATION_ADDRESS } from "./kzg.ts";
import {
  evaluate,
  monomialCommitment,
  pointEvaluationInput,
  pointProof,
  polynomialBlob,
  word,
} from "./kzgTesting.ts";
import { type TestEngine, testEngine } from "./testing.ts";

const COEFFS = [5n, 0x1234_5678_9abc_def0n, BLS_MODULUS - 3n, 0xdead_beefn, 7n];
const OUTPUT = toHex(new Uint8Array([...word(BigInt(FIELD_ELEMENTS_PER_BLOB)), ...word(BLS_MODULUS)]));

let e: TestEngine;
let commitment: Uint8Array;
const rand = seededRandom(4844);
const randomZ = (): bigint => {
  let z = 0n;
  for (let i = 0; i < 32; i++) z = (z << 8n) | BigInt(Math.floor(rand() * 256));
  return z % BLS_MODULUS;
};

beforeAll(async () => {
  e = await testEngine(":memory:");
  commitment = blobToKzgCommitment(polynomialBlob(COEFFS));
}, 120_000);

/** 21,000 plus 4 per zero and 16 per non-zero calldata byte. */
const intrinsic = (input: Uint8Array): bigint =>
  21_000n + input.reduce((s, b) => s + (b === 0 ? 4n : 16n), 0n);

/** The engine's `eth_call` of 0x0a: its output, or the error's message. */
async function engineCall(input: Uint8Array, gas?: bigint): Promise<string> {
  try {
    return await e.call<string>(
      "eth_call",
      {
        to: POINT_EVALUATION_ADDRESS,
        data: toHex(input),
        gas: gas === undefined ? undefined : `0x${gas.toString(16)}`,
      },
      "latest",
    );
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** The step machine's host on the same input: the output, or "fails". */
function hostCall(input: Uint8Array, gas = 1_000_000n): string {
  const r = cancunPrecompiles(kzg)(0x0a, input, gas);
  if (r.ok === "unsupported") return "unsupported";
  return r.ok ? toHex(r.output) : "fails";
}

describe("point evaluation in the engine", () => {
  test("the independent proofs: both commitments agree; the verifier accepts the proofs", () => {
    expect(toHex(commitment)).toBe(toHex(monomialCommitment(COEFFS)));
    for (let k = 0; k < 4; k++) {
      const z = randomZ();
      const { y, proof } = pointProof(COEFFS, z);
      expect(y).toBe(evaluate(COEFFS, z));
      expect(kzg.verifyProof(toHex(commitment), toHex(word(z)), toHex(word(y)), toHex(proof))).toBe(true);
      expect(kzg.verifyProof(toHex(commitment), toHex(word(z)), toHex(word(y + 1n)), toHex(proof))).toBe(
        false,
      );
    }
  });

  test("valid proofs give FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS, as the machine's host does", async () => {
    for (const z of [0n, 1n, BLS_MODULUS - 1n, randomZ(), randomZ()]) {
      const { y, proof } = pointProof(COEFFS, z);
      const input = pointEvaluationInput(commitment, z, y, proof);
      expect(await engineCall(input)).toBe(OUTPUT);
      expect(hostCall(input)).toBe(OUTPUT);
    }
    // The zero polynomial: the point at infinity commits to it and proves y = 0 anywhere.
    const infinity = monomialCommitment([]);
    expect(await engineCall(pointEvaluationInput(infinity, randomZ(), 0n, infinity))).toBe(OUTPUT);
  }, 30_000);

  test("exactly 50,000 gas: one short runs out of gas", async () => {
    const z = randomZ();
    const { y, proof } = pointProof(COEFFS, z);
    const input = pointEvaluationInput(commitment, z, y, proof);
    expect(await engineCall(input, intrinsic(input) + 50_000n)).toBe(OUTPUT);
    expect(await engineCall(input, intrinsic(input) + 49_999n)).toBe("error: out of gas");
    expect(hostCall(input, 50_000n)).toBe(OUTPUT);
    expect(hostCall(input, 49_999n)).toBe("fails");
  }, 30_000);

  test("invalid inputs fail in the engine and in the machine's host", async () => {
    const z = randomZ();
    const { y, proof } = pointProof(COEFFS, z);
    const other = pointProof(COEFFS, z + 1n).proof;
    const good = pointEvaluationInput(commitment, z, y, proof);
    const invalid = "error: kzg proof invalid";
    const cases: [string, Uint8Array, string][] = [
      ["wrong y", pointEvaluationInput(commitment, z, y + 1n, proof), invalid],
      ["proof of another point", pointEvaluationInput(commitment, z, y, other), invalid],
      ["z not below the modulus", pointEvaluationInput(commitment, z + BLS_MODULUS, y, proof), invalid],
      ["proof off the curve", pointEvaluationInput(commitment, z, y, new Uint8Array(48).fill(0x9f)), invalid],
      [
        "commitment off the curve (its own versioned hash)",
        pointEvaluationInput(new Uint8Array(48).fill(0x9f), z, y, proof),
        invalid,
      ],
    ];
    const mismatch = "error: kzg commitment does not match versioned hash";
    const flipped = good.slice();
    flipped[7]! ^= 1;
    cases.push(["a versioned hash bit flipped", flipped, mismatch]);
    const version2 = good.slice();
    version2[0] = 2;
    cases.push(["versioned hash version 2", version2, mismatch]);
    for (const len of [0, 191, 193]) {
      const input = new Uint8Array(len);
      input.set(good.subarray(0, Math.min(len, 192)));
      cases.push([`${len} bytes`, input, "error: invalid input length"]);
    }
    for (const [name, input, error] of cases) {
      expect({ name, engine: await engineCall(input) }).toEqual({ name, engine: error });
      expect({ name, host: hostCall(input) }).toEqual({ name, host: "fails" });
    }
  }, 30_000);
});
