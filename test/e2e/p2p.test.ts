/**
 * The p2p service end to end, with real libp2p nodes on loopback: gossip propagation through a
 * relay, verifiers applying blocks to (fake) engines, rejection and scoring of bad messages,
 * banning, and a late joiner catching up over `payload_by_number`. Every wait is bounded.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { toHex } from "../../core/bytes.ts";
import { MAX_TX_BYTES } from "../../core/engine/provableLimits.ts";
import { encodeBlockMessage, localSigner, signBlockMessage } from "../../core/p2p/blockMessage.ts";
import type { ExecutionPayloadEnvelope } from "../../core/p2p/executionPayload.ts";
import { privateKeyToAddress } from "../../core/p2p/signature.ts";
import { snappyCompress } from "../../core/p2p/snappy.ts";
import { makeChain, makeEnvelope, seededBytes } from "../../core/p2p/testing.ts";
import { UnsafeEngineApplier } from "../../node/p2p/engineApplier.ts";
import { P2PNode, type P2PNodeOptions } from "../../node/p2p/index.ts";
import { FakeEngine, FakeNode, idOf } from "../../node/p2p/testing.ts";

const CHAIN_ID = 901n;
const SEQ_KEY = seededBytes(1001, 32);
const SIGNER = privateKeyToAddress(SEQ_KEY);
const GENESIS_HASH = new Uint8Array(32).fill(0x42);
const GENESIS = { hash: toHex(GENESIS_HASH), number: 0 };
const started: P2PNode[] = [];

afterAll(async () => {
  await Promise.all(started.map((n) => n.stop().catch(() => {})));
});

async function node(extra: Partial<P2PNodeOptions> = {}): Promise<P2PNode> {
  const n = await P2PNode.start({
    chainId: CHAIN_ID,
    listen: ["/ip4/127.0.0.1/tcp/0"],
    unsafeBlockSigner: SIGNER,
    heartbeatMs: 200,
    ...extra,
  });
  started.push(n);
  return n;
}

/** A verifier: a p2p node whose payloads go through the applier into a fake engine. */
async function verifier(extra: Partial<P2PNodeOptions> = {}) {
  const engine = new FakeEngine(GENESIS);
  const fake = new FakeNode(GENESIS);
  const applier = new UnsafeEngineApplier({
    engine,
    heads: () => fake.heads,
    onUnsafeHead: fake.onUnsafeHead,
  });
  const p2p = await node({
    unsafeHead: () => applier.unsafeHead(),
    onUnsafePayload: async (env) => {
      await applier.apply(env);
    },
    ...extra,
  });
  return { p2p, engine, fake, applier };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function chainNow(count: number, seed = 0): ExecutionPayloadEnvelope[] {
  const now = BigInt(Math.floor(Date.now() / 1000));
  return makeChain(count, { number: 0n, hash: GENESIS_HASH, timestamp: now - BigInt(count) }, 1n, seed);
}

describe("p2p over loopback", () => {
  test("three nodes: blocks propagate through a relay and both verifiers' unsafe heads follow", async () => {
    const seq = await node({ sequencerKey: SEQ_KEY });
    const v1 = await verifier({ staticPeers: seq.multiaddrs() });
    const v2 = await verifier({ bootnodes: v1.p2p.multiaddrs() }); // reaches seq only through v1
    await waitFor("v1 in seq's topic view", () => seq.topicPeers().includes(v1.p2p.peerId));
    await waitFor("v2 in v1's mesh", () => v1.p2p.meshPeers().includes(v2.p2p.peerId));
    expect(v2.p2p.peers()).not.toContain(seq.peerId);
    const chain = chainNow(5);
    for (const env of chain) await seq.publish(env);
    const tip = idOf(chain[4]!);
    await waitFor("v1 head", () => v1.fake.heads.unsafe.hash === tip.hash);
    await waitFor("v2 head", () => v2.fake.heads.unsafe.hash === tip.hash);
    expect(v1.engine.head).toEqual(tip);
    expect(v2.engine.head).toEqual(tip);
    expect(v1.applier.stats.applied).toBe(5);
    expect(v2.applier.stats.applied).toBe(5);
    expect(v2.p2p.stats.rejected).toEqual({});
    // Published as engine_getPayloadV3 JSON works the same; a 256 KiB block crosses noise's
    // 1200-byte boundary and yamux's 64 KiB frames.
    const next = makeEnvelope({
      number: 6n,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      parentHash: chain[4]!.executionPayload.blockHash,
      transactions: [seededBytes(6, 256 * 1024)],
    });
    const { envelopeToJson } = await import("../../core/p2p/executionPayload.ts");
    await seq.publish(envelopeToJson(next));
    await waitFor("v2 head 6", () => v2.fake.heads.unsafe.number === 6);
  }, 30_000);

  test("forged signature, wrong signer, stale and oversized blocks are rejected and their senders' scores drop; repeat offenders are banned", async () => {
    const victim = await verifier({ maxGossipSize: 256 * 1024, scoring: { banDurationMs: 60_000 } });
    const downstream = await verifier({ staticPeers: victim.p2p.multiaddrs() });
    const attackers = {
      forged: await node({ staticPeers: victim.p2p.multiaddrs() }),
      wrongSigner: await node({ staticPeers: victim.p2p.multiaddrs(), sequencerKey: seededBytes(2002, 32) }),
      stale: await node({ staticPeers: victim.p2p.multiaddrs() }),
      oversized: await node({ staticPeers: victim.p2p.multiaddrs() }),
    };
    for (const a of Object.values(attackers))
      await waitFor("attacker sees the victim subscribed", () => a.topicPeers().includes(victim.p2p.peerId));
    await waitFor("downstream in victim's mesh", () =>
      victim.p2p.meshPeers().includes(downstream.p2p.peerId),
    );
    const now = BigInt(Math.floor(Date.now() / 1000));
    const block = (n: number, extra: Partial<Parameters<typeof makeEnvelope>[0]> = {}) =>
      makeEnvelope({ number: BigInt(n), timestamp: now, parentHash: GENESIS_HASH, ...extra });

    const signed = await signBlockMessage(block(1), CHAIN_ID, localSigner(SEQ_KEY));
    signed[10]! ^= 0xff; // corrupt r
    await attackers.forged.publishRaw(snappyCompress(signed));
    await attackers.wrongSigner.publish(block(1, { seed: 1 }));
    await attackers.stale.publishRaw(
      await encodeBlockMessage(block(1, { seed: 2, timestamp: now - 120n }), CHAIN_ID, localSigner(SEQ_KEY)),
    );
    await attackers.oversized.publishRaw(
      await encodeBlockMessage(
        block(1, { seed: 3, transactions: [seededBytes(7, 300 * 1024)] }),
        CHAIN_ID,
        localSigner(SEQ_KEY),
      ),
    );

    const r = victim.p2p.stats.rejected;
    await waitFor("four rejections", () => Object.values(r).reduce((a, b) => a + (b ?? 0), 0) >= 4);
    expect((r["bad-signature"] ?? 0) + (r["wrong-signer"] ?? 0)).toBe(2);
    expect(r["too-old"]).toBe(1);
    expect(r.oversized).toBe(1);
    for (const [kind, a] of Object.entries(attackers))
      await waitFor(`${kind} sender's score below zero`, () => victim.p2p.peerScore(a.peerId) < 0);
    // Nothing was applied or relayed.
    expect(victim.applier.stats.applied).toBe(0);
    expect(downstream.p2p.stats.accepted).toBe(0);
    expect(victim.fake.heads.unsafe).toEqual(GENESIS);

    // A second invalid block from the same peer drops it below the ban threshold.
    await attackers.wrongSigner.publish(block(2, { seed: 4 }));
    await waitFor("ban", () => victim.p2p.isBanned(attackers.wrongSigner.peerId));
    await waitFor("disconnect", () => !victim.p2p.peers().includes(attackers.wrongSigner.peerId));
    expect(victim.p2p.stats.bans).toBeGreaterThanOrEqual(1);
  }, 30_000);

  test("payload_by_number: an answer holding a transaction over MAX_TX_BYTES is refused and its server penalized", async () => {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const withTx = (size: number) =>
      makeEnvelope({
        number: 1n,
        timestamp: now,
        parentHash: GENESIS_HASH,
        transactions: [seededBytes(9, size)],
      });
    const liar = await node({ payloadByNumber: async () => withTx(MAX_TX_BYTES + 1) });
    const asker = await node({ staticPeers: liar.multiaddrs() });
    await waitFor("connected", () => asker.peers().includes(liar.peerId));
    expect(await asker.fetch(1n)).toBeNull();
    expect(asker.stats.fetched).toBe(0);
    await waitFor("liar's score below zero", () => asker.peerScore(liar.peerId) < 0);
    // The same block at exactly the limit is a good answer.
    const honest = await node({ payloadByNumber: async () => withTx(MAX_TX_BYTES) });
    const asker2 = await node({ staticPeers: honest.multiaddrs() });
    await waitFor("connected", () => asker2.peers().includes(honest.peerId));
    const got = await asker2.fetch(1n);
    expect(got?.envelope.executionPayload.transactions[0]?.length).toBe(MAX_TX_BYTES);
    expect(asker2.peerScore(honest.peerId)).toBeGreaterThanOrEqual(0);
  }, 30_000);

  test("a late-joining node catches up through payload_by_number", async () => {
    const seq = await node({ sequencerKey: SEQ_KEY });
    const v1 = await verifier({ staticPeers: seq.multiaddrs() });
    await waitFor("v1 subscribed", () => seq.topicPeers().includes(v1.p2p.peerId));
    const chain = chainNow(12, 5);
    for (const env of chain.slice(0, 10)) await seq.publish(env);
    await waitFor("v1 at 10", () => v1.fake.heads.unsafe.number === 10);
    // The late node knows only genesis; it hears block 11 by gossip and asks peers for 1..10.
    const late = await verifier({ staticPeers: [...seq.multiaddrs(), ...v1.p2p.multiaddrs()] });
    await waitFor("late subscribed", () => seq.topicPeers().includes(late.p2p.peerId));
    await seq.publish(chain[10]!);
    await waitFor("late at 11", () => late.fake.heads.unsafe.number === 11, 15_000);
    expect(late.fake.heads.unsafe).toEqual(idOf(chain[10]!));
    expect(late.applier.stats.applied).toBe(11);
    expect(late.p2p.stats.fetched).toBeGreaterThanOrEqual(10);
    await seq.publish(chain[11]!);
    await waitFor("late at 12", () => late.fake.heads.unsafe.number === 12);
  }, 30_000);
});
