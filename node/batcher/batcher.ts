/**
 * The batch submitter (op-batcher): reads the sequencer's unsafe L2 blocks, packs them into
 * channels (singular batches, or one span batch per channel with `spanBatches`; compressed, and
 * filled up to `targetNumFrames` frames by their compressed size, as op-batcher fills them), cuts
 * the channels into frames and posts each frame to the BatchFeed, as calldata (`appendBatch`) or
 * as a blob (`appendBlobBatch`).
 *
 * Safety rules, the reason for most of the code:
 * - A block is loaded into a channel once, in order; the chain of parent hashes is checked on
 *   load, so an L2 reorg is noticed.
 * - Every frame is one transaction with its own nonce ({@link TxManager}); a frame lands at most
 *   once, and a frame dropped by an L1 reorg is re-broadcast with the same nonce and bytes.
 * - The sequencer node's safe head is the truth about what L1 holds. When it contradicts the
 *   batcher (an L2 reorg, a reverted append, a channel that L1 holds whole yet derivation did
 *   not accept, a safe head ahead of what was loaded), the batcher *drains*: it sends nothing
 *   new, waits until every transaction it sent is mined and derivation has read those blocks,
 *   then restarts from the safe head. Blocks after the safe head are posted again; nothing
 *   earlier can be lost, and nothing that derivation already took is posted twice.
 * - At start it drains too: transactions of a previous run still in the pool are waited for.
 */
import { randomBytes } from "node:crypto";
import { type Chain, createPublicClient, defineChain, type Hex, http, type PublicClient, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  batchBlob,
  batchCalldata,
  blobBatchCalldata,
  DEFAULT_CALLDATA_FRAME_SIZE,
  MAX_BLOB_FRAME_SIZE,
} from "../../core/derive/batcherTx.ts";
import { ChannelOut } from "../../core/derive/channelOut.ts";
import type { CompressionAlgo } from "../../core/derive/compression.ts";
import { ChannelOutError } from "../../core/derive/errors.ts";
import { FRAME_OVERHEAD, type Frame, MAX_FRAME_LEN } from "../../core/derive/frame.ts";
import type { SpanBatchParams } from "../../core/derive/spanBatch.ts";
import type { L2BlockInput } from "../../core/derive/types.ts";
import type { Logger } from "../log.ts";
import { channelCodec } from "../rollup/codec.ts";
import type { RpcBlock } from "../rollup/engineClient.ts";
import { fullL2BlockInput } from "../rollup/l2Source.ts";
import { RpcClient } from "../rollup/rpcClient.ts";
import { type ManagedTx, TxManager } from "./txManager.ts";

/** Options of {@link Batcher}. */
export interface BatcherOptions {
  l1RpcUrl: string;
  /** The sequencer engine's user RPC. */
  l2RpcUrl: string;
  /** The sequencer node's rollup RPC. */
  rollupRpcUrl: string;
  privateKey: Hex;
  /** `calldata` (default) or `blobs`. */
  da?: "calldata" | "blobs";
  /** Channel compression (default zlib). */
  algo?: CompressionAlgo;
  /**
   * Post each channel's blocks as one span batch (OP Delta, batch version 1) instead of one
   * singular batch per block (default false). A block holding a transaction a span batch cannot
   * carry stops the batcher with an error, as an oversize block does.
   */
  spanBatches?: boolean;
  /**
   * Frames a channel fills (default 1): a channel takes blocks until its compressed bytes would
   * pass this many frames' data (`ChannelOut`'s `maxCompressedBytes`); a single block larger
   * than that gets a channel of its own, of more frames.
   */
  targetNumFrames?: number;
  /** Close a channel after this many L1 blocks (default 1). */
  maxChannelDuration?: number;
  /** Encoded frame size limit (default: a full blob, or 120 000 bytes of calldata). */
  maxFrameSize?: number;
  /** Transactions in flight at once (default 4). */
  maxPendingTxs?: number;
  /** Milliseconds between loop iterations (default 500). */
  pollIntervalMs?: number;
  /** Milliseconds before a stuck transaction is re-sent with higher fees (default 12 000). */
  resubmitAfterMs?: number;
  /** L1 blocks after which a mined transaction is no longer watched for reorgs (default 64). */
  releaseDepth?: number;
  log: Logger;
}

/** What the batcher has done (for status lines and tests). */
export interface BatcherStats {
  /** Frame transactions mined successfully (counted once each). */
  framesPosted: number;
  channelsOpened: number;
  blocksLoaded: number;
  drains: number;
}

interface PendingFrame {
  frame: Frame;
  tx?: ManagedTx;
  counted?: boolean;
}

interface ClosedChannel {
  id: string;
  firstBlock: number;
  lastBlock: number;
  frames: PendingFrame[];
}

interface OpenChannel {
  out: ChannelOut;
  /** The blocks loaded into `out`, in order (a close may hand the last ones back). */
  inputs: L2BlockInput[];
  openedAtL1: number;
  firstBlock: number;
  lastBlock: number;
}

interface SyncStatusJson {
  current_l1: { number: number };
  head_l1: { number: number };
  safe_l2: { hash: Hex; number: number };
  unsafe_l2: { hash: Hex; number: number };
}

/** The batch submitter. */
export class Batcher {
  readonly stats: BatcherStats = { framesPosted: 0, channelsOpened: 0, blocksLoaded: 0, drains: 0 };
  private readonly rollup: RpcClient;
  private readonly l2: RpcClient;
  private readonly l1: PublicClient;
  private tm: TxManager | undefined;
  private batchFeed: Hex | undefined;
  private spanParams: SpanBatchParams | undefined;
  private phase: "draining" | "running" = "draining";
  private started = false;
  private drainTarget: number | undefined;
  private lastStored: { hash: Hex; number: number } | undefined;
  private open: OpenChannel | undefined;
  private channels: ClosedChannel[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastError = "";

  constructor(private readonly o: BatcherOptions) {
    this.rollup = new RpcClient(o.rollupRpcUrl);
    this.l2 = new RpcClient(o.l2RpcUrl);
    this.l1 = createPublicClient({ transport: http(o.l1RpcUrl) }) as PublicClient;
  }

  /** Starts the loop (it first drains what a previous run left in flight). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the current iteration; transactions in flight stay in the L1 pool. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.tick();
        this.lastError = "";
      } catch (e) {
        const msg = (e as Error).message
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l !== "")
          .slice(0, 2)
          .join(" ");
        if (msg !== this.lastError) this.o.log.warn("batcher iteration failed", { err: msg });
        this.lastError = msg;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.o.pollIntervalMs ?? 500);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private async setup(): Promise<TxManager> {
    if (this.tm) return this.tm;
    const cfg = await this.rollup.call<{
      batch_inbox_address: Hex;
      l1_chain_id: number;
      l2_chain_id: number;
      block_time: number;
      genesis: { l2_time: number };
    }>("optimism_rollupConfig");
    this.batchFeed = cfg.batch_inbox_address;
    if (this.o.spanBatches) {
      this.spanParams = {
        genesisTime: cfg.genesis.l2_time,
        blockTime: cfg.block_time,
        l2ChainId: cfg.l2_chain_id,
      };
    }
    const chain: Chain = defineChain({
      id: cfg.l1_chain_id,
      name: `l1-${cfg.l1_chain_id}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [this.o.l1RpcUrl] } },
    });
    this.tm = new TxManager({
      l1: this.l1,
      chain,
      account: privateKeyToAccount(this.o.privateKey),
      rpcUrl: this.o.l1RpcUrl,
      log: this.o.log,
      resubmitAfterMs: this.o.resubmitAfterMs,
    });
    return this.tm;
  }

  private async tick(): Promise<void> {
    const tm = await this.setup();
    const status = await this.rollup.call<SyncStatusJson>("optimism_syncStatus");
    await tm.poll();
    this.countPosted();
    tm.prune(status.head_l1.number - (this.o.releaseDepth ?? 64));
    if (this.phase === "draining") return this.drainStep(tm, status);

    for (const c of this.channels) {
      for (const f of c.frames) {
        if (f.tx?.included && !f.tx.included.success) {
          return this.startDrain(`BatchFeed append reverted (tx ${f.tx.included.hash})`);
        }
        if (f.tx?.lost)
          return this.startDrain(`frame transaction nonce ${f.tx.nonce} was taken by another transaction`);
      }
    }
    if (status.safe_l2.number > this.lastStored!.number) {
      // Derivation got ahead of us without our data (empty batches forced after a lapsed
      // sequencing window, or another batcher). With nothing of ours in flight, skip ahead;
      // otherwise let what is in flight land first.
      const busy = this.channels.length > 0 || (this.open?.out.blockCount() ?? 0) > 0 || !tm.idle();
      if (busy) {
        return this.startDrain(
          `safe head ${status.safe_l2.number} is past the last loaded block ${this.lastStored!.number}`,
        );
      }
      this.open = undefined;
      this.lastStored = { hash: status.safe_l2.hash, number: status.safe_l2.number };
    }
    // Channels whose blocks are all safe are done (their transactions stay watched by the
    // manager until deep enough, and are re-broadcast if a reorg drops them).
    while (this.channels.length > 0 && this.channels[0]!.lastBlock <= status.safe_l2.number) {
      this.channels.shift();
    }
    const oldest = this.channels[0];
    if (oldest?.frames.every((f) => f.tx?.included)) {
      const landed = Math.max(...oldest.frames.map((f) => f.tx!.included!.blockNumber));
      if (status.current_l1.number > landed + 1 && status.safe_l2.number < oldest.lastBlock) {
        return this.startDrain(
          `channel ${oldest.id} (blocks ${oldest.firstBlock}-${oldest.lastBlock}) is on L1 since block ${landed} but derivation did not take it`,
        );
      }
    }
    if (!(await this.loadBlocks(status))) return;
    if (this.open && this.open.out.blockCount() > 0) {
      if (status.head_l1.number >= this.open.openedAtL1 + (this.o.maxChannelDuration ?? 1))
        this.closeChannel();
    }
    await this.sendFrames(tm);
  }

  private startDrain(reason: string): void {
    this.o.log.warn("batcher drains and restarts from the safe head", { reason });
    this.stats.drains++;
    this.phase = "draining";
    this.drainTarget = undefined;
  }

  /**
   * Waits for everything in flight to be mined and read by derivation, then restarts from the
   * safe head. The first drain of a process also waits for the L1 pool to hold no transaction
   * of the batcher's account (a previous run's) and takes its nonces from there.
   */
  private async drainStep(tm: TxManager, status: SyncStatusJson): Promise<void> {
    if (!tm.idle()) return;
    if (!this.started) {
      const latest = await this.l1.getTransactionCount({ address: tm.address, blockTag: "latest" });
      const pending = await this.l1.getTransactionCount({ address: tm.address, blockTag: "pending" });
      if (pending > latest) {
        this.o.log.info("batcher waits for transactions of a previous run", { latest, pending });
        return;
      }
    }
    if (this.drainTarget === undefined) this.drainTarget = status.head_l1.number;
    if (status.current_l1.number < this.drainTarget) return;
    if (!this.started) await tm.init();
    this.started = true;
    this.channels = [];
    this.open = undefined;
    this.lastStored = { hash: status.safe_l2.hash, number: status.safe_l2.number };
    this.phase = "running";
    this.o.log.info("batcher running", { from: status.safe_l2.number + 1 });
  }

  /** Loads new unsafe blocks into the open channel; false if an L2 reorg started a drain. */
  private async loadBlocks(status: SyncStatusJson): Promise<boolean> {
    const last = this.lastStored!;
    const stored = await this.l2.call<RpcBlock | null>("eth_getBlockByNumber", [
      `0x${last.number.toString(16)}`,
      false,
    ]);
    if (!stored || stored.hash !== last.hash) {
      this.startDrain(`L2 reorg: block ${last.number} changed`);
      return false;
    }
    const upTo = Math.min(status.unsafe_l2.number, last.number + 100);
    for (let n = last.number + 1; n <= upTo; n++) {
      const b = await this.l2.call<RpcBlock | null>("eth_getBlockByNumber", [`0x${n.toString(16)}`, true]);
      if (!b) break;
      if (b.parentHash !== this.lastStored!.hash) {
        this.startDrain(`L2 reorg: block ${n} does not extend ${this.lastStored!.hash}`);
        return false;
      }
      this.addBlock(b, status.head_l1.number);
      this.lastStored = { hash: b.hash, number: n };
      this.stats.blocksLoaded++;
    }
    return true;
  }

  private frameSize(): number {
    return this.o.maxFrameSize ?? (this.o.da === "blobs" ? MAX_BLOB_FRAME_SIZE : DEFAULT_CALLDATA_FRAME_SIZE);
  }

  /** Compressed bytes a channel may fill: `targetNumFrames` frames' data. */
  private channelTarget(): number {
    return (this.o.targetNumFrames ?? 1) * Math.min(this.frameSize() - FRAME_OVERHEAD, MAX_FRAME_LEN);
  }

  private addBlock(b: RpcBlock, l1Head: number): void {
    this.addInput(fullL2BlockInput(b), l1Head);
  }

  /**
   * Adds a block to the open channel, opening one if needed; a block the channel refuses (full
   * by compressed size, or by the RLP cap) closes it and goes into a new one.
   */
  private addInput(input: L2BlockInput, openedAtL1: number): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.open) {
        this.open = {
          out: new ChannelOut({
            compressor: channelCodec,
            algo: this.o.algo ?? "zlib",
            id: new Uint8Array(randomBytes(16)),
            span: this.spanParams,
            maxCompressedBytes: this.channelTarget(),
          }),
          inputs: [],
          openedAtL1,
          firstBlock: input.number,
          lastBlock: input.number,
        };
        this.stats.channelsOpened++;
      }
      try {
        this.open.out.addBlock(input);
        this.open.inputs.push(input);
        this.open.lastBlock = input.number;
        break;
      } catch (e) {
        if (!(e instanceof ChannelOutError) || this.open.out.blockCount() === 0) throw e;
        this.closeChannel();
      }
    }
    if (this.open?.out.isFull()) this.closeChannel();
  }

  private closeChannel(): void {
    const o = this.open;
    if (!o) return;
    this.open = undefined;
    if (o.out.blockCount() === 0) return;
    // Blocks taken on ChannelOut's ratio estimate that the final compression could not fit
    // (usually none) open the next channel, still due by this channel's duration.
    const left = o.out.close();
    const rest = left > 0 ? o.inputs.slice(o.inputs.length - left) : [];
    const lastBlock = o.lastBlock - rest.length;
    const frames = o.out.outputFrames(this.frameSize()).map((frame) => ({ frame }));
    const id = toHex(o.out.id);
    this.channels.push({ id, firstBlock: o.firstBlock, lastBlock, frames });
    this.o.log.info("channel closed", {
      id,
      blocks: `${o.firstBlock}-${lastBlock}`,
      frames: frames.length,
      bytes: o.out.compressedBytes().length,
      ...(rest.length > 0 ? { handedBack: rest.length } : {}),
    });
    for (const input of rest) this.addInput(input, o.openedAtL1);
  }

  private async sendFrames(tm: TxManager): Promise<void> {
    let inFlight = 0;
    for (const t of tm.txs.values()) if (!t.included && !t.lost) inFlight++;
    for (const c of this.channels) {
      for (const f of c.frames) {
        if (f.tx) continue;
        if (inFlight >= (this.o.maxPendingTxs ?? 4)) return;
        f.tx = await tm.send(
          this.o.da === "blobs"
            ? { to: this.batchFeed!, data: toHex(blobBatchCalldata()), blobs: [batchBlob([f.frame])] }
            : { to: this.batchFeed!, data: toHex(batchCalldata([f.frame])) },
        );
        inFlight++;
        this.o.log.debug("frame sent", { channel: c.id, frame: f.frame.frameNumber, nonce: f.tx.nonce });
      }
    }
  }

  private countPosted(): void {
    for (const c of this.channels) {
      for (const f of c.frames) {
        if (f.tx?.included?.success && !f.counted) {
          f.counted = true;
          this.stats.framesPosted++;
        }
      }
    }
  }
}
