import { describe, expect, test } from "bun:test";
import { DecodeError } from "./errors.ts";
import {
  decodeFrame,
  decodeFrames,
  encodeBatcherData,
  encodeFrame,
  FRAME_OVERHEAD,
  type Frame,
  MAX_FRAME_LEN,
} from "./frame.ts";
import { randomBytes, seededRandom } from "./testing/fakes.ts";

const rand = seededRandom(7);
const frame = (
  n: number,
  data: Uint8Array,
  isLast = false,
  id: Uint8Array = new Uint8Array(16).fill(0xaa),
): Frame => ({
  id,
  frameNumber: n,
  data,
  isLast,
});

describe("frame codec", () => {
  test("layout: id, uint16 number, uint32 length, data, is_last", () => {
    const f = frame(
      0x0102,
      Uint8Array.of(9, 8, 7),
      true,
      Uint8Array.from({ length: 16 }, (_, i) => i),
    );
    const b = encodeFrame(f);
    expect(b.length).toBe(FRAME_OVERHEAD + 3);
    expect([...b.subarray(0, 16)]).toEqual([...f.id]);
    expect([...b.subarray(16, 22)]).toEqual([1, 2, 0, 0, 0, 3]);
    expect([...b.subarray(22)]).toEqual([9, 8, 7, 1]);
  });

  test("random frames round-trip through batcher data", () => {
    for (let i = 0; i < 50; i++) {
      const frames = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, k) =>
        frame(
          Math.floor(rand() * 65536),
          randomBytes(rand, Math.floor(rand() * 300)),
          k % 2 === 0,
          randomBytes(rand, 16),
        ),
      );
      const data = encodeBatcherData(frames);
      expect(data[0]).toBe(0);
      expect(decodeFrames(data)).toEqual(frames);
    }
  });

  test("empty frame data is allowed", () => {
    expect(decodeFrames(encodeBatcherData([frame(0, new Uint8Array(0), true)]))).toHaveLength(1);
  });

  test("malformed batcher data throws DecodeError (the whole transaction is dropped)", () => {
    const good = encodeBatcherData([frame(0, Uint8Array.of(1, 2, 3)), frame(1, Uint8Array.of(4), true)]);
    const bad: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["version only", Uint8Array.of(0)],
      ["unknown version", Uint8Array.of(1, ...good.subarray(1))],
      ["truncated by one byte", good.subarray(0, good.length - 1)],
      ["trailing garbage", Uint8Array.of(...good, 0x42)],
      ["garbage", randomBytes(rand, 64)],
    ];
    const badLast = good.slice();
    badLast[badLast.length - 1] = 2;
    bad.push(["is_last = 2", badLast]);
    const tooLong = encodeFrame(frame(0, Uint8Array.of(1)));
    new DataView(tooLong.buffer).setUint32(18, MAX_FRAME_LEN + 1);
    bad.push(["length over 1,000,000", Uint8Array.of(0, ...tooLong)]);
    for (const [name, data] of bad) {
      expect(() => decodeFrames(data), name).toThrow(DecodeError);
    }
  });

  test("decodeFrame reports where the frame ends", () => {
    const a = encodeFrame(frame(3, Uint8Array.of(1, 2)));
    const { frame: f, end } = decodeFrame(Uint8Array.of(...a, ...a), a.length);
    expect(f.frameNumber).toBe(3);
    expect(end).toBe(2 * a.length);
  });

  test("encodeFrame rejects out-of-range fields", () => {
    expect(() => encodeFrame(frame(65536, new Uint8Array(0)))).toThrow(DecodeError);
    expect(() => encodeFrame({ ...frame(0, new Uint8Array(0)), id: new Uint8Array(15) })).toThrow(
      DecodeError,
    );
  });
});
