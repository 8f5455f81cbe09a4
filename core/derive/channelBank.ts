/**
 * Stage 4, channel bank (op-node `derive/channel_bank.go`, Canyon rules): buffers frames into
 * channels, in a FIFO queue by the L1 block the channel was opened in, and hands out complete
 * channels.
 *
 * - A channel times out when `origin.number > open_block.number + channel_timeout`; frames
 *   for a timed-out channel are dropped, and reading removes timed-out channels at the front.
 * - Reading returns the first ready (closed and complete, not timed-out) channel in FIFO order.
 * - After each frame the bank is pruned: while the sum of channel sizes (frame data + 200
 *   bytes per frame) exceeds `MAX_CHANNEL_BANK_SIZE`, the oldest channel is dropped.
 * - It reads before it loads: a pull first tries to hand out a channel, then ingests one frame.
 *
 * Spec: https://specs.optimism.io/protocol/derivation.html#channel-bank
 */
import { toHex } from "../bytes.ts";
import { Channel } from "./channel.ts";
import type { FrameQueue } from "./frameQueue.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { EOF, type EventSink, NOT_ENOUGH_DATA, type Pulled } from "./stage.ts";
import type { L1BlockRef, SystemConfig } from "./types.ts";

/** Most bytes the bank buffers before pruning the oldest channels (OP, before Fjord). */
export const MAX_CHANNEL_BANK_SIZE = 100_000_000;

/** A complete channel's bytes and its id. */
export interface ChannelData {
  id: Uint8Array;
  data: Uint8Array;
}

/** Reassembles channels from frames. */
export class ChannelBank {
  private readonly channels = new Map<string, Channel>();
  private queue: string[] = [];

  constructor(
    private readonly config: RollupConfig,
    private readonly prev: FrameQueue,
    private readonly events: EventSink,
  ) {}

  /** The L1 block being read. */
  origin(): L1BlockRef {
    return this.prev.origin();
  }

  /** The next ready channel, NOT_ENOUGH_DATA after ingesting a frame, or EOF when no frames remain. */
  async nextData(): Promise<Pulled<ChannelData>> {
    const ready = this.read();
    if (ready !== null) return ready;
    const frame = await this.prev.nextFrame();
    if (frame === EOF || frame === NOT_ENOUGH_DATA) return frame;
    this.ingest(frame);
    return NOT_ENOUGH_DATA;
  }

  /** Number of buffered channels (for tests and metrics). */
  size(): number {
    return this.queue.length;
  }

  private timedOut(ch: Channel): boolean {
    return ch.openBlock.number + this.config.channelTimeout < this.origin().number;
  }

  private ingest(frame: Parameters<Channel["addFrame"]>[0]): void {
    const origin = this.origin();
    const key = toHex(frame.id);
    let ch = this.channels.get(key);
    if (ch === undefined) {
      ch = new Channel(frame.id, origin);
      this.channels.set(key, ch);
      this.queue.push(key);
    }
    if (this.timedOut(ch)) {
      this.events({
        stage: "channel-bank",
        kind: "frame-dropped",
        reason: `channel ${key} timed out`,
        origin,
      });
      return;
    }
    const err = ch.addFrame(frame);
    if (err !== null) {
      this.events({ stage: "channel-bank", kind: "frame-dropped", reason: `channel ${key}: ${err}`, origin });
      return;
    }
    this.prune();
  }

  private read(): ChannelData | null {
    // Drop timed-out channels at the front; several may time out at once.
    while (this.queue.length > 0) {
      const first = this.channels.get(this.queue[0]!)!;
      if (!this.timedOut(first)) break;
      this.events({
        stage: "channel-bank",
        kind: "channel-timed-out",
        reason: `channel ${this.queue[0]} opened in L1 block ${first.openBlock.number} with ${first.frameCount()} frames`,
        origin: this.origin(),
      });
      this.channels.delete(this.queue.shift()!);
    }
    for (let i = 0; i < this.queue.length; i++) {
      const key = this.queue[i]!;
      const ch = this.channels.get(key)!;
      if (this.timedOut(ch) || !ch.isReady()) continue;
      this.channels.delete(key);
      this.queue.splice(i, 1);
      return { id: ch.id, data: ch.read() };
    }
    return null;
  }

  private prune(): void {
    let total = 0;
    for (const ch of this.channels.values()) total += ch.size();
    while (total > MAX_CHANNEL_BANK_SIZE) {
      const key = this.queue.shift()!;
      const ch = this.channels.get(key)!;
      this.channels.delete(key);
      total -= ch.size();
      this.events({
        stage: "channel-bank",
        kind: "channel-pruned",
        reason: `channel ${key}: bank over ${MAX_CHANNEL_BANK_SIZE} bytes`,
        origin: this.origin(),
      });
    }
  }

  /** Empties the bank. */
  reset(_base: L1BlockRef, _cfg: SystemConfig): void {
    this.channels.clear();
    this.queue = [];
  }
}
