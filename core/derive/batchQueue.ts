/**
 * Stage 6, batch queue (op-node `derive/batch_queue.go`, Delta/Ecotone rules): buffers batches
 * in order of L1 inclusion, hands out the first one valid on top of the safe head
 * (`checkBatch.ts`, `checkSpanBatch.ts`), and once the sequencing window of the current epoch
 * has passed without one, generates empty batches.
 *
 * - L1 blocks are buffered as the traversal reaches them (`l1Blocks[0]` is the safe head's
 *   epoch, or the epoch after it once all its empty batches are generated). Until the traversal
 *   catches up with the safe head's L1 origin (after a reset), batches are read and discarded.
 * - Empty batches: when no batch is accepted and `epoch.number + seq_window_size` is below the
 *   traversal's L1 block (or equal to it and every batch of that block is read), and the next L1
 *   block is buffered: if `next_timestamp < next_l1.timestamp`, or this is the epoch's first
 *   block, the batch keeps the epoch; otherwise the epoch advances and the next empty batch takes
 *   the next epoch.
 * - An accepted span batch is expanded into singular batches for its blocks after the safe head
 *   (their L1 origin hashes from the buffered L1 blocks), handed out one per call, each with the
 *   safe head as parent. When the safe head given is not the block before the next one's
 *   timestamp (an earlier one was not applied), the rest of the span is forgotten.
 *
 * Spec: https://specs.optimism.io/protocol/derivation.html#batch-queue
 */
import type { SingularBatch } from "./batch.ts";
import type { ChannelBatch, ChannelReader } from "./channelReader.ts";
import { type BatchValidity, checkBatch } from "./checkBatch.ts";
import { checkSpanBatch } from "./checkSpanBatch.ts";
import { criticalError, resetError } from "./errors.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { EOF, type EventSink, NOT_ENOUGH_DATA, type Pulled } from "./stage.ts";
import type { L1BlockRef, L2BlockRef, L2Source, SystemConfig } from "./types.ts";

/** A buffered batch of either version, with the L1 block in which it was fully read. */
interface Buffered {
  batch: ChannelBatch;
  inclusionBlock: L1BlockRef;
}

/** What the batch queue hands out: a singular batch, and whether it ends its span batch. */
export interface NextBatch {
  batch: SingularBatch;
  /** False while more blocks of the same span batch follow. */
  isLastInSpan: boolean;
}

/** Orders batches and fills gaps with empty ones. */
export class BatchQueue {
  private l1Blocks: L1BlockRef[] = [];
  private batches: Buffered[] = [];
  /** The remaining blocks of the span batch being handed out (parent hashes set when handed out). */
  private nextSpan: SingularBatch[] = [];
  private bqOrigin!: L1BlockRef;

  constructor(
    private readonly config: RollupConfig,
    private readonly prev: ChannelReader,
    private readonly l2: L2Source,
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
  async nextBatch(safeHead: L2BlockRef): Promise<Pulled<NextBatch>> {
    if (this.nextSpan.length > 0) {
      if (this.nextSpan[0]!.timestamp === safeHead.timestamp + this.config.blockTime)
        return this.popSpan(safeHead);
      this.events({
        stage: "batch-queue",
        kind: "span-rest-dropped",
        reason: `safe head ${safeHead.number} (timestamp ${safeHead.timestamp}) is not the parent of the span batch's next block (timestamp ${this.nextSpan[0]!.timestamp})`,
        origin: this.bqOrigin,
      });
      this.nextSpan = [];
    }
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
    else if (batch !== NOT_ENOUGH_DATA && !originBehind) await this.add(batch, safeHead);
    if (originBehind) return outOfData ? EOF : NOT_ENOUGH_DATA;
    const next = await this.deriveNext(outOfData, safeHead);
    if (next === null) return outOfData ? EOF : NOT_ENOUGH_DATA;
    if (next.type === 0) return { batch: next.batch, isLastInSpan: true };
    this.nextSpan = this.expand(next.batch, safeHead);
    return this.popSpan(safeHead);
  }

  /** The singular batches of an accepted span batch's blocks after `safeHead`. */
  private expand(span: Extract<ChannelBatch, { type: 1 }>["batch"], safeHead: L2BlockRef): SingularBatch[] {
    const out: SingularBatch[] = [];
    for (const b of span.blocks) {
      if (b.timestamp <= safeHead.timestamp) continue;
      const origin = this.l1Blocks.find((o) => o.number === b.epochNum);
      // checkSpanBatch drops a batch with a block whose origin is not buffered.
      if (origin === undefined)
        throw criticalError(`accepted span batch has a block with L1 origin ${b.epochNum}, not buffered`);
      out.push({
        parentHash: safeHead.hash,
        epochNum: b.epochNum,
        epochHash: origin.hash,
        timestamp: b.timestamp,
        transactions: b.transactions,
      });
    }
    return out;
  }

  private popSpan(safeHead: L2BlockRef): NextBatch {
    const batch = { ...this.nextSpan.shift()!, parentHash: safeHead.hash };
    return { batch, isLastInSpan: this.nextSpan.length === 0 };
  }

  private check(safeHead: L2BlockRef, b: Buffered): Promise<{ validity: BatchValidity; reason?: string }> {
    if (b.batch.type === 0)
      return Promise.resolve(
        checkBatch(this.config, this.l1Blocks, safeHead, {
          batch: b.batch.batch,
          inclusionBlock: b.inclusionBlock,
        }),
      );
    return checkSpanBatch(this.config, this.l1Blocks, safeHead, b.batch.batch, b.inclusionBlock, this.l2);
  }

  /** Drops buffered L1 blocks older than the safe head's origin (the epoch moved on), if it is buffered. */
  private dropOldEpochs(safeHead: L2BlockRef): void {
    if (this.l1Blocks.length > 0 && safeHead.l1origin.number > this.l1Blocks[0]!.number) {
      const i = this.l1Blocks.findIndex((b) => b.number === safeHead.l1origin.number);
      if (i >= 0) this.l1Blocks = this.l1Blocks.slice(i);
    }
  }

  private async add(batch: ChannelBatch, safeHead: L2BlockRef): Promise<void> {
    if (this.l1Blocks.length === 0) throw criticalError(`cannot add a batch: no L1 origin buffered`);
    const b: Buffered = { batch, inclusionBlock: this.bqOrigin };
    const v = await this.check(safeHead, b);
    if (v.validity === "drop") {
      this.events({ stage: "batch-queue", kind: "batch-dropped", reason: v.reason!, origin: this.bqOrigin });
      return;
    }
    this.batches.push(b);
  }

  private async deriveNext(outOfData: boolean, safeHead: L2BlockRef): Promise<ChannelBatch | null> {
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
    const remaining: Buffered[] = [];
    let found: Buffered | null = null;
    for (let i = 0; i < this.batches.length; i++) {
      const b = this.batches[i]!;
      const v = await this.check(safeHead, b);
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
        type: 0,
        batch: {
          parentHash: safeHead.hash,
          epochNum: epoch.number,
          epochHash: epoch.hash,
          timestamp: nextTimestamp,
          transactions: [],
        },
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
    this.nextSpan = [];
    this.l1Blocks = [base];
  }
}
