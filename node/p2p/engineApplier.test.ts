import { describe, expect, test } from "bun:test";
import { toHex } from "../../core/bytes.ts";
import { makeChain } from "../../core/p2p/testing.ts";
import { UnsafeEngineApplier } from "./engineApplier.ts";
import { FakeEngine, FakeNode, idOf } from "./testing.ts";

const GENESIS = { hash: toHex(new Uint8Array(32).fill(9)), number: 0 };
const G = { number: 0n, hash: new Uint8Array(32).fill(9), timestamp: 1000n };

function setup() {
  const engine = new FakeEngine(GENESIS);
  const node = new FakeNode(GENESIS);
  const applier = new UnsafeEngineApplier({
    engine,
    heads: () => node.heads,
    onUnsafeHead: node.onUnsafeHead,
  });
  return { engine, node, applier };
}

describe("UnsafeEngineApplier", () => {
  test("applies a chain with newPayload + forkchoiceUpdated moving only the unsafe head", async () => {
    const { engine, node, applier } = setup();
    for (const env of makeChain(5, G)) expect(await applier.apply(env)).toBe("applied");
    expect(node.heads.unsafe.number).toBe(5);
    expect(engine.head).toEqual(node.heads.unsafe);
    expect(node.heads.safe).toEqual(GENESIS);
    expect(engine.newPayloads).toBe(5);
  });

  test("L1 wins: a derived block replaces the gossiped one; the old branch and old heights are dropped", async () => {
    const { engine, node, applier } = setup();
    const gossip = makeChain(5, G); // blocks 1..5 from the sequencer
    for (const env of gossip) await applier.apply(env);
    // L1 derivation yields a different block 3 (3') on block 2: the driver builds it and makes it
    // safe and unsafe, reorganizing 3..5 away.
    const two = idOf(gossip[1]!);
    const l1Chain = makeChain(
      3,
      { number: 2n, hash: gossip[1]!.executionPayload.blockHash, timestamp: 1004n },
      2n,
      1,
    );
    const three = idOf(l1Chain[0]!);
    engine.insert(three, two.hash);
    await engine.forkchoiceUpdatedV3({ headBlockHash: three.hash });
    node.heads = { unsafe: three, safe: three, finalized: GENESIS };
    // Late gossip of the old branch: block 6 on 5, and block 4 on the old 3.
    const six = makeChain(1, {
      number: 5n,
      hash: gossip[4]!.executionPayload.blockHash,
      timestamp: 1010n,
    })[0]!;
    expect(await applier.apply(six)).toBe("not-on-head");
    expect(await applier.apply(gossip[3]!)).toBe("not-on-head");
    // Heights L1 has decided are never touched by gossip.
    expect(await applier.apply(gossip[2]!)).toBe("below-safe");
    expect(await applier.apply(gossip[0]!)).toBe("below-safe");
    expect(engine.head).toEqual(three);
    // The sequencer continues on L1's chain: applied.
    expect(await applier.apply(l1Chain[1]!)).toBe("applied");
    expect(node.heads.unsafe).toEqual(idOf(l1Chain[1]!));
    expect(node.heads.safe).toEqual(three);
  });

  test("an invalid payload leaves the heads alone", async () => {
    const { engine, node, applier } = setup();
    const [one] = makeChain(1, G);
    one!.executionPayload.gasUsed += 1n; // hash no longer matches
    expect(await applier.apply(one!)).toBe("invalid");
    expect(node.heads.unsafe).toEqual(GENESIS);
    expect(engine.head).toEqual(GENESIS);
  });

  test("engine calls go through the node's lock", async () => {
    const { engine, node } = setup();
    let locked = 0;
    const applier = new UnsafeEngineApplier({
      engine,
      heads: () => node.heads,
      onUnsafeHead: node.onUnsafeHead,
      lock: async (fn) => {
        locked++;
        return fn();
      },
    });
    await applier.apply(makeChain(1, G)[0]!);
    expect(locked).toBe(1);
  });
});
