import { describe, expect, test } from "bun:test";
import { concatBytes } from "../bytes.ts";
import { decodeBatch, readBatchBytes, type SingularBatch } from "./batch.ts";
import { ChannelOut } from "./channelOut.ts";
import { type ChannelCodec, channelCompression } from "./compression.ts";
import { encodeFrame, FRAME_OVERHEAD } from "./frame.ts";
import type { SpanBatch } from "./spanBatch.ts";
import { randomBytes, seededRandom } from "./testing/fakes.ts";
import { nodeCodec } from "./testing/nodeCodec.ts";
import { randomTx } from "./testing/signedTxs.ts";
import type { Hex } from "./types.ts";

const params = { genesisTime: 1000, blockTime: 2, l2ChainId: 901 };
const h = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;

/** Consecutive batches; `kind` picks incompressible transactions or ones built from a few templates. */
function blocks(kind: "random" | "compressible", span: boolean, seed: number, n: number): SingularBatch[] {
  const r = seededRandom(seed);
  const templates = Array.from({ length: 4 }, () => randomBytes(r, 180));
  const tx = (): Uint8Array => {
    if (span) {
      // A span batch carries real transactions; repeat a few of them for a compressible mix.
      return kind === "random" ? randomTx(r) : randomTx(seededRandom(1 + Math.floor(r() * 40)));
    }
    if (kind === "random") {
      const t = randomBytes(r, 100 + Math.floor(r() * 300));
      t[0] = 2;
      return t;
    }
    const t = templates[Math.floor(r() * templates.length)]!.slice();
    for (let i = 0; i < 12; i++) t[1 + Math.floor(r() * (t.length - 1))] = Math.floor(r() * 256);
    t[0] = 2;
    return t;
  };
  return Array.from({ length: n }, (_, i) => ({
    parentHash: h(i),
    epochNum: 3 + Math.floor(i / 6),
    epochHash: h(99 + Math.floor(i / 6)),
    timestamp: params.genesisTime + 2 * (i + 1),
    transactions: Array.from({ length: 1 + Math.floor(r() * 4) }, tx),
  }));
}

/** The batches a closed channel's frames carry, read as derivation reads them. */
function derive(ch: ChannelOut, frameSize: number): SingularBatch[] {
  const frames = ch.outputFrames(frameSize);
  for (const f of frames) expect(encodeFrame(f).length).toBeLessThanOrEqual(frameSize);
  const c = channelCompression(concatBytes(...frames.map((f) => f.data)))!;
  const stream = nodeCodec.decompress(c.algo, c.body, 1e7);
  const out: SingularBatch[] = [];
  for (let pos = 0, r = readBatchBytes(stream, 0); r !== null; pos = r.end, r = readBatchBytes(stream, pos)) {
    const d = decodeBatch(r.data, params);
    if (d.type === 1) {
      // A span batch keeps only checks on its ends: the hashes are not compared.
      for (const b of (d.batch as SpanBatch).blocks) out.push({ ...b, parentHash: "0x", epochHash: "0x" });
    } else out.push(d.batch as SingularBatch);
  }
  return out;
}

describe("ChannelOut filled by compressed size", () => {
  const TARGET = 24_000;
  for (const algo of ["zlib", "brotli"] as const) {
    for (const span of [false, true]) {
      for (const kind of ["random", "compressible"] as const) {
        test(`${algo}, ${span ? "span" : "singular"}, ${kind} blocks: fills to >= 90% of the target, never over, decodes`, () => {
          const all = blocks(
            kind,
            span,
            algo.length * 7 + (span ? 3 : 0) + kind.length,
            span && kind === "compressible" ? 3000 : 600,
          );
          const ch = new ChannelOut({
            compressor: nodeCodec,
            algo,
            id: new Uint8Array(16),
            span: span ? params : undefined,
            maxCompressedBytes: TARGET,
          });
          let added = 0;
          for (const [i, b] of all.entries()) {
            try {
              ch.addBatch(b, i === 0);
              added++;
            } catch (e) {
              expect((e as Error).message).toContain("channel full");
              break;
            }
          }
          expect(added).toBeLessThan(all.length);
          expect(ch.isFull()).toBe(true);
          expect(ch.blockCount()).toBe(added);
          const left = ch.close();
          const kept = added - left;
          expect(ch.blockCount()).toBe(kept);
          const size = ch.compressedBytes().length;
          if (process.env.FILLDBG)
            console.log(algo, span, kind, added, left, ch.rlpBytes(), size, ch.compressionCount());
          expect(size).toBeLessThanOrEqual(TARGET);
          expect(size).toBeGreaterThanOrEqual(0.9 * TARGET);
          // A few whole-stream compressions, not one per block.
          expect(ch.compressionCount()).toBeLessThanOrEqual(16);
          const got = derive(ch, TARGET / 2 + FRAME_OVERHEAD);
          expect(got.map((b) => [b.timestamp, b.epochNum, b.transactions.length])).toEqual(
            all.slice(0, kept).map((b) => [b.timestamp, b.epochNum, b.transactions.length]),
          );
          if (!span) expect(got).toEqual(all.slice(0, kept));
        });
      }
    }
  }

  test("a first block over the target is taken alone and fills the channel", () => {
    const [b] = blocks("random", false, 5, 1);
    const big = { ...b!, transactions: [randomBytes(seededRandom(6), 3000)] };
    const ch = new ChannelOut({
      compressor: nodeCodec,
      algo: "zlib",
      id: new Uint8Array(16),
      maxCompressedBytes: 1000,
    });
    ch.addBatch(big);
    expect(ch.isFull()).toBe(true);
    expect(() => ch.addBatch(blocks("random", false, 7, 2)[1]!)).toThrow("channel full");
    expect(ch.close()).toBe(0);
    expect(derive(ch, 1200)).toEqual([big]);
  });

  test("the RLP cap still holds for a stream that compresses to almost nothing", () => {
    const zeros = (i: number): SingularBatch => ({
      ...blocks("random", false, 8, 1)[0]!,
      timestamp: 1002 + 2 * i,
      transactions: [new Uint8Array(5000)],
    });
    const ch = new ChannelOut({
      compressor: nodeCodec,
      algo: "zlib",
      id: new Uint8Array(16),
      maxCompressedBytes: 100_000,
      maxRlpBytes: 30_000,
    });
    let i = 0;
    expect(() => {
      for (; ; i++) ch.addBatch(zeros(i));
    }).toThrow("RLP bytes");
    expect(i).toBe(5);
    expect(ch.isFull()).toBe(false);
    ch.close();
    expect(ch.compressedBytes().length).toBeLessThan(1000);
  });

  test("a compressor beyond the bound: close goes back to the checkpoint and hands the rest back", () => {
    // Pads its output once the input passes 8000 bytes, so the unchecked bound is wrong.
    const bloated: ChannelCodec = {
      compress: (algo, data) => {
        const out = nodeCodec.compress(algo, data);
        return data.length > 8000 ? concatBytes(out, new Uint8Array(4000)) : out;
      },
      decompress: nodeCodec.decompress,
    };
    const all = blocks("compressible", false, 9, 200);
    const ch = new ChannelOut({
      compressor: bloated,
      algo: "zlib",
      id: new Uint8Array(16),
      maxCompressedBytes: 6000,
    });
    let added = 0;
    for (const b of all) {
      try {
        ch.addBatch(b);
        added++;
      } catch {
        break;
      }
    }
    const left = ch.close();
    expect(left).toBeGreaterThan(0);
    expect(ch.blockCount()).toBe(added - left);
    expect(ch.compressedBytes().length).toBeLessThanOrEqual(6000);
    expect(derive(ch, 7000)).toEqual(all.slice(0, added - left));
  });
});
