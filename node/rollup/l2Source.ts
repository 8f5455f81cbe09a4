/**
 * Derivation's `L2Source` over the engine's JSON-RPC: block references and the system config
 * in force after a block, read from its L1 attributes deposit (`core/derive/l2BlockRef.ts`).
 * Blocks by hash are cached (they never change); lookups by number or tag always ask the
 * engine, since the canonical chain moves under reorgs.
 */
import type { Hex } from "viem";
import { l2BlockRefFromBlock, systemConfigFromL2Block } from "../../core/derive/l2BlockRef.ts";
import type { RollupConfig } from "../../core/derive/rollupConfig.ts";
import type { L2BlockInput, L2BlockRef, L2Source, SystemConfig } from "../../core/derive/types.ts";
import type { EngineClient, RpcBlock } from "./engineClient.ts";
import { L2NotFoundError } from "./errors.ts";
import { rawTransaction } from "./l2Transactions.ts";

/** The parts of an engine block derivation reads, with the first transaction re-encoded. */
export function l2BlockInput(b: RpcBlock): L2BlockInput {
  const first = b.transactions[0];
  return {
    hash: b.hash.toLowerCase() as Hex,
    number: Number(b.number),
    parentHash: b.parentHash.toLowerCase() as Hex,
    timestamp: Number(b.timestamp),
    gasLimit: BigInt(b.gasLimit),
    // Only the L1 attributes deposit is ever read; the rest stays JSON.
    transactions: first ? [rawTransaction(first)] : [],
  };
}

/** The whole block as derivation's input type, every transaction re-encoded (what the batcher batches). */
export function fullL2BlockInput(b: RpcBlock): L2BlockInput {
  return { ...l2BlockInput(b), transactions: b.transactions.map(rawTransaction) };
}

/** `L2Source` over one engine. */
export class EngineL2Source implements L2Source {
  private readonly byHash = new Map<string, { ref: L2BlockRef; sys: SystemConfig }>();

  constructor(
    readonly engine: EngineClient,
    readonly config: RollupConfig,
  ) {}

  /** The canonical L2 block at `n`; throws {@link L2NotFoundError} if none. */
  async l2BlockRefByNumber(n: number): Promise<L2BlockRef> {
    const b = await this.engine.blockByNumber(BigInt(n));
    if (!b) throw new L2NotFoundError(`L2 block ${n} not found`);
    return this.remember(b).ref;
  }

  /** The canonical L2 block at `n` with every transaction; throws {@link L2NotFoundError} if none. */
  async l2BlockByNumber(n: number): Promise<L2BlockInput> {
    const b = await this.engine.blockByNumber(BigInt(n));
    if (!b) throw new L2NotFoundError(`L2 block ${n} not found`);
    return fullL2BlockInput(b);
  }

  /** The L2 block with hash `h`; throws {@link L2NotFoundError} if unknown. */
  async l2BlockRefByHash(h: Hex): Promise<L2BlockRef> {
    return (await this.entry(h)).ref;
  }

  /** The engine's head, safe or finalized block. */
  async l2BlockRefByTag(tag: "latest" | "safe" | "finalized"): Promise<L2BlockRef> {
    const b = await this.engine.blockByNumber(tag);
    if (!b) throw new L2NotFoundError(`L2 ${tag} block not found`);
    return this.remember(b).ref;
  }

  /** The system config in force after the L2 block with hash `h`. */
  async systemConfigByL2Hash(h: Hex): Promise<SystemConfig> {
    return (await this.entry(h)).sys;
  }

  private async entry(h: Hex) {
    const hit = this.byHash.get(h.toLowerCase());
    if (hit) return hit;
    const b = await this.engine.blockByHash(h);
    if (!b) throw new L2NotFoundError(`L2 block ${h} not found`);
    return this.remember(b);
  }

  private remember(b: RpcBlock) {
    const key = b.hash.toLowerCase();
    const hit = this.byHash.get(key);
    if (hit) return hit;
    const input = l2BlockInput(b);
    const e = {
      ref: l2BlockRefFromBlock(input, this.config.genesis),
      sys: systemConfigFromL2Block(input, this.config.genesis),
    };
    this.byHash.set(key, e);
    if (this.byHash.size > 4096) this.byHash.delete(this.byHash.keys().next().value!);
    return e;
  }
}
