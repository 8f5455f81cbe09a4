import { describe, expect, test } from "bun:test";
import { toHex } from "../../core/bytes.ts";
import {
  BLS_MODULUS,
  blobToKzgCommitment,
  blobToPolynomial,
  InvalidBlobError,
  versionedHash,
} from "./kzg.ts";

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
