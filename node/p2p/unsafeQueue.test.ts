import { describe, expect, test } from "bun:test";
import { toHex } from "../../core/bytes.ts";
import type { ExecutionPayloadEnvelope } from "../../core/p2p/executionPayload.ts";
import { makeChain } from "../../core/p2p/testing.ts";
import { idOf } from "./testing.ts";
import { UnsafeQueue } from "./unsafeQueue.ts";

const G = { number: 0n, hash: new Uint8Array(32).fill(1), timestamp: 1000n };
const GENESIS = { hash: toHex(G.hash), number: 0 };

function harness(served: (n: bigint) => ExecutionPayloadEnvelope | undefined) {
  let head = GENESIS;
  const delivered: number[] = [];
  const penalized: string[] = [];
  const q = new UnsafeQueue({
    head: () => head,
    deliver: async (env) => {
      delivered.push(Number(env.executionPayload.blockNumber));
      head = idOf(env);
    },
    fetch: async (n) => {
      const env = served(n);
      return env ? { envelope: env, peer: "server" } : null;
    },
    penalize: (p) => penalized.push(p),
    retryMs: 2,
  });
  return { q, delivered, penalized, head: () => head };
}

async function settle(q: UnsafeQueue): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await q.schedule();
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe("UnsafeQueue", () => {
  test("delivers out-of-order gossip in order", async () => {
    const chain = makeChain(6, G);
    const h = harness(() => undefined);
    for (const i of [2, 0, 1, 5, 4, 3]) h.q.add(chain[i]!, true);
    await settle(h.q);
    expect(h.delivered).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test("fills a gap by number, trusting fetched blocks only when they link to a signed one", async () => {
    const chain = makeChain(10, G);
    const h = harness((n) => chain[Number(n) - 1]);
    h.q.add(chain[9]!, true); // only block 10 arrives by gossip
    await settle(h.q);
    expect(h.delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(h.q.stats.fetched).toBe(9);
  });

  test("a fetched block that does not link is dropped and its server penalized", async () => {
    const chain = makeChain(4, G);
    const other = makeChain(4, G, 2n, 7); // a different branch
    let lie = true;
    const h = harness((n) => (n === 3n && lie ? other[2] : chain[Number(n) - 1]));
    h.q.add(chain[3]!, true);
    await settle(h.q);
    expect(h.penalized).toContain("server");
    lie = false;
    await settle(h.q);
    expect(h.delivered).toEqual([1, 2, 3, 4]);
  });

  test("a block extending another branch than the head is not delivered", async () => {
    const other = makeChain(2, G, 2n, 3);
    const h = harness(() => undefined);
    const mine = makeChain(1, G)[0]!;
    h.q.add(mine, true);
    await settle(h.q);
    h.q.add(other[1]!, true); // block 2 of another branch
    await settle(h.q);
    expect(h.delivered).toEqual([1]);
    expect(h.q.stats.conflicts).toBe(1);
  });

  test("a fetched block on another branch is not re-requested before the retry delay", async () => {
    const mine = makeChain(1, G)[0]!;
    const other = makeChain(2, G, 2n, 3); // block 2 of this branch does not extend `mine`
    let now = 0;
    const asked: number[] = [];
    let head = GENESIS;
    const q = new UnsafeQueue({
      head: () => head,
      deliver: async (env) => {
        head = idOf(env);
      },
      fetch: async (n) => {
        asked.push(Number(n));
        return n === 2n ? { envelope: other[1]!, peer: "server" } : null;
      },
      retryMs: 1000,
      now: () => now,
    });
    q.add(mine, true);
    q.add(makeChain(3, G, 2n, 3)[2]!, true); // a signed block 3 above the gap
    await settle(q);
    const before = asked.filter((n) => n === 2).length;
    await settle(q);
    expect(asked.filter((n) => n === 2).length).toBe(before);
    now += 1001;
    await settle(q);
    expect(asked.filter((n) => n === 2).length).toBeGreaterThan(before);
  });
});
