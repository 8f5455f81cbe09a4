/**
 * Ore's hashing for the @ethereumjs packages: the object to pass as `customCrypto` to
 * `new Common({ chain, customCrypto })` or `createCustomCommon(config, base, { customCrypto })`,
 * so the engine's EVM, state manager, blocks, transactions and tries hash with Ore's WASM
 * Keccak-256 (and SHA-256, the `0x02` precompile) instead of their pure-JS defaults. The other
 * `CustomCrypto` members (`ecrecover`, `ecsign`, `ecdsaRecover`, `kzg`) are left out, so
 * @ethereumjs keeps its own; a caller may add them to the returned object.
 */
import { keccak256 } from "./keccak.ts";
import { sha256 } from "./sha256.ts";

/**
 * The hash members of @ethereumjs/common's `CustomCrypto` that Ore supplies, declared here
 * structurally so `core/` depends on @ethereumjs neither at runtime nor in types; a value of this
 * type is assignable to `CustomCrypto`.
 */
export interface EthereumjsHashes {
  /** Keccak-256 (Ethereum's original padding): a fresh 32-byte digest. */
  keccak256: (msg: Uint8Array) => Uint8Array;
  /** SHA-256: a fresh 32-byte digest. */
  sha256: (msg: Uint8Array) => Uint8Array;
}

/** A `customCrypto` for @ethereumjs backed by Ore's WASM hashes; a fresh object per call. */
export function ethereumjsCrypto(): EthereumjsHashes {
  return { keccak256, sha256 };
}
