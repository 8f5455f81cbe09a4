import { describe, expect, test } from "bun:test";
import { RLP } from "@ethereumjs/rlp";
import { fromHex, toHex } from "./bytes.ts";
import {
  bytesToUint,
  type RlpInput,
  RlpNonCanonicalError,
  RlpTrailingBytesError,
  RlpTruncatedError,
  RlpTypeError,
  rlpDecode,
  rlpDecodeList,
  rlpEncode,
  uintToBytes,
} from "./rlp.ts";
import { seededRandom } from "./testing/random.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

const rng = seededRandom;

function randomItem(r: () => number, depth: number): RlpInput {
  if (depth > 3 || r() < 0.6) {
    const lens = [0, 1, 1, 2, 55, 56, 57, 255, 256, 1024, 70_000];
    const n = r() < 0.7 ? Math.floor(r() * 40) : lens[Math.floor(r() * lens.length)]!;
    return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
  }
  const n = Math.floor(r() * 6);
  return Array.from({ length: n }, () => randomItem(r, depth + 1));
}

describe("rlp", () => {
  test("Yellow Paper / wiki vectors", () => {
    expect(toHex(rlpEncode(utf8("dog")))).toBe("0x83646f67");
    expect(toHex(rlpEncode([utf8("cat"), utf8("dog")]))).toBe("0xc88363617483646f67");
    expect(toHex(rlpEncode(new Uint8Array()))).toBe("0x80");
    expect(toHex(rlpEncode([]))).toBe("0xc0");
    expect(toHex(rlpEncode(uintToBytes(0)))).toBe("0x80");
    expect(toHex(rlpEncode(uintToBytes(15)))).toBe("0x0f");
    expect(toHex(rlpEncode(uintToBytes(1024)))).toBe("0x820400");
    expect(toHex(rlpEncode([[], [[]], [[], [[]]]]))).toBe("0xc7c0c1c0c3c0c1c0");
    const lorem = utf8("Lorem ipsum dolor sit amet, consectetur adipisicing elit");
    expect(toHex(rlpEncode(lorem)).slice(0, 6)).toBe("0xb838");
  });

  test("random values round-trip and match @ethereumjs/rlp", () => {
    const r = rng(7);
    for (let i = 0; i < 500; i++) {
      const v = randomItem(r, 0);
      const enc = rlpEncode(v);
      expect(toHex(enc)).toBe(toHex(RLP.encode(v as never)));
      expect(rlpEncode(rlpDecode(enc))).toEqual(enc);
    }
  });

  test("rejects non-canonical encodings", () => {
    // A single byte below 0x80 must be itself.
    expect(() => rlpDecode(fromHex("8105"))).toThrow(RlpNonCanonicalError);
    // Long form for a short payload.
    expect(() => rlpDecode(fromHex(`b803${"61".repeat(3)}`))).toThrow(RlpNonCanonicalError);
    expect(() => rlpDecode(fromHex("f800"))).toThrow(RlpNonCanonicalError);
    // Length with a leading zero.
    expect(() => rlpDecode(fromHex(`b90038${"61".repeat(56)}`))).toThrow(RlpNonCanonicalError);
    // Inside a list too.
    expect(() => rlpDecode(fromHex("c28105"))).toThrow(RlpNonCanonicalError);
    expect(() => bytesToUint(fromHex("0001"))).toThrow(RlpNonCanonicalError);
  });

  test("rejects truncation and trailing bytes", () => {
    expect(() => rlpDecode(new Uint8Array())).toThrow(RlpTruncatedError);
    expect(() => rlpDecode(fromHex("83646f"))).toThrow(RlpTruncatedError);
    expect(() => rlpDecode(fromHex("b9"))).toThrow(RlpTruncatedError);
    expect(() => rlpDecode(fromHex("c3646f"))).toThrow(RlpTruncatedError);
    // A list item running past the end of its list.
    expect(() => rlpDecode(fromHex("c4c283646f"))).toThrow(RlpTruncatedError);
    expect(() => rlpDecode(fromHex("83646f6700"))).toThrow(RlpTrailingBytesError);
    expect(() => rlpDecodeList(fromHex("83646f67"))).toThrow(RlpTypeError);
  });

  test("error messages say expected vs found", () => {
    try {
      rlpDecode(fromHex("83646f6700"));
      throw new Error("unreachable");
    } catch (e) {
      expect((e as Error).message).toBe("rlp: expected 4 bytes, found 5 (at byte 4)");
    }
  });

  test("integers", () => {
    for (const n of [0n, 1n, 127n, 128n, 255n, 256n, 2n ** 64n - 1n, 2n ** 255n]) {
      expect(bytesToUint(uintToBytes(n))).toBe(n);
    }
    expect(() => uintToBytes(-1)).toThrow(RangeError);
  });
});
