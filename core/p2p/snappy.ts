/**
 * Snappy in the two forms OP's p2p layer uses: the **block** format for gossip messages
 * (snappyjs), and the **framing** format for `payload_by_number` responses (implemented here:
 * stream identifier, compressed / uncompressed chunks of at most 65536 bytes, each with the
 * masked CRC-32C of its uncompressed bytes). Both decoders take a limit on the decompressed
 * size, checked before allocating, so a small message cannot expand into a large one.
 * Specs: https://github.com/google/snappy/blob/main/format_description.txt,
 * https://github.com/google/snappy/blob/main/framing_format.txt
 */
import { compress, uncompress } from "snappyjs";
import { InvalidSnappyError } from "./errors.ts";

/** Snappy block compression of `data`. */
export function snappyCompress(data: Uint8Array): Uint8Array {
  return toPlain(compress(data) as Uint8Array);
}

/**
 * The uncompressed length a snappy block declares (its leading varint), or -1 if the varint is
 * malformed. Lets callers refuse a block before decompressing it.
 */
export function snappyDecodedLength(data: Uint8Array): number {
  let result = 0;
  for (let i = 0, shift = 0; i < 5 && i < data.length; i++, shift += 7) {
    const c = data[i]!;
    result += (c & 0x7f) * 2 ** shift;
    if ((c & 0x80) === 0) return result > 0xffffffff ? -1 : result;
  }
  return -1;
}

/** Decompresses a snappy block of at most `maxLength` decompressed bytes; throws `InvalidSnappyError`. */
export function snappyUncompress(data: Uint8Array, maxLength: number): Uint8Array {
  const n = snappyDecodedLength(data);
  if (n < 0) throw new InvalidSnappyError("snappy block: malformed length varint");
  if (n > maxLength)
    throw new InvalidSnappyError(`snappy block: decompresses to ${n} bytes > limit ${maxLength}`);
  try {
    return toPlain(uncompress(data, maxLength) as Uint8Array);
  } catch (cause) {
    throw new InvalidSnappyError("snappy block: invalid bitstream", { cause });
  }
}

const STREAM_IDENTIFIER = new Uint8Array([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
const MAX_CHUNK_DATA = 65536;

/** Snappy framing-format encoding of `data` (stream identifier, then one chunk per 64 KiB). */
export function snappyFrameEncode(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [STREAM_IDENTIFIER];
  for (let o = 0; o < data.length || (o === 0 && data.length === 0); o += MAX_CHUNK_DATA) {
    const raw = data.subarray(o, o + MAX_CHUNK_DATA);
    const packed = snappyCompress(raw);
    // Store a chunk uncompressed when compression does not pay (framing_format.txt 4.3).
    const useRaw = packed.length >= raw.length;
    const body = useRaw ? raw : packed;
    const chunk = new Uint8Array(8 + body.length);
    const len = body.length + 4;
    chunk[0] = useRaw ? 0x01 : 0x00;
    chunk[1] = len & 0xff;
    chunk[2] = (len >> 8) & 0xff;
    chunk[3] = (len >> 16) & 0xff;
    new DataView(chunk.buffer).setUint32(4, maskedCrc32c(raw), true);
    chunk.set(body, 8);
    parts.push(chunk);
    if (data.length === 0) break;
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Decodes a snappy framing stream whose decompressed size is at most `maxLength`; checks every
 * chunk's CRC. Throws `InvalidSnappyError`.
 */
export function snappyFrameDecode(data: Uint8Array, maxLength: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let o = 0;
  let sawIdentifier = false;
  while (o < data.length) {
    if (o + 4 > data.length) throw new InvalidSnappyError(`snappy frame: truncated chunk header at ${o}`);
    const type = data[o]!;
    const len = data[o + 1]! | (data[o + 2]! << 8) | (data[o + 3]! << 16);
    const body = data.subarray(o + 4, o + 4 + len);
    if (body.length !== len)
      throw new InvalidSnappyError(`snappy frame: chunk at ${o} claims ${len} bytes, ${body.length} remain`);
    o += 4 + len;
    if (type === 0xff) {
      if (len !== 6 || body[0] !== 0x73 || body[5] !== 0x59)
        throw new InvalidSnappyError("snappy frame: bad stream identifier");
      sawIdentifier = true;
      continue;
    }
    if (!sawIdentifier)
      throw new InvalidSnappyError("snappy frame: stream does not start with the identifier");
    if (type === 0x00 || type === 0x01) {
      if (len < 4) throw new InvalidSnappyError(`snappy frame: data chunk of ${len} bytes has no CRC`);
      const crc = new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true);
      const payload = body.subarray(4);
      const raw =
        type === 0x00 ? snappyUncompress(payload, Math.min(MAX_CHUNK_DATA, maxLength - total)) : payload;
      if (raw.length > MAX_CHUNK_DATA)
        throw new InvalidSnappyError(`snappy frame: chunk of ${raw.length} bytes > ${MAX_CHUNK_DATA}`);
      if (total + raw.length > maxLength)
        throw new InvalidSnappyError(`snappy frame: decompresses past the limit of ${maxLength} bytes`);
      if (maskedCrc32c(raw) !== crc)
        throw new InvalidSnappyError(`snappy frame: CRC mismatch in chunk at ${o}`);
      chunks.push(raw);
      total += raw.length;
      continue;
    }
    if (type >= 0x02 && type <= 0x7f)
      throw new InvalidSnappyError(`snappy frame: reserved unskippable chunk type 0x${type.toString(16)}`);
    // 0x80..0xfe: padding and reserved skippable chunks.
  }
  if (!sawIdentifier) throw new InvalidSnappyError("snappy frame: empty stream");
  const out = new Uint8Array(total);
  let w = 0;
  for (const c of chunks) {
    out.set(c, w);
    w += c.length;
  }
  return out;
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli) of `data`. */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The framing format's masked CRC: `((crc >> 15) | (crc << 17)) + 0xa282ead8` (mod 2^32). */
export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** snappyjs returns a Buffer under Node/Bun; callers get a plain Uint8Array view. */
function toPlain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
