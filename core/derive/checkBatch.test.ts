import { describe, expect, test } from "bun:test";
import { MAX_TX_BYTES } from "../engine/provableLimits.ts";
import type { SingularBatch } from "./batch.ts";
import { type BatchValidity, checkBatch } from "./checkBatch.ts";
import { testConfig } from "./testing/fakes.ts";
import type { Hex, L1BlockRef, L2BlockRef } from "./types.ts";

const config = testConfig({ blockTime: 2, seqWindowSize: 6, maxSequencerDrift: 60 });
const h = (s: string): Hex => `0x${s.repeat(64).slice(0, 64)}`;
const l1 = (n: number, timestamp: number): L1BlockRef => ({
  hash: h(`${n}a`),
  number: n,
  parentHash: h(`${n - 1}a`),
  timestamp,
});
const L10 = l1(10, 1000);
const L11 = l1(11, 1012);
const safe: L2BlockRef = {
  hash: h("5afe"),
  number: 50,
  parentHash: h("0"),
  timestamp: 1008,
  l1origin: { hash: L10.hash, number: 10 },
  sequenceNumber: 4,
};
const tx = Uint8Array.of(2, 1, 2, 3);
const base: SingularBatch = {
  parentHash: safe.hash,
  epochNum: 10,
  epochHash: L10.hash,
  timestamp: 1010,
  transactions: [tx],
};

function check(
  b: Partial<SingularBatch>,
  opts: { l1Blocks?: L1BlockRef[]; inclusion?: number; head?: L2BlockRef } = {},
): BatchValidity {
  return checkBatch(config, opts.l1Blocks ?? [L10, L11], opts.head ?? safe, {
    batch: { ...base, ...b },
    inclusionBlock: l1(opts.inclusion ?? 12, 0),
  }).validity;
}

describe("batch validity (rules in spec order)", () => {
  test("accept: next timestamp, safe head parent, current epoch", () => {
    expect(check({})).toBe("accept");
    expect(check({ transactions: [] })).toBe("accept");
  });
  test("future: timestamp past the next slot", () => expect(check({ timestamp: 1012 })).toBe("future"));
  test("drop: timestamp before the next slot", () => expect(check({ timestamp: 1008 })).toBe("drop"));
  test("drop: parent hash is not the safe head", () => expect(check({ parentHash: h("bad") })).toBe("drop"));
  test("sequencing window: included at epoch + window is fine, one block later is dropped", () => {
    expect(check({}, { inclusion: 16 })).toBe("accept");
    expect(check({}, { inclusion: 17 })).toBe("drop");
  });
  test("drop: epoch older than the safe head's", () => expect(check({ epochNum: 9 })).toBe("drop"));
  test("epoch + 1: undecided until the next L1 block is known, then accepted", () => {
    expect(
      check(
        { epochNum: 11, epochHash: L11.hash, timestamp: 1012 },
        { l1Blocks: [L10], head: { ...safe, timestamp: 1010 } },
      ),
    ).toBe("undecided");
    expect(
      check({ epochNum: 11, epochHash: L11.hash, timestamp: 1012 }, { head: { ...safe, timestamp: 1010 } }),
    ).toBe("accept");
  });
  test("drop: epoch advances by more than one", () =>
    expect(check({ epochNum: 12, epochHash: h("12a") })).toBe("drop"));
  test("drop: epoch hash is not the L1 block's", () => {
    expect(check({ epochHash: h("0ther") })).toBe("drop");
    expect(
      check({ epochNum: 11, epochHash: L10.hash, timestamp: 1012 }, { head: { ...safe, timestamp: 1010 } }),
    ).toBe("drop");
  });
  test("drop: timestamp before the L1 origin's", () => {
    // Adopting L11 (time 1012) for an L2 block at 1010.
    expect(check({ epochNum: 11, epochHash: L11.hash })).toBe("drop");
  });

  describe("max sequencer drift", () => {
    const late = { ...safe, timestamp: 1060 }; // next = 1062 > 1000 + 60
    test("drop: transactions past the drift", () =>
      expect(check({ timestamp: 1062 }, { head: late })).toBe("drop"));
    test("empty batch past the drift: undecided without the next L1 block", () =>
      expect(check({ timestamp: 1062, transactions: [] }, { head: late, l1Blocks: [L10] })).toBe(
        "undecided",
      ));
    test("empty batch past the drift: dropped if it could have adopted the next origin", () =>
      expect(check({ timestamp: 1062, transactions: [] }, { head: late })).toBe("drop"));
    test("empty batch past the drift: accepted while the next L1 block is still in the future", () => {
      const L11late = l1(11, 1100);
      expect(check({ timestamp: 1062, transactions: [] }, { head: late, l1Blocks: [L10, L11late] })).toBe(
        "accept",
      );
    });
    test("an empty batch adopting the next origin is judged against that origin", () => {
      const L11late = l1(11, 1040);
      expect(
        check(
          { timestamp: 1062, transactions: [], epochNum: 11, epochHash: L11late.hash },
          { head: late, l1Blocks: [L10, L11late] },
        ),
      ).toBe("accept");
    });
  });

  test("drop: an empty transaction or a deposit in the batch", () => {
    expect(check({ transactions: [tx, new Uint8Array(0)] })).toBe("drop");
    expect(check({ transactions: [Uint8Array.of(0x7e, 1)] })).toBe("drop");
  });

  test("Ore: a transaction of MAX_TX_BYTES is accepted, one byte more drops the whole batch", () => {
    const sized = (n: number) => {
      const t = new Uint8Array(n);
      t[0] = 2;
      return t;
    };
    expect(check({ transactions: [tx, sized(MAX_TX_BYTES), tx] })).toBe("accept");
    for (const at of [0, 1, 2]) {
      const txs = [tx, tx, tx];
      txs[at] = sized(MAX_TX_BYTES + 1);
      const r = checkBatch(config, [L10, L11], safe, {
        batch: { ...base, transactions: txs },
        inclusionBlock: l1(12, 0),
      });
      expect(r).toEqual({
        validity: "drop",
        reason: `transaction ${at} too large: ${MAX_TX_BYTES + 1} bytes > limit ${MAX_TX_BYTES} (unprovable in one step)`,
      });
    }
    // Legacy (RLP list) transactions are measured the same way: their whole encoding.
    expect(check({ transactions: [Uint8Array.of(0xf9, ...new Uint8Array(MAX_TX_BYTES))] })).toBe("drop");
  });
});
