/**
 * Channel compression, behind an interface so core stays pure. A channel is one compressed
 * stream of RLP batches; its first byte says how it was compressed (OP's channel version byte):
 *
 * - zlib (RFC 1950): the channel *is* the zlib stream; its first byte is the zlib CMF byte,
 *   whose low nibble is 8 (deflate, e.g. 0x78) or 15 (reserved);
 * - brotli (RFC 7932): the channel is the byte 0x01 followed by the brotli stream.
 *
 * Any other first byte makes the channel invalid. Core adds and strips the version byte; the
 * codec only (de)compresses. The node provides the codec (`node:zlib`, which Bun and Deno
 * both implement); tests and the benchmark use `testing/nodeCodec.ts`.
 * Spec: https://specs.optimism.io/protocol/fjord/derivation.html#brotli-channel-compression
 */

/** How a channel's batches are compressed. */
export type CompressionAlgo = "zlib" | "brotli";

/** First byte of a brotli channel. */
export const CHANNEL_VERSION_BROTLI = 0x01;

/** Batcher side: compresses a whole channel's RLP batches in one go. Output need not be deterministic. */
export interface Compressor {
  /** `algo`'s stream of `data`: a zlib stream (0x78 header) or a bare brotli stream. */
  compress(algo: CompressionAlgo, data: Uint8Array): Uint8Array;
}

/**
 * Derivation side. Must be deterministic: two nodes with the same channel must get the same
 * answer. `decompress` returns the whole decompressed stream and MUST throw when the stream is
 * corrupt or truncated, or when its output would exceed `maxOutputBytes` (`node:zlib`'s
 * `maxOutputLength`); bytes after the end of the stream are ignored. A throw drops the channel.
 */
export interface Decompressor {
  decompress(algo: CompressionAlgo, data: Uint8Array, maxOutputBytes: number): Uint8Array;
}

/** Both directions, as one object usually provides them. */
export interface ChannelCodec extends Compressor, Decompressor {}

/**
 * The algorithm a channel's first byte announces and where its compressed stream starts, or
 * null for an unknown version byte (the channel is then dropped).
 */
export function channelCompression(channel: Uint8Array): { algo: CompressionAlgo; body: Uint8Array } | null {
  if (channel.length === 0) return null;
  const b = channel[0]!;
  if ((b & 0x0f) === 8 || (b & 0x0f) === 15) return { algo: "zlib", body: channel };
  if (b === CHANNEL_VERSION_BROTLI) return { algo: "brotli", body: channel.subarray(1) };
  return null;
}
