/**
 * The proof file's byte reader (`binaryCodec.ts`): the fast path `tryVarint` agrees with `varint`
 * on every varint it accepts (random values and lengths, written by the writer and forged), and
 * leaves to `varint` (consuming nothing) every one it refuses: longer than 7 bytes, non-minimal,
 * over its limit or truncated.
 */
import { describe, expect, test } from "bun:test";
import { seededRandom } from "../mpt/testing.ts";
import { ByteReader, ByteWriter } from "./binaryCodec.ts";

/** What `varint` makes of `bytes`: the value and bytes read, or the error message. */
function slow(bytes: Uint8Array, max: number): { v: number; pos: number } | string {
  const r = new ByteReader(bytes, "t");
  try {
    return { v: r.varint("f", max), pos: r.pos };
  } catch (e) {
    return (e as Error).message;
  }
}

describe("ByteReader.tryVarint", () => {
  test("agrees with varint where it reads, consumes nothing where it does not", () => {
    const rand = seededRandom(3);
    for (let i = 0; i < 20_000; i++) {
      let bytes: Uint8Array;
      if (i % 2 === 0) {
        const w = new ByteWriter();
        w.varint(Math.floor(rand() * 2 ** Math.floor(rand() * 54)));
        bytes = w.view().slice();
      } else {
        bytes = Uint8Array.from({ length: 1 + Math.floor(rand() * 9) }, () =>
          rand() < 0.7 ? 0x80 | Math.floor(rand() * 128) : Math.floor(rand() * 4),
        );
      }
      const max = rand() < 0.5 ? Number.MAX_SAFE_INTEGER : Math.floor(rand() * 2 ** 30);
      const r = new ByteReader(bytes, "t");
      const v = r.tryVarint(max);
      const want = slow(bytes, max);
      if (v >= 0) expect({ v, pos: r.pos }).toEqual(want as { v: number; pos: number });
      else {
        expect(r.pos).toBe(0);
        // Refused: varint refuses it too, or it is a valid varint of 8 bytes.
        if (typeof want !== "string") expect(want.pos).toBe(8);
      }
    }
  });
});
