/**
 * A `ChannelCodec` on `node:zlib` for derivation's tests and benchmark only; it is not part of
 * core's runtime graph (nothing outside tests and bench imports it) because core stays pure.
 * The node's production codec lives in `node/rollup/` and should behave the same way.
 */
import * as zlib from "node:zlib";
import type { ChannelCodec, CompressionAlgo } from "../compression.ts";

/** zlib at level 9 and brotli at quality 11 (window 22), as op-batcher configures them. */
export const nodeCodec: ChannelCodec = {
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
