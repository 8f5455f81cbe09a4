/**
 * The derivation pipeline (op-node `derive/pipeline.go`): L1 blocks in, payload attributes out,
 * through seven pull stages, each reading only from the one before it. The driver calls
 * `reset(safeHead)` once, then `step(safeHead)` repeatedly, feeding each attributes result to
 * the engine and passing the new safe head to the next step. Nothing here does I/O: L1 and L2
 * are read through `L1Source` and `L2Source`, decompression goes through a `Decompressor`.
 * Format and rules: docs/derivation.md.
 */
import { PipelineError } from "../errors.ts";
import { AttributesQueue } from "./attributesQueue.ts";
import { BatchQueue } from "./batchQueue.ts";
import { ChannelBank } from "./channelBank.ts";
import { ChannelReader } from "./channelReader.ts";
import type { Decompressor } from "./compression.ts";
import { criticalError, resetError, temporaryError } from "./errors.ts";
import { FrameQueue } from "./frameQueue.ts";
import { L1Retrieval } from "./l1Retrieval.ts";
import { L1Traversal } from "./l1Traversal.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { type DerivationEvent, EOF, type EventSink, NOT_ENOUGH_DATA } from "./stage.ts";
import type {
  AttributesWithParent,
  L1BlockRef,
  L1Source,
  L2BlockRef,
  L2Source,
  SystemConfig,
} from "./types.ts";

/**
 * One step's outcome: `attributes` (give them to the engine, then step with the new safe head),
 * `progress` (the pipeline moved but has no output yet: step again), or `eof` (every L1 block
 * the source has is consumed: wait for a new one). Failures are thrown as `PipelineError`s:
 * temporary (retry the step), reset (call `reset` with the engine's safe head), critical.
 */
export type StepResult =
  | { kind: "attributes"; value: AttributesWithParent }
  | { kind: "progress" }
  | { kind: "eof" };

/** Options of the pipeline. */
export interface PipelineOptions {
  /** Channel decompression (the node passes its `node:zlib` codec). */
  decompressor: Decompressor;
  /** Receives a report of every dropped input (bad frames, channels, batches). */
  onEvent?: EventSink;
}

/** The pipeline of pull stages from L1 blocks to payload attributes. */
export class DerivationPipeline {
  /** Counts of `DerivationEvent`s by `stage:kind`. */
  readonly metrics = new Map<string, number>();
  private readonly traversal: L1Traversal;
  private readonly retrieval: L1Retrieval;
  private readonly frames: FrameQueue;
  private readonly bank: ChannelBank;
  private readonly reader: ChannelReader;
  private readonly batches: BatchQueue;
  private readonly attributes: AttributesQueue;
  private resetDone = false;

  constructor(
    readonly config: RollupConfig,
    readonly l1: L1Source,
    readonly l2: L2Source,
    options: PipelineOptions,
  ) {
    const sink = options.onEvent;
    const events: EventSink = (e: DerivationEvent) => {
      const key = `${e.stage}:${e.kind}`;
      this.metrics.set(key, (this.metrics.get(key) ?? 0) + 1);
      sink?.(e);
    };
    // The data flow, outermost first.
    this.traversal = new L1Traversal(config, l1, events);
    this.retrieval = new L1Retrieval(config, this.traversal, l1, events);
    this.frames = new FrameQueue(this.retrieval, events);
    this.bank = new ChannelBank(config, this.frames, events);
    this.reader = new ChannelReader(config, this.bank, options.decompressor, events);
    this.batches = new BatchQueue(config, this.reader, l2, events);
    this.attributes = new AttributesQueue(config, this.batches, l1, l2);
  }

  /** The L1 block the pipeline is reading; throws before the first `reset`. */
  origin(): L1BlockRef {
    if (!this.resetDone) throw new PipelineError("reset", "pipeline has not been reset");
    return this.traversal.origin();
  }

  /**
   * Resets every stage to derive the blocks after `safeHead`. It walks the L2 chain back from
   * `safeHead` to the first block whose L1 origin is at least `channel_timeout` L1 blocks older
   * than the safe head's (or to genesis), and starts the traversal at that origin with that
   * block's system config, so channels still open at the safe head are read whole; batches for
   * blocks up to the safe head are dropped as too old. Source failures are temporary errors.
   */
  async reset(safeHead: L2BlockRef): Promise<void> {
    this.resetDone = false;
    const cfg = this.config;
    const target = safeHead.l1origin.number;
    let l2 = safeHead;
    try {
      while (
        l2.number > cfg.genesis.l2.number &&
        l2.l1origin.number > cfg.genesis.l1.number &&
        l2.l1origin.number + cfg.channelTimeout > target
      ) {
        l2 = await this.l2.l2BlockRefByHash(l2.parentHash);
      }
    } catch (cause) {
      throw temporaryError(`reset: failed to walk back the L2 chain from ${l2.number}`, cause);
    }
    let base: L1BlockRef;
    let sysCfg: SystemConfig;
    try {
      [base, sysCfg] = await Promise.all([
        this.l1.blockRefByHash(l2.l1origin.hash),
        this.l2.systemConfigByL2Hash(l2.hash),
      ]);
    } catch (cause) {
      throw temporaryError(
        `reset: failed to fetch L1 origin ${l2.l1origin.number} or system config of L2 block ${l2.number}`,
        cause,
      );
    }
    if (base.hash !== l2.l1origin.hash)
      throw resetError(`reset: L1 source returned ${base.hash} for ${l2.l1origin.hash}`);
    for (const s of [
      this.traversal,
      this.retrieval,
      this.frames,
      this.bank,
      this.reader,
      this.batches,
      this.attributes,
    ]) {
      s.reset(base, sysCfg);
    }
    this.resetDone = true;
  }

  /** Advances by one unit of work; `safeHead` is the engine's safe head. See `StepResult`. */
  async step(safeHead: L2BlockRef): Promise<StepResult> {
    if (!this.resetDone) throw resetError("pipeline must be reset before it can step");
    try {
      const r = await this.attributes.nextAttributes(safeHead);
      if (r === NOT_ENOUGH_DATA) return { kind: "progress" };
      if (r !== EOF) return { kind: "attributes", value: r };
      // Every stage is out of data for this L1 block: move the traversal on.
      return (await this.traversal.advanceL1Block()) === EOF ? { kind: "eof" } : { kind: "progress" };
    } catch (e) {
      if (e instanceof PipelineError) throw e;
      throw criticalError(`derivation failed: ${(e as Error)?.message ?? String(e)}`, e);
    }
  }

  /** Steps until the next attributes (returned) or until L1 is exhausted (null). */
  async nextAttributes(safeHead: L2BlockRef): Promise<AttributesWithParent | null> {
    for (;;) {
      const r = await this.step(safeHead);
      if (r.kind === "attributes") return r.value;
      if (r.kind === "eof") return null;
    }
  }
}
