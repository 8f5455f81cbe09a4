/**
 * The batcher's side of derivation (op-node `derive/channel_out.go`, `span_channel_out.go`):
 * L2 blocks in, frames out. Each block becomes a singular batch (its non-deposit transactions,
 * its parent, L1 origin and timestamp); with `span`, the channel's blocks instead form one span
 * batch (`spanBatch.ts`). The batches are RLP-wrapped into one stream, compressed as a whole on
 * `close()` (zlib, or brotli behind the 0x01 version byte), and cut into frames of a chosen size.
 * `batcherTx.ts` turns frames into BatchFeed calldata or blobs.
 */
import { concatBytes, toHex } from "../bytes.ts";
import { DEPOSIT_TX_TYPE } from "../engine/depositTx.ts";
import { headerLength, rlpEncode } from "../rlp.ts";
import { encodeSingularBatch, MAX_RLP_BYTES_PER_CHANNEL, type SingularBatch } from "./batch.ts";
import { CHANNEL_VERSION_BROTLI, type CompressionAlgo, type Compressor } from "./compression.ts";
import { ChannelOutError } from "./errors.ts";
import { FRAME_OVERHEAD, type Frame, MAX_FRAME_LEN } from "./frame.ts";
import { l1InfoOf } from "./l2BlockRef.ts";
import { SpanBatchBuilder, type SpanBatchParams } from "./spanBatch.ts";
import type { L2BlockInput } from "./types.ts";

/** How to build a channel. */
export interface ChannelOutOptions {
  compressor: Compressor;
  algo: CompressionAlgo;
  /** 16 random bytes (the batcher draws them, e.g. with `crypto.getRandomValues`). */
  id: Uint8Array;
  /** Cap on the uncompressed batch stream; default and maximum `MAX_RLP_BYTES_PER_CHANNEL`. */
  maxRlpBytes?: number;
  /** Put the channel's blocks into one span batch (OP Delta), with the rollup's parameters. */
  span?: SpanBatchParams;
}

/** The singular batch of an L2 block: its L1 origin from the L1 attributes deposit, deposits left out. */
export function batchFromBlock(block: L2BlockInput): SingularBatch {
  const info = l1InfoOf(block);
  return {
    parentHash: block.parentHash,
    epochNum: Number(info.number),
    epochHash: toHex(info.hash),
    timestamp: block.timestamp,
    transactions: block.transactions.filter((tx) => tx.length > 0 && tx[0] !== DEPOSIT_TX_TYPE),
  };
}

/** A channel being filled by the batcher. */
export class ChannelOut {
  /** The channel id. */
  readonly id: Uint8Array;
  private readonly opts: ChannelOutOptions;
  private readonly maxRlp: number;
  private parts: Uint8Array[] = [];
  private span: SpanBatchBuilder | null = null;
  private rlpLen = 0;
  private blocks = 0;
  private compressed: Uint8Array | null = null;
  private closed = false;
  private nextFrame = 0;
  private sent = 0;

  constructor(opts: ChannelOutOptions) {
    if (opts.id.length !== 16)
      throw new ChannelOutError(`channel id must be 16 bytes, found ${opts.id.length}`);
    this.id = opts.id.slice();
    this.opts = opts;
    this.maxRlp = Math.min(opts.maxRlpBytes ?? MAX_RLP_BYTES_PER_CHANNEL, MAX_RLP_BYTES_PER_CHANNEL);
  }

  /** Adds `block` as a batch; returns the batch. Throws `ChannelOutError` if closed or full. */
  addBlock(block: L2BlockInput): SingularBatch {
    const batch = batchFromBlock(block);
    this.addBatch(batch, l1InfoOf(block).sequenceNumber === 0n);
    return batch;
  }

  /**
   * Adds a batch. Throws `ChannelOutError` if the channel is closed or the stream would pass its
   * cap, or, for a span batch, if the block does not follow the last one or holds a transaction
   * a span batch cannot carry. `firstOfEpoch` (the block starts its epoch) is read only for the
   * first block of a span batch.
   */
  addBatch(batch: SingularBatch, firstOfEpoch = false): void {
    if (this.closed) throw new ChannelOutError("channel is closed");
    if (this.opts.span) {
      this.addToSpan(batch, firstOfEpoch);
      return;
    }
    const item = rlpEncode(encodeSingularBatch(batch));
    if (this.rlpLen + item.length > this.maxRlp) {
      throw new ChannelOutError(
        `channel full: ${this.rlpLen + item.length} RLP bytes > limit ${this.maxRlp}`,
      );
    }
    this.parts.push(item);
    this.rlpLen += item.length;
    this.blocks++;
    this.compressed = null;
  }

  private addToSpan(batch: SingularBatch, firstOfEpoch: boolean): void {
    this.span ??= new SpanBatchBuilder(this.opts.span!, firstOfEpoch);
    let len: number;
    try {
      len = this.span.lengthWith(batch);
    } catch (cause) {
      throw new ChannelOutError(
        `block at ${batch.timestamp} cannot join the span batch: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    const rlpLen = headerLength(len) + len;
    if (rlpLen > this.maxRlp)
      throw new ChannelOutError(`channel full: ${rlpLen} RLP bytes > limit ${this.maxRlp}`);
    this.span.add(batch);
    this.rlpLen = rlpLen;
    this.blocks++;
    this.compressed = null;
  }

  /** Uncompressed bytes so far. */
  rlpBytes(): number {
    return this.rlpLen;
  }

  /** Batches so far. */
  blockCount(): number {
    return this.blocks;
  }

  /** The channel's bytes if closed now (version byte included); compresses, so call sparingly. */
  compressedBytes(): Uint8Array {
    if (this.compressed === null) {
      const raw = this.span ? rlpEncode(this.span.encode()) : concatBytes(...this.parts);
      const body = this.opts.compressor.compress(this.opts.algo, raw);
      this.compressed =
        this.opts.algo === "brotli" ? concatBytes(Uint8Array.of(CHANNEL_VERSION_BROTLI), body) : body;
    }
    return this.compressed;
  }

  /** Seals the channel: no more batches. */
  close(): void {
    if (this.closed) return;
    this.compressedBytes();
    this.parts = [];
    this.span = null;
    this.closed = true;
  }

  /** True once closed. */
  isClosed(): boolean {
    return this.closed;
  }

  /** True while a closed channel still has frames to hand out. */
  hasFrames(): boolean {
    return this.closed && (this.nextFrame === 0 || this.sent < this.compressed!.length);
  }

  /**
   * The next frame of a closed channel, at most `maxFrameSize` bytes encoded (overhead
   * included); the last frame has `isLast`. Throws `ChannelOutError` if the channel is open,
   * exhausted, or `maxFrameSize` leaves no room for data.
   */
  outputFrame(maxFrameSize: number): Frame {
    if (!this.closed) throw new ChannelOutError("close the channel before taking frames");
    if (!this.hasFrames()) throw new ChannelOutError("every frame of the channel was taken");
    const room = Math.min(maxFrameSize - FRAME_OVERHEAD, MAX_FRAME_LEN);
    if (room < 1)
      throw new ChannelOutError(
        `frame size ${maxFrameSize} leaves no room for data (overhead ${FRAME_OVERHEAD})`,
      );
    if (this.nextFrame > 0xffff) throw new ChannelOutError("channel needs more than 65536 frames");
    const data = this.compressed!.subarray(this.sent, this.sent + room);
    this.sent += data.length;
    return {
      id: this.id,
      frameNumber: this.nextFrame++,
      data: data.slice(),
      isLast: this.sent >= this.compressed!.length,
    };
  }

  /** Every remaining frame (see `outputFrame`). */
  outputFrames(maxFrameSize: number): Frame[] {
    const out: Frame[] = [];
    while (this.hasFrames()) out.push(this.outputFrame(maxFrameSize));
    return out;
  }
}
