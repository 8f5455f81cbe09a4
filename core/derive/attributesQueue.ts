/**
 * Stage 7, payload attributes (op-node `derive/attributes_queue.go`): turns the next batch
 * into payload attributes for the block after the safe head: `buildAttributes` (the L1
 * attributes deposit, then the epoch's user deposits on its first block), then the batch's
 * transactions, with `noTxPool: true`.
 */
import { buildAttributes } from "./attributes.ts";
import type { SingularBatch } from "./batch.ts";
import type { BatchQueue } from "./batchQueue.ts";
import { resetError } from "./errors.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import type { Pulled } from "./stage.ts";
import type {
  AttributesWithParent,
  L1BlockRef,
  L1Source,
  L2BlockRef,
  L2Source,
  SystemConfig,
} from "./types.ts";

/** The innermost stage: attributes with their parent. */
export class AttributesQueue {
  private batch: SingularBatch | null = null;
  private isLastInSpan = true;

  constructor(
    private readonly config: RollupConfig,
    private readonly prev: BatchQueue,
    private readonly l1: L1Source,
    private readonly l2: L2Source,
  ) {}

  /** The L1 block being read. */
  origin(): L1BlockRef {
    return this.prev.origin();
  }

  /** Attributes of the block after `safeHead`, or the batch queue's flow-control answer. */
  async nextAttributes(safeHead: L2BlockRef): Promise<Pulled<AttributesWithParent>> {
    if (this.batch === null) {
      const b = await this.prev.nextBatch(safeHead);
      if (typeof b === "symbol") return b;
      this.batch = b.batch;
      this.isLastInSpan = b.isLastInSpan;
    }
    const batch = this.batch;
    if (batch.parentHash !== safeHead.hash) {
      this.batch = null;
      throw resetError(
        `valid batch has parent hash ${batch.parentHash}, expected the safe head ${safeHead.hash}`,
      );
    }
    const expected = safeHead.timestamp + this.config.blockTime;
    if (batch.timestamp !== expected) {
      this.batch = null;
      throw resetError(`valid batch has timestamp ${batch.timestamp}, expected ${expected}`);
    }
    // A throw here (temporary: a source failed) keeps the batch for the retry.
    const attributes = await buildAttributes(this.config, this.l1, this.l2, safeHead, {
      number: batch.epochNum,
      hash: batch.epochHash,
    });
    attributes.noTxPool = true;
    attributes.transactions.push(...batch.transactions);
    this.batch = null;
    return { attributes, parent: safeHead, isLastInSpan: this.isLastInSpan, derivedFrom: this.origin() };
  }

  /** Forgets the pending batch. */
  reset(_base: L1BlockRef, _cfg: SystemConfig): void {
    this.batch = null;
  }
}
