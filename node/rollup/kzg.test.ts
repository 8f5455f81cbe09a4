import { describe, expect, test } from "bun:test";
import { toHex } from "../../core/bytes.ts";
import {
  BLS_MODULUS,
  blobToKzgCommitment,
  blobToPolynomial,
  InvalidBlobError,
  versionedHash,
} from "./kzg.ts";
import { blobBaseFeeOf, fakeExponential } from "./l1Client.ts";

// Versioned hashes anvil (c-kzg) reported for these blobs; anvil also verified the proofs
// computed by kzg.ts when the blob transactions were sent (test/e2e covers that path).
const ZERO_BLOB_HASH = "0x010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014";
const PATTERN_BLOB_HASH = "0x01d25b936064a8b94b66b21f2a5dac5ac26ae3c16981ad4cac1cc268faca9e2f";

function patternBlob(): Uint8Array {
  const blob = new Uint8Array(131072);
  for (let i = 0; i < 4096; i++) {
    blob[32 * i + 1] = i & 255;
    blob[32 * i + 31] = (i * 7) & 255;
  }
  return blob;
}

describe("kzg", () => {
  test("the zero blob commits to the point at infinity", () => {
    const c = blobToKzgCommitment(new Uint8Array(131072));
    expect(c[0]).toBe(0xc0);
    expect(c.subarray(1).every((b) => b === 0)).toBe(true);
    expect(toHex(versionedHash(c))).toBe(ZERO_BLOB_HASH);
  });

  test("a non-trivial blob matches c-kzg's versioned hash", () => {
    expect(toHex(versionedHash(blobToKzgCommitment(patternBlob())))).toBe(PATTERN_BLOB_HASH);
  });

  test("rejects a wrong size and a field element at or above the modulus", () => {
    expect(() => blobToPolynomial(new Uint8Array(100))).toThrow(InvalidBlobError);
    const blob = new Uint8Array(131072);
    const r = BLS_MODULUS.toString(16).padStart(64, "0");
    for (let j = 0; j < 32; j++) blob[j] = Number.parseInt(r.slice(2 * j, 2 * j + 2), 16);
    expect(() => blobToPolynomial(blob)).toThrow(InvalidBlobError);
  });
});

describe("blob base fee", () => {
  test("fake_exponential matches EIP-4844's examples", () => {
    expect(fakeExponential(1n, 0n, 1n)).toBe(1n);
    expect(fakeExponential(38493n, 0n, 1000n)).toBe(38493n);
    expect(fakeExponential(0n, 1234n, 2345n)).toBe(0n);
    expect(fakeExponential(1n, 2n, 1n)).toBe(6n);
    expect(fakeExponential(2n, 5n, 2n)).toBe(23n);
    expect(fakeExponential(1n, 50000000n, 2225652n)).toBe(5709098764n);
  });

  test("is 1 wei without excess blob gas, and grows with it", () => {
    expect(blobBaseFeeOf(0n)).toBe(1n);
    expect(blobBaseFeeOf(50_000_000n, "cancun")).toBeGreaterThan(blobBaseFeeOf(50_000_000n, "prague"));
  });
});
