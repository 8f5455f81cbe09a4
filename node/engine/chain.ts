/**
 * The engine's chain: genesis, known blocks, the canonical chain and its head pointers, and
 * the one VM that executes blocks. Blocks are executed one at a time (a lock serialises
 * execution, building and state reads), stored on import, and become canonical only through
 * {@link Chain.setForkchoice}, which rewrites the canonical index back to the common ancestor
 * in the same SQLite transaction as the new head pointers.
 */
import type { Common } from "@ethereumjs/common";
import { Account, createAddressFromString } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import { bytesEqual } from "../../core/bytes.ts";
import { InvalidBlockError } from "../../core/engine/errors.ts";
import { allocWithPredeploys, type Genesis, type PredeployCode } from "../../core/engine/genesis.ts";
import {
  type BlockHeader,
  decodeHeader,
  EMPTY_OMMERS_HASH,
  EMPTY_TRIE_ROOT,
  encodeHeader,
  headerHash,
} from "../../core/engine/header.ts";
import { uintToBytes } from "../../core/engine/words.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { rlpDecodeList, rlpEncode } from "../../core/rlp.ts";
import { type BlockEnv, type ExecutedBlock, executeBlock, type TxResult } from "./blockExecutor.ts";
import type { OreStateManager } from "./stateManager.ts";
import type { HeadName, Store } from "./store.ts";
import { createOreVM, createStateManager, oreCommon } from "./vm.ts";

/** A block as the chain hands it out. */
export interface ChainBlock {
  hash: Uint8Array;
  header: BlockHeader;
  transactions: Uint8Array[];
  results: TxResult[];
}

/** Serialises async work: one block execution or state read at a time. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => {});
    return next;
  }
}

/**
 * Where block processing time went, accumulated over every block built or imported (ms):
 * executing transactions (EVM and state reads), computing the state root (applying the state
 * overlay to Ore's MPT and hashing it), and the SQLite transaction that writes the block and its
 * trie nodes. `bench/engine.bench.ts` reports them.
 */
export interface ChainStats {
  blocks: number;
  gas: bigint;
  executionMs: number;
  stateRootMs: number;
  storageWriteMs: number;
}

/** The chain over a store. Create with {@link Chain.open}. */
export class Chain {
  /** Serialises block execution (the executing state manager and VM). */
  readonly lock = new Mutex();
  /** Serialises state reads (the reading state manager and VM used by the RPC and the pool). */
  readonly readLock = new Mutex();
  readonly stats: ChainStats = { blocks: 0, gas: 0n, executionMs: 0, stateRootMs: 0, storageWriteMs: 0 };
  private cache = new Map<string, ChainBlock>();
  /** Parent of the block the executor VM is running: BLOCKHASH answers from its ancestors. */
  private execTip: Uint8Array | undefined;
  /** Block the read VM's calls run on top of: BLOCKHASH answers from it and its ancestors. */
  private readTip: Uint8Array | undefined;

  private constructor(
    readonly store: Store,
    readonly common: Common,
    readonly chainId: bigint,
    /** State manager and VM that execute blocks (their caches follow the head). */
    readonly stateManager: OreStateManager,
    readonly vm: VM,
    /** A second state manager and VM for reads, so RPC queries never evict the executor's caches. */
    private readonly reader: { sm: OreStateManager; vm: VM },
  ) {}

  /** Opens the chain in `store`, writing genesis on first use. */
  static async open(store: Store, genesis: Genesis, code: PredeployCode): Promise<Chain> {
    const common = oreCommon(genesis.chainId);
    const sm = createStateManager(store);
    const readSm = createStateManager(store);
    let chain!: Chain;
    const vm = await createOreVM(common, sm, (n) => chain.ancestorHash(chain.execTip, n));
    const readVm = await createOreVM(common, readSm, (n) => chain.ancestorHash(chain.readTip, n));
    chain = new Chain(store, common, genesis.chainId, sm, vm, { sm: readSm, vm: readVm });
    if (!store.head("head")) await chain.writeGenesis(genesis, code);
    return chain;
  }

  private async writeGenesis(genesis: Genesis, code: PredeployCode): Promise<void> {
    const sm = this.stateManager;
    await sm.setStateRoot(EMPTY_TRIE_ROOT);
    for (const [hex, a] of allocWithPredeploys(genesis, code)) {
      const address = createAddressFromString(hex);
      await sm.putAccount(address, new Account(a.nonce, a.balance));
      if (a.code.length > 0) await sm.putCode(address, a.code);
      for (const [slot, value] of a.storage) {
        await sm.putStorage(address, uintToBytes(slot), stripZeros(uintToBytes(value)));
      }
    }
    const header: BlockHeader = {
      parentHash: new Uint8Array(32),
      ommersHash: EMPTY_OMMERS_HASH,
      coinbase: new Uint8Array(20),
      stateRoot: await sm.getStateRoot(),
      transactionsRoot: EMPTY_TRIE_ROOT,
      receiptsRoot: EMPTY_TRIE_ROOT,
      logsBloom: new Uint8Array(256),
      difficulty: 0n,
      number: 0n,
      gasLimit: genesis.gasLimit,
      gasUsed: 0n,
      timestamp: genesis.timestamp,
      extraData: genesis.extraData,
      mixHash: new Uint8Array(32),
      nonce: new Uint8Array(8),
      baseFeePerGas: genesis.baseFeePerGas,
      withdrawalsRoot: EMPTY_TRIE_ROOT,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: new Uint8Array(32),
    };
    const hash = headerHash(header);
    this.store.commit(() => {
      this.putBlock({ hash, header, transactions: [], results: [] });
      this.store.setCanonical(0n, hash);
      for (const name of ["head", "safe", "finalized"] as const) this.store.setHead(name, hash);
    });
  }

  /** A known block (canonical or not) by hash. */
  block(hash: Uint8Array): ChainBlock | undefined {
    const k = hex(hash);
    const hit = this.cache.get(k);
    if (hit) return hit;
    const s = this.store.getBlock(hash);
    if (!s) return undefined;
    const b: ChainBlock = {
      hash,
      header: decodeHeader(s.header),
      transactions: rlpDecodeList(s.body) as Uint8Array[],
      results: JSON.parse(s.receipts),
    };
    this.remember(k, b);
    return b;
  }

  /** Canonical hash at `number`. */
  canonicalHash(number: bigint): Uint8Array | undefined {
    return this.store.canonicalHash(number);
  }

  /**
   * Hash of the block at height `n` on the branch ending at `tip` (BLOCKHASH for a block whose
   * parent is `tip`), or the canonical hash when there is no tip. The walk follows parent hashes
   * only until it reaches a canonical block: from there down the canonical index is that branch.
   * The EVM asks only for the 256 blocks below the one executing, so the walk is that short.
   * Runs synchronously, so the canonical index cannot change under it.
   */
  ancestorHash(tip: Uint8Array | undefined, n: bigint): Uint8Array | undefined {
    let b = tip && this.block(tip);
    while (b && b.header.number > n && !this.isCanonical(b.hash)) b = this.block(b.header.parentHash);
    if (!b || b.header.number < n) return tip ? undefined : this.canonicalHash(n);
    return b.header.number === n ? b.hash : this.canonicalHash(n);
  }

  /** The block a head pointer names. */
  headBlock(name: HeadName = "head"): ChainBlock {
    const h = this.store.head(name);
    const b = h && this.block(h);
    if (!b) throw new InvalidBlockError(`store has no ${name} block`);
    return b;
  }

  /** True when `hash` is on the canonical chain. */
  isCanonical(hash: Uint8Array): boolean {
    const b = this.block(hash);
    const c = b && this.canonicalHash(b.header.number);
    return c !== undefined && bytesEqual(c, hash);
  }

  /** Builds a block on `parentHash` from attributes (used by forkchoiceUpdated). */
  build(
    parentHash: Uint8Array,
    env: BlockEnv,
    forced: Uint8Array[],
    pool: Iterable<Uint8Array>,
  ): Promise<ExecutedBlock> {
    return this.lock.run(async () => {
      const parent = this.block(parentHash);
      if (!parent) throw new InvalidBlockError("unknown parent");
      const out = await this.execute(parent, env, forced, pool, () => {});
      return out;
    });
  }

  /**
   * Executes a block and, if `check` accepts the result, stores it with its trie nodes in one
   * SQLite transaction, accounting the time in {@link stats}. On any failure the block's
   * pending nodes are dropped and the executor forgets the state it computed.
   */
  private async execute(
    parent: ChainBlock,
    env: BlockEnv,
    forced: readonly Uint8Array[],
    pool: Iterable<Uint8Array>,
    check: (out: ExecutedBlock) => void,
  ): Promise<ExecutedBlock> {
    const sm = this.stateManager;
    const t0 = performance.now();
    const rootBefore = sm.timings.stateRootMs;
    this.execTip = parent.hash;
    try {
      const out = await executeBlock(this.ctx(), parent, env, forced, pool);
      check(out);
      const t1 = performance.now();
      this.store.commit(() => this.putBlock(out));
      const rootMs = sm.timings.stateRootMs - rootBefore;
      this.stats.blocks++;
      this.stats.gas += out.header.gasUsed;
      this.stats.executionMs += t1 - t0 - rootMs;
      this.stats.stateRootMs += rootMs;
      this.stats.storageWriteMs += performance.now() - t1;
      return out;
    } catch (e) {
      this.store.discard();
      await sm.setStateRoot(EMPTY_TRIE_ROOT);
      throw e;
    }
  }

  /**
   * Executes a payload's transactions on its parent and checks the resulting header equals
   * `expected` (state root, receipts, gas, bloom, hash). Stores the block on success.
   */
  import(expected: BlockHeader, transactions: Uint8Array[]): Promise<ChainBlock> {
    return this.lock.run(async () => {
      const hash = headerHash(expected);
      const known = this.block(hash);
      if (known) return known;
      const parent = this.block(expected.parentHash);
      if (!parent) throw new InvalidBlockError("unknown parent");
      if (expected.number !== parent.header.number + 1n) {
        throw new InvalidBlockError(
          `number ${expected.number} does not follow parent ${parent.header.number}`,
        );
      }
      const env: BlockEnv = {
        timestamp: expected.timestamp,
        prevRandao: expected.mixHash,
        feeRecipient: expected.coinbase,
        gasLimit: expected.gasLimit,
        parentBeaconBlockRoot: expected.parentBeaconBlockRoot,
        extraData: expected.extraData,
      };
      return this.execute(parent, env, transactions, [], (out) => {
        const h = out.header;
        const mismatch = (
          [
            ["baseFeePerGas", h.baseFeePerGas === expected.baseFeePerGas],
            ["gasUsed", h.gasUsed === expected.gasUsed],
            ["stateRoot", bytesEqual(h.stateRoot, expected.stateRoot)],
            ["receiptsRoot", bytesEqual(h.receiptsRoot, expected.receiptsRoot)],
            ["logsBloom", bytesEqual(h.logsBloom, expected.logsBloom)],
            ["transactionsRoot", bytesEqual(h.transactionsRoot, expected.transactionsRoot)],
          ] as const
        ).find(([, ok]) => !ok);
        if (mismatch) throw new InvalidBlockError(`${mismatch[0]} mismatch`);
        if (!bytesEqual(out.hash, hash)) throw new InvalidBlockError("block hash mismatch");
      });
    });
  }

  /**
   * Makes `head` canonical (rewriting the canonical index and tx index back to the common
   * ancestor) and sets safe/finalized when given, all in one SQLite transaction. Returns the
   * blocks that stopped being canonical, oldest first (empty unless the head moved off them).
   */
  setForkchoice(head: Uint8Array, safe?: Uint8Array, finalized?: Uint8Array): ChainBlock[] {
    const route: ChainBlock[] = [];
    let cur = this.block(head);
    while (cur && !this.isCanonical(cur.hash)) {
      route.push(cur);
      cur = this.block(cur.header.parentHash);
    }
    if (!cur) throw new InvalidBlockError("head does not connect to the canonical chain");
    const newHead = this.block(head)!;
    const dropped: ChainBlock[] = [];
    for (let n = cur.header.number + 1n; ; n++) {
      const h = this.canonicalHash(n);
      const b = h && this.block(h);
      if (!b) break;
      dropped.push(b);
    }
    this.store.commit(() => {
      for (const b of route.reverse()) {
        this.store.setCanonical(b.header.number, b.hash);
        for (const [i, r] of b.results.entries()) this.store.indexTx(fromHexString(r.hash), b.hash, i);
      }
      this.store.truncateCanonical(newHead.header.number);
      this.store.setHead("head", head);
      if (safe) this.store.setHead("safe", safe);
      if (finalized) this.store.setHead("finalized", finalized);
    });
    return dropped;
  }

  /**
   * Runs `fn` with the reading state manager (and its VM) positioned at `stateRoot`, under the
   * read lock. Block execution uses its own state manager, so reads never wait for it. Calls the
   * VM runs answer BLOCKHASH from `at` (the block they run on top of) and its ancestors, or from
   * the canonical chain when `at` is not given.
   */
  withState<T>(
    stateRoot: Uint8Array,
    fn: (sm: OreStateManager, vm: VM) => Promise<T>,
    at?: Uint8Array,
  ): Promise<T> {
    return this.readLock.run(async () => {
      this.readTip = at;
      await this.reader.sm.setStateRoot(stateRoot);
      return fn(this.reader.sm, this.reader.vm);
    });
  }

  private ctx() {
    return { vm: this.vm, stateManager: this.stateManager, common: this.common };
  }

  private putBlock(b: ChainBlock): void {
    this.store.putBlock({
      hash: b.hash,
      number: b.header.number,
      header: encodeHeader(b.header),
      body: rlpEncode(b.transactions),
      receipts: JSON.stringify(b.results),
    });
    this.remember(hex(b.hash), b);
  }

  private remember(k: string, b: ChainBlock): void {
    if (this.cache.size > 256) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(k, b);
  }
}

/** Keccak of a raw transaction: its hash. */
export function txHash(raw: Uint8Array): Uint8Array {
  return keccak256(raw);
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

function fromHexString(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.slice(2), "hex"));
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}
