/**
 * The batcher's side of derivation (op-node `derive/channel_out.go`, `span_channel_out.go`):
 * L2 blocks in, frames out. Each block becomes a singular batch (its non-deposit transactions,
 * its parent, L1 origin and timestamp); with `span`, the channel's blocks instead form one span
 * batch (`spanBatch.ts`). The batches are RLP-wrapped into one stream, compressed as a whole on
 * `close()` (zlib, or brotli behind the 0x01 version byte), and cut into frames of a chosen size.
 * `batcherTx.ts` turns frames into BatchFeed calldata or blobs.
 *
 * With `maxCompressedBytes`, the channel is filled by its compressed size, as op-batcher's shadow
 * and ratio compressors do (`compressor/shadow_compressor.go`, `ratio_compressor.go`), on a
 * one-shot `Compressor`. The channel keeps a checkpoint: the exact compressed bytes of its first
 * batches. A later batch is taken without compressing while the checkpoint plus the raw bytes
 * added since, at the stream's ratio so far (x 1.05) plus stream overhead, stays within the limit;
 * past that the whole stream with the new batch is compressed, the batch refused if the result is
 * over the limit, and the checkpoint otherwise moved there. `close()` compresses once more if
 * batches came after the checkpoint and, should the estimate have been too low, keeps the longest
 * run of batches that fits (by bisection from the checkpoint) and reports how many it left out,
 * for the batcher to send in its next channel. So a channel never passes the limit, and is
 * compressed a few times, not once per batch.
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
  /**
   * Cap on the closed channel's bytes (compressed, version byte included), e.g. the frame data
   * of the frames a channel may take. A batch that would pass it is refused with
   * `ChannelOutError` ("channel full") and the channel is then full; the first batch is always
   * taken (as op-batcher's), so a block larger than the cap alone still gets a channel.
   */
  maxCompressedBytes?: number;
}

/**
 * Bytes `ChannelOut` adds to its estimate of a stream's growth when `raw` more bytes are
 * compressed: the stream's end (zlib's final block and Adler-32, brotli's last meta-block) and a
 * block header per 16 KiB, with room to spare.
 */
export function compressionOverhead(raw: number): number {
  return 32 + 5 * Math.ceil(raw / 16_384);
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
  private readonly maxOut: number;
  private parts: Uint8Array[] = [];
  private batches: SingularBatch[] = [];
  private firstOfEpoch = false;
  private span: SpanBatchBuilder | null = null;
  private rlpLen = 0;
  private blocks = 0;
  private compressed: Uint8Array | null = null;
  /** Exact channel bytes of the first `checkBlocks` batches, and the stream length they came from. */
  private check: Uint8Array | null = null;
  private checkBlocks = 0;
  private checkRlp = 0;
  /** Compressed bytes per raw byte assumed after the checkpoint. */
  private ratio = 1;
  private compressions = 0;
  private full = false;
  private closed = false;
  private nextFrame = 0;
  private sent = 0;

  constructor(opts: ChannelOutOptions) {
    if (opts.id.length !== 16)
      throw new ChannelOutError(`channel id must be 16 bytes, found ${opts.id.length}`);
    this.id = opts.id.slice();
    this.opts = opts;
    this.maxRlp = Math.min(opts.maxRlpBytes ?? MAX_RLP_BYTES_PER_CHANNEL, MAX_RLP_BYTES_PER_CHANNEL);
    this.maxOut = opts.maxCompressedBytes ?? Number.POSITIVE_INFINITY;
    if (!(this.maxOut >= 1))
      throw new ChannelOutError(`maxCompressedBytes must be at least 1, found ${opts.maxCompressedBytes}`);
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
    this.batches.push(batch);
    this.compressed = null;
    this.fitOrUndo(() => {
      this.parts.pop();
      this.rlpLen -= item.length;
    });
  }

  /**
   * After a batch was added: keeps it if the channel's compressed size likely stays within
   * `maxCompressedBytes` (checkpoint + raw bytes since x ratio + overhead), or if compressing the
   * whole stream says so (the result becomes the checkpoint); the first batch is always kept.
   * Otherwise calls `undo`, marks the channel full and throws.
   */
  private fitOrUndo(undo: () => void): void {
    if (this.maxOut === Number.POSITIVE_INFINITY) return;
    // The first batch is always compressed, so that a checkpoint holds at least one batch and
    // `close` never has to leave every batch out.
    const added = this.rlpLen - this.checkRlp;
    if (
      this.blocks > 1 &&
      this.check!.length + Math.ceil(added * this.ratio) + compressionOverhead(added) <= this.maxOut
    )
      return;
    const out = this.compressRaw(this.rawStream());
    if (out.length <= this.maxOut || this.blocks === 1) {
      this.setCheckpoint(out);
      if (out.length > this.maxOut) this.full = true;
      return;
    }
    undo();
    this.blocks--;
    this.batches.pop();
    if (this.blocks === this.checkBlocks) this.compressed = this.check;
    this.full = true;
    throw new ChannelOutError(`channel full: ${out.length} compressed bytes > limit ${this.maxOut}`);
  }

  private setCheckpoint(out: Uint8Array): void {
    this.check = out;
    this.checkBlocks = this.blocks;
    this.checkRlp = this.rlpLen;
    this.compressed = out;
    // The stream's ratio so far, a little high: later batches of the same kind compress at least
    // as well, with more of the stream to refer back to.
    this.ratio = Math.min(1, (1.05 * out.length) / Math.max(1, this.rlpLen));
  }

  /** The uncompressed stream of the first `n` batches. */
  private streamOf(n: number): Uint8Array {
    if (!this.opts.span) return concatBytes(...this.parts.slice(0, n));
    const span = new SpanBatchBuilder(this.opts.span, this.firstOfEpoch);
    for (const b of this.batches.slice(0, n)) span.add(b);
    return rlpEncode(span.encode());
  }

  private rawStream(): Uint8Array {
    return this.span ? rlpEncode(this.span.encode()) : concatBytes(...this.parts);
  }

  private compressRaw(raw: Uint8Array): Uint8Array {
    this.compressions++;
    const body = this.opts.compressor.compress(this.opts.algo, raw);
    return this.opts.algo === "brotli" ? concatBytes(Uint8Array.of(CHANNEL_VERSION_BROTLI), body) : body;
  }

  private addToSpan(batch: SingularBatch, firstOfEpoch: boolean): void {
    if (this.span === null) {
      this.span = new SpanBatchBuilder(this.opts.span!, firstOfEpoch);
      this.firstOfEpoch = firstOfEpoch;
    }
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
    const before = this.rlpLen;
    this.span.add(batch);
    this.rlpLen = rlpLen;
    this.blocks++;
    this.batches.push(batch);
    this.compressed = null;
    this.fitOrUndo(() => {
      this.rebuildSpan(this.batches.length - 1);
      this.rlpLen = before;
    });
  }

  /** The span batch of the first `n` batches (a span batch's encoding is not append-only). */
  private rebuildSpan(n: number): void {
    this.span = new SpanBatchBuilder(this.opts.span!, this.firstOfEpoch);
    for (const b of this.batches.slice(0, n)) this.span.add(b);
  }

  /** Uncompressed bytes so far. */
  rlpBytes(): number {
    return this.rlpLen;
  }

  /** Batches so far. */
  blockCount(): number {
    return this.blocks;
  }

  /**
   * True once the channel refused a batch for its compressed size, or its first batch alone is
   * over `maxCompressedBytes`: the batcher should close it.
   */
  isFull(): boolean {
    return this.full;
  }

  /** Whole-stream compressions so far (size checks and the final one; for tests and the benchmark). */
  compressionCount(): number {
    return this.compressions;
  }

  /**
   * The channel's bytes if closed now (version byte included); compresses, so call sparingly.
   * On an open channel they may be over `maxCompressedBytes` (see `close`).
   */
  compressedBytes(): Uint8Array {
    this.compressed ??= this.compressRaw(this.rawStream());
    return this.compressed;
  }

  /**
   * Seals the channel: no more batches. Returns how many of the last batches it left out: 0,
   * unless the stream came out over `maxCompressedBytes` (batches taken on the ratio estimate),
   * in which case the channel keeps the longest run of batches that fits and the rest are to be
   * sent in another channel.
   */
  close(): number {
    if (this.closed) return 0;
    let left = 0;
    if (this.compressedBytes().length > this.maxOut && this.blocks > this.checkBlocks && this.check) {
      // The checkpoint fits (or is the lone first batch); find the longest run that fits.
      let lo = this.checkBlocks;
      let hi = this.blocks;
      let best = this.check;
      let bestRlp = this.checkRlp;
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        const raw = this.streamOf(mid);
        const out = this.compressRaw(raw);
        if (out.length <= this.maxOut) {
          lo = mid;
          best = out;
          bestRlp = raw.length;
        } else hi = mid;
      }
      left = this.blocks - lo;
      this.blocks = lo;
      this.rlpLen = bestRlp;
      this.compressed = best;
    }
    this.parts = [];
    this.batches = [];
    this.span = null;
    this.check = null;
    this.closed = true;
    return left;
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
