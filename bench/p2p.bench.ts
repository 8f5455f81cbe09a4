/**
 * `bun run bench p2p`: gossip latency sequencer → verifier on loopback (direct and through one
 * relay), and how many unsafe blocks per second a verifier validates and applies. The engine is
 * a fake (node/p2p/testing.ts: it recomputes each block hash but executes nothing), so the
 * apply rates measure the p2p path (decompress, decode, hash check, signature recovery,
 * ordering), not EVM execution. Real libp2p nodes in this process; nothing is asserted.
 */
import { toHex } from "../core/bytes.ts";
import { encodeBlockMessage, localSigner } from "../core/p2p/blockMessage.ts";
import { BlockGossipValidator } from "../core/p2p/blockValidation.ts";
import type { ExecutionPayloadEnvelope } from "../core/p2p/executionPayload.ts";
import { privateKeyToAddress } from "../core/p2p/signature.ts";
import { makeEnvelope, seededBytes } from "../core/p2p/testing.ts";
import { UnsafeEngineApplier } from "../node/p2p/engineApplier.ts";
import { P2PNode } from "../node/p2p/index.ts";
import { FakeEngine, FakeNode } from "../node/p2p/testing.ts";
import { type Measurement, report } from "./harness.ts";

const CHAIN_ID = 901n;
const KEY = seededBytes(77, 32);
const SIGNER = privateKeyToAddress(KEY);
const GENESIS_HASH = new Uint8Array(32).fill(5);
const GENESIS = { hash: toHex(GENESIS_HASH), number: 0 };
const TXS_PER_BLOCK = 20;
const TX_BYTES = 200;

/** A chain of blocks stamped "now", each with 20 transactions of 200 bytes (~5 KiB blocks). */
function chain(count: number): ExecutionPayloadEnvelope[] {
  const now = BigInt(Math.floor(Date.now() / 1000));
  const out: ExecutionPayloadEnvelope[] = [];
  let parent: Uint8Array = GENESIS_HASH;
  for (let i = 1; i <= count; i++) {
    const env = makeEnvelope({
      number: BigInt(i),
      timestamp: now,
      parentHash: parent,
      transactions: Array.from({ length: TXS_PER_BLOCK }, (_, k) => seededBytes(i * 100 + k, TX_BYTES)),
    });
    out.push(env);
    parent = env.executionPayload.blockHash;
  }
  return out;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function verifier(peers: string[]) {
  const engine = new FakeEngine(GENESIS);
  const node = new FakeNode(GENESIS);
  const applier = new UnsafeEngineApplier({
    engine,
    heads: () => node.heads,
    onUnsafeHead: node.onUnsafeHead,
  });
  const arrived = new Map<number, number>();
  const p2p = await P2PNode.start({
    chainId: CHAIN_ID,
    listen: ["/ip4/127.0.0.1/tcp/0"],
    unsafeBlockSigner: SIGNER,
    staticPeers: peers,
    unsafeHead: () => applier.unsafeHead(),
    onUnsafePayload: async (env) => {
      await applier.apply(env);
      arrived.set(Number(env.executionPayload.blockNumber), performance.now());
    },
  });
  return { p2p, node, arrived };
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

const rows: Measurement[] = [];
const notes: string[] = [];

// 1. Latency: one block every 20 ms, publish() call → onUnsafePayload done, direct and via a relay.
{
  const seq = await P2PNode.start({
    chainId: CHAIN_ID,
    listen: ["/ip4/127.0.0.1/tcp/0"],
    unsafeBlockSigner: SIGNER,
    sequencerKey: KEY,
  });
  const v1 = await verifier(seq.multiaddrs());
  const v2 = await verifier(v1.p2p.multiaddrs());
  await waitFor(() => seq.topicPeers().includes(v1.p2p.peerId), 10_000);
  await waitFor(() => v1.p2p.meshPeers().includes(v2.p2p.peerId), 10_000);
  const N = 300;
  const blocks = chain(N);
  const sent = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    sent.set(i + 1, performance.now());
    await seq.publish(blocks[i]!);
    await new Promise((r) => setTimeout(r, 20));
  }
  await waitFor(() => v2.arrived.size === N && v1.arrived.size === N, 10_000);
  for (const [name, v] of [
    ["direct (seq → verifier)", v1],
    ["one relay (seq → relay → verifier)", v2],
  ] as const) {
    const lat = [...v.arrived].map(([n, t]) => t - sent.get(n)!);
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    rows.push({
      group: "gossip latency",
      name,
      opsPerSec: 1000 / p50,
      extra: { p50Ms: +p50.toFixed(2), p99Ms: +p99.toFixed(2), delivered: v.arrived.size, sent: N },
    });
    notes.push(
      `${name}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (${v.arrived.size}/${N} delivered)`,
    );
  }
  await Promise.all([seq.stop(), v1.p2p.stop(), v2.p2p.stop()]);
}

// 2. Throughput over gossip: a burst of blocks, published back to back, until the verifier's head is the last.
{
  const seq = await P2PNode.start({
    chainId: CHAIN_ID,
    listen: ["/ip4/127.0.0.1/tcp/0"],
    unsafeBlockSigner: SIGNER,
    sequencerKey: KEY,
  });
  const v = await verifier(seq.multiaddrs());
  await waitFor(() => seq.topicPeers().includes(v.p2p.peerId), 10_000);
  const N = 1000;
  const blocks = chain(N);
  const t0 = performance.now();
  for (const b of blocks) await seq.publish(b);
  const done = await waitFor(() => v.node.heads.unsafe.number === N, 60_000);
  const ms = performance.now() - t0;
  rows.push({
    group: "verifier apply",
    name: "over gossip (publish burst → head)",
    opsPerSec: (v.node.heads.unsafe.number * 1000) / ms,
    extra: { blocks: v.node.heads.unsafe.number, complete: String(done) },
  });
  await Promise.all([seq.stop(), v.p2p.stop()]);
}

// 3. Verifier CPU path alone: validate (snappy, SSZ, block hash, signature) + apply to the fake engine.
{
  const N = 1000;
  const blocks = chain(N);
  const messages = await Promise.all(blocks.map((b) => encodeBlockMessage(b, CHAIN_ID, localSigner(KEY))));
  const engine = new FakeEngine(GENESIS);
  const node = new FakeNode(GENESIS);
  const applier = new UnsafeEngineApplier({
    engine,
    heads: () => node.heads,
    onUnsafeHead: node.onUnsafeHead,
  });
  const validator = new BlockGossipValidator({ chainId: CHAIN_ID, signer: () => SIGNER });
  const now = Date.now() / 1000;
  const t0 = performance.now();
  let validOnly = 0;
  for (const m of messages) {
    const r = validator.validate(m, now);
    if (r.action === "accept") validOnly++;
  }
  const tValidate = performance.now() - t0;
  const validator2 = new BlockGossipValidator({ chainId: CHAIN_ID, signer: () => SIGNER });
  const t1 = performance.now();
  for (const m of messages) {
    const r = validator2.validate(m, now);
    if (r.action === "accept") await applier.apply(r.envelope);
  }
  const tBoth = performance.now() - t1;
  rows.push({
    group: "verifier apply",
    name: "validate only (in process)",
    opsPerSec: (validOnly * 1000) / tValidate,
    bytesPerSec: (messages.reduce((a, m) => a + m.length, 0) * 1000) / tValidate,
  });
  rows.push({
    group: "verifier apply",
    name: "validate + apply to fake engine (in process)",
    opsPerSec: (node.heads.unsafe.number * 1000) / tBoth,
    baseline: "validate only (in process)",
  });
}

notes.push(
  `blocks: ${TXS_PER_BLOCK} transactions × ${TX_BYTES} bytes (~${((TXS_PER_BLOCK * (TX_BYTES + 4) + 528 + 32) / 1024).toFixed(1)} KiB SSZ); the engine is a fake that recomputes block hashes but executes nothing.`,
  "gossip latency ops/s is 1000 / p50 ms; gossipsub heartbeat 500 ms (op-node's), flood publish on.",
);
report("p2p", rows, notes);
process.exit(0);
