/**
 * A sequencer and batcher running against `FakeL1`/`FakeL2`, and a verifier that derives the
 * same chain back through the pipeline: the end-to-end harness of derivation's tests and
 * benchmark (pure; the codec is passed in).
 */
import { buildAttributes } from "../attributes.ts";
import { batchBlob } from "../batcherTx.ts";
import { ChannelOut } from "../channelOut.ts";
import type { ChannelCodec, CompressionAlgo } from "../compression.ts";
import { encodeBatcherData, type Frame } from "../frame.ts";
import { encodePayloadAttributes } from "../payloadAttributes.ts";
import { DerivationPipeline, type PipelineOptions } from "../pipeline.ts";
import type { RollupConfig } from "../rollupConfig.ts";
import type { AttributesWithParent, BlockId, Hex, L2BlockRef } from "../types.ts";
import { type FakeL1, FakeL2, type FakeTx, fakeTx, fakeUserTx, randomBytes } from "./fakes.ts";

/** How the simulated sequencer and batcher behave. */
export interface SimOptions {
  config: RollupConfig;
  l1: FakeL1;
  codec: ChannelCodec;
  algo: CompressionAlgo;
  rand: () => number;
  /** L1 blocks to build. */
  l1Blocks: number;
  /** User transactions per L2 block, and a generator for them. */
  txsPerBlock: number;
  makeTx?: (rand: () => number) => Uint8Array;
  /** L2 blocks per channel (a channel is also closed at the end). */
  blocksPerChannel: number;
  /** Largest frame, overhead included. */
  maxFrameSize: number;
  /** Post frames as calldata (one frame per transaction) or as blobs (up to 6 per transaction). */
  mode: "calldata" | "blob";
  /** Put a deposit into every `depositsEvery`-th L1 block (0: never). */
  depositsEvery?: number;
  /** Return false to keep the batcher's transactions out of L1 block `n` (they wait). */
  postIn?: (n: number) => boolean;
  /** Extra transactions for L1 block `n` (deposits, config updates, garbage). */
  extraTxs?: (n: number) => FakeTx[];
  /** Shuffle each L1 block's batcher transactions (frames arrive out of order). */
  shuffleFrames?: boolean;
  /** Post every batcher transaction twice (duplicate frames). */
  duplicate?: boolean;
  /** Sender of the batcher transactions built after L1 block `n` (default: the genesis batcher). */
  batcherFrom?: (n: number) => Hex;
  /** Post each channel's blocks as one span batch (needs real transactions: `makeTx`). */
  span?: boolean;
}

/** What a simulation produced. */
export interface SimResult {
  /** The sequencer's engine, holding the L2 chain. */
  l2: FakeL2;
  /** Channels posted, uncompressed RLP bytes and compressed bytes. */
  channels: number;
  rlpBytes: number;
  compressedBytes: number;
}

/**
 * Builds `l1Blocks` L1 blocks; after each, the sequencer makes every L2 block whose timestamp
 * has come (adopting the next L1 origin as soon as its timestamp allows, and always once past
 * the drift), and the batcher channels them into frames for the next L1 block.
 */
export async function simulate(o: SimOptions): Promise<SimResult> {
  const { config, l1 } = o;
  const l2 = new FakeL2(config);
  const makeTx = o.makeTx ?? ((r: () => number) => fakeUserTx(r));
  let pendingTxs: FakeTx[] = [];
  let posted = l2.head().number;
  const res: SimResult = { l2, channels: 0, rlpBytes: 0, compressedBytes: 0 };
  for (let k = 1; k <= o.l1Blocks; k++) {
    const txs: FakeTx[] = [];
    if (o.depositsEvery && k % o.depositsEvery === 0)
      txs.push(fakeTx.deposit({ data: randomBytes(o.rand, 20) }));
    txs.push(...(o.extraTxs?.(k) ?? []));
    if (o.postIn?.(k) ?? true) {
      const batch = o.shuffleFrames ? shuffle(pendingTxs, o.rand) : pendingTxs;
      txs.push(...batch);
      pendingTxs = [];
    }
    const tip = l1.addBlock(txs);
    // Sequencer: fill L2 up to the L1 tip's time.
    for (;;) {
      const head = l2.head();
      const t = head.timestamp + config.blockTime;
      if (t > tip.timestamp) break;
      const epoch = await nextOrigin(l1, head, t);
      const attrs = await buildAttributes(config, l1, l2, head, epoch);
      const originTime = l1.blocks[epoch.number]!.ref.timestamp;
      if (t <= originTime + config.maxSequencerDrift) {
        for (let i = 0; i < o.txsPerBlock; i++) attrs.transactions.push(makeTx(o.rand));
      }
      l2.execute(head, attrs);
    }
    // Batcher: channel the new blocks for the next L1 block.
    const newBlocks = l2.chain.filter((r) => r.number > posted);
    for (let i = 0; i < newBlocks.length; i += o.blocksPerChannel) {
      const ch = new ChannelOut({
        compressor: o.codec,
        algo: o.algo,
        id: randomBytes(o.rand, 16),
        span: o.span
          ? { genesisTime: config.genesis.l2Time, blockTime: config.blockTime, l2ChainId: config.l2ChainId }
          : undefined,
      });
      for (const r of newBlocks.slice(i, i + o.blocksPerChannel)) ch.addBlock(l2.block(r.hash));
      res.rlpBytes += ch.rlpBytes();
      ch.close();
      res.compressedBytes += ch.compressedBytes().length;
      res.channels++;
      const frames = ch.outputFrames(o.maxFrameSize);
      const txs = batcherTxs(frames, o.mode, o.batcherFrom?.(k));
      pendingTxs.push(...txs);
      if (o.duplicate) pendingTxs.push(...batcherTxs(frames, o.mode, o.batcherFrom?.(k)));
    }
    if (newBlocks.length > 0) posted = newBlocks.at(-1)!.number;
  }
  return res;
}

/** One transaction per frame (calldata) or per six frames (blobs). */
export function batcherTxs(frames: readonly Frame[], mode: "calldata" | "blob", from?: Hex): FakeTx[] {
  if (mode === "calldata") return frames.map((f) => fakeTx.calldataBatch(encodeBatcherData([f]), { from }));
  const out: FakeTx[] = [];
  for (let i = 0; i < frames.length; i += 6) {
    out.push(
      fakeTx.blobBatch(
        frames.slice(i, i + 6).map((f) => batchBlob([f])),
        { from },
      ),
    );
  }
  return out;
}

/** The sequencer's origin choice: the next L1 block once its time has come, else the current. */
export async function nextOrigin(l1: FakeL1, head: L2BlockRef, t: number): Promise<BlockId> {
  const next = l1.blocks[head.l1origin.number + 1]?.ref;
  if (next && next.timestamp <= t) return { hash: next.hash, number: next.number };
  return head.l1origin;
}

/** Derives from `l1` into a fresh engine until L1 is exhausted; returns the verifier's engine. */
export async function deriveAll(
  config: RollupConfig,
  l1: FakeL1,
  opts: PipelineOptions,
  verifier = new FakeL2(config),
): Promise<{
  l2: FakeL2;
  pipeline: DerivationPipeline;
  attributes: Uint8Array[];
  results: AttributesWithParent[];
}> {
  const pipeline = new DerivationPipeline(config, l1, verifier, opts);
  await pipeline.reset(verifier.head());
  const attributes: Uint8Array[] = [];
  const results: AttributesWithParent[] = [];
  for (;;) {
    const a = await pipeline.nextAttributes(verifier.head());
    if (a === null) break;
    attributes.push(encodePayloadAttributes(a.attributes));
    results.push(a);
    verifier.execute(a.parent, a.attributes);
  }
  return { l2: verifier, pipeline, attributes, results };
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
