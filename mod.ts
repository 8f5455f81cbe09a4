/**
 * Ore's public, runtime-agnostic entry point: what someone embedding Ore imports. Everything
 * exported here runs unchanged under Bun, Deno and browsers (no runtime-specific APIs).
 */

export { assertBytes, assertBytesLength, bytesEqual, concatBytes, fromHex, toHex } from "./core/bytes.ts";
// Errors and byte helpers
export { OreError, PipelineError, type Severity } from "./core/errors.ts";

// Hashing: keccak-256 (WASM) and SHA-256
export { createKeccak256, type Keccak256Hasher, keccak256, keccak256Many } from "./core/hash/keccak.ts";

// Generalized-index binary Merkle trees (SHA-256)

// Merkle Patricia Trie
