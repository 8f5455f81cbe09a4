/**
 * The derivation pipeline (op-node `derive/pipeline.go`). STUB: the API below is stable; the
 * implementation lands in the next commits.
 */
import type { Decompressor } from "./compression.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import type { AttributesWithParent, L1BlockRef, L1Source, L2BlockRef, L2Source } from "./types.ts";

/**
 * One step's outcome: `attributes` (hand them to the engine, then step again with the new safe
 * head), `progress` (the pipeline moved, e.g. to the next L1 block: step again now), or `eof`
 * (every L1 block up to the source's head is consumed: wait for a new L1 block). Failures are
 * thrown as `PipelineError`s with a severity.
 */
export type StepResult =
  | { kind: "attributes"; value: AttributesWithParent }
  | { kind: "progress" }
  | { kind: "eof" };

/** Options of the pipeline. */
export interface PipelineOptions {
  /** Channel decompression (node:zlib in the node). */
  decompressor: Decompressor;
}

/** The pipeline of pull stages from L1 blocks to payload attributes. */
export class DerivationPipeline {
  constructor(
    readonly config: RollupConfig,
    readonly l1: L1Source,
    readonly l2: L2Source,
    readonly options: PipelineOptions,
  ) {}

  /** Resets every stage to derive on top of `safeHead` (walks back the channel timeout). Call before the first step and after any reset error. */
  async reset(_safeHead: L2BlockRef): Promise<void> {
    throw new Error("not implemented yet");
  }

  /** Advances the pipeline by one unit of work; `safeHead` is the engine's current safe head. */
  async step(_safeHead: L2BlockRef): Promise<StepResult> {
    throw new Error("not implemented yet");
  }

  /** Steps until the next attributes (returned) or until L1 is exhausted (null). */
  async nextAttributes(_safeHead: L2BlockRef): Promise<AttributesWithParent | null> {
    throw new Error("not implemented yet");
  }

  /** The L1 block the pipeline is reading. */
  origin(): L1BlockRef {
    throw new Error("not implemented yet");
  }
}
