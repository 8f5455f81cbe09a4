/**
 * The keccak-256 the engine's pure code hashes with. It is a seam: today it is
 * `@noble/hashes`; once `core/hash/keccak.ts` (Ore's WASM keccak) lands, this file re-exports
 * that one, and nothing else in `core/engine/` changes.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";

/** Keccak-256 of `data` (32 bytes). */
export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}
