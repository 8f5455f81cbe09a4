/**
 * SHA-256 (FIPS 180-4) through ChainSafe's `@chainsafe/as-sha256`, the AssemblyScript
 * implementation Lodestar uses: Ore wraps it, it does not reimplement it. Results are fresh
 * 32-byte arrays owned by the caller (as-sha256 may hand out views of a shared pool).
 * Bulk Merkle hashing does not go through here: see `core/merkle/` and `wasm/merkle.ts`.
 */
import { digest, digest2Bytes32Into } from "@chainsafe/as-sha256";
import { assertBytes, assertBytesLength } from "../bytes.ts";

/** SHA-256 of `data`; throws `TypeError` unless `data` is a `Uint8Array`. */
export function sha256(data: Uint8Array): Uint8Array {
  assertBytes(data, "data");
  return digest(data).slice();
}

/**
 * SHA-256 of `left || right`, the inner-node hash of SSZ Merkle trees. Both halves must be
 * 32-byte `Uint8Array`s (`TypeError` / `RangeError` naming the parameter otherwise).
 */
export function sha256Pair(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertBytesLength(left, 32, "left");
  assertBytesLength(right, 32, "right");
  const out = new Uint8Array(32);
  digest2Bytes32Into(left, right, out);
  return out;
}
