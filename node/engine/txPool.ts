/**
 * The transaction pool: signed user transactions waiting for the sequencer's next block.
 *
 * - **Admission** (`add`, what `eth_sendRawTransaction` and a reorg's reinjection call): at most
 *   `maxTxBytes` long (geth's 128 KiB, under the protocol's `MAX_TX_BYTES`, so the sequencer never
 *   builds a block derivation would refuse), a decodable, signed, non-blob, non-deposit
 *   transaction for this chain, with enough gas for its intrinsic cost, no more than a block's
 *   gas, a tip of at least `minTip`, a nonce not below the sender's, and a balance that covers
 *   `gasLimit · feeCap + value`.
 * - **Replacement**: a transaction with a nonce the sender already has pooled replaces it only if
 *   both its fee cap and its tip are at least `priceBump` percent higher.
 * - **Limits and eviction**: at most `maxPerSender` transactions per sender and `maxSize` in
 *   all. When the pool is full, a new transaction evicts the cheapest evictable one (the highest
 *   nonce of some other sender, so no gap opens, with the lowest fee cap) if it pays a higher fee
 *   cap; otherwise it is refused as underpriced.
 * - **Ordering** (`pending`): each sender's run of consecutive nonces from its state nonce,
 *   interleaved across senders by effective tip at the next block's base fee, highest first
 *   (geth's `TransactionsByPriceAndNonce`); a transaction whose fee cap is below the base fee
 *   ends its sender's run.
 * - **Persistence**: every pooled transaction is in the store's `pool` table, reloaded (and
 *   re-validated) by `load()` after a restart; `prune()` drops those whose nonce the chain used.
 */
import type { Common } from "@ethereumjs/common";
import type { TypedTransaction } from "@ethereumjs/tx";
import { toHex } from "../../core/bytes.ts";
import { MAX_TX_BYTES } from "../../core/engine/provableLimits.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { decodeUserTx } from "./blockExecutor.ts";
import { InvalidConfigError } from "./config.ts";
import { RPC_ERRORS, RpcError } from "./rpcErrors.ts";
import type { Store } from "./store.ts";

/** Pool limits and prices. */
export interface PoolLimits {
  /** Transactions in the pool, all senders. */
  maxSize: number;
  /** Transactions per sender. */
  maxPerSender: number;
  /** Price bump, percent, a replacement must offer on both fee cap and tip. */
  priceBump: bigint;
  /** Lowest tip (priority fee, or gas price for legacy transactions) admitted, wei. */
  minTip: bigint;
  /** Largest gas limit admitted (the chain's block gas limit). */
  maxGas: bigint;
  /**
   * Longest transaction admitted (its EIP-2718 encoding), bytes. At most `MAX_TX_BYTES`
   * (`core/engine/provableLimits.ts`): derivation drops a batch holding a longer one.
   */
  maxTxBytes: number;
}

/** Default pool limits. */
export const DEFAULT_POOL_LIMITS: PoolLimits = {
  maxSize: 4096,
  maxPerSender: 64,
  priceBump: 10n,
  minTip: 0n,
  maxGas: 30_000_000n,
  maxTxBytes: 128 * 1024,
};

/** A sender's nonce and balance at the head state. */
export interface SenderState {
  nonce: bigint;
  balance: bigint;
}

interface Entry {
  raw: Uint8Array;
  tx: TypedTransaction;
  hash: string;
  sender: string;
}

/** The pool. `stateOf` reads a sender's nonce and balance at the head state. */
export class TxPool {
  private bySender = new Map<string, Map<bigint, Entry>>();
  private byHash = new Map<string, Entry>();
  private readonly limits: PoolLimits;

  constructor(
    private readonly common: Common,
    private readonly store: Store,
    private readonly stateOf: (sender: Uint8Array) => Promise<SenderState>,
    limits: Partial<PoolLimits> = {},
  ) {
    this.limits = { ...DEFAULT_POOL_LIMITS, ...limits };
    if (this.limits.maxTxBytes > MAX_TX_BYTES) {
      throw new InvalidConfigError(
        `pool maxTxBytes ${this.limits.maxTxBytes} > MAX_TX_BYTES ${MAX_TX_BYTES}: derivation would drop such blocks`,
      );
    }
  }

  /** Reloads persisted transactions in arrival order (those no longer valid are dropped). */
  async load(): Promise<void> {
    const rows = this.store.db.query<{ raw: Uint8Array }, []>("SELECT raw FROM pool ORDER BY added").all();
    for (const r of rows) {
      const raw = new Uint8Array(r.raw);
      await this.add(raw, false).catch(() => this.forget(raw));
    }
  }

  /** Number of pooled transactions. */
  get size(): number {
    return this.byHash.size;
  }

  /** A pooled transaction by hash. */
  get(hash: string): Uint8Array | undefined {
    return this.byHash.get(hash.toLowerCase())?.raw;
  }

  /** Validates and adds a raw transaction; returns its hash or throws an `RpcError` (-32000). */
  async add(raw: Uint8Array, persist = true): Promise<string> {
    if (raw.length > this.limits.maxTxBytes)
      throw refuse(`oversized data: ${raw.length} bytes > limit ${this.limits.maxTxBytes}`);
    let tx: TypedTransaction;
    try {
      tx = decodeUserTx(raw, this.common);
    } catch (e) {
      throw refuse((e as Error).message);
    }
    if (tx.common.chainId() !== this.common.chainId()) {
      throw refuse(`invalid chain id: ${tx.common.chainId()}, expected ${this.common.chainId()}`);
    }
    const hash = toHex(keccak256(raw));
    if (this.byHash.has(hash)) return hash;
    const intrinsic = tx.getIntrinsicGas();
    if (tx.gasLimit < intrinsic)
      throw refuse(`intrinsic gas too low: have ${tx.gasLimit}, want ${intrinsic}`);
    if (tx.gasLimit > this.limits.maxGas)
      throw refuse(`exceeds block gas limit: ${tx.gasLimit} > ${this.limits.maxGas}`);
    if (tip(tx) < this.limits.minTip) {
      throw refuse(`transaction underpriced: tip ${tip(tx)} < minimum ${this.limits.minTip}`);
    }
    const senderBytes = tx.getSenderAddress().bytes;
    const sender = toHex(senderBytes);
    const state = await this.stateOf(senderBytes);
    if (tx.nonce < state.nonce)
      throw refuse(`nonce too low: next nonce ${state.nonce}, tx nonce ${tx.nonce}`);
    const cost = tx.gasLimit * feeCap(tx) + tx.value;
    if (state.balance < cost) {
      throw refuse(`insufficient funds for gas * price + value: balance ${state.balance}, tx cost ${cost}`);
    }
    const queue = this.bySender.get(sender);
    const old = queue?.get(tx.nonce);
    if (old) {
      const bump = (v: bigint) => v + (v * this.limits.priceBump) / 100n;
      if (feeCap(tx) < bump(feeCap(old.tx)) || tip(tx) < bump(tip(old.tx))) {
        throw refuse("replacement transaction underpriced");
      }
      this.remove(old);
    } else {
      if ((queue?.size ?? 0) >= this.limits.maxPerSender) {
        throw refuse(`txpool is full for this sender: ${this.limits.maxPerSender} transactions`);
      }
      if (this.byHash.size >= this.limits.maxSize) {
        const victim = this.cheapestEvictable(sender);
        if (!victim || feeCap(victim.tx) >= feeCap(tx)) {
          throw refuse(`transaction underpriced: txpool is full (${this.limits.maxSize}) and pays more`);
        }
        this.remove(victim);
      }
    }
    const entry: Entry = { raw, tx, hash, sender };
    let q = this.bySender.get(sender);
    if (!q) {
      q = new Map();
      this.bySender.set(sender, q);
    }
    q.set(tx.nonce, entry);
    this.byHash.set(hash, entry);
    if (persist) {
      this.store.db
        .query("INSERT OR REPLACE INTO pool (hash, raw, added) VALUES (?, ?, ?)")
        .run(keccak256(raw), raw, Date.now());
    }
    return hash;
  }

  /**
   * Executable transactions for a block with base fee `baseFee`: each sender's consecutive
   * nonces from its state nonce, senders interleaved by effective tip (highest first).
   */
  async pending(baseFee = 0n): Promise<Uint8Array[]> {
    const runs: Entry[][] = [];
    for (const [sender, q] of this.bySender) {
      let { nonce } = await this.stateOf(fromHexAddress(sender));
      const run: Entry[] = [];
      for (let e = q.get(nonce); e && feeCap(e.tx) >= baseFee; e = q.get(++nonce)) run.push(e);
      if (run.length) runs.push(run);
    }
    const out: Uint8Array[] = [];
    const heap = new MaxHeap<{ run: Entry[]; i: number; key: bigint }>((a, b) => a.key > b.key);
    for (const run of runs) heap.push({ run, i: 0, key: effectiveTip(run[0]!.tx, baseFee) });
    for (let top = heap.pop(); top; top = heap.pop()) {
      out.push(top.run[top.i]!.raw);
      const i = top.i + 1;
      if (i < top.run.length) heap.push({ run: top.run, i, key: effectiveTip(top.run[i]!.tx, baseFee) });
    }
    return out;
  }

  /** Removes a transaction (included, or refused by the builder for good). */
  drop(raw: Uint8Array, _reason?: string): void {
    const e = this.byHash.get(toHex(keccak256(raw)));
    if (e) this.remove(e);
    else this.forget(raw);
  }

  /** Removes every pooled transaction whose nonce is now below its sender's state nonce. */
  async prune(): Promise<void> {
    for (const [sender, q] of [...this.bySender]) {
      const { nonce } = await this.stateOf(fromHexAddress(sender));
      for (const e of [...q.values()]) if (e.tx.nonce < nonce) this.remove(e);
    }
  }

  /** Of every other sender's highest-nonce transaction, the one with the lowest fee cap. */
  private cheapestEvictable(exceptSender: string): Entry | undefined {
    let best: Entry | undefined;
    for (const [sender, q] of this.bySender) {
      if (sender === exceptSender) continue;
      let last: Entry | undefined;
      for (const e of q.values()) if (!last || e.tx.nonce > last.tx.nonce) last = e;
      if (last && (!best || feeCap(last.tx) < feeCap(best.tx))) best = last;
    }
    return best;
  }

  private remove(e: Entry): void {
    this.byHash.delete(e.hash);
    const q = this.bySender.get(e.sender);
    q?.delete(e.tx.nonce);
    if (q?.size === 0) this.bySender.delete(e.sender);
    this.forget(e.raw);
  }

  private forget(raw: Uint8Array): void {
    this.store.db.query("DELETE FROM pool WHERE hash = ?").run(keccak256(raw));
  }
}

function refuse(message: string): RpcError {
  return new RpcError(RPC_ERRORS.serverError, message);
}

function fromHexAddress(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.slice(2), "hex"));
}

/** Fee cap: `maxFeePerGas`, or the gas price of a legacy / EIP-2930 transaction. */
export function feeCap(tx: TypedTransaction): bigint {
  return "maxFeePerGas" in tx ? (tx.maxFeePerGas as bigint) : (tx as { gasPrice: bigint }).gasPrice;
}

/** Tip: `maxPriorityFeePerGas`, or the gas price of a legacy / EIP-2930 transaction. */
export function tip(tx: TypedTransaction): bigint {
  return "maxPriorityFeePerGas" in tx
    ? (tx.maxPriorityFeePerGas as bigint)
    : (tx as { gasPrice: bigint }).gasPrice;
}

/** What the block producer earns per gas at `baseFee`: `min(tip, feeCap − baseFee)`. */
export function effectiveTip(tx: TypedTransaction, baseFee: bigint): bigint {
  const room = feeCap(tx) - baseFee;
  const t = tip(tx);
  if (room < t) return room;
  return t;
}

/** A binary max-heap under `higher`. */
class MaxHeap<T> {
  private items: T[] = [];
  constructor(private readonly higher: (a: T, b: T) => boolean) {}
  push(x: T): void {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.higher(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.higher(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.higher(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
