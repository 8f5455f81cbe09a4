/**
 * The transaction pool: signed user transactions waiting for the sequencer's next block.
 * Per sender, transactions are kept by nonce; a transaction with a nonce already in the pool
 * replaces it only if both its fee cap and tip are at least 10% higher. The pool holds at
 * most `maxSize` transactions (the newest ones are refused past that) and `maxPerSender` per
 * sender; `pending()` yields each sender's run of consecutive nonces from its state nonce,
 * senders interleaved by tip. Persisted in the store's `pool` table so a restart keeps it.
 */
import type { Common } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import { toHex } from "../../core/bytes.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { decodeUserTx } from "./blockExecutor.ts";
import { RPC_ERRORS, RpcError } from "./rpcErrors.ts";
import type { Store } from "./store.ts";

/** Pool limits. */
export interface PoolLimits {
  maxSize: number;
  maxPerSender: number;
  /** Price bump, percent, a replacement must offer. */
  priceBump: bigint;
}

/** Default pool limits. */
export const DEFAULT_POOL_LIMITS: PoolLimits = { maxSize: 4096, maxPerSender: 64, priceBump: 10n };

interface Entry {
  raw: Uint8Array;
  tx: TypedTransaction;
  hash: string;
}

/** The pool. `nonceOf` reads a sender's nonce at the head state. */
export class TxPool {
  private bySender = new Map<string, Map<bigint, Entry>>();
  private byHash = new Map<string, Entry>();

  constructor(
    private readonly common: Common,
    private readonly store: Store,
    private readonly nonceOf: (sender: Uint8Array) => Promise<bigint>,
    private readonly limits: PoolLimits = DEFAULT_POOL_LIMITS,
  ) {}

  /** Reloads persisted transactions (invalid ones are dropped). */
  async load(): Promise<void> {
    const rows = this.store.db.query<{ raw: Uint8Array }, []>("SELECT raw FROM pool ORDER BY added").all();
    for (const r of rows) await this.add(new Uint8Array(r.raw)).catch(() => this.forget(r.raw));
  }

  /** Number of pooled transactions. */
  get size(): number {
    return this.byHash.size;
  }

  /** A pooled transaction by hash. */
  get(hash: string): Uint8Array | undefined {
    return this.byHash.get(hash.toLowerCase())?.raw;
  }

  /** Validates and adds a raw transaction; returns its hash or throws an `RpcError`. */
  async add(raw: Uint8Array): Promise<string> {
    let tx: TypedTransaction;
    try {
      tx = decodeUserTx(raw, this.common);
    } catch (e) {
      throw new RpcError(RPC_ERRORS.serverError, (e as Error).message);
    }
    if (tx.common.chainId() !== this.common.chainId() && tx.type !== 0) {
      throw new RpcError(RPC_ERRORS.serverError, "invalid chain id");
    }
    const hash = toHex(keccak256(raw));
    if (this.byHash.has(hash)) return hash;
    const sender = tx.getSenderAddress();
    const nonce = await this.nonceOf(sender.bytes);
    if (tx.nonce < nonce)
      throw new RpcError(RPC_ERRORS.serverError, `nonce too low: next nonce ${nonce}, tx nonce ${tx.nonce}`);
    const key = sender.toString();
    const queue = this.bySender.get(key) ?? new Map<bigint, Entry>();
    const old = queue.get(tx.nonce);
    if (old) {
      const bump = (v: bigint) => v + (v * this.limits.priceBump) / 100n;
      if (feeCap(tx) < bump(feeCap(old.tx)) || tip(tx) < bump(tip(old.tx))) {
        throw new RpcError(RPC_ERRORS.serverError, "replacement transaction underpriced");
      }
      this.remove(old);
    } else {
      if (queue.size >= this.limits.maxPerSender)
        throw new RpcError(RPC_ERRORS.serverError, "txpool is full for this sender");
      if (this.byHash.size >= this.limits.maxSize)
        throw new RpcError(RPC_ERRORS.serverError, "txpool is full");
    }
    const entry = { raw, tx, hash };
    queue.set(tx.nonce, entry);
    this.bySender.set(key, queue);
    this.byHash.set(hash, entry);
    this.store.db
      .query("INSERT OR REPLACE INTO pool (hash, raw, added) VALUES (?, ?, ?)")
      .run(keccak256(raw), raw, Date.now());
    return hash;
  }

  /** Executable transactions, each sender's in nonce order, senders ordered by their first tip. */
  pending(): Uint8Array[] {
    const runs = [...this.bySender.values()].map((q) =>
      [...q.values()].sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1)),
    );
    runs.sort((a, b) => (tip(b[0]!.tx) > tip(a[0]!.tx) ? 1 : -1));
    return runs.flat().map((e) => e.raw);
  }

  /** Removes transactions a block included or the builder refused. */
  drop(raw: Uint8Array, _reason?: string): void {
    const e = this.byHash.get(toHex(keccak256(raw)));
    if (e) this.remove(e);
    else this.forget(raw);
  }

  /** Removes every pooled transaction whose nonce is now below its sender's state nonce. */
  async prune(): Promise<void> {
    for (const [sender, q] of this.bySender) {
      const nonce = await this.nonceOf(Uint8Array.from(Buffer.from(sender.slice(2), "hex")));
      for (const e of [...q.values()]) if (e.tx.nonce < nonce) this.remove(e);
    }
  }

  private remove(e: Entry): void {
    this.byHash.delete(e.hash);
    const key = e.tx.getSenderAddress().toString();
    const q = this.bySender.get(key);
    q?.delete(e.tx.nonce);
    if (q?.size === 0) this.bySender.delete(key);
    this.forget(e.raw);
  }

  private forget(raw: Uint8Array): void {
    this.store.db.query("DELETE FROM pool WHERE hash = ?").run(keccak256(raw));
  }
}

function feeCap(tx: TypedTransaction): bigint {
  return "maxFeePerGas" in tx ? (tx.maxFeePerGas as bigint) : (tx as { gasPrice: bigint }).gasPrice;
}

function tip(tx: TypedTransaction): bigint {
  return "maxPriorityFeePerGas" in tx
    ? (tx.maxPriorityFeePerGas as bigint)
    : (tx as { gasPrice: bigint }).gasPrice;
}
