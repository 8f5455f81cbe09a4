import { describe, expect, test } from "bun:test";
import { encodeBatchStream } from "./batch.ts";
import { batchFromBlock, ChannelOut } from "./channelOut.ts";
import { DerivationPipeline } from "./pipeline.ts";
import { encodeSpanBatch } from "./spanBatch.ts";
import type { DerivationEvent } from "./stage.ts";
import { FakeL1, FakeL2, type FakeTx, randomBytes, seededRandom, testConfig } from "./testing/fakes.ts";
import { nodeCodec } from "./testing/nodeCodec.ts";
import { randomTx } from "./testing/signedTxs.ts";
import { batcherTxs, deriveAll, type SimOptions, simulate } from "./testing/simulate.ts";
import type { L2BlockInput } from "./types.ts";

const config = testConfig();
const spanParams = {
  genesisTime: config.genesis.l2Time,
  blockTime: config.blockTime,
  l2ChainId: config.l2ChainId,
};

function sim(over: Partial<SimOptions> = {}) {
  const l1 = over.l1 ?? new FakeL1();
  return simulate({
    config,
    l1,
    codec: nodeCodec,
    algo: "zlib",
    rand: seededRandom(77),
    l1Blocks: 12,
    txsPerBlock: 3,
    makeTx: randomTx,
    blocksPerChannel: 5,
    maxFrameSize: 700,
    mode: "calldata",
    depositsEvery: 3,
    ...over,
  }).then((r) => ({ ...r, l1 }));
}

const hashes = (l2: FakeL2) => l2.chain.map((r) => r.hash);

describe("span batches through the pipeline", () => {
  for (const algo of ["zlib", "brotli"] as const) {
    for (const mode of ["calldata", "blob"] as const) {
      test(`${algo}, ${mode}: blocks derived from span batches equal those from singular batches`, async () => {
        const events: DerivationEvent[] = [];
        const opts = { decompressor: nodeCodec, onEvent: (e: DerivationEvent) => events.push(e) };
        const span = await sim({ span: true, algo, mode, maxFrameSize: mode === "blob" ? 3000 : 700 });
        const single = await sim({ span: false, algo, mode, maxFrameSize: mode === "blob" ? 3000 : 700 });
        // Same seed: the sequencers made the same chain; only the batcher's format differs.
        expect(hashes(span.l2)).toEqual(hashes(single.l2));
        expect(span.rlpBytes).toBeLessThan(single.rlpBytes);
        const a = await deriveAll(config, span.l1, opts);
        const b = await deriveAll(config, single.l1, opts);
        expect(events).toEqual([]);
        expect(a.attributes).toEqual(b.attributes);
        expect(a.l2.chain.length).toBeGreaterThan(50);
        expect(hashes(a.l2)).toEqual(hashes(span.l2).slice(0, a.l2.chain.length));
        // A span hands out its blocks with isLastInSpan only on the last (channels still unposted
        // at the end of L1 are not derived).
        const lasts = a.results.filter((r) => r.isLastInSpan).length;
        expect(lasts).toBeGreaterThan(5);
        expect(lasts).toBeLessThanOrEqual(span.channels);
        expect(a.results.at(-1)!.isLastInSpan).toBe(true);
        expect(b.results.every((r) => r.isLastInSpan)).toBe(true);
      });
    }
  }

  /**
   * The sequencer's chain over an L1 without batches (no deposits: the L1 blocks' hashes and
   * times then do not depend on what they hold), and an L1 of the same blocks with `posts[n]`
   * in block `n`.
   */
  async function chainAndL1(posts: (l2: FakeL2) => Record<number, FakeTx[]>) {
    const { l2 } = await sim({ postIn: () => false, depositsEvery: 0 });
    const l1 = new FakeL1();
    const p = posts(l2);
    for (let n = 1; n <= 12; n++) l1.addBlock(p[n] ?? []);
    return { l2, l1 };
  }

  function channel(blocks: readonly L2BlockInput[], span: boolean): FakeTx[] {
    const rand = seededRandom(blocks[0]!.number);
    const ch = new ChannelOut({
      compressor: nodeCodec,
      algo: "zlib",
      id: randomBytes(rand, 16),
      span: span ? spanParams : undefined,
    });
    for (const b of blocks) ch.addBlock(b);
    ch.close();
    return batcherTxs(ch.outputFrames(100_000), "calldata");
  }

  const range = (l2: FakeL2, from: number, to: number) =>
    l2.chain.slice(from, to + 1).map((r) => l2.block(r.hash));

  test("a span batch overlapping the safe chain is checked against it and derives the blocks after it", async () => {
    const events: DerivationEvent[] = [];
    const { l2, l1 } = await chainAndL1((l2) => ({
      2: channel(range(l2, 1, 10), false),
      4: channel(range(l2, 6, 20), true),
      8: channel(range(l2, 21, 40), true),
    }));
    const v = await deriveAll(config, l1, { decompressor: nodeCodec, onEvent: (e) => events.push(e) });
    expect(hashes(v.l2).slice(0, 41)).toEqual(hashes(l2).slice(0, 41));
    expect(events.filter((e) => e.kind === "batch-dropped")).toEqual([]);
  });

  test("a span batch whose overlapped part differs from the safe chain is dropped", async () => {
    const events: DerivationEvent[] = [];
    const { l2, l1 } = await chainAndL1((l2) => {
      const b = range(l2, 6, 20);
      // Block 8's transactions: the L1 attributes deposit, then three user transactions.
      const txs = b[2]!.transactions;
      const forged = { ...b[2]!, transactions: [txs[0]!, txs[1]!, randomTx(seededRandom(1)), txs[3]!] };
      return {
        2: channel(range(l2, 1, 10), false),
        4: channel([...b.slice(0, 2), forged, ...b.slice(3)], true),
      };
    });
    const v = await deriveAll(config, l1, { decompressor: nodeCodec, onEvent: (e) => events.push(e) });
    expect(hashes(v.l2).slice(0, 11)).toEqual(hashes(l2).slice(0, 11));
    // Block 11 is not the sequencer's: its batch was dropped, the window filled the slot.
    expect(v.l2.chain[11]!.hash).not.toBe(l2.chain[11]!.hash);
    const dropped = events.filter((e) => e.kind === "batch-dropped").map((e) => e.reason);
    expect(dropped.some((r) => /overlapped block 8: transaction 1 differs/.test(r))).toBe(true);
  });

  test("a malformed span batch ends its channel; the next channel is still read", async () => {
    const events: DerivationEvent[] = [];
    const { l2, l1 } = await chainAndL1((l2) => {
      // A channel whose only batch is a span batch with zero blocks.
      const bad = nodeCodec.compress("zlib", Uint8Array.of(0x80 + 44, 1, 0, 0, ...new Uint8Array(40), 0));
      const frames = [{ id: randomBytes(seededRandom(4), 16), frameNumber: 0, data: bad, isLast: true }];
      return { 2: [...batcherTxs(frames, "calldata"), ...channel(range(l2, 1, 10), true)] };
    });
    const v = await deriveAll(config, l1, { decompressor: nodeCodec, onEvent: (e) => events.push(e) });
    expect(hashes(v.l2).slice(0, 11)).toEqual(hashes(l2).slice(0, 11));
    expect(events.map((e) => `${e.kind}: ${e.reason}`)).toContain(
      "channel-rest-dropped: span batch: block_count must be at least 1",
    );
  });

  test("a safe head that is not the parent of the span's next block drops the rest of the span", async () => {
    const events: DerivationEvent[] = [];
    const { l1 } = await chainAndL1((l2) => ({ 2: channel(range(l2, 1, 10), true) }));
    const verifier = new FakeL2(config);
    const p = new DerivationPipeline(config, l1, verifier, {
      decompressor: nodeCodec,
      onEvent: (e) => events.push(e),
    });
    await p.reset(verifier.head());
    const first = await p.nextAttributes(verifier.head());
    expect(first!.isLastInSpan).toBe(false);
    expect(first!.attributes.transactions.length).toBe(4);
    // The engine did not take block 1: the next request is again on genesis.
    const again = await p.nextAttributes(verifier.head());
    expect(events.map((e) => e.kind)).toContain("span-rest-dropped");
    // The span batch is used up: the window fills the slot with a deposit-only block.
    expect(again!.attributes.transactions.length).toBe(1);
  });

  test("fuzz: mutated span batches are dropped or end their channel, never throw or stall", async () => {
    const rand = seededRandom(99);
    const kinds = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const events: DerivationEvent[] = [];
      const { l1 } = await chainAndL1((l2) => {
        const posts: Record<number, FakeTx[]> = {};
        for (const [n, from, to] of [
          [2, 1, 10],
          [4, 11, 20],
          [7, 21, 36],
        ] as const) {
          const bytes = encodeSpanBatch(
            range(l2, from, to).map((b) => batchFromBlock(b)),
            spanParams,
            false,
          );
          for (let k = 0; k < 1 + Math.floor(rand() * 4); k++)
            bytes[1 + Math.floor(rand() * (bytes.length - 1))]! ^= 1 << Math.floor(rand() * 8);
          const stream = encodeBatchStream([bytes]);
          const data = nodeCodec.compress("zlib", stream);
          posts[n] = batcherTxs(
            [{ id: randomBytes(rand, 16), frameNumber: 0, data, isLast: true }],
            "calldata",
          );
        }
        return posts;
      });
      const v = await deriveAll(config, l1, { decompressor: nodeCodec, onEvent: (e) => events.push(e) });
      const chain = v.l2.chain;
      expect(chain.length).toBeGreaterThan(30);
      for (let i = 1; i < chain.length; i++) {
        expect(chain[i]!.timestamp).toBe(chain[i - 1]!.timestamp + config.blockTime);
        expect(chain[i]!.l1origin.number - chain[i - 1]!.l1origin.number).toBeLessThanOrEqual(1);
      }
      for (const e of events) kinds.add(e.kind);
    }
    expect(kinds.has("channel-rest-dropped") || kinds.has("batch-dropped")).toBe(true);
  });
});
