import { describe, expect, test } from "bun:test";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { concatBytes, toHex } from "../bytes.ts";
import { seededBytes as bytes } from "../testing/random.ts";
import { sha256, sha256Pair } from "./sha256.ts";

describe("sha256", () => {
  test("known vectors", () => {
    expect(toHex(sha256(new Uint8Array(0)))).toBe(
      "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(toHex(sha256(new TextEncoder().encode("abc")))).toBe(
      "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  test("matches @noble/hashes for every length 0..300 and a few large inputs", () => {
    for (let n = 0; n <= 300; n++) {
      const data = bytes(n);
      expect(toHex(sha256(data))).toBe(toHex(nobleSha256(data)));
    }
    for (const n of [511, 512, 513, 1024, 4097, 100_000, 1 << 20]) {
      const data = bytes(n);
      expect(toHex(sha256(data))).toBe(toHex(nobleSha256(data)));
    }
  });

  test("returns a fresh, caller-owned array", () => {
    const a = sha256(bytes(10));
    const b = sha256(bytes(11));
    expect(a.buffer.byteLength).toBe(32);
    expect(a.buffer).not.toBe(b.buffer);
    a.fill(0);
    expect(toHex(b)).toBe(toHex(nobleSha256(bytes(11))));
  });

  test("accepts subarrays and Buffer", () => {
    const big = bytes(100);
    expect(toHex(sha256(big.subarray(10, 74)))).toBe(toHex(nobleSha256(big.subarray(10, 74))));
    expect(toHex(sha256(Buffer.from("abc")))).toBe(toHex(nobleSha256(new TextEncoder().encode("abc"))));
  });

  test("rejects non-bytes with TypeError", () => {
    expect(() => sha256("abc" as never)).toThrow(TypeError);
    expect(() => sha256([1, 2] as never)).toThrow(/data/);
  });
});

describe("sha256Pair", () => {
  test("equals sha256(left || right)", () => {
    for (let i = 0; i < 200; i++) {
      const l = bytes(32, 2 * i + 1);
      const r = bytes(32, 2 * i + 2);
      expect(toHex(sha256Pair(l, r))).toBe(toHex(nobleSha256(concatBytes(l, r))));
    }
  });

  test("rejects wrong types and lengths, naming the parameter", () => {
    const ok = new Uint8Array(32);
    expect(() => sha256Pair(new Uint8Array(31), ok)).toThrow(RangeError);
    expect(() => sha256Pair(new Uint8Array(31), ok)).toThrow(/left/);
    expect(() => sha256Pair(ok, new Uint8Array(33))).toThrow(/right/);
    expect(() => sha256Pair(ok, null as never)).toThrow(TypeError);
    expect(() => sha256Pair({} as never, ok)).toThrow(/left/);
  });
});
