/**
 * Stage 3, frame queue (op-node `derive/frame_queue.go`): splits each batcher data item into
 * frames. If any frame of an item is malformed, the whole item is dropped.
 */
import { DecodeError } from "./errors.ts";
import { decodeFrames, type Frame } from "./frame.ts";
import type { L1Retrieval } from "./l1Retrieval.ts";
import { EOF, type EventSink, NOT_ENOUGH_DATA, type Pulled } from "./stage.ts";
import type { L1BlockRef, SystemConfig } from "./types.ts";

/** Frames of the current L1 block, in order. */
export class FrameQueue {
  private frames: Frame[] = [];
  private head = 0;

  constructor(
    private readonly prev: L1Retrieval,
    private readonly events: EventSink,
  ) {}

  /** The L1 block being read. */
  origin(): L1BlockRef {
    return this.prev.origin();
  }

  /** The next frame; NOT_ENOUGH_DATA after consuming an item that held none; EOF at the block's end. */
  async nextFrame(): Promise<Pulled<Frame>> {
    if (this.head >= this.frames.length) {
      const data = await this.prev.nextData();
      if (data === EOF) return EOF;
      try {
        this.frames = decodeFrames(data);
        this.head = 0;
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        this.frames = [];
        this.head = 0;
        this.events({ stage: "frame-queue", kind: "data-dropped", reason: e.message, origin: this.origin() });
        return NOT_ENOUGH_DATA;
      }
    }
    return this.frames[this.head++]!;
  }

  /** Empties the queue. */
  reset(_base: L1BlockRef, _cfg: SystemConfig): void {
    this.frames = [];
    this.head = 0;
  }
}
