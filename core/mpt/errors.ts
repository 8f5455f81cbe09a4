/**
 * Errors of the Merkle Patricia Trie: proofs that do not check out, nodes missing from or
 * malformed in a node store, and inputs too large for the WASM builder. All are `OreError`s.
 */
import { OreError } from "../errors.ts";

/**
 * A Merkle proof is malformed or forged: a node that does not hash to its reference, bad RLP or
 * node shape, a proof that ends too early or carries extra nodes. `reason` says which, with the
 * index of the offending proof node when there is one.
 */
export class InvalidProofError extends OreError {
  override name = "InvalidProofError";

  constructor(reason: string, details: { node?: number } = {}) {
    super(`invalid proof: ${reason}`, { details });
  }
}

/** A node referenced by hash is not in the node store (pruned, or never written). */
export class MissingNodeError extends OreError {
  override name = "MissingNodeError";

  constructor(hashHex: string) {
    super(`trie node ${hashHex} not found in the node store`, { details: { hash: hashHex } });
  }
}

/** Bytes that should be a trie node are not a valid node encoding. */
export class InvalidNodeError extends OreError {
  override name = "InvalidNodeError";

  constructor(reason: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(`invalid trie node: ${reason}`, options);
  }
}

/**
 * The root builder could not build the given entries: WASM memory could not grow that far, or
 * (for pathological plain keys, thousands nested as prefixes of each other) the stack ran out.
 */
export class TrieTooLargeError extends OreError {
  override name = "TrieTooLargeError";

  constructor(inputBytes: number, options: { cause?: unknown } = {}) {
    super(
      `trie input too large for the WASM builder (memory or nesting depth): ${inputBytes} bytes of entries`,
      {
        details: { inputBytes },
        ...options,
      },
    );
  }
}

/** An operation that reads committed state was called with uncommitted writes pending. */
export class UncommittedChangesError extends OreError {
  override name = "UncommittedChangesError";

  constructor(operation: string) {
    super(`${operation}: expected a committed trie, found uncommitted writes (call commit() first)`, {
      details: { operation },
    });
  }
}
