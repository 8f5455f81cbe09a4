import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { decodeDeposit } from "../engine/depositTx.ts";
import { MAX_L2_GAS_LIMIT, MAX_TX_BYTES } from "../engine/provableLimits.ts";
import { PipelineError } from "../errors.ts";
import { decodeAbiBytesArg } from "./batchFeed.ts";
import { DerivationPipeline, type PipelineOptions } from "./pipeline.ts";
import type { DerivationEvent } from "./stage.ts";
import {
  ADDR,
  FakeL1,
  FakeL2,
  type FakeTx,
  fakeTx,
  fakeUserTx,
  randomBytes,
  seededRandom,
  testConfig,
} from "./testing/fakes.ts";
import { nodeCodec } from "./testing/nodeCodec.ts";
import { deriveAll, type SimOptions, simulate } from "./testing/simulate.ts";
import type { AttributesWithParent, L2BlockRef } from "./types.ts";

const hashes = (chain: readonly L2BlockRef[]) => chain.map((r) => r.hash);

function sim(over: Partial<SimOptions> = {}) {
  const config = over.config ?? testConfig();
  const l1 = over.l1 ?? new FakeL1();
  return simulate({
    config,
    l1,
    codec: nodeCodec,
    algo: "zlib",
    rand: seededRandom(42),
    l1Blocks: 12,
    txsPerBlock: 3,
    blocksPerChannel: 4,
    maxFrameSize: 400,
    mode: "calldata",
    depositsEvery: 3,
    ...over,
  }).then((r) => ({ ...r, config, l1 }));
}

function opts(events?: DerivationEvent[]): PipelineOptions {
  return { decompressor: nodeCodec, onEvent: events ? (e) => events.push(e) : undefined };
}

/** The sequencer's chain up to the last block the verifier could derive. */
function expectSameChain(verifier: FakeL2, sequencer: FakeL2, minBlocks: number) {
  const v = hashes(verifier.chain);
  expect(v.length).toBeGreaterThanOrEqual(minBlocks);
  expect(v).toEqual(hashes(sequencer.chain).slice(0, v.length));
}

describe("ChannelOut → BatchFeed → pipeline round trip", () => {
  for (const algo of ["zlib", "brotli"] as const) {
    for (const mode of ["calldata", "blob"] as const) {
      test(`${algo}, ${mode}: the verifier derives the sequencer's chain`, async () => {
        const s = await sim({ algo, mode, maxFrameSize: mode === "blob" ? 2000 : 300, shuffleFrames: true });
        const events: DerivationEvent[] = [];
        const v = await deriveAll(s.config, s.l1, opts(events));
        // Every block but the last L1 block's worth (posted in a block not built yet) is derived.
        expectSameChain(v.l2, s.l2, s.l2.chain.length - 7);
        expect(events).toEqual([]);
      });
    }
  }

  test("two pipelines given the same L1 derive byte-identical attributes", async () => {
    const s = await sim({ algo: "brotli" });
    const a = await deriveAll(s.config, s.l1, opts());
    const b = await deriveAll(s.config, s.l1, opts());
    expect(a.attributes.length).toBeGreaterThan(30);
    expect(b.attributes).toEqual(a.attributes);
  });
});

describe("attributes", () => {
  test("L1 info deposit first, then the epoch's deposits on its first block only, then the batch", async () => {
    const s = await sim({ l1Blocks: 10, depositsEvery: 2 });
    const v = await deriveAll(s.config, s.l1, opts());
    const byOrigin = new Map<number, AttributesWithParent[]>();
    for (const [i, r] of v.results.entries()) {
      const origin = v.l2.chain[i + 1]!.l1origin.number;
      byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), r]);
    }
    let depositsSeen = 0;
    for (const [origin, blocks] of byOrigin) {
      const expected = origin > 0 && origin % 2 === 0 ? 1 : 0;
      blocks.forEach((r, seq) => {
        const txs = r.attributes.transactions;
        const info = decodeDeposit(txs[0]!);
        expect(toHex(info.to!)).toBe("0x4200000000000000000000000000000000000015");
        const deposits = txs.slice(1).filter((t) => t[0] === 0x7e);
        expect(deposits.length).toBe(seq === 0 ? expected : 0);
        // Deposits come right after the L1 info deposit, before the batch's transactions.
        expect(txs.slice(1, 1 + deposits.length).every((t) => t[0] === 0x7e)).toBe(true);
        depositsSeen += deposits.length;
        expect(r.attributes.noTxPool).toBe(true);
      });
    }
    expect(depositsSeen).toBe(Math.floor(Math.max(...byOrigin.keys()) / 2));
  });

  test("blocks carry the L1 origin's randao and beacon root, the config's gas limit, the fee vault", async () => {
    const s = await sim({ l1Blocks: 4 });
    const v = await deriveAll(s.config, s.l1, opts());
    const r = v.results[0]!;
    const info = await s.l1.blockInfo(v.l2.chain[1]!.l1origin.hash);
    expect(r.attributes.prevRandao).toBe(info.mixHash);
    expect(r.attributes.parentBeaconBlockRoot).toBe(info.parentBeaconBlockRoot!);
    expect(r.attributes.gasLimit).toBe(30_000_000n);
    expect(r.attributes.suggestedFeeRecipient).toBe("0x4200000000000000000000000000000000000011");
    expect(r.attributes.withdrawals).toEqual([]);
  });
});

describe("bad batcher data is dropped without stalling", () => {
  test("garbage, truncated, duplicate, wrong-sender, reverted and uncommitted transactions", async () => {
    const rand = seededRandom(9);
    const garbage = (n: number): FakeTx[] => [
      fakeTx.calldataBatch(randomBytes(rand, 50 + n)),
      fakeTx.calldataBatch(Uint8Array.of(0, ...randomBytes(rand, 40))),
      fakeTx.calldataBatch(Uint8Array.of(0, ...new Uint8Array(16), 0, 0, 0, 0, 0, 9, 1)),
      fakeTx.calldataBatch(Uint8Array.of(0, ...randomBytes(rand, 16), 0, 0, 0, 0, 0, 1, 0x78, 1)),
      fakeTx.calldataBatch(Uint8Array.of(0, ...randomBytes(rand, 16), 0, 0, 0, 0, 0, 1, 0x78, 1), {
        from: ADDR.stranger,
      }),
      fakeTx.calldataBatch(Uint8Array.of(0, 1, 2), { status: false }),
      fakeTx.calldataBatch(Uint8Array.of(0, 1, 2), { commitment: new Uint8Array(32) }),
    ];
    const s = await sim({ extraTxs: garbage, duplicate: true, shuffleFrames: true });
    const events: DerivationEvent[] = [];
    const v = await deriveAll(s.config, s.l1, opts(events));
    expectSameChain(v.l2, s.l2, s.l2.chain.length - 7);
    const kinds = new Set(events.map((e) => `${e.stage}:${e.kind}`));
    expect(kinds.has("l1-retrieval:batch-tx-ignored")).toBe(true);
    expect(kinds.has("frame-queue:data-dropped")).toBe(true);
    expect(kinds.has("channel-bank:frame-dropped")).toBe(true);
  });
});

describe("random corruption", () => {
  test("flipped, cut and spliced batcher data never throws or stalls derivation", async () => {
    const rand = seededRandom(1234);
    for (let round = 0; round < 4; round++) {
      const s = await sim({ l1Blocks: 10, algo: round % 2 ? "brotli" : "zlib", rand: seededRandom(round) });
      let corrupted = 0;
      for (const b of s.l1.blocks) {
        b.txs = b.txs.map((t) => {
          const data = t.tx.to === ADDR.batchFeed ? decodeAbiBytesArg(t.tx.input) : null;
          if (data === null || rand() < 0.5) return t;
          corrupted++;
          const d = data.slice();
          const r = rand();
          if (r < 0.4) d[Math.floor(rand() * d.length)] ^= 1 << Math.floor(rand() * 8);
          else if (r < 0.7) return fakeTx.calldataBatch(d.subarray(0, Math.floor(rand() * d.length)));
          else
            d.set(randomBytes(rand, Math.min(8, d.length)), Math.floor(rand() * Math.max(1, d.length - 8)));
          return fakeTx.calldataBatch(d);
        });
      }
      expect(corrupted).toBeGreaterThan(5);
      const v = await deriveAll(s.config, s.l1, opts());
      const chain = v.l2.chain;
      for (let i = 1; i < chain.length; i++) {
        expect(chain[i]!.timestamp).toBe(chain[i - 1]!.timestamp + s.config.blockTime);
        expect(chain[i]!.l1origin.number - chain[i - 1]!.l1origin.number).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe("sequencing window", () => {
  test("with no batches, empty blocks (deposits only) are derived once each epoch's window passes", async () => {
    const config = testConfig({ seqWindowSize: 4 });
    const s = await sim({ config, postIn: () => false, depositsEvery: 2, l1Blocks: 16 });
    const v = await deriveAll(config, s.l1, opts());
    const chain = v.l2.chain;
    // Epochs up to tip - window are complete: 16 - 4 = 12 epochs of 6 blocks.
    expect(chain.at(-1)!.l1origin.number).toBeGreaterThanOrEqual(11);
    for (let i = 1; i < chain.length; i++) {
      const [p, b] = [chain[i - 1]!, chain[i]!];
      expect(b.timestamp).toBe(p.timestamp + config.blockTime);
      expect(b.l1origin.number - p.l1origin.number).toBeLessThanOrEqual(1);
      expect(b.sequenceNumber).toBe(b.l1origin.number === p.l1origin.number ? p.sequenceNumber + 1 : 0);
      expect(b.timestamp).toBeGreaterThanOrEqual(s.l1.blocks[b.l1origin.number]!.ref.timestamp);
    }
    for (const r of v.results) {
      expect(r.attributes.transactions.every((t) => t[0] === 0x7e)).toBe(true);
    }
    // Forced inclusion: every deposit of a derived epoch made it in.
    const deposits = v.results.flatMap((r) => r.attributes.transactions.slice(1));
    expect(deposits.length).toBe(Math.floor(chain.at(-1)!.l1origin.number / 2));
  });

  test("batches included after the window are dropped; derivation continues with empty blocks", async () => {
    const config = testConfig({ seqWindowSize: 3 });
    // The batcher stalls for L1 blocks 3..8, then posts everything late.
    const s = await sim({ config, postIn: (n) => n < 3 || n > 8, l1Blocks: 14 });
    const events: DerivationEvent[] = [];
    const v = await deriveAll(config, s.l1, opts(events));
    expect(events.some((e) => e.kind === "batch-dropped")).toBe(true);
    const seq = hashes(s.l2.chain);
    const ver = hashes(v.l2.chain);
    // The chains agree up to the last batch posted in time, then differ (empty blocks).
    const firstDiff = ver.findIndex((h, i) => h !== seq[i]);
    expect(firstDiff).toBeGreaterThan(5);
    expect(v.l2.chain.length).toBeGreaterThan(firstDiff + 10);
  });
});

describe("Ore: transactions over MAX_TX_BYTES", () => {
  test("a batch with one is dropped; the window then fills its slot with a deposit-only block", async () => {
    const config = testConfig({ seqWindowSize: 4 });
    // The sequencer puts a transaction of exactly the limit into an early block and one a byte
    // over it into a later block (zero-filled, so the channels stay small).
    const sized = (n: number) => {
      const t = new Uint8Array(n);
      t[0] = 2;
      return t;
    };
    let made = 0;
    const makeTx = (rand: () => number) => {
      made++;
      if (made === 8) return sized(MAX_TX_BYTES);
      if (made === 40) return sized(MAX_TX_BYTES + 1);
      return fakeUserTx(rand);
    };
    const s = await sim({ config, makeTx, l1Blocks: 16, depositsEvery: 1, maxFrameSize: 20_000 });
    const holding = (l2: FakeL2, len: number) =>
      l2.chain.findIndex((r) => l2.block(r.hash).transactions.some((t) => t.length === len));
    const atLimit = holding(s.l2, MAX_TX_BYTES);
    const over = holding(s.l2, MAX_TX_BYTES + 1);
    expect(atLimit).toBeGreaterThan(0);
    expect(over).toBeGreaterThan(atLimit);

    const events: DerivationEvent[] = [];
    const v = await deriveAll(config, s.l1, opts(events));
    const ver = hashes(v.l2.chain);
    // Up to the block before the oversized transaction the chains agree (the block at the limit
    // included), and no derived block holds a transaction over the limit.
    expect(ver.slice(0, over)).toEqual(hashes(s.l2.chain).slice(0, over));
    expect(holding(v.l2, MAX_TX_BYTES)).toBe(atLimit);
    expect(holding(v.l2, MAX_TX_BYTES + 1)).toBe(-1);
    expect(ver[over]).not.toBe(s.l2.chain[over]!.hash);
    expect(
      events.some(
        (e) =>
          e.kind === "batch-dropped" &&
          e.reason.includes(`too large: ${MAX_TX_BYTES + 1} bytes > limit ${MAX_TX_BYTES}`),
      ),
    ).toBe(true);
    // The slot is filled by the sequencing window: deposits only (its epoch's, if it opens one).
    const slot = v.results[over - 1]!;
    expect(slot.parent.hash).toBe(s.l2.chain[over - 1]!.hash);
    expect(slot.attributes.transactions.every((t) => t[0] === 0x7e)).toBe(true);
    const l1Origin = v.l2.chain[over]!.l1origin.number;
    const opensEpoch = v.l2.chain[over - 1]!.l1origin.number !== l1Origin;
    expect(slot.attributes.transactions.length).toBe(opensEpoch ? 2 : 1);
    // Derivation goes on past it (empty blocks, as for any batch the window gave up on).
    expect(v.l2.chain.length).toBeGreaterThan(over + 10);
  });
});

describe("system config", () => {
  test("a batcher change applies from its L1 block: the new batcher's data counts, the old one's is ignored", async () => {
    const change = 5;
    const s = await sim({
      l1Blocks: 12,
      extraTxs: (n) => (n === change ? [fakeTx.setBatcher(ADDR.batcher2)] : []),
      // Transactions built after block change - 1 land in block `change`, where the new batcher applies.
      batcherFrom: (n) => (n >= change - 1 ? ADDR.batcher2 : ADDR.batcher),
    });
    const v = await deriveAll(s.config, s.l1, opts());
    expectSameChain(v.l2, s.l2, s.l2.chain.length - 7);
    // The L1 info deposit of blocks in epochs >= change carries the new batcher.
    const late = v.results.find((_, i) => v.l2.chain[i + 1]!.l1origin.number >= change)!;
    expect(toHex(late.attributes.transactions[0]!.subarray(-20))).toBe(ADDR.batcher2);
  });

  test("after a batcher change the old batcher's transactions are ignored", async () => {
    const config = testConfig({ seqWindowSize: 3 });
    const s = await sim({
      config,
      l1Blocks: 12,
      extraTxs: (n) => (n === 4 ? [fakeTx.setBatcher(ADDR.batcher2)] : []),
    });
    const events: DerivationEvent[] = [];
    const v = await deriveAll(config, s.l1, opts(events));
    expect(events.some((e) => e.kind === "batch-tx-ignored" && e.reason.includes("is not the batcher"))).toBe(
      true,
    );
    const firstDiff = hashes(v.l2.chain).findIndex((h, i) => h !== s.l2.chain[i]?.hash);
    expect(firstDiff).toBeGreaterThan(0);
  });

  test("a gas limit update changes the gas limit from its epoch on", async () => {
    const s = await sim({ l1Blocks: 8, extraTxs: (n) => (n === 3 ? [fakeTx.setGasLimit(40_000_000n)] : []) });
    const v = await deriveAll(s.config, s.l1, opts());
    v.results.forEach((r, i) => {
      expect(r.attributes.gasLimit).toBe(v.l2.chain[i + 1]!.l1origin.number >= 3 ? 40_000_000n : 30_000_000n);
    });
    expectSameChain(v.l2, s.l2, 20);
  });

  test("Ore: a gas limit update over 45M is ignored and reported; blocks keep the limit in force", async () => {
    const s = await sim({
      l1Blocks: 8,
      extraTxs: (n) =>
        n === 2
          ? [fakeTx.setGasLimit(40_000_000n)]
          : n === 4
            ? [fakeTx.setGasLimit(MAX_L2_GAS_LIMIT + 1n)]
            : n === 6
              ? [fakeTx.setGasLimit(MAX_L2_GAS_LIMIT)]
              : [],
    });
    const events: DerivationEvent[] = [];
    const v = await deriveAll(s.config, s.l1, opts(events));
    const want = (origin: number) =>
      origin >= 6 ? MAX_L2_GAS_LIMIT : origin >= 2 ? 40_000_000n : 30_000_000n;
    v.results.forEach((r, i) => {
      expect(r.attributes.gasLimit).toBe(want(v.l2.chain[i + 1]!.l1origin.number));
    });
    expect(v.l2.chain.at(-1)!.l1origin.number).toBeGreaterThanOrEqual(6);
    const ignored = events.filter((e) => e.kind === "config-update-ignored");
    expect(ignored.length).toBeGreaterThan(0);
    expect(ignored.every((e) => e.stage === "l1-traversal" && e.origin.number === 4)).toBe(true);
    expect(ignored[0]!.reason).toContain(`gas limit ${MAX_L2_GAS_LIMIT + 1n} > limit ${MAX_L2_GAS_LIMIT}`);
    expect(v.pipeline.metrics.get("l1-traversal:config-update-ignored")).toBe(ignored.length);
  });

  test("a malformed SystemConfig log is a critical error", async () => {
    const config = testConfig();
    const l1 = new FakeL1();
    l1.addBlock();
    l1.addBlock([fakeTx.rawConfigUpdate(0, new Uint8Array(7))]);
    const err = await deriveAll(config, l1, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).severity).toBe("critical");
  });
});

describe("reset and errors", () => {
  test("resetting at any safe head and deriving on gives the same chain as one run", async () => {
    const s = await sim({ l1Blocks: 14, blocksPerChannel: 7 });
    const full = await deriveAll(s.config, s.l1, opts());
    for (const cut of [5, 17, 30]) {
      const verifier = new FakeL2(s.config);
      for (const r of full.results.slice(0, cut)) verifier.execute(r.parent, r.attributes);
      const resumed = await deriveAll(s.config, s.l1, opts(), verifier);
      expect(hashes(resumed.l2.chain)).toEqual(hashes(full.l2.chain));
    }
  });

  test("resetting at a safe head whose L1 origin is the block after the genesis L1 block", async () => {
    // The reset base is then the genesis L1 block itself: the batch queue must drop it once the
    // traversal reaches the safe head's origin, or every step asks for another reset.
    const s = await sim({ l1Blocks: 8 });
    const full = await deriveAll(s.config, s.l1, opts());
    const cuts = full.l2.chain
      .map((r, i) => [r, i] as const)
      .filter(([r]) => r.l1origin.number === s.config.genesis.l1.number + 1)
      .map(([, i]) => i);
    expect(cuts.length).toBeGreaterThan(0);
    for (const cut of cuts) {
      const verifier = new FakeL2(s.config);
      for (const r of full.results.slice(0, cut)) verifier.execute(r.parent, r.attributes);
      expect(verifier.head().l1origin.number).toBe(s.config.genesis.l1.number + 1);
      const resumed = await deriveAll(s.config, s.l1, opts(), verifier);
      expect(hashes(resumed.l2.chain)).toEqual(hashes(full.l2.chain));
    }
  });

  test("an L1 reorg is a reset error; after reset the pipeline follows the new L1", async () => {
    const s = await sim({ l1Blocks: 10 });
    const verifier = new FakeL2(s.config);
    const p = new DerivationPipeline(s.config, s.l1, verifier, opts());
    await p.reset(verifier.head());
    for (;;) {
      const a = await p.nextAttributes(verifier.head());
      if (a === null) break;
      verifier.execute(a.parent, a.attributes);
    }
    // Replace L1 blocks 7.. with a fork that carries no batches.
    s.l1.reorgTo(6, "fork");
    for (let i = 0; i < 10; i++) s.l1.addBlock();
    const err = await p.step(verifier.head()).catch((e) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).severity).toBe("reset");
    // The driver walks back as op-node's FindL2Heads does: past the blocks whose L1 origin is gone,
    // then a whole sequencing window further (their batches may have been in reorged blocks).
    const canonical = async (r: L2BlockRef) =>
      (await s.l1.blockRefByNumber(r.l1origin.number))?.hash === r.l1origin.hash;
    let safe = verifier.head();
    while (!(await canonical(safe))) safe = await verifier.l2BlockRefByHash(safe.parentHash);
    const highest = safe.l1origin.number;
    while (
      safe.number > 0 &&
      !(safe.sequenceNumber === 0 && safe.l1origin.number + s.config.seqWindowSize < highest)
    ) {
      safe = await verifier.l2BlockRefByHash(safe.parentHash);
    }
    if (safe.number > 0) safe = await verifier.l2BlockRefByHash(safe.parentHash);
    const rederived = await deriveAll(s.config, s.l1, opts(), verifier.rewind(safe));
    const fresh = await deriveAll(s.config, s.l1, opts());
    expect(hashes(rederived.l2.chain)).toEqual(hashes(fresh.l2.chain));
  });

  test("source failures are temporary errors; the step succeeds on retry", async () => {
    const s = await sim({ l1Blocks: 6 });
    const verifier = new FakeL2(s.config);
    const p = new DerivationPipeline(s.config, s.l1, verifier, opts());
    await p.reset(verifier.head());
    let failures = 0;
    for (let i = 0; ; i++) {
      if (i % 3 === 0) s.l1.failWith = new Error("connection refused");
      let r: Awaited<ReturnType<typeof p.step>>;
      try {
        r = await p.step(verifier.head());
      } catch (e) {
        expect((e as PipelineError).severity).toBe("temporary");
        failures++;
        s.l1.failWith = null;
        continue;
      }
      s.l1.failWith = null;
      if (r.kind === "eof") break;
      if (r.kind === "attributes") verifier.execute(r.value.parent, r.value.attributes);
    }
    expect(failures).toBeGreaterThan(5);
    expectSameChain(verifier, (await deriveAll(s.config, s.l1, opts())).l2, 10);
  });

  test("eof at the L1 head; new L1 blocks let derivation continue", async () => {
    const s = await sim({ l1Blocks: 10 });
    s.l1.head = 5;
    const verifier = new FakeL2(s.config);
    const p = new DerivationPipeline(s.config, s.l1, verifier, opts());
    await p.reset(verifier.head());
    for (;;) {
      const a = await p.nextAttributes(verifier.head());
      if (a === null) break;
      verifier.execute(a.parent, a.attributes);
    }
    expect(p.origin().number).toBe(5);
    const before = verifier.chain.length;
    s.l1.head = Number.POSITIVE_INFINITY;
    const rest = await deriveAll(s.config, s.l1, opts(), verifier);
    expect(rest.l2.chain.length).toBeGreaterThan(before);
    expectSameChain(rest.l2, s.l2, 40);
  });

  test("stepping before reset is a reset error", async () => {
    const config = testConfig();
    const l2 = new FakeL2(config);
    const p = new DerivationPipeline(config, new FakeL1(), l2, opts());
    const err = await p.step(l2.head()).catch((e) => e);
    expect((err as PipelineError).severity).toBe("reset");
  });
});
