/**
 * The node's channel codec on `node:zlib` (which Bun and Deno both implement): zlib at level 9
 * and brotli at quality 11 with a 4 MiB window, as op-batcher configures them. Decompression is
 * bounded by `maxOutputBytes` (`maxOutputLength`), so a compression bomb in a batch only drops
 * its channel. Derivation adds and strips the channel version byte (`core/derive/compression.ts`).
 */
import * as zlib from "node:zlib";
import type { ChannelCodec, CompressionAlgo } from "../../core/derive/compression.ts";

/** Compresses for the batcher and decompresses for derivation. */
export const channelCodec: ChannelCodec = {
  compress(algo: CompressionAlgo, data: Uint8Array): Uint8Array {
    if (algo === "zlib") return new Uint8Array(zlib.deflateSync(data, { level: 9 }));
    return new Uint8Array(
      zlib.brotliCompressSync(data, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_LGWIN]: 22,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
    );
  },
  decompress(algo: CompressionAlgo, data: Uint8Array, maxOutputBytes: number): Uint8Array {
    const opts = { maxOutputLength: Math.max(1, maxOutputBytes) };
    const out = algo === "zlib" ? zlib.inflateSync(data, opts) : zlib.brotliDecompressSync(data, opts);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};
