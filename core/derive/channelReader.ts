/**
 * Stage 5, channel reader (op-node `derive/channel_in_reader.go`): decompresses each channel
 * (zlib or brotli, by its version byte) and reads its batches one by one.
 *
 * - A channel with an unknown version byte, or whose stream is corrupt, truncated or larger
 *   than `MAX_RLP_BYTES_PER_CHANNEL` once decompressed, is dropped whole. (OP keeps the batches
 *   decoded before the fault; Ore's rule does not depend on how a decompressor streams.)
 * - A malformed batch ends the channel: it and the rest of the channel are dropped.
 * - Singular (version 0) and span (version 1) batches are handed on; a batch of another version
 *   is skipped.
 */

import {
  decodeBatch,
  MAX_RLP_BYTES_PER_CHANNEL,
  readBatchBytes,
  type SINGULAR_BATCH_TYPE,
  type SingularBatch,
  type SPAN_BATCH_TYPE,
} from "./batch.ts";
import type { ChannelBank } from "./channelBank.ts";
import { channelCompression, type Decompressor } from "./compression.ts";
import { DecodeError } from "./errors.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import type { SpanBatch, SpanBatchParams } from "./spanBatch.ts";
import { EOF, type EventSink, NOT_ENOUGH_DATA, type Pulled } from "./stage.ts";
import type { L1BlockRef, SystemConfig } from "./types.ts";

/** A batch read from a channel: singular or span. */
export type ChannelBatch =
  | { type: typeof SINGULAR_BATCH_TYPE; batch: SingularBatch }
  | { type: typeof SPAN_BATCH_TYPE; batch: SpanBatch };

/** Batches of one channel at a time. */
export class ChannelReader {
  private stream: Uint8Array | null = null;
  private pos = 0;
  private readonly params: SpanBatchParams;

  constructor(
    config: RollupConfig,
    private readonly prev: ChannelBank,
    private readonly decompressor: Decompressor,
    private readonly events: EventSink,
  ) {
    this.params = {
      genesisTime: config.genesis.l2Time,
      blockTime: config.blockTime,
      l2ChainId: config.l2ChainId,
    };
  }

  /** The L1 block being read. */
  origin(): L1BlockRef {
    return this.prev.origin();
  }

  /** The next batch; NOT_ENOUGH_DATA while moving between channels or skipping; EOF when none remain. */
  async nextBatch(): Promise<Pulled<ChannelBatch>> {
    if (this.stream === null) {
      const ch = await this.prev.nextData();
      if (ch === EOF || ch === NOT_ENOUGH_DATA) return ch;
      this.stream = this.open(ch.data);
      this.pos = 0;
      if (this.stream === null) return NOT_ENOUGH_DATA;
    }
    let next: ReturnType<typeof readBatchBytes>;
    try {
      next = readBatchBytes(this.stream, this.pos);
    } catch (e) {
      return this.dropRest((e as Error).message);
    }
    if (next === null) {
      this.stream = null;
      return NOT_ENOUGH_DATA;
    }
    this.pos = next.end;
    let decoded: ReturnType<typeof decodeBatch>;
    try {
      decoded = decodeBatch(next.data, this.params);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return this.dropRest(e.message);
    }
    if (decoded.batch === undefined) {
      this.events({
        stage: "channel-reader",
        kind: "batch-skipped",
        reason: `unsupported batch version ${decoded.type}`,
        origin: this.origin(),
      });
      return NOT_ENOUGH_DATA;
    }
    return decoded as ChannelBatch;
  }

  private open(channel: Uint8Array): Uint8Array | null {
    const c = channelCompression(channel);
    if (c === null) {
      this.events({
        stage: "channel-reader",
        kind: "channel-dropped",
        reason: `unknown channel version byte ${channel[0]}`,
        origin: this.origin(),
      });
      return null;
    }
    try {
      return this.decompressor.decompress(c.algo, c.body, MAX_RLP_BYTES_PER_CHANNEL);
    } catch (e) {
      this.events({
        stage: "channel-reader",
        kind: "channel-dropped",
        reason: `${c.algo} decompression failed: ${(e as Error)?.message ?? String(e)}`,
        origin: this.origin(),
      });
      return null;
    }
  }

  private dropRest(reason: string): typeof NOT_ENOUGH_DATA {
    this.events({ stage: "channel-reader", kind: "channel-rest-dropped", reason, origin: this.origin() });
    this.stream = null;
    return NOT_ENOUGH_DATA;
  }

  /** Forgets the channel being read. */
  reset(_base: L1BlockRef, _cfg: SystemConfig): void {
    this.stream = null;
    this.pos = 0;
  }
}
