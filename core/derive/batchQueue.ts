/**
 * Stage 6, batch queue (op-node `derive/batch_queue.go`, Delta/Ecotone rules, singular batches
 * only): buffers batches in order of L1 inclusion, hands out the first one valid on top of the
 * safe head (`checkBatch.ts`), and once the sequencing window of the current epoch has passed
 * without one, generates empty batches.
 *
 * - L1 blocks are buffered as the traversal reaches them (`l1Blocks[0]` is the safe head's
 *   epoch, or the epoch after it once all its empty batches are generated). Until the traversal
 *   catches up with the safe head's L1 origin (after a reset), batches are read and discarded.
 * - Empty batches: when no batch is accepted and `epoch.number + seq_window_size` is below the
 *   traversal's L1 block (or equal to it and every batch of that block is read), and the next L1
 *   block is buffered: if `next_timestamp < next_l1.timestamp`, or this is the epoch's first
 *   block, the batch keeps the epoch; otherwise the epoch advances and the next empty batch takes
 *   the next epoch.
 *
 * Spec: https://specs.optimism.io/protocol/derivation.html#batch-queue
 */
import type { SingularBatch } from "./batch.ts";
import type { ChannelReader } from "./channelReader.ts";
import { type BatchWithInclusion, checkBatch } from "./checkBatch.ts";
import { criticalError, resetError } from "./errors.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { EOF, type EventSink, NOT_ENOUGH_DATA, type Pulled } from "./stage.ts";
import type { L1BlockRef, L2BlockRef, SystemConfig } from "./types.ts";

/** Orders batches and fills gaps with empty ones. */
export class BatchQueue {
  private l1Blocks: L1BlockRef[] = [];
  private batches: BatchWithInclusion[] = [];
  private bqOrigin!: L1BlockRef;

  constructor(
    private readonly config: RollupConfig,
    private readonly prev: ChannelReader,
    private readonly events: EventSink,
  ) {}

  /** The L1 block being read. */
  origin(): L1BlockRef {
    return this.prev.origin();
  }

  /** Buffered batches (for tests and metrics). */
  pending(): number {
    return this.batches.length;
  }

  /** The next batch on top of `safeHead`, NOT_ENOUGH_DATA, or EOF when the current L1 block is used up. */
  async nextBatch(safeHead: L2BlockRef): Promise<Pulled<SingularBatch>> {
    this.dropOldEpochs(safeHead);
    const prevOrigin = this.prev.origin();
    const originBehind = prevOrigin.number < safeHead.l1origin.number;
    if (this.bqOrigin.hash !== prevOrigin.hash || this.bqOrigin.number !== prevOrigin.number) {
      this.bqOrigin = prevOrigin;
      if (!originBehind) this.l1Blocks.push(prevOrigin);
      else this.l1Blocks = [];
      // Again after the push: when a reset's base is the block just before the safe head's
      // origin (the genesis L1 block, early in a chain), the base is still buffered when the
      // traversal reaches that origin, and only now can it be dropped.
      this.dropOldEpochs(safeHead);
    }
    let outOfData = false;
    const batch = await this.prev.nextBatch();
    if (batch === EOF) outOfData = true;
    else if (batch !== NOT_ENOUGH_DATA && !originBehind) this.add(batch, safeHead);
    if (originBehind) return outOfData ? EOF : NOT_ENOUGH_DATA;
    const next = this.deriveNext(outOfData, safeHead);
    if (next === null) return outOfData ? EOF : NOT_ENOUGH_DATA;
    return next;
  }

  /** Drops buffered L1 blocks older than the safe head's origin (the epoch moved on), if it is buffered. */
  private dropOldEpochs(safeHead: L2BlockRef): void {
    if (this.l1Blocks.length > 0 && safeHead.l1origin.number > this.l1Blocks[0]!.number) {
      const i = this.l1Blocks.findIndex((b) => b.number === safeHead.l1origin.number);
      if (i >= 0) this.l1Blocks = this.l1Blocks.slice(i);
    }
  }

  private add(batch: SingularBatch, safeHead: L2BlockRef): void {
    if (this.l1Blocks.length === 0)
      throw criticalError(`cannot add batch with timestamp ${batch.timestamp}: no L1 origin buffered`);
    const b: BatchWithInclusion = { batch, inclusionBlock: this.bqOrigin };
    const v = checkBatch(this.config, this.l1Blocks, safeHead, b);
    if (v.validity === "drop") {
      this.events({ stage: "batch-queue", kind: "batch-dropped", reason: v.reason!, origin: this.bqOrigin });
      return;
    }
    this.batches.push(b);
  }

  private deriveNext(outOfData: boolean, safeHead: L2BlockRef): SingularBatch | null {
    if (this.l1Blocks.length === 0)
      throw criticalError("cannot derive the next batch: no L1 origin buffered");
    const epoch = this.l1Blocks[0]!;
    if (
      (safeHead.l1origin.hash !== epoch.hash || safeHead.l1origin.number !== epoch.number) &&
      safeHead.l1origin.number !== epoch.number - 1
    ) {
      throw resetError(
        `buffered L1 epoch ${epoch.number} (${epoch.hash}) does not match the safe head's L1 origin ${safeHead.l1origin.number} (${safeHead.l1origin.hash})`,
      );
    }
    const nextTimestamp = safeHead.timestamp + this.config.blockTime;
    const remaining: BatchWithInclusion[] = [];
    let found: BatchWithInclusion | null = null;
    for (let i = 0; i < this.batches.length; i++) {
      const b = this.batches[i]!;
      const v = checkBatch(this.config, this.l1Blocks, safeHead, b);
      if (v.validity === "future") remaining.push(b);
      else if (v.validity === "drop") {
        this.events({
          stage: "batch-queue",
          kind: "batch-dropped",
          reason: v.reason!,
          origin: this.bqOrigin,
        });
      } else if (v.validity === "accept") {
        found = b;
        for (let j = i + 1; j < this.batches.length; j++) remaining.push(this.batches[j]!);
        break;
      } else {
        for (let j = i; j < this.batches.length; j++) remaining.push(this.batches[j]!);
        this.batches = remaining;
        return null;
      }
    }
    this.batches = remaining;
    if (found !== null) return found.batch;

    const expiryEpoch = epoch.number + this.config.seqWindowSize;
    const forceEmpty =
      (expiryEpoch === this.bqOrigin.number && outOfData) || expiryEpoch < this.bqOrigin.number;
    const firstOfEpoch = epoch.number === safeHead.l1origin.number + 1;
    if (!forceEmpty || this.l1Blocks.length < 2) return null;
    const nextEpoch = this.l1Blocks[1]!;
    if (nextTimestamp < nextEpoch.timestamp || firstOfEpoch) {
      return {
        parentHash: safeHead.hash,
        epochNum: epoch.number,
        epochHash: epoch.hash,
        timestamp: nextTimestamp,
        transactions: [],
      };
    }
    // Every empty batch of this epoch is out: move to the next epoch, whose batches come next.
    this.l1Blocks = this.l1Blocks.slice(1);
    return null;
  }

  /** Forgets every batch and starts with `base` as the only buffered L1 block. */
  reset(base: L1BlockRef, _cfg: SystemConfig): void {
    this.bqOrigin = base;
    this.batches = [];
    this.l1Blocks = [base];
  }
}
