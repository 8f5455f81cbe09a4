import { describe, expect, test } from "bun:test";
import { InvalidSnappyError } from "./errors.ts";
import {
  crc32c,
  maskedCrc32c,
  snappyCompress,
  snappyDecodedLength,
  snappyFrameDecode,
  snappyFrameEncode,
  snappyUncompress,
} from "./snappy.ts";
import { seededBytes } from "./testing.ts";

describe("snappy", () => {
  test("CRC-32C check value", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
    expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8);
  });

  test("block format round-trips and enforces the limit before decompressing", () => {
    const data = new Uint8Array(5000).fill(7);
    const c = snappyCompress(data);
    expect(snappyDecodedLength(c)).toBe(5000);
    expect(snappyUncompress(c, 5000)).toEqual(data);
    expect(() => snappyUncompress(c, 4999)).toThrow(InvalidSnappyError);
    expect(() => snappyUncompress(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 100)).toThrow(
      InvalidSnappyError,
    );
    expect(() => snappyUncompress(new Uint8Array([10, 0xf0]), 100)).toThrow(InvalidSnappyError);
  });

  test("framing format: identifier, chunks of at most 64 KiB with CRCs, round trip", () => {
    const stream = snappyFrameEncode(new TextEncoder().encode("hello"));
    // Stream identifier, then a 9-byte uncompressed chunk (compression does not pay for 5 bytes).
    expect([...stream.subarray(0, 10)]).toEqual([0xff, 6, 0, 0, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
    expect([...stream.subarray(10, 14)]).toEqual([0x01, 9, 0, 0]);
    for (const n of [0, 1, 65535, 65536, 65537, 200_000]) {
      const data = n > 100_000 ? new Uint8Array(n).fill(3) : seededBytes(n + 1, n);
      expect(snappyFrameDecode(snappyFrameEncode(data), n)).toEqual(data);
    }
  });

  test("framing format: bad CRC, missing identifier, unskippable chunk, over-limit are refused", () => {
    const data = seededBytes(9, 1000);
    const good = snappyFrameEncode(data);
    const badCrc = good.slice();
    badCrc[14]! ^= 1;
    expect(() => snappyFrameDecode(badCrc, 2000)).toThrow(InvalidSnappyError);
    expect(() => snappyFrameDecode(good.subarray(10), 2000)).toThrow(InvalidSnappyError);
    const reserved = new Uint8Array([...good.subarray(0, 10), 0x02, 0, 0, 0]);
    expect(() => snappyFrameDecode(reserved, 2000)).toThrow(InvalidSnappyError);
    const padded = new Uint8Array([...good, 0xfe, 1, 0, 0, 0]);
    expect(snappyFrameDecode(padded, 2000)).toEqual(data);
    expect(() => snappyFrameDecode(good, 999)).toThrow(InvalidSnappyError);
    expect(() => snappyFrameDecode(good.subarray(0, good.length - 3), 2000)).toThrow(InvalidSnappyError);
  });
});
