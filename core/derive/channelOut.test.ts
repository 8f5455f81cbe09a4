import { describe, expect, test } from "bun:test";
import { concatBytes } from "../bytes.ts";
import { decodeBatch, readBatchBytes } from "./batch.ts";
import { batchCalldata, MAX_BLOB_FRAME_SIZE } from "./batcherTx.ts";
import { decodeAbiBytesArg } from "./batchFeed.ts";
import { MAX_BLOB_DATA_SIZE } from "./blob.ts";
import { ChannelOut } from "./channelOut.ts";
import { channelCompression } from "./compression.ts";
import { ChannelOutError } from "./errors.ts";
import { decodeFrames, encodeFrame, FRAME_OVERHEAD } from "./frame.ts";
import { fakeUserTx, randomBytes, seededRandom } from "./testing/fakes.ts";
import { nodeCodec } from "./testing/nodeCodec.ts";
import { randomTx } from "./testing/signedTxs.ts";
import type { Hex } from "./types.ts";

const rand = seededRandom(21);
const h = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;
const batch = (i: number) => ({
  parentHash: h(i),
  epochNum: 3,
  epochHash: h(99),
  timestamp: 1000 + 2 * i,
  transactions: [fakeUserTx(rand, 300)],
});

describe("ChannelOut", () => {
  for (const algo of ["zlib", "brotli"] as const) {
    test(`${algo}: frames of at most maxFrameSize reassemble into the batches`, () => {
      const ch = new ChannelOut({ compressor: nodeCodec, algo, id: randomBytes(rand, 16) });
      const batches = Array.from({ length: 20 }, (_, i) => batch(i));
      for (const b of batches) ch.addBatch(b);
      ch.close();
      const frames = ch.outputFrames(500);
      expect(frames.length).toBeGreaterThan(3);
      frames.forEach((f, i) => {
        expect(encodeFrame(f).length).toBeLessThanOrEqual(500);
        expect(f.frameNumber).toBe(i);
        expect(f.isLast).toBe(i === frames.length - 1);
      });
      const channel = concatBytes(...frames.map((f) => f.data));
      expect(channel[0]).toBe(algo === "zlib" ? 0x78 : 0x01);
      const c = channelCompression(channel)!;
      const stream = nodeCodec.decompress(c.algo, c.body, 1e7);
      const out = [];
      for (
        let pos = 0, r = readBatchBytes(stream, 0);
        r !== null;
        pos = r.end, r = readBatchBytes(stream, pos)
      ) {
        out.push(decodeBatch(r.data, { genesisTime: 0, blockTime: 2, l2ChainId: 901 }).batch);
      }
      expect(out).toEqual(batches);
    });
  }

  test("an empty channel still yields one closing frame", () => {
    const ch = new ChannelOut({ compressor: nodeCodec, algo: "zlib", id: new Uint8Array(16) });
    ch.close();
    const frames = ch.outputFrames(1000);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.isLast).toBe(true);
  });

  test("misuse throws ChannelOutError", () => {
    expect(() => new ChannelOut({ compressor: nodeCodec, algo: "zlib", id: new Uint8Array(15) })).toThrow(
      ChannelOutError,
    );
    const ch = new ChannelOut({
      compressor: nodeCodec,
      algo: "zlib",
      id: new Uint8Array(16),
      maxRlpBytes: 600,
    });
    expect(() => ch.outputFrame(1000)).toThrow("close the channel");
    ch.addBatch(batch(1));
    expect(() => ch.addBatch(batch(2))).toThrow("channel full");
    ch.close();
    expect(() => ch.addBatch(batch(3))).toThrow("closed");
    expect(() => ch.outputFrame(FRAME_OVERHEAD)).toThrow("no room");
    ch.outputFrames(1000);
    expect(() => ch.outputFrame(1000)).toThrow("every frame");
  });

  test("frame sizes for blobs and calldata fit their carriers", () => {
    const ch = new ChannelOut({ compressor: nodeCodec, algo: "zlib", id: new Uint8Array(16) });
    for (let i = 0; i < 600; i++) ch.addBatch({ ...batch(i), transactions: [randomBytes(rand, 400)] });
    ch.close();
    const f = ch.outputFrame(MAX_BLOB_FRAME_SIZE);
    expect(encodeFrame(f).length + 1).toBe(MAX_BLOB_DATA_SIZE);
    const calldata = batchCalldata([f]);
    expect(decodeFrames(decodeAbiBytesArg(calldata)!)).toEqual([f]);
  });

  test("span mode: one span batch of the channel's blocks, its size known exactly as blocks are added", () => {
    const params = { genesisTime: 1000, blockTime: 2, l2ChainId: 901 };
    const r = seededRandom(31);
    const blocks = Array.from({ length: 40 }, (_, i) => ({
      ...batch(i),
      epochNum: 3 + Math.floor(i / 6),
      transactions: Array.from({ length: i % 4 }, () => randomTx(r)),
    }));
    const ch = new ChannelOut({
      compressor: nodeCodec,
      algo: "zlib",
      id: randomBytes(rand, 16),
      span: params,
    });
    for (const [i, b] of blocks.entries()) {
      ch.addBatch(b, i === 0);
      // The size the channel reports is the stream's: the RLP string of the span batch.
      const stream = nodeCodec.decompress("zlib", ch.compressedBytes(), 1e7);
      expect(ch.rlpBytes()).toBe(stream.length);
    }
    ch.close();
    const stream = nodeCodec.decompress("zlib", ch.compressedBytes(), 1e7);
    const item = readBatchBytes(stream, 0)!;
    expect(item.end).toBe(stream.length);
    const d = decodeBatch(item.data, params);
    expect(d.type).toBe(1);
    const span = d.type === 1 ? d.batch! : null;
    expect(span!.blocks.map((b) => [b.timestamp, b.epochNum, b.transactions.length])).toEqual(
      blocks.map((b) => [b.timestamp, b.epochNum, b.transactions.length]),
    );
  });

  test("span mode refuses a gap, an unsupported transaction and a block over the cap", () => {
    const params = { genesisTime: 1000, blockTime: 2, l2ChainId: 901 };
    const ch = new ChannelOut({
      compressor: nodeCodec,
      algo: "zlib",
      id: randomBytes(rand, 16),
      span: params,
      maxRlpBytes: 400,
    });
    ch.addBatch({ ...batch(0), transactions: [] }, true);
    expect(() => ch.addBatch({ ...batch(2), transactions: [] })).toThrow("cannot join the span batch");
    expect(() => ch.addBatch({ ...batch(1), transactions: [Uint8Array.of(0x7e, 0xc0)] })).toThrow(
      "cannot join the span batch",
    );
    const big = randomTx(seededRandom(32));
    expect(() => ch.addBatch({ ...batch(1), transactions: [big, big, big, big] })).toThrow("channel full");
    expect(ch.blockCount()).toBe(1);
    ch.addBatch({ ...batch(1), transactions: [] });
    expect(ch.blockCount()).toBe(2);
  });
});
