/**
 * Channel frames and batcher transaction data (OP's wire format, unchanged).
 *
 * ```text
 * batcher_data = version_byte(0) ++ frame ++ frame ++ ...
 * frame        = channel_id(16) ++ frame_number(uint16 BE) ++ frame_data_length(uint32 BE)
 *                ++ frame_data ++ is_last(1 byte: 0 or 1)
 * ```
 *
 * `frame_data_length` is at most 1,000,000; the fixed overhead is 23 bytes. If any frame of a
 * batcher transaction fails to parse, the whole transaction's data is ignored.
 * Spec: https://specs.optimism.io/protocol/derivation.html#frame-format
 */
import { DecodeError } from "./errors.ts";

/** The only batcher-data version (`version_byte`). */
export const DERIVATION_VERSION_0 = 0;

/** Largest `frame_data_length` a frame may declare. */
export const MAX_FRAME_LEN = 1_000_000;

/** Bytes of a frame that are not `frame_data`: 16 + 2 + 4 + 1. */
export const FRAME_OVERHEAD = 23;

/** One frame: a numbered slice of a channel's bytes. */
export interface Frame {
  /** 16 bytes, chosen at random by the batcher. */
  id: Uint8Array;
  /** Position of the frame in its channel, from 0. */
  frameNumber: number;
  data: Uint8Array;
  /** True for the channel's last frame. */
  isLast: boolean;
}

/** Serializes one frame. Throws `DecodeError` if a field is out of range. */
export function encodeFrame(f: Frame): Uint8Array {
  if (f.id.length !== 16) throw new DecodeError(`frame: channel id must be 16 bytes, found ${f.id.length}`);
  if (!Number.isInteger(f.frameNumber) || f.frameNumber < 0 || f.frameNumber > 0xffff) {
    throw new DecodeError(`frame: frame number must fit uint16, found ${f.frameNumber}`);
  }
  if (f.data.length > MAX_FRAME_LEN) {
    throw new DecodeError(`frame: data is ${f.data.length} bytes > limit ${MAX_FRAME_LEN}`);
  }
  const out = new Uint8Array(FRAME_OVERHEAD + f.data.length);
  const view = new DataView(out.buffer);
  out.set(f.id, 0);
  view.setUint16(16, f.frameNumber);
  view.setUint32(18, f.data.length);
  out.set(f.data, 22);
  out[22 + f.data.length] = f.isLast ? 1 : 0;
  return out;
}

/** Reads the frame at `offset`; returns it and the offset just past it. Throws `DecodeError`. */
export function decodeFrame(data: Uint8Array, offset = 0): { frame: Frame; end: number } {
  if (data.length - offset < FRAME_OVERHEAD) {
    throw new DecodeError(
      `frame: need at least ${FRAME_OVERHEAD} bytes at offset ${offset}, found ${data.length - offset}`,
    );
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const frameNumber = view.getUint16(offset + 16);
  const len = view.getUint32(offset + 18);
  if (len > MAX_FRAME_LEN) throw new DecodeError(`frame: data length ${len} > limit ${MAX_FRAME_LEN}`);
  const dataStart = offset + 22;
  if (dataStart + len + 1 > data.length) {
    throw new DecodeError(
      `frame: declares ${len} data bytes at offset ${dataStart}, only ${data.length - dataStart - 1} available`,
    );
  }
  const isLast = data[dataStart + len]!;
  if (isLast > 1) throw new DecodeError(`frame: is_last must be 0 or 1, found ${isLast}`);
  return {
    frame: {
      id: data.slice(offset, offset + 16),
      frameNumber,
      data: data.slice(dataStart, dataStart + len),
      isLast: isLast === 1,
    },
    end: dataStart + len + 1,
  };
}

/**
 * The frames of one batcher transaction's data (`version_byte ++ frame...`). Throws
 * `DecodeError` on an empty input, an unknown version, no frames, or any malformed frame: the
 * caller then ignores the whole transaction (op-node `ParseFrames`).
 */
export function decodeFrames(data: Uint8Array): Frame[] {
  if (data.length === 0) throw new DecodeError("batcher data: empty");
  if (data[0] !== DERIVATION_VERSION_0)
    throw new DecodeError(`batcher data: unknown version byte ${data[0]}`);
  const frames: Frame[] = [];
  let pos = 1;
  while (pos < data.length) {
    const { frame, end } = decodeFrame(data, pos);
    frames.push(frame);
    pos = end;
  }
  if (frames.length === 0) throw new DecodeError("batcher data: no frames");
  return frames;
}

/** Batcher transaction data carrying `frames`: the version byte, then each frame. */
export function encodeBatcherData(frames: readonly Frame[]): Uint8Array {
  const parts = frames.map(encodeFrame);
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = DERIVATION_VERSION_0;
  let pos = 1;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
