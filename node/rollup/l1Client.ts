/**
 * The node's view of L1 over JSON-RPC (viem): block references and headers, receipts,
 * transactions and blobs, implementing derivation's `L1Source`. Blocks and receipts are cached
 * by hash (immutable); lookups by number always ask L1, so a reorg is seen at once.
 * `withConfirmations` wraps a source so that the newest blocks stay invisible until they are
 * `depth` blocks deep, which is how the sequencer picks its L1 origins.
 */
import {
  BlockNotFoundError,
  createPublicClient,
  type Hex,
  http,
  type PublicClient,
  type Block as ViemBlock,
  type Transaction as ViemTransaction,
} from "viem";
import { fromHex } from "../../core/bytes.ts";
import { BLOB_BASE_FEE_UPDATE_FRACTION, blobBaseFee } from "../../core/derive/blobBaseFee.ts";
import type {
  L1BlockInfo,
  L1BlockRef,
  L1Log,
  L1Receipt,
  L1Source,
  L1Transaction,
} from "../../core/derive/types.ts";
import type { BlobSource } from "./blobs.ts";
import { L1NotFoundError } from "./errors.ts";

/** An L1 fork whose blob fee rule the client knows. */
export type L1Fork = keyof typeof BLOB_BASE_FEE_UPDATE_FRACTION;

/** Options of {@link L1Client}. */
export interface L1ClientOptions {
  /** Where blobs come from (needed only for blob batches). */
  blobs?: BlobSource;
  /** The L1 fork, for the blob base fee formula (default prague). */
  fork?: L1Fork;
  /** Blocks kept in the by-hash cache (default 512). */
  cacheSize?: number;
  /** Per-request timeout in milliseconds (default 15 000). */
  timeoutMs?: number;
}

type FullBlock = ViemBlock<bigint, true>;

/** A small insertion-ordered LRU. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly size: number) {}
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
  }
}

/** L1 over JSON-RPC: derivation's `L1Source` plus the head, safe and finalized tags. */
export class L1Client implements L1Source {
  /** The viem client (for callers that need more than derivation does). */
  readonly client: PublicClient;
  private readonly blocks: Lru<string, FullBlock>;
  private readonly receiptCache: Lru<string, readonly L1Receipt[]>;
  private readonly fork: L1Fork;

  constructor(
    readonly rpcUrl: string,
    private readonly options: L1ClientOptions = {},
  ) {
    this.client = createPublicClient({
      transport: http(rpcUrl, { timeout: options.timeoutMs ?? 15_000, retryCount: 1 }),
    }) as PublicClient;
    this.blocks = new Lru(options.cacheSize ?? 512);
    this.receiptCache = new Lru(options.cacheSize ?? 512);
    this.fork = options.fork ?? "prague";
  }

  /** The canonical block at `n`, or null when L1 is not that far yet. */
  async blockRefByNumber(n: number): Promise<L1BlockRef | null> {
    try {
      const b = await this.client.getBlock({ blockNumber: BigInt(n) });
      return b ? refOf(b) : null;
    } catch (e) {
      if (e instanceof BlockNotFoundError) return null;
      throw e;
    }
  }

  /** The block with hash `h`; throws {@link L1NotFoundError} when L1 does not know it. */
  async blockRefByHash(h: Hex): Promise<L1BlockRef> {
    return refOf(await this.fullBlock(h));
  }

  /** The block at a tag (`latest`, `safe`, `finalized`). */
  async blockRefByTag(tag: "latest" | "safe" | "finalized"): Promise<L1BlockRef> {
    const b = await this.client.getBlock({ blockTag: tag });
    return refOf(b);
  }

  /** Header fields of the block with hash `h`. */
  async blockInfo(h: Hex): Promise<L1BlockInfo> {
    const b = await this.fullBlock(h);
    return {
      ...refOf(b),
      baseFeePerGas: b.baseFeePerGas ?? 0n,
      blobBaseFee: blobBaseFee(b.excessBlobGas ?? null, BLOB_BASE_FEE_UPDATE_FRACTION[this.fork]),
      mixHash: lower(b.mixHash),
      parentBeaconBlockRoot: b.parentBeaconBlockRoot ? lower(b.parentBeaconBlockRoot) : null,
    };
  }

  /** Receipts of the block with hash `h`, in transaction order. */
  async receipts(h: Hex): Promise<readonly L1Receipt[]> {
    const hit = this.receiptCache.get(h);
    if (hit) return hit;
    const raw = (await this.client.request({
      method: "eth_getBlockReceipts" as never,
      params: [h] as never,
    })) as RawReceipt[] | null;
    if (!raw) throw new L1NotFoundError(`L1 receipts of block ${h} not found`);
    for (const r of raw) {
      if (r.blockHash.toLowerCase() !== h.toLowerCase()) {
        throw new L1NotFoundError(`L1 receipts of block ${h}: L1 answered for block ${r.blockHash} (reorg)`);
      }
    }
    const out = raw.map(
      (r): L1Receipt => ({
        status: r.status === "0x1",
        logs: r.logs.map(
          (l): L1Log => ({
            address: lower(l.address),
            topics: l.topics.map(lower),
            data: fromHex(l.data),
            logIndex: Number(l.logIndex),
          }),
        ),
      }),
    );
    this.receiptCache.set(h, out);
    return out;
  }

  /** Transactions of the block with hash `h`, in block order. */
  async transactions(h: Hex): Promise<readonly L1Transaction[]> {
    const b = await this.fullBlock(h);
    return b.transactions.map(
      (t: ViemTransaction): L1Transaction => ({
        hash: lower(t.hash),
        from: lower(t.from),
        to: t.to ? lower(t.to) : null,
        input: fromHex(t.input),
        type: typeNumber(t.type),
        blobVersionedHashes: (t.blobVersionedHashes ?? []).map(lower),
      }),
    );
  }

  /** The blobs with `versionedHashes` that `ref` carries, each checked against its hash. */
  async blobs(ref: L1BlockRef, versionedHashes: readonly Hex[]): Promise<readonly Uint8Array[]> {
    if (versionedHashes.length === 0) return [];
    if (!this.options.blobs) throw new L1NotFoundError("L1 blobs requested but no blob source is configured");
    return this.options.blobs.blobs(ref, versionedHashes);
  }

  private async fullBlock(h: Hex): Promise<FullBlock> {
    const key = h.toLowerCase();
    const hit = this.blocks.get(key);
    if (hit) return hit;
    let b: FullBlock;
    try {
      b = await this.client.getBlock({ blockHash: h, includeTransactions: true });
    } catch (e) {
      if (e instanceof BlockNotFoundError) throw new L1NotFoundError(`L1 block ${h} not found`, { cause: e });
      throw e;
    }
    this.blocks.set(key, b);
    return b;
  }
}

/**
 * A view of `inner` in which blocks less than `depth` deep (relative to `head()`) do not exist
 * yet. Lookups by hash pass through: derivation only asks for hashes it has seen by number.
 */
export function withConfirmations(inner: L1Source, depth: number, head: () => number): L1Source {
  if (depth <= 0) return inner;
  return {
    blockRefByNumber: async (n) => (n > head() - depth ? null : inner.blockRefByNumber(n)),
    blockRefByHash: (h) => inner.blockRefByHash(h),
    blockInfo: (h) => inner.blockInfo(h),
    receipts: (h) => inner.receipts(h),
    transactions: (h) => inner.transactions(h),
    blobs: (r, v) => inner.blobs(r, v),
  };
}

interface RawReceipt {
  blockHash: Hex;
  status: Hex;
  logs: { address: Hex; topics: Hex[]; data: Hex; logIndex: Hex }[];
}

function refOf(b: {
  hash: Hex | null;
  number: bigint | null;
  parentHash: Hex;
  timestamp: bigint;
}): L1BlockRef {
  if (!b.hash || b.number === null) throw new L1NotFoundError("L1 block is pending (no hash yet)");
  return {
    hash: lower(b.hash),
    number: Number(b.number),
    parentHash: lower(b.parentHash),
    timestamp: Number(b.timestamp),
  };
}

function lower(h: Hex): Hex {
  return h.toLowerCase() as Hex;
}

function typeNumber(t: string): number {
  switch (t) {
    case "legacy":
      return 0;
    case "eip2930":
      return 1;
    case "eip1559":
      return 2;
    case "eip4844":
      return 3;
    case "eip7702":
      return 4;
    default:
      return t.startsWith("0x") ? Number(t) : -1;
  }
}
