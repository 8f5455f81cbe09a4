/**
 * Sends the batcher's L1 transactions and sees them through (op-service `txmgr`, reduced to
 * what the batcher needs): one nonce per transaction, assigned once and never reused for other
 * data, so a frame can land at most once whatever happens; fee bumps (+25 %, blob fee ×2) when
 * a transaction is not mined in time; and re-broadcast of the exact same signed bytes when an
 * L1 reorg drops a mined transaction (anvil forgets reorged transactions, real nodes may too).
 * Inclusion is tracked by block hash, so a receipt from a reorged-out block is not believed,
 * and a mined transaction stays tracked until it is `releaseDepth` blocks deep, so a nonce the
 * manager used can never be left as a gap. A nonce taken by a transaction that is not ours
 * (the key used elsewhere) marks ours `lost`: its data did not land and will not.
 */
import {
  type Account,
  BlockNotFoundError,
  type Chain,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  sidecarsToVersionedHashes,
  type TransactionSerializable,
  toBlobSidecars,
  type WalletClient,
} from "viem";
import type { Logger } from "../log.ts";
import { viemKzg } from "../rollup/kzg.ts";

/** What to send: calldata to `to`, optionally with blobs. */
export interface TxCandidate {
  to: Hex;
  data: Hex;
  blobs?: Uint8Array[];
}

/** A transaction the manager is responsible for. */
export interface ManagedTx {
  readonly id: number;
  readonly candidate: TxCandidate;
  readonly nonce: number;
  /** Every signed variant (fee bumps), newest last. */
  readonly raws: Hex[];
  readonly hashes: Hex[];
  lastSentMs: number;
  /** Where it is mined, if it is (on the canonical chain as last checked). */
  included?: { blockHash: Hex; blockNumber: number; hash: Hex; success: boolean };
  /** Its nonce was used by another transaction: it will never be mined. */
  lost?: boolean;
  /** Polls that found the nonce used but none of our hashes mined. */
  usedChecks: number;
  fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint; maxFeePerBlobGas?: bigint };
  gas: bigint;
}

/** Options of {@link TxManager}. */
export interface TxManagerOptions {
  l1: PublicClient;
  chain: Chain;
  account: Account;
  rpcUrl: string;
  log: Logger;
  /** Milliseconds before an unmined transaction is re-sent with higher fees (default 12 000). */
  resubmitAfterMs?: number;
}

type Sidecars = ReturnType<typeof toBlobSidecars>;

/** Nonce-ordered sending, bumping and reorg-proof tracking of L1 transactions. */
export class TxManager {
  private readonly wallet: WalletClient;
  private nextNonce: number | undefined;
  private nextId = 1;
  private readonly sidecars = new Map<number, Sidecars>();
  /** Transactions not yet released by the caller, by id. */
  readonly txs = new Map<number, ManagedTx>();

  constructor(private readonly o: TxManagerOptions) {
    this.wallet = createWalletClient({ chain: o.chain, account: o.account, transport: http(o.rpcUrl) });
  }

  /** The sender. */
  get address(): Hex {
    return this.o.account.address;
  }

  /** Starts assigning nonces from the account's pending nonce. */
  async init(): Promise<void> {
    this.nextNonce = await this.o.l1.getTransactionCount({ address: this.address, blockTag: "pending" });
  }

  /** Signs and broadcasts `c` with the next nonce. */
  async send(c: TxCandidate): Promise<ManagedTx> {
    if (this.nextNonce === undefined) await this.init();
    const fees = await this.currentFees(!!c.blobs);
    let sidecars: Sidecars | undefined;
    if (c.blobs) sidecars = toBlobSidecars({ blobs: c.blobs, kzg: viemKzg } as never) as Sidecars;
    const gas = await this.estimate(c);
    const tx: ManagedTx = {
      id: this.nextId++,
      candidate: c,
      nonce: this.nextNonce!,
      raws: [],
      hashes: [],
      lastSentMs: 0,
      fees,
      gas,
      usedChecks: 0,
    };
    if (sidecars) this.sidecars.set(tx.id, sidecars);
    await this.signAndBroadcast(tx);
    this.nextNonce!++;
    this.txs.set(tx.id, tx);
    return tx;
  }

  /** Forgets mined transactions at or below L1 block `number`, and lost ones. */
  prune(number: number): void {
    for (const t of [...this.txs.values()]) {
      if (t.lost || (t.included && t.included.blockNumber <= number)) {
        this.txs.delete(t.id);
        this.sidecars.delete(t.id);
      }
    }
  }

  /** True when every tracked transaction is mined (or lost). */
  idle(): boolean {
    for (const t of this.txs.values()) if (!t.included && !t.lost) return false;
    return true;
  }

  /**
   * Checks every tracked transaction: records inclusion (checking the block is canonical),
   * notices reorged-out ones and re-broadcasts them, and bumps fees of those stuck too long.
   */
  async poll(): Promise<void> {
    // A reorg replaces a suffix of the chain: walk the mined transactions from the newest block
    // down and stop at the first whose block is still canonical (all older ones are too).
    const mined = [...this.txs.values()]
      .filter((t) => t.included && !t.lost)
      .sort((a, b) => b.included!.blockNumber - a.included!.blockNumber);
    const canonical = new Map<number, Hex | null>();
    for (const tx of mined) {
      const n = tx.included!.blockNumber;
      if (!canonical.has(n)) {
        // A missing block (L1 rolled back) counts as a reorg; an unreachable L1 does not.
        const b = await this.o.l1.getBlock({ blockNumber: BigInt(n) }).catch((e) => {
          if (e instanceof BlockNotFoundError) return null;
          throw e;
        });
        canonical.set(n, b?.hash ?? null);
      }
      if (canonical.get(n) === tx.included!.blockHash) break;
      this.o.log.warn("batcher tx reorged out of L1; re-broadcasting it", {
        nonce: tx.nonce,
        hash: tx.included!.hash,
        block: n,
      });
      tx.included = undefined;
      await this.broadcast(tx, tx.raws[tx.raws.length - 1]!);
    }
    for (const tx of [...this.txs.values()].sort((a, b) => a.nonce - b.nonce)) {
      if (tx.lost || tx.included) continue;
      let found = false;
      for (const h of tx.hashes) {
        const r = await this.o.l1.getTransactionReceipt({ hash: h }).catch(() => null);
        if (r) {
          tx.included = {
            blockHash: r.blockHash,
            blockNumber: Number(r.blockNumber),
            hash: h,
            success: r.status === "success",
          };
          found = true;
          break;
        }
      }
      if (found) continue;
      if (Date.now() - tx.lastSentMs > (this.o.resubmitAfterMs ?? 12_000)) {
        const latest = await this.o.l1.getTransactionCount({ address: this.address, blockTag: "latest" });
        if (latest > tx.nonce) {
          // The nonce is used, yet none of our hashes has a receipt. Once may be a lookup
          // racing a reorg; three times means another transaction took the nonce.
          if (++tx.usedChecks >= 3) {
            tx.lost = true;
            this.o.log.error("batcher nonce taken by a foreign transaction; frame not posted", {
              nonce: tx.nonce,
            });
          }
          continue;
        }
        await this.bump(tx);
      }
    }
  }

  private async bump(tx: ManagedTx): Promise<void> {
    const now = await this.currentFees(!!tx.candidate.blobs);
    const up = (old: bigint, cur: bigint) =>
      (old * 125n) / 100n + 1n > cur ? (old * 125n) / 100n + 1n : cur;
    tx.fees = {
      maxFeePerGas: up(tx.fees.maxFeePerGas, now.maxFeePerGas),
      maxPriorityFeePerGas: up(tx.fees.maxPriorityFeePerGas, now.maxPriorityFeePerGas),
      maxFeePerBlobGas:
        tx.fees.maxFeePerBlobGas === undefined
          ? undefined
          : tx.fees.maxFeePerBlobGas * 2n > (now.maxFeePerBlobGas ?? 0n)
            ? tx.fees.maxFeePerBlobGas * 2n
            : now.maxFeePerBlobGas,
    };
    this.o.log.warn("batcher tx not mined in time; bumping fees", {
      nonce: tx.nonce,
      maxFeePerGas: tx.fees.maxFeePerGas,
      tip: tx.fees.maxPriorityFeePerGas,
    });
    await this.signAndBroadcast(tx);
  }

  private async signAndBroadcast(tx: ManagedTx): Promise<void> {
    const c = tx.candidate;
    const base = {
      chainId: this.o.chain.id,
      to: c.to,
      data: c.data,
      nonce: tx.nonce,
      gas: tx.gas,
      maxFeePerGas: tx.fees.maxFeePerGas,
      maxPriorityFeePerGas: tx.fees.maxPriorityFeePerGas,
    };
    const sidecars = this.sidecars.get(tx.id);
    const req = (
      sidecars
        ? {
            ...base,
            type: "eip4844",
            sidecars,
            maxFeePerBlobGas: tx.fees.maxFeePerBlobGas!,
            blobVersionedHashes: sidecarsToVersionedHashes({ sidecars }),
          }
        : { ...base, type: "eip1559" }
    ) as TransactionSerializable;
    const raw = await this.wallet.signTransaction({
      ...(req as object),
      account: this.o.account,
      chain: this.o.chain,
    } as never);
    tx.raws.push(raw);
    await this.broadcast(tx, raw);
  }

  private async broadcast(tx: ManagedTx, raw: Hex): Promise<void> {
    tx.lastSentMs = Date.now();
    try {
      const hash = await this.wallet.request({ method: "eth_sendRawTransaction", params: [raw] });
      if (!tx.hashes.includes(hash)) tx.hashes.push(hash);
    } catch (e) {
      const msg = (e as Error).message;
      // A copy already in the pool, or a nonce already mined: the poll will sort it out.
      if (/already known|already imported|nonce too low|replacement/i.test(msg)) {
        this.o.log.debug("broadcast not needed", { nonce: tx.nonce, err: msg.split("\n")[0] });
        return;
      }
      throw e;
    }
  }

  private async currentFees(blob: boolean) {
    const block = await this.o.l1.getBlock({ blockTag: "latest" });
    const baseFee = block.baseFeePerGas ?? 1_000_000_000n;
    let tip = 1_000_000_000n;
    try {
      tip = await this.o.l1.estimateMaxPriorityFeePerGas();
    } catch {
      // Keep 1 gwei.
    }
    if (tip < 1_000_000n) tip = 1_000_000n;
    const fees: ManagedTx["fees"] = { maxFeePerGas: baseFee * 2n + tip, maxPriorityFeePerGas: tip };
    if (blob) {
      const blobFee = await this.o.l1.getBlobBaseFee().catch(() => 1n);
      fees.maxFeePerBlobGas = blobFee * 2n > 1_000_000_000n ? blobFee * 2n : 1_000_000_000n;
    }
    return fees;
  }

  private async estimate(c: TxCandidate): Promise<bigint> {
    if (c.blobs) return 120_000n;
    try {
      const g = await this.o.l1.estimateGas({ account: this.address, to: c.to, data: c.data });
      return (g * 13n) / 10n;
    } catch {
      // A generous bound: 16 gas per byte, the call, two storage slots and the event.
      return 21_000n + 16n * BigInt((c.data.length - 2) / 2) + 150_000n;
    }
  }
}
