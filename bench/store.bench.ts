/**
 * `bun run bench store`: the engine's on-disk store, bun:sqlite against LMDB (`lmdb` 3.5), on the
 * engine's own access pattern, in the same process, on the same data (issue 5: "bun:sqlite or
 * LMDB: choose by measurement"). The figures, the decision and the crash-safety comparison are
 * in `docs/storage-choice.md`.
 *
 * - **Stores.** SQLite is the engine's real `Store` (`node/engine/store.ts`: its schema,
 *   statements and pragmas). LMDB is {@link LmdbStore} below: the same pending-map/commit shape
 *   over one LMDB environment with a named database per SQLite table, so both sides pay the same
 *   JS overhead and differ only in the storage engine. Every store starts from the same ~1M-node
 *   content (random 32-byte keys, 100–600-byte values), bulk-loaded once per file format and
 *   copied; an extra LMDB store with 8 KiB pages (a creation-time choice) is loaded separately.
 * - **(a) Block commits.** One block = the engine's two durable transactions: `newPayload`
 *   (N pending trie nodes plus the block row: header, body, receipts JSON) and
 *   `forkchoiceUpdated` (canonical row, one tx-index row per transaction, head pointers).
 *   N = 2 000 nodes with 200 txs and N = 20 000 nodes with 1 400 txs. Configurations: SQLite WAL
 *   `synchronous=FULL` (engine default) and `NORMAL`; LMDB `transactionSync` (durable when it
 *   returns), LMDB asynchronous puts batched in one event turn then `await flushed`, LMDB
 *   `noSync`, LMDB `transactionSync` with 8 KiB pages. Every configuration commits the same
 *   blocks (its own copy of the keys), interleaved block by block in a rotating order so a busy
 *   machine slows them alike; the rate is from the median block, the CPU time (all threads) is
 *   reported beside it. Non-durable configurations write their dirty pages out after each timed
 *   block, so no durable store's fsync pays for them (see `Config.flush`).
 * - **(b) Point reads** of trie nodes by uniformly random key from the ~1M-node store, through
 *   each store's `get` with its node cache off: *hot* (the file in the OS page cache; best of
 *   interleaved rounds; plus SQLite with `mmap_size`) and, at the very end, *cold-ish* (the
 *   file's pages dropped from the OS page cache with `dd iflag=nocache`, i.e.
 *   `posix_fadvise(DONTNEED)`, store reopened; the first reads timed once; LMDB with and without
 *   read-ahead) — "ish" because the virtual disk may itself be cached by the host.
 *
 * Everything lives in a temp dir, removed at the end; a full run takes ~100 s.
 * `ORE_BENCH_QUICK=1`: a 200k-node store and fewer blocks.
 */
import { execFileSync } from "node:child_process";
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database as LmdbDatabase, open, type RootDatabase } from "lmdb";
import type { NodeStoreOp } from "../core/mpt/nodeStore.ts";
import { type HeadName, Store, type StoredBlock } from "../node/engine/store.ts";
import { type Measurement, report, timeIt } from "./harness.ts";

const QUICK = !!process.env.ORE_BENCH_QUICK;
const STORE_NODES = QUICK ? 200_000 : 1_000_000;
const LOAD_CHUNK = 20_000;
const SIZES = [
  { nodes: 2_000, txs: 200, blocks: QUICK ? 4 : 12 },
  { nodes: 20_000, txs: 1_400, blocks: QUICK ? 2 : 5 },
];
const COLD_READS = QUICK ? 1_000 : 3_000;

/** xorshift32: a fixed seed gives every run the same keys and values. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const next = rng(0x0e5e_5103);

function randomBytes(n: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(n / 4));
  for (let i = 0; i < words.length; i++) words[i] = next();
  return new Uint8Array(words.buffer, 0, n);
}

/** Node values are views into one random pool (no compression in either store, so content is moot). */
const POOL = randomBytes(1 << 20);
function nodeValue(): Uint8Array {
  const len = 100 + (next() % 501);
  const off = next() % (POOL.length - len);
  return POOL.subarray(off, off + len);
}

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const ZERO_BLOOM = `0x${"00".repeat(256)}`;

/** A block as the engine commits it: its new trie nodes, its row, and its forkchoice rows. */
interface BenchBlock {
  nodes: NodeStoreOp[];
  row: StoredBlock;
  txHashes: Uint8Array[];
  nodeBytes: number;
}

/** Block `number` with `n` new trie nodes and `txs` transfers (receipts as the engine's JSON). */
function makeBlock(number: number, n: number, txs: number): BenchBlock {
  const nodes: NodeStoreOp[] = new Array(n);
  let nodeBytes = 0;
  for (let i = 0; i < n; i++) {
    const node = nodeValue();
    nodeBytes += 32 + node.length;
    nodes[i] = { type: "put", hash: randomBytes(32), node };
  }
  const txHashes = Array.from({ length: txs }, () => randomBytes(32));
  const receipts = txHashes.map((h, i) => ({
    hash: hex(h),
    type: 2,
    from: hex(randomBytes(20)),
    to: hex(randomBytes(20)),
    nonce: `0x${i.toString(16)}`,
    status: 1,
    gasUsed: "0x5208",
    cumulativeGasUsed: `0x${(21_000 * (i + 1)).toString(16)}`,
    effectiveGasPrice: "0x3b9aca07",
    logs: [],
    logsBloom: ZERO_BLOOM,
    contractAddress: null,
    l1Fee: "0x2a6f8b1c",
    l1GasUsed: "0x640",
    l1GasPrice: "0x1a13b8600",
    l1BlobBaseFee: "0x1",
    l1BaseFeeScalar: "0x558",
    l1BlobBaseFeeScalar: "0xc5fc5",
  }));
  const row: StoredBlock = {
    hash: randomBytes(32),
    number: BigInt(number),
    header: randomBytes(620),
    body: randomBytes(txs * 115),
    receipts: JSON.stringify(receipts),
  };
  return { nodes, row, txHashes, nodeBytes };
}

/**
 * The engine's store shape over LMDB: one environment (one data file plus its lock file), a named
 * database per SQLite table, pending trie nodes held in memory until {@link commit} writes them
 * with the block in one write transaction. What a switch would look like, minus the pool table.
 */
class LmdbStore {
  readonly env: RootDatabase;
  private readonly nodes: LmdbDatabase<Uint8Array, Uint8Array>;
  private readonly blocks: LmdbDatabase<
    { number: number; header: Uint8Array; body: Uint8Array; receipts: string },
    Uint8Array
  >;
  private readonly canonical: LmdbDatabase<Uint8Array, number>;
  private readonly txindex: LmdbDatabase<Uint8Array, Uint8Array>;
  private readonly heads: LmdbDatabase<Uint8Array, string>;
  private pending = new Map<string, { key: Uint8Array; value: Uint8Array }>();

  constructor(path: string, options: { noSync?: boolean; noReadAhead?: boolean; pageSize?: number } = {}) {
    // A fixed map size, sparse on disk and large enough for the run: no remapping while timed.
    this.env = open({ path, noSubdir: true, mapSize: 64 * 2 ** 30, ...options });
    this.nodes = this.env.openDB({ name: "nodes", keyEncoding: "binary", encoding: "binary" });
    this.blocks = this.env.openDB({ name: "blocks", keyEncoding: "binary", encoding: "msgpack" });
    this.canonical = this.env.openDB({ name: "canonical", keyEncoding: "uint32", encoding: "binary" });
    this.txindex = this.env.openDB({ name: "txindex", keyEncoding: "binary", encoding: "binary" });
    this.heads = this.env.openDB({ name: "heads", encoding: "binary" });
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    const p = this.pending.get(key(hash));
    if (p) return p.value;
    return this.nodes.getBinary(hash);
  }

  batch(ops: readonly NodeStoreOp[]): void {
    for (const op of ops)
      if (op.type === "put") this.pending.set(key(op.hash), { key: op.hash, value: op.node });
  }

  /** When set, writes go through lmdb-js's asynchronous batch instead of the open transaction. */
  private batched = false;
  private last: Promise<boolean> | undefined;

  private write<K extends Uint8Array | number | string, V>(db: LmdbDatabase<V, K>, k: K, v: V): void {
    if (this.batched) this.last = db.put(k, v);
    else db.putSync(k, v);
  }

  /** Nodes and `fn`'s writes in one write transaction, durable when it returns. */
  commit<T>(fn: () => T = () => undefined as T): T {
    const out = this.env.transactionSync(() => {
      for (const { key: k, value } of this.pending.values()) this.nodes.putSync(k, value);
      return fn();
    });
    this.pending.clear();
    return out;
  }

  /**
   * The same through lmdb-js's asynchronous writer: every write issued in one event turn is one
   * transaction, committed on lmdb-js's writer thread; resolves once `flushed` says it is on disk.
   * (`transaction(callback)`, the documented way, never resolves under Bun: lmdb-js#259.)
   */
  async commitFlushed<T>(fn: () => T = () => undefined as T): Promise<T> {
    this.batched = true;
    let out: T;
    try {
      for (const { key: k, value } of this.pending.values()) this.write(this.nodes, k, value);
      out = fn();
    } finally {
      this.batched = false;
    }
    this.pending.clear();
    await this.last;
    await this.env.flushed;
    return out;
  }

  putBlock(b: StoredBlock): void {
    const row = { number: Number(b.number), header: b.header, body: b.body, receipts: b.receipts };
    this.write(this.blocks, b.hash, row);
  }

  setCanonical(number: bigint, hash: Uint8Array): void {
    this.write(this.canonical, Number(number), hash);
  }

  indexTx(hash: Uint8Array, block: Uint8Array, index: number): void {
    const v = new Uint8Array(36);
    v.set(block);
    new DataView(v.buffer).setUint32(32, index);
    this.write(this.txindex, hash, v);
  }

  setHead(name: HeadName, hash: Uint8Array): void {
    this.write(this.heads, name, hash);
  }

  /** LMDB's statistics of the `nodes` tree and of the environment. */
  nodeStats(): {
    pageSize: number;
    treeDepth: number;
    treeBranchPageCount: number;
    treeLeafPageCount: number;
    lastPageNumber: number;
  } {
    return this.nodes.getStats() as ReturnType<LmdbStore["nodeStats"]>;
  }

  close(): Promise<void> {
    return this.env.close();
  }
}

function key(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

/** What a block commit needs from either store (both `Store` and {@link LmdbStore} fit). */
interface Writer {
  batch(ops: readonly NodeStoreOp[]): void;
  commit<T>(fn?: () => T): T;
  putBlock(b: StoredBlock): void;
  setCanonical(number: bigint, hash: Uint8Array): void;
  indexTx(hash: Uint8Array, block: Uint8Array, index: number): void;
  setHead(name: HeadName, hash: Uint8Array): void;
}

/** The forkchoice transaction's writes (as `Chain.setForkchoice` does for a one-block advance). */
function forkchoiceWrites(s: Writer, b: BenchBlock): void {
  s.setCanonical(b.row.number, b.row.hash);
  for (const [i, h] of b.txHashes.entries()) s.indexTx(h, b.row.hash, i);
  s.setHead("head", b.row.hash);
  s.setHead("safe", b.row.hash);
}

interface Config {
  name: string;
  /** Commits one block durably (or as durably as the configuration promises); ms of each part. */
  commit(b: BenchBlock): Promise<{ payloadMs: number; fcuMs: number }>;
  /**
   * For the configurations that leave dirty pages behind: writes them out after the timed commit.
   * On ext4 (`data=ordered`) an fsync also writes other files' newly allocated dirty data, so
   * without this the durable stores' fsyncs would pay for the non-durable ones' writes, which no
   * single-store engine would.
   */
  flush?: () => void;
}

function syncCommitter(s: Writer): Config["commit"] {
  return async (b) => {
    const t0 = performance.now();
    s.batch(b.nodes);
    s.commit(() => s.putBlock(b.row));
    const t1 = performance.now();
    s.commit(() => forkchoiceWrites(s, b));
    return { payloadMs: t1 - t0, fcuMs: performance.now() - t1 };
  };
}

function flushedCommitter(s: LmdbStore): Config["commit"] {
  return async (b) => {
    const t0 = performance.now();
    s.batch(b.nodes);
    await s.commitFlushed(() => s.putBlock(b.row));
    const t1 = performance.now();
    await s.commitFlushed(() => forkchoiceWrites(s, b));
    return { payloadMs: t1 - t0, fcuMs: performance.now() - t1 };
  };
}

function fsyncFile(path: string): void {
  const fd = openSync(path, "r+");
  fsyncSync(fd);
  closeSync(fd);
}

/** Evicts `path`'s (clean) pages from the OS page cache: `posix_fadvise(POSIX_FADV_DONTNEED)`. */
function dropFromPageCache(path: string): void {
  execFileSync("dd", [`if=${path}`, "iflag=nocache", "count=0", "status=none"]);
}

/** Percentage of `path` resident in the OS page cache (`fincore`), or "?" without it. */
function residentPct(path: string): string {
  try {
    const out = execFileSync("fincore", ["--bytes", "--noheadings", "--output", "RES,SIZE", path]).toString();
    const [res, size] = out.trim().split(/\s+/).map(Number);
    return `${((100 * res!) / size!).toFixed(0)}%`;
  } catch {
    return "?";
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const dir = mkdtempSync(join(tmpdir(), "ore-bench-store-"));
const rows: Measurement[] = [];
const notes: string[] = [];
const SQLITE = "bun:sqlite WAL FULL (engine default)";
try {
  // ---- setup: one ~1M-node store per engine, loaded with durability off, then copied --------
  const storeKeys = randomBytes(STORE_NODES * 32);
  const keyAt = (i: number) => storeKeys.subarray(i * 32, i * 32 + 32);
  const load = (s: Writer) => {
    for (let start = 0; start < STORE_NODES; start += LOAD_CHUNK) {
      const ops: NodeStoreOp[] = [];
      for (let i = start; i < Math.min(STORE_NODES, start + LOAD_CHUNK); i++)
        ops.push({ type: "put", hash: keyAt(i), node: nodeValue() });
      s.batch(ops);
      s.commit();
    }
  };
  const sqlitePath = join(dir, "full.sqlite");
  const lmdbPath = join(dir, "durable.mdb");
  const layout: string[] = [];
  const t = performance.now();
  {
    const s = new Store(sqlitePath, { synchronous: "OFF", nodeCacheSize: 0 });
    s.db.exec("PRAGMA cache_size=-1048576"); // setup only: a 1 GiB page cache for the loader
    load(s);
    s.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const pragma = (p: string) => Object.values(s.db.query(`PRAGMA ${p}`).get() as object)[0] as number;
    layout.push(
      `bun:sqlite ${pragma("page_count").toLocaleString("en")} pages of ${pragma("page_size")} B, ${pragma("freelist_count").toLocaleString("en")} free`,
    );
    s.close();
  }
  const sqliteLoadMs = performance.now() - t;
  const loadLmdb = async (path: string, pageSize?: number) => {
    const t0 = performance.now();
    const s = new LmdbStore(path, { noSync: true, pageSize });
    load(s);
    const st = s.nodeStats();
    const tree = st.treeLeafPageCount + st.treeBranchPageCount;
    layout.push(
      `LMDB (${st.pageSize / 1024} KiB pages) nodes tree ${tree.toLocaleString("en")} pages (${(STORE_NODES / st.treeLeafPageCount).toFixed(1)} nodes per leaf, depth ${st.treeDepth}) in a file of ${(st.lastPageNumber + 1).toLocaleString("en")} pages (the rest: free pages, reused by later transactions)`,
    );
    await s.close();
    return performance.now() - t0;
  };
  const lmdbLoadMs = await loadLmdb(lmdbPath);
  const lmdb8kPath = join(dir, "durable-8k.mdb");
  await loadLmdb(lmdb8kPath, 8192);
  const loadedBytes = {
    sqlite: statSync(sqlitePath).size,
    lmdb: statSync(lmdbPath).size,
    lmdb8k: statSync(lmdb8kPath).size,
  };
  const normalPath = join(dir, "normal.sqlite");
  const noSyncPath = join(dir, "nosync.mdb");
  copyFileSync(sqlitePath, normalPath);
  copyFileSync(lmdbPath, noSyncPath);
  // Nothing of the load is left for background writeback during the timed commits.
  for (const f of [sqlitePath, normalPath, lmdbPath, noSyncPath, lmdb8kPath]) fsyncFile(f);
  notes.push(
    "",
    `store: ${STORE_NODES.toLocaleString("en")} random 32-byte keys → 100–600-byte values (~${mib(STORE_NODES * 382)} of data)`,
    `  bulk load (${LOAD_CHUNK.toLocaleString("en")} nodes per transaction, durability off): bun:sqlite ${(sqliteLoadMs / 1000).toFixed(1)} s → ${mib(loadedBytes.sqlite)} file; LMDB ${(lmdbLoadMs / 1000).toFixed(1)} s → ${mib(loadedBytes.lmdb)} file (8 KiB pages: ${mib(loadedBytes.lmdb8k)})`,
    `  layout after the load: ${layout.join("; ")}`,
  );

  // ---- (b) point reads -----------------------------------------------------------------------
  const READ_BATCH = 1_000;
  const pick = rng(0xbeef);
  const randomKey = () => keyAt(pick() % STORE_NODES);
  {
    const r = {
      sqlite: new Store(sqlitePath, { nodeCacheSize: 0 }),
      sqliteMmap: new Store(sqlitePath, { nodeCacheSize: 0 }),
      lmdb: new LmdbStore(lmdbPath),
      lmdb8k: new LmdbStore(lmdb8kPath),
    };
    // What one pragma would buy SQLite's reads (not what the engine sets today).
    r.sqliteMmap.db.exec("PRAGMA mmap_size=4294967296");
    const best = { sqlite: 0, sqliteMmap: 0, lmdb: 0, lmdb8k: 0 };
    for (let round = 0; round < 3; round++) {
      for (const [name, s] of Object.entries(r) as [keyof typeof r, Store | LmdbStore][]) {
        const rate = timeIt(
          () => {
            for (let i = 0; i < READ_BATCH; i++)
              if (!s.get(randomKey())) throw new Error(`${name}: missing node`);
          },
          { minMs: 500, opsPerCall: READ_BATCH },
        );
        best[name] = Math.max(best[name], rate);
      }
    }
    const group = `point reads, ${STORE_NODES.toLocaleString("en")}-node store, hot (in OS page cache)`;
    rows.push({ group, name: "bun:sqlite (engine Store, node cache off)", opsPerSec: best.sqlite });
    rows.push({
      group,
      name: "bun:sqlite + PRAGMA mmap_size=4 GiB",
      opsPerSec: best.sqliteMmap,
      baseline: "bun:sqlite (engine Store, node cache off)",
    });
    rows.push({
      group,
      name: "LMDB",
      opsPerSec: best.lmdb,
      baseline: "bun:sqlite (engine Store, node cache off)",
    });
    rows.push({
      group,
      name: "LMDB, 8 KiB pages",
      opsPerSec: best.lmdb8k,
      baseline: "bun:sqlite (engine Store, node cache off)",
    });
    r.sqlite.close();
    r.sqliteMmap.close();
    await r.lmdb.close();
    await r.lmdb8k.close();
  }

  // ---- (a) block commits ---------------------------------------------------------------------
  const sqliteFull = new Store(sqlitePath, { nodeCacheSize: 0 });
  const sqliteNormal = new Store(normalPath, { synchronous: "NORMAL", nodeCacheSize: 0 });
  const lmdbDurable = new LmdbStore(lmdbPath);
  const lmdb8k = new LmdbStore(lmdb8kPath);
  const lmdbNoSync = new LmdbStore(noSyncPath, { noSync: true });
  // Both durable LMDB rows share one environment (a second open of the same file in one process
  // is refused); the rows alternate block by block, so each sees the same store size.
  const configs: Config[] = [
    { name: SQLITE, commit: syncCommitter(sqliteFull) },
    {
      name: "bun:sqlite WAL NORMAL",
      commit: syncCommitter(sqliteNormal),
      flush: () => [normalPath, `${normalPath}-wal`].forEach(fsyncFile),
    },
    { name: "LMDB transactionSync (durable)", commit: syncCommitter(lmdbDurable) },
    { name: "LMDB async put batch + flushed (durable)", commit: flushedCommitter(lmdbDurable) },
    { name: "LMDB noSync", commit: syncCommitter(lmdbNoSync), flush: () => fsyncFile(noSyncPath) },
    { name: "LMDB transactionSync, 8 KiB pages (durable)", commit: syncCommitter(lmdb8k) },
  ];
  let number = 1;
  for (const size of SIZES) {
    const times = new Map(
      configs.map((c) => [c.name, [] as { payloadMs: number; fcuMs: number; cpuMs: number }[]]),
    );
    let bytes = 0;
    for (let i = 0; i < size.blocks; i++) {
      // Each configuration gets its own copy of the block's keys (the same data otherwise), so a
      // store that already holds a node never skips the write.
      const base = makeBlock(number++, size.nodes, size.txs);
      bytes = base.nodeBytes + base.row.header.length + base.row.body.length + base.row.receipts.length;
      // The order rotates from block to block: no configuration always runs first or last.
      for (let j = 0; j < configs.length; j++) {
        const ci = (i + j) % configs.length;
        const c = configs[ci]!;
        const b = ci === 0 ? base : relabel(base, ci);
        Bun.gc(true); // the garbage of building the block is not the store's cost
        const cpu0 = process.cpuUsage();
        const ms = await c.commit(b);
        const cpu = process.cpuUsage(cpu0);
        times.get(c.name)!.push({ ...ms, cpuMs: (cpu.user + cpu.system) / 1000 });
        c.flush?.();
      }
    }
    const group = `block commit: ${size.nodes.toLocaleString("en")} nodes + ${size.txs.toLocaleString("en")} txs (newPayload + forkchoiceUpdated)`;
    for (const c of configs) {
      const ts = times.get(c.name)!;
      const totals = ts.map((x) => x.payloadMs + x.fcuMs);
      const ms = median(totals);
      rows.push({
        group,
        name: c.name,
        opsPerSec: 1000 / ms,
        bytesPerSec: (bytes * 1000) / ms,
        baseline: c.name === SQLITE ? undefined : SQLITE,
        extra: {
          medianMs: ms,
          minMs: Math.min(...totals),
          maxMs: Math.max(...totals),
          newPayloadMedianMs: median(ts.map((x) => x.payloadMs)),
          forkchoiceMedianMs: median(ts.map((x) => x.fcuMs)),
          cpuMedianMs: median(ts.map((x) => x.cpuMs)),
          blocks: ts.length,
        },
      });
    }
  }
  sqliteFull.close();
  sqliteNormal.close();
  await lmdbDurable.close();
  await lmdbNoSync.close();
  await lmdb8k.close();
  // ---- (b) point reads, cold-ish: last, so the commits above ran on warm files ---------------
  {
    const cold = { sqlite: 0, lmdb: 0, lmdbNoReadAhead: 0 };
    const resident: string[] = [];
    const keys = Array.from({ length: COLD_READS }, randomKey);
    for (const name of ["sqlite", "lmdb", "lmdbNoReadAhead"] as const) {
      const path = name === "sqlite" ? sqlitePath : lmdbPath;
      dropFromPageCache(path);
      resident.push(`${name} ${residentPct(path)}`);
      const s =
        name === "sqlite"
          ? new Store(path, { nodeCacheSize: 0 })
          : new LmdbStore(path, { noReadAhead: name === "lmdbNoReadAhead" });
      const t0 = performance.now();
      for (const k of keys) if (!s.get(k)) throw new Error(`${name}: missing node`);
      cold[name] = (COLD_READS * 1000) / (performance.now() - t0);
      resident[resident.length - 1] += ` → ${residentPct(path)} after`;
      await s.close();
    }
    const group = `point reads, cold-ish (pages dropped, first ${COLD_READS.toLocaleString("en")} reads)`;
    rows.push({ group, name: "bun:sqlite (engine Store, node cache off)", opsPerSec: cold.sqlite });
    rows.push({
      group,
      name: "LMDB",
      opsPerSec: cold.lmdb,
      baseline: "bun:sqlite (engine Store, node cache off)",
    });
    rows.push({
      group,
      name: "LMDB noReadAhead",
      opsPerSec: cold.lmdbNoReadAhead,
      baseline: "bun:sqlite (engine Store, node cache off)",
    });
    notes.push(`  cold-ish reads: file resident in the OS page cache before → after: ${resident.join("; ")}`);
  }
  notes.push(
    "  block commits: ops/s = blocks/s from the median block; per row, median ms (newPayload + forkchoiceUpdated):",
    ...rows
      .filter((r) => r.extra?.medianMs !== undefined)
      .map(
        (r) =>
          `    ${r.group.slice(14, 40).padEnd(26)} ${r.name.padEnd(38)} ${Number(r.extra!.medianMs).toFixed(1).padStart(7)} ms  (${Number(r.extra!.newPayloadMedianMs).toFixed(1)} + ${Number(r.extra!.forkchoiceMedianMs).toFixed(1)}; min ${Number(r.extra!.minMs).toFixed(1)}, max ${Number(r.extra!.maxMs).toFixed(1)}; CPU ${Number(r.extra!.cpuMedianMs).toFixed(1)})`,
      ),
    `  files after the commits: ${[
      ["SQLite FULL", sqlitePath],
      ["SQLite NORMAL", normalPath],
      ["LMDB durable", lmdbPath],
      ["LMDB noSync", noSyncPath],
    ]
      .map(([n, p]) => `${n} ${mib(statSync(p!).size)}`)
      .join(", ")}`,
  );
  report("store", rows, notes);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The block with fresh node, block and tx keys (derived from `salt`), same sizes and values. */
function relabel(b: BenchBlock, salt: number): BenchBlock {
  const fresh = (h: Uint8Array) => {
    const c = h.slice();
    c[0] ^= salt;
    c[31] ^= salt * 37;
    return c;
  };
  return {
    nodes: b.nodes.map((op) =>
      op.type === "put" ? { type: "put", hash: fresh(op.hash), node: op.node } : op,
    ),
    row: { ...b.row, hash: fresh(b.row.hash) },
    txHashes: b.txHashes.map(fresh),
    nodeBytes: b.nodeBytes,
  };
}
