/**
 * Where trie nodes live: a content-addressed map from a node's keccak hash to its RLP encoding.
 * The interface is synchronous because Ore's stores are (an in-memory map here; the engine's
 * on-disk store is bun:sqlite). Nodes are written once and never changed: a hash names exactly
 * one encoding, so every committed root stays readable until its nodes are pruned.
 */

/** One write of a batch: store `node` under `hash`, or delete `hash`. */
export type NodeStoreOp =
  | { readonly type: "put"; readonly hash: Uint8Array; readonly node: Uint8Array }
  | { readonly type: "del"; readonly hash: Uint8Array };

/** A node store: node encodings by their 32-byte keccak hash. */
export interface NodeStore {
  /** The encoding stored under `hash`, or `undefined`. */
  get(hash: Uint8Array): Uint8Array | undefined;
  /** Stores `node` under `hash` (its keccak; the store need not check). */
  put(hash: Uint8Array, node: Uint8Array): void;
  /** Applies `ops` in order, atomically where the store can (one transaction on disk). */
  batch(ops: readonly NodeStoreOp[]): void;
}

/** A node store that can list its hashes: what mark-and-sweep pruning (`pruneNodes`) needs. */
export interface IterableNodeStore extends NodeStore {
  /** Every stored hash. Deleting while iterating must be safe (pruning collects first anyway). */
  hashes(): Iterable<Uint8Array>;
}

/**
 * Node store in a `Map`, for tests, proofs built on the fly and short-lived tries. Keys are the
 * hash bytes as a 32-char binary string (cheaper than hex). Stored arrays are kept, not copied:
 * callers must not mutate a node after putting it (the trie never does).
 */
export class MemoryNodeStore implements IterableNodeStore {
  private readonly map = new Map<string, Uint8Array>();

  /** Number of stored nodes. */
  get size(): number {
    return this.map.size;
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    return this.map.get(binKey(hash));
  }

  put(hash: Uint8Array, node: Uint8Array): void {
    this.map.set(binKey(hash), node);
  }

  batch(ops: readonly NodeStoreOp[]): void {
    for (const op of ops) {
      if (op.type === "put") this.map.set(binKey(op.hash), op.node);
      else this.map.delete(binKey(op.hash));
    }
  }

  *hashes(): Iterable<Uint8Array> {
    for (const k of [...this.map.keys()]) {
      const out = new Uint8Array(k.length);
      for (let i = 0; i < k.length; i++) out[i] = k.charCodeAt(i);
      yield out;
    }
  }
}

function binKey(hash: Uint8Array): string {
  return String.fromCharCode.apply(null, hash as unknown as number[]);
}
