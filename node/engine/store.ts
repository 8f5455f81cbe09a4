/**
 * The engine's on-disk store: one SQLite file (bun:sqlite) in WAL mode with
 * `synchronous=FULL`, holding trie nodes and contract code (by hash), blocks (header, body,
 * receipts), the canonical number → hash index, the transaction index, head pointers and the
 * persisted pool. Every block import is one SQLite transaction that writes the block, the trie
 * nodes its state created and (on forkchoice) the head pointers, so a crash leaves either the
 * old or the new chain, never half of one. Why SQLite and what it costs: docs/engine.md#storage.
 */
import { Database } from "bun:sqlite";
import type { NodeStore, NodeStoreOp } from "../../core/mpt/nodeStore.ts";

/** A stored block: its encoded parts and its JSON receipt metadata. */
export interface StoredBlock {
  hash: Uint8Array;
  number: bigint;
  /** RLP header. */
  header: Uint8Array;
  /** RLP list of the raw EIP-2718 transactions. */
  body: Uint8Array;
  /** JSON array of receipt metadata (see `blockExecutor.ts` `TxResult`). */
  receipts: string;
}

/** Names of the head pointers the engine keeps. */
export type HeadName = "head" | "safe" | "finalized";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS nodes (hash BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (hash BLOB PRIMARY KEY, number INTEGER NOT NULL, header BLOB NOT NULL,
  body BLOB NOT NULL, receipts TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS canonical (number INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS txindex (hash BLOB PRIMARY KEY, block BLOB NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS heads (name TEXT PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pool (hash BLOB PRIMARY KEY, raw BLOB NOT NULL, added INTEGER NOT NULL) WITHOUT ROWID;
`;

/** How the SQLite file is opened (what `bench/engine.bench.ts` compares; the engine uses the default). */
export interface StoreOptions {
  /** `PRAGMA journal_mode`: `WAL` (default) or `DELETE`. */
  journal?: "WAL" | "DELETE";
  /** `PRAGMA synchronous`: `FULL` (default: a commit survives power loss) or `NORMAL`. */
  synchronous?: "FULL" | "NORMAL" | "OFF";
  /** Trie nodes kept decoded-ready in memory after reads and writes (default 200 000). */
  nodeCacheSize?: number;
}

/**
 * SQLite-backed store. It is the engine's {@link NodeStore}: trie nodes (and contract code) put
 * through {@link put}/{@link batch} stay in memory, readable, until {@link commit} writes them
 * in the same SQLite transaction as the block that produced them. `path` `":memory:"` gives an
 * in-memory database (tests, the benchmark's baseline).
 */
export class Store implements NodeStore {
  readonly db: Database;
  /** Trie nodes and code written since the last commit (read-your-writes). */
  private pending = new Map<string, { key: Uint8Array; value: Uint8Array }>();
  /** Recently read or committed nodes, oldest first (a bounded FIFO in front of SQLite). */
  private cache = new Map<string, Uint8Array>();
  private readonly cacheSize: number;
  private readonly q;

  constructor(path: string, options: StoreOptions = {}) {
    this.db = new Database(path, { create: true, strict: true });
    const journal = path === ":memory:" ? "MEMORY" : (options.journal ?? "WAL");
    this.db.exec(
      `PRAGMA journal_mode=${journal}; PRAGMA synchronous=${options.synchronous ?? "FULL"}; PRAGMA busy_timeout=5000;`,
    );
    this.cacheSize = options.nodeCacheSize ?? 200_000;
    this.db.exec(SCHEMA);
    this.q = {
      getNode: this.db.query<{ value: Uint8Array }, [Uint8Array]>("SELECT value FROM nodes WHERE hash = ?"),
      putNode: this.db.query("INSERT OR IGNORE INTO nodes (hash, value) VALUES (?, ?)"),
      getBlock: this.db.query<StoredBlock & { number: number }, [Uint8Array]>(
        "SELECT * FROM blocks WHERE hash = ?",
      ),
      putBlock: this.db.query(
        "INSERT OR IGNORE INTO blocks (hash, number, header, body, receipts) VALUES (?, ?, ?, ?, ?)",
      ),
      getCanonical: this.db.query<{ hash: Uint8Array }, [number]>(
        "SELECT hash FROM canonical WHERE number = ?",
      ),
      putCanonical: this.db.query("INSERT OR REPLACE INTO canonical (number, hash) VALUES (?, ?)"),
      delCanonicalAbove: this.db.query("DELETE FROM canonical WHERE number > ?"),
      getTx: this.db.query<{ block: Uint8Array; idx: number }, [Uint8Array]>(
        "SELECT block, idx FROM txindex WHERE hash = ?",
      ),
      putTx: this.db.query("INSERT OR REPLACE INTO txindex (hash, block, idx) VALUES (?, ?, ?)"),
      getHead: this.db.query<{ hash: Uint8Array }, [string]>("SELECT hash FROM heads WHERE name = ?"),
      putHead: this.db.query("INSERT OR REPLACE INTO heads (name, hash) VALUES (?, ?)"),
    };
  }

  /** A trie node or contract code by its keccak hash (pending writes first). */
  get(hash: Uint8Array): Uint8Array | undefined {
    const k = key(hash);
    const p = this.pending.get(k);
    if (p) return p.value;
    const hit = this.cache.get(k);
    if (hit) return hit;
    const v = this.q.getNode.get(hash)?.value;
    if (v) this.remember(k, v);
    return v;
  }

  /** Queues a node write; it reaches disk with the next {@link commit}. */
  put(hash: Uint8Array, value: Uint8Array): void {
    this.pending.set(key(hash), { key: hash, value });
  }

  /** Queues node writes (the trie's commit). Deletes are ignored: nodes are never pruned. */
  batch(ops: readonly NodeStoreOp[]): void {
    for (const op of ops)
      if (op.type === "put") this.pending.set(key(op.hash), { key: op.hash, value: op.node });
  }

  /** Alias of {@link get} (the witness API's name). */
  getNode(hash: Uint8Array): Uint8Array | undefined {
    return this.get(hash);
  }

  /** Alias of {@link put}. */
  putNode(hash: Uint8Array, value: Uint8Array): void {
    this.put(hash, value);
  }

  /** Number of node writes waiting for the next {@link commit}. */
  get pendingNodes(): number {
    return this.pending.size;
  }

  /** Drops the pending node writes (a block that turned out invalid). */
  discard(): void {
    this.pending.clear();
  }

  /**
   * Runs `fn` and flushes the pending nodes in one SQLite transaction, so nodes, blocks and
   * pointers written together land together or not at all.
   */
  commit<T>(fn: () => T = () => undefined as T): T {
    const tx = this.db.transaction(() => {
      for (const { key: k, value } of this.pending.values()) this.q.putNode.run(k, value);
      return fn();
    });
    const out = tx();
    for (const [k, { value }] of this.pending) this.remember(k, value);
    this.pending.clear();
    return out;
  }

  private remember(k: string, v: Uint8Array): void {
    if (this.cacheSize === 0) return;
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(k, v);
  }

  /** A block by hash. */
  getBlock(hash: Uint8Array): StoredBlock | undefined {
    const r = this.q.getBlock.get(hash);
    return r ? { ...r, number: BigInt(r.number) } : undefined;
  }

  /** Stores a block (idempotent). Call inside {@link commit}. */
  putBlock(b: StoredBlock): void {
    this.q.putBlock.run(b.hash, Number(b.number), b.header, b.body, b.receipts);
  }

  /** Canonical block hash at `number`. */
  canonicalHash(number: bigint): Uint8Array | undefined {
    return this.q.getCanonical.get(Number(number))?.hash;
  }

  /** Sets the canonical hash at `number`. Call inside {@link commit}. */
  setCanonical(number: bigint, hash: Uint8Array): void {
    this.q.putCanonical.run(Number(number), hash);
  }

  /** Drops canonical entries above `number` (after a reorg to a shorter chain). */
  truncateCanonical(number: bigint): void {
    this.q.delCanonicalAbove.run(Number(number));
  }

  /** Block hash and index of a transaction. */
  txLocation(hash: Uint8Array): { block: Uint8Array; index: number } | undefined {
    const r = this.q.getTx.get(hash);
    return r ? { block: r.block, index: r.idx } : undefined;
  }

  /** Indexes a transaction. Call inside {@link commit}. */
  indexTx(hash: Uint8Array, block: Uint8Array, index: number): void {
    this.q.putTx.run(hash, block, index);
  }

  /** A head pointer. */
  head(name: HeadName): Uint8Array | undefined {
    return this.q.getHead.get(name)?.hash;
  }

  /** Sets a head pointer. Call inside {@link commit}. */
  setHead(name: HeadName, hash: Uint8Array): void {
    this.q.putHead.run(name, hash);
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}

/** A hash as a map key: its bytes as a binary string (cheaper than hex). */
function key(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}
