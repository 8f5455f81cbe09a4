/**
 * Fixed-width big-endian integers, the unit of ABI words and packed calldata. Shared by the
 * deposit-log parser, the L1 info codec and the genesis builder.
 */

/** Big-endian bytes of `v` in exactly `size` bytes; throws `RangeError` if it does not fit. */
export function uintToBytes(v: bigint, size = 32): Uint8Array {
  if (v < 0n || v >> BigInt(size * 8) !== 0n)
    throw new RangeError(`uint: ${v} does not fit in ${size} bytes`);
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The unsigned big-endian integer held in `bytes` (any length; empty is 0). */
export function bytesToUint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
