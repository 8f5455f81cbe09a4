/**
 * A channel being reassembled from frames (op-node `derive/channel.go`). Frames may arrive in
 * any order, across many L1 blocks; the channel is ready once it is closed (a frame with
 * `is_last`) and holds every frame from 0 to the closing one.
 *
 * Frame insertion rules, in order (a rejected frame is dropped, the channel is unchanged):
 * a closing frame for an already closed channel; a duplicate frame number; a frame numbered
 * at or past the closing frame of a closed channel. A closing frame prunes any frames
 * numbered above it. Spec: https://specs.optimism.io/protocol/derivation.html#loading-frames
 */
import type { Frame } from "./frame.ts";
import type { L1BlockRef } from "./types.ts";

/** Size a frame counts for in the channel bank: its data plus 200 bytes of overhead. */
export const CHANNEL_FRAME_OVERHEAD = 200;

/** One channel under reassembly. */
export class Channel {
  /** The 16-byte channel id. */
  readonly id: Uint8Array;
  /** The L1 block in which the channel's first frame was seen; timeouts count from here. */
  readonly openBlock: L1BlockRef;
  private readonly inputs = new Map<number, Frame>();
  private closed = false;
  private endFrameNumber = 0;
  private highestFrameNumber = 0;
  private bytes = 0;

  constructor(id: Uint8Array, openBlock: L1BlockRef) {
    this.id = id;
    this.openBlock = openBlock;
  }

  /** Adds `frame`; returns null, or the reason the frame was dropped. */
  addFrame(frame: Frame): string | null {
    if (frame.isLast && this.closed) return "closing frame for a closed channel";
    if (this.inputs.has(frame.frameNumber)) return `duplicate frame ${frame.frameNumber}`;
    if (this.closed && frame.frameNumber >= this.endFrameNumber) {
      return `frame ${frame.frameNumber} at or past the closing frame ${this.endFrameNumber}`;
    }
    if (frame.isLast) {
      this.endFrameNumber = frame.frameNumber;
      this.closed = true;
      if (this.endFrameNumber < this.highestFrameNumber) {
        for (const [n, f] of this.inputs) {
          if (n >= this.endFrameNumber) {
            this.inputs.delete(n);
            this.bytes -= f.data.length + CHANNEL_FRAME_OVERHEAD;
          }
        }
        this.highestFrameNumber = this.endFrameNumber;
      }
    }
    if (frame.frameNumber > this.highestFrameNumber) this.highestFrameNumber = frame.frameNumber;
    this.inputs.set(frame.frameNumber, frame);
    this.bytes += frame.data.length + CHANNEL_FRAME_OVERHEAD;
    return null;
  }

  /** Buffered size as the channel bank counts it. */
  size(): number {
    return this.bytes;
  }

  /** Number of buffered frames. */
  frameCount(): number {
    return this.inputs.size;
  }

  /** True when closed and every frame 0..end is present. */
  isReady(): boolean {
    if (!this.closed || this.inputs.size !== this.endFrameNumber + 1) return false;
    for (let i = 0; i <= this.endFrameNumber; i++) if (!this.inputs.has(i)) return false;
    return true;
  }

  /** The channel's bytes: the frames' data in frame order (call only when ready). */
  read(): Uint8Array {
    const out = new Uint8Array(
      this.inputs.size === 0 ? 0 : [...this.inputs.values()].reduce((n, f) => n + f.data.length, 0),
    );
    let pos = 0;
    for (let i = 0; i <= this.endFrameNumber; i++) {
      const f = this.inputs.get(i)!;
      out.set(f.data, pos);
      pos += f.data.length;
    }
    return out;
  }
}
