import { beforeAll, describe, expect, test } from "bun:test";
import { fromHex } from "../bytes.ts";
import { MAX_TX_BYTES } from "../engine/provableLimits.ts";
import { batchFromBlock } from "./channelOut.ts";
import { checkSpanBatch } from "./checkSpanBatch.ts";
import type { SpanBatch } from "./spanBatch.ts";
import { FakeL1, type FakeL2, seededRandom, testConfig } from "./testing/fakes.ts";
import { nodeCodec } from "./testing/nodeCodec.ts";
import { randomTx } from "./testing/signedTxs.ts";
import { simulate } from "./testing/simulate.ts";
import type { L1BlockRef, L2BlockRef, L2Source } from "./types.ts";

const config = testConfig();
const l1 = new FakeL1();
let seq: FakeL2;
/** The safe head of most cases: block 23, the last of origin 3 (L2 blocks are 2 s apart, L1 blocks 12 s). */
let safe: L2BlockRef;

beforeAll(async () => {
  const s = await simulate({
    config,
    l1,
    codec: nodeCodec,
    algo: "zlib",
    rand: seededRandom(5),
    l1Blocks: 10,
    txsPerBlock: 2,
    makeTx: randomTx,
    blocksPerChannel: 100,
    maxFrameSize: 100_000,
    mode: "calldata",
  });
  seq = s.l2;
  safe = seq.chain[23]!;
});

/** The span batch of the sequencer's blocks `from..to`. */
function span(from: number, to: number): SpanBatch {
  const bs = seq.chain.slice(from, to + 1).map((r) => batchFromBlock(seq.block(r.hash)));
  return {
    parentCheck: fromHex(bs[0]!.parentHash).slice(0, 20),
    l1OriginCheck: fromHex(bs.at(-1)!.epochHash).slice(0, 20),
    blocks: bs.map((b) => ({ timestamp: b.timestamp, epochNum: b.epochNum, transactions: b.transactions })),
  };
}

const l1From = (n: number, count: number): L1BlockRef[] => l1.blocks.slice(n, n + count).map((b) => b.ref);

async function check(
  b: SpanBatch,
  o: { head?: L2BlockRef; l1Blocks?: L1BlockRef[]; inclusion?: number; l2?: L2Source } = {},
) {
  const head = o.head ?? safe;
  const n = o.inclusion ?? head.l1origin.number + 1;
  const inclusion = l1.blocks[n]?.ref ?? { ...l1.tip(), number: n };
  return checkSpanBatch(
    config,
    o.l1Blocks ?? l1From(head.l1origin.number, 5),
    head,
    b,
    inclusion,
    o.l2 ?? seq,
  );
}

const verdict = async (...args: Parameters<typeof check>) => (await check(...args)).validity;

describe("checkSpanBatch", () => {
  test("the chain's own blocks after the safe head are accepted, across epochs", async () => {
    expect(seq.chain[24]!.l1origin.number).toBe(safe.l1origin.number + 1);
    expect(await check(span(24, 24))).toEqual({ validity: "accept" });
    expect(await check(span(24, 33))).toEqual({ validity: "accept" });
    expect(await check(span(23, 23), { head: seq.chain[22] })).toEqual({ validity: "accept" });
    expect(await check(span(18, 25), { head: seq.chain[17] })).toEqual({ validity: "accept" });
  });

  test("a span starting after the next block is future; one ending at or before the safe head is dropped", async () => {
    expect(await verdict(span(25, 28))).toBe("future");
    expect((await check(span(15, 23))).reason).toMatch(/no new blocks/);
  });

  test("overlap with the safe chain: accepted when the overlapped blocks match", async () => {
    expect(await check(span(17, 26))).toEqual({ validity: "accept" });
    expect(await check(span(10, 24))).toEqual({ validity: "accept" });
  });

  test("overlap: a different transaction, count or L1 origin drops; an unreadable block is undecided", async () => {
    const a = span(17, 26);
    a.blocks[1]!.transactions = [...a.blocks[1]!.transactions];
    a.blocks[1]!.transactions[0] = randomTx(seededRandom(9));
    expect((await check(a)).reason).toMatch(/transaction 0 differs/);
    const b = span(17, 26);
    b.blocks[2]!.transactions = b.blocks[2]!.transactions.slice(1);
    expect((await check(b)).reason).toMatch(/has 2 transactions, the batch 1/);
    // Block 17 has origin 2, block 18 origin 3: claim 2 for block 18.
    const c = span(17, 26);
    expect(c.blocks[1]!.epochNum).toBe(3);
    c.blocks[1]!.epochNum = 2;
    expect((await check(c)).reason).toMatch(/overlapped block 18: L1 origin 3, the batch 2/);
    const broken: L2Source = {
      ...seq,
      l2BlockRefByNumber: (n) => seq.l2BlockRefByNumber(n),
      l2BlockRefByHash: (h) => seq.l2BlockRefByHash(h),
      systemConfigByL2Hash: (h) => seq.systemConfigByL2Hash(h),
      l2BlockByNumber: async () => {
        throw new Error("engine down");
      },
    };
    expect(await check(span(17, 26), { l2: broken })).toEqual({
      validity: "undecided",
      reason: "safe L2 block 17 unavailable: engine down",
    });
    const noParent: L2Source = {
      ...broken,
      l2BlockRefByNumber: async () => Promise.reject(new Error("gone")),
    };
    expect(await verdict(span(17, 26), { l2: noParent })).toBe("undecided");
  });

  test("misaligned timestamps and a parent before genesis are dropped", async () => {
    const a = span(17, 26);
    for (const b of a.blocks) b.timestamp += 1;
    expect((await check(a)).reason).toMatch(/whole number of blocks/);
    const b = span(24, 27);
    for (const x of b.blocks) x.timestamp -= 1;
    expect((await check(b)).reason).toMatch(/between the safe head/);
    const c = span(1, 26);
    for (const x of c.blocks) x.timestamp -= 2 * 2;
    expect((await check(c)).reason).toMatch(/before genesis/);
    // L1 origins that wrapped below block 0 (read as the far future) are dropped.
    const d = span(24, 27);
    d.blocks[0]!.epochNum = Number.MAX_SAFE_INTEGER;
    expect((await check(d)).reason).toMatch(/advance its L1 origin by at most one/);
  });

  test("parent check, L1 origin check, inclusion window", async () => {
    const a = span(24, 27);
    a.parentCheck = new Uint8Array(20);
    expect((await check(a)).reason).toMatch(/parent check/);
    const b = span(24, 27);
    b.l1OriginCheck = new Uint8Array(20);
    expect((await check(b)).reason).toMatch(/L1 origin check/);
    // Start epoch 4 + window 6 < inclusion 11.
    expect((await check(span(24, 27), { inclusion: 11 })).reason).toMatch(/included too late/);
    expect(await verdict(span(24, 27), { inclusion: 10 })).toBe("accept");
  });

  test("L1 origins: too far ahead, too old, the last one not buffered, the epoch's successor not buffered", async () => {
    const a = span(24, 27);
    for (const b of a.blocks) b.epochNum += 1;
    a.l1OriginCheck = fromHex(l1.blocks[5]!.ref.hash).slice(0, 20);
    expect((await check(a)).reason).toMatch(/advance its L1 origin by at most one/);
    const b = span(24, 27);
    for (const x of b.blocks) x.epochNum = 2;
    b.l1OriginCheck = fromHex(l1.blocks[2]!.ref.hash).slice(0, 20);
    expect((await check(b, { l1Blocks: l1From(2, 5) })).reason).toMatch(/too old/);
    expect(await check(span(24, 33), { l1Blocks: l1From(3, 2) })).toEqual({
      validity: "undecided",
      reason: "L1 origin 5 of the last block not known yet",
    });
    expect((await check(span(24, 27), { l1Blocks: l1From(3, 1) })).validity).toBe("undecided");
    // A block after the safe head whose origin is older than the first buffered L1 block.
    const c = span(21, 26);
    c.blocks[3]!.epochNum = 3;
    expect((await check(c, { l1Blocks: l1From(4, 3) })).reason).toMatch(
      /block 3: L1 origin 3 < current epoch 4/,
    );
  });

  test("timestamps against the L1 origin and the sequencer drift", async () => {
    const shifted = (dt: number) => l1From(3, 5).map((r) => ({ ...r, timestamp: r.timestamp + dt }));
    expect((await check(span(24, 27), { l1Blocks: shifted(1000) })).reason).toMatch(/< L1 origin timestamp/);
    // Origins 100 s older: blocks with transactions are past the drift.
    expect((await check(span(24, 27), { l1Blocks: shifted(-100) })).reason).toMatch(
      /max drift 60 with transactions/,
    );
    // Empty blocks past the drift: fine only while the next origin could not have been adopted.
    const empty = span(25, 27);
    for (const b of empty.blocks) b.transactions = [];
    const head = seq.chain[24]!;
    const origin = l1.blocks[4]!.ref;
    const late = { ...origin, timestamp: origin.timestamp - 100 };
    expect(await verdict(empty, { head, l1Blocks: [late] })).toBe("undecided");
    const next = l1.blocks[5]!.ref;
    expect((await check(empty, { head, l1Blocks: [late, { ...next, timestamp: 0 }] })).reason).toMatch(
      /without adopting the next L1 origin/,
    );
    expect(await verdict(empty, { head, l1Blocks: [late, { ...next, timestamp: 2e9 }] })).toBe("accept");
  });

  test("transactions: empty, deposits and Ore's MAX_TX_BYTES drop the batch", async () => {
    for (const [tx, re] of [
      [new Uint8Array(0), /transaction 1 is empty/],
      [Uint8Array.of(0x7e, 0xc0), /transaction 1 is a deposit/],
      [new Uint8Array(MAX_TX_BYTES + 1).fill(2), /too large: 262145 bytes > limit 262144/],
    ] as const) {
      const a = span(24, 27);
      a.blocks[2]!.transactions = [a.blocks[2]!.transactions[0]!, tx];
      expect((await check(a)).reason).toMatch(re);
    }
    const ok = span(24, 27);
    ok.blocks[2]!.transactions = [new Uint8Array(MAX_TX_BYTES).fill(2)];
    expect(await verdict(ok)).toBe("accept");
    // Overlapped blocks are compared with the safe chain, not checked again.
    expect(await verdict(span(19, 24))).toBe("accept");
  });
});
