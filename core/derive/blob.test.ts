import { describe, expect, test } from "bun:test";
import { BLOB_SIZE, decodeBlob, encodeBlob, MAX_BLOB_DATA_SIZE } from "./blob.ts";
import { DecodeError } from "./errors.ts";
import { randomBytes, seededRandom } from "./testing/fakes.ts";

const rand = seededRandom(11);

describe("blob encoding", () => {
  test("round-trips empty, small, boundary and full inputs", () => {
    for (const n of [0, 1, 27, 28, 123, 124, 127, 250, 4096, 100_000, MAX_BLOB_DATA_SIZE]) {
      const data = randomBytes(rand, n);
      const blob = encodeBlob(data);
      expect(blob.length).toBe(BLOB_SIZE);
      expect(decodeBlob(blob)).toEqual(data);
    }
  });

  test("every field element keeps its top two bits clear", () => {
    const blob = encodeBlob(new Uint8Array(MAX_BLOB_DATA_SIZE).fill(0xff));
    for (let fe = 0; fe < BLOB_SIZE; fe += 32) expect(blob[fe]! & 0xc0).toBe(0);
    expect(decodeBlob(blob)).toEqual(new Uint8Array(MAX_BLOB_DATA_SIZE).fill(0xff));
  });

  test("header: version byte 0 at offset 1, uint24 length at 2..4", () => {
    const blob = encodeBlob(new Uint8Array(0x010203 & 0xffff));
    expect(blob[1]).toBe(0);
    expect((blob[2]! << 16) | (blob[3]! << 8) | blob[4]!).toBe(0x0203);
  });

  test("rejects oversize input, bad version, bad length, high bits and extraneous data", () => {
    expect(() => encodeBlob(new Uint8Array(MAX_BLOB_DATA_SIZE + 1))).toThrow(DecodeError);
    const good = encodeBlob(randomBytes(rand, 1000));
    const mutate = (f: (b: Uint8Array) => void) => {
      const b = good.slice();
      f(b);
      return b;
    };
    expect(() => decodeBlob(good.subarray(1))).toThrow(DecodeError);
    expect(() => decodeBlob(mutate((b) => (b[1] = 1)))).toThrow(DecodeError);
    expect(() => decodeBlob(mutate((b) => (b[2] = 0xff)))).toThrow(DecodeError);
    expect(() => decodeBlob(mutate((b) => (b[32 * 100] = 0x40)))).toThrow(DecodeError);
    expect(() => decodeBlob(mutate((b) => (b[BLOB_SIZE - 1] = 1)))).toThrow(DecodeError);
    // A byte right after the data inside the last used round.
    expect(() => decodeBlob(mutate((b) => (b[32 * 40 + 5] = 1)))).toThrow(DecodeError);
  });
});

// Vectors from op-service `eth/blob_test.go` (TestEncodeTestVectors, TestDecodeTestVectors, TestExtraneousData).
const bin = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const ff = (n: number) => "\xff".repeat(n);
const blobWith = (prefix: Uint8Array) => {
  const b = new Uint8Array(BLOB_SIZE);
  b.set(prefix);
  return b;
};

describe("blob encoding: op-service vectors", () => {
  test("encode", () => {
    expect(encodeBlob(new Uint8Array(0))).toEqual(new Uint8Array(BLOB_SIZE));
    expect(encodeBlob(new Uint8Array(MAX_BLOB_DATA_SIZE))).toEqual(blobWith(bin("\x00\x00\x01\xfb\xfc")));
    expect(encodeBlob(bin(ff(27)))).toEqual(blobWith(bin(`\x00\x00\x00\x00\x1b${ff(27)}`)));
    expect(encodeBlob(bin(ff(28)))).toEqual(blobWith(bin(`\x3f\x00\x00\x00\x1c${ff(27)}\x30`)));
  });

  test("decode", () => {
    expect(decodeBlob(blobWith(bin("\x00\x00\x00\x00\x01")))).toEqual(new Uint8Array(1));
    expect(decodeBlob(blobWith(bin("\x00\x00\x01\xFB\xFC")))).toEqual(new Uint8Array(130044));
    expect(() => decodeBlob(blobWith(bin("\x00\x00\x01\xFB\xFD")))).toThrow(DecodeError);
    expect(decodeBlob(blobWith(bin(`\x00\x00\x00\x00\x0a${"\x00".repeat(9)}\xff`)))).toEqual(
      bin(`${"\x00".repeat(9)}\xff`),
    );
    expect(decodeBlob(blobWith(bin(`\x3f\x00\x00\x00\x20${ff(27)}\x30${ff(4)}`)))).toEqual(bin(ff(32)));
  });

  test("extraneous data", () => {
    expect(() => decodeBlob(blobWith(bin("\x30\x00\x00\x00\x00")))).toThrow(DecodeError);
    expect(() => decodeBlob(blobWith(bin("\x01\x00\x00\x00\x00")))).toThrow(DecodeError);
    for (let i = 5; i < BLOB_SIZE; i += 997) {
      const b = new Uint8Array(BLOB_SIZE);
      b[i] = 1;
      expect(() => decodeBlob(b)).toThrow(DecodeError);
    }
  });
});
