/**
 * The block producer of a sequencer node: picks the L1 origin of the next L2 block and builds
 * the block through the engine (forkchoiceUpdated with attributes → getPayload → newPayload →
 * forkchoiceUpdated), pulling user transactions from the engine's pool.
 *
 * Origin selection (op-node `L1OriginSelector`): keep the parent's origin unless the next L1
 * block is at least `l1Confs` deep and its timestamp is not after the new L2 block's; past the
 * drift limit (`timestamp > origin.timestamp + max_sequencer_drift`) the next origin is
 * required, and the block carries no pool transactions (`noTxPool`).
 * Spec: https://specs.optimism.io/protocol/derivation.html#sequencing-window
 */
import { buildAttributes } from "../../core/derive/attributes.ts";
import { temporaryError } from "../../core/derive/errors.ts";
import { payloadAttributesToJson } from "../../core/derive/payloadAttributes.ts";
import type { RollupConfig } from "../../core/derive/rollupConfig.ts";
import type { BlockId, L1BlockRef, L1Source, L2BlockRef } from "../../core/derive/types.ts";
import type { Logger } from "../log.ts";
import type { EngineClient, ForkchoiceState, PayloadEnvelope } from "../rollup/engineClient.ts";
import { EngineError } from "../rollup/errors.ts";
import type { EngineL2Source } from "../rollup/l2Source.ts";

/** Options of {@link Sequencer}. */
export interface SequencerOptions {
  config: RollupConfig;
  /** L1 as derivation sees it (no confirmation depth). */
  l1: L1Source;
  /** L1 blocks an origin must be buried under before the sequencer adopts it. */
  l1Confs: number;
  /** Number of the current L1 head. */
  l1Head: () => number;
  engine: EngineClient;
  l2: EngineL2Source;
  log: Logger;
}

/** What one built block looks like to the driver. */
export interface SequencedBlock {
  ref: L2BlockRef;
  /** Number of transactions, deposits included. */
  txCount: number;
  noTxPool: boolean;
  /** What `engine_getPayloadV3` returned: the block as p2p gossips it. */
  envelope: PayloadEnvelope;
}

/** Builds sequencer blocks. */
export class Sequencer {
  constructor(private readonly o: SequencerOptions) {}

  /**
   * The L1 origin of the block after `parent` with timestamp `time`. Throws a temporary
   * pipeline error when the drift limit demands the next origin and L1 does not have it yet.
   */
  async selectOrigin(parent: L2BlockRef, time: number): Promise<BlockId> {
    const { config, l1 } = this.o;
    const current = await l1.blockRefByHash(parent.l1origin.hash);
    const pastDrift = time > current.timestamp + config.maxSequencerDrift;
    const nextNumber = current.number + 1;
    let next: L1BlockRef | null = null;
    if (nextNumber <= this.o.l1Head() - this.o.l1Confs || pastDrift)
      next = await l1.blockRefByNumber(nextNumber);
    if (next && time >= next.timestamp) {
      if (next.parentHash !== current.hash) {
        // The origin was reorged out: the driver's reorg check will reset the unsafe chain.
        throw temporaryError(`L1 block ${nextNumber} does not extend the current origin ${current.hash}`);
      }
      return { hash: next.hash, number: next.number };
    }
    if (pastDrift) {
      throw temporaryError(
        `past the sequencer drift at L2 time ${time} (origin ${current.number} at ${current.timestamp}) and L1 has no usable next origin yet`,
      );
    }
    return { hash: current.hash, number: current.number };
  }

  /** Builds and inserts the block after `parent`; the engine's new head is returned. */
  async build(parent: L2BlockRef, fc: ForkchoiceState): Promise<SequencedBlock> {
    const { config, engine, l2, l1 } = this.o;
    const time = parent.timestamp + config.blockTime;
    const origin = await this.selectOrigin(parent, time);
    const attrs = await buildAttributes(config, l1, l2, parent, origin);
    const originInfo = await l1.blockRefByHash(origin.hash);
    attrs.noTxPool = time > originInfo.timestamp + config.maxSequencerDrift;
    const state = { ...fc, headBlockHash: parent.hash };
    const fcu = await engine.forkchoiceUpdatedV3(state, payloadAttributesToJson(attrs));
    if (fcu.payloadStatus.status !== "VALID" || !fcu.payloadId) {
      throw new EngineError(
        `sequencer: forkchoiceUpdated with attributes answered ${fcu.payloadStatus.status}`,
      );
    }
    const env = await engine.getPayloadV3(fcu.payloadId);
    const status = await engine.newPayloadV3(env.executionPayload, env.parentBeaconBlockRoot);
    if (status.status !== "VALID") {
      throw new EngineError(
        `sequencer: newPayload of own block answered ${status.status}: ${status.validationError ?? ""}`,
      );
    }
    const hash = env.executionPayload.blockHash;
    await engine.setForkchoice({ ...fc, headBlockHash: hash });
    const ref = await l2.l2BlockRefByHash(hash);
    return {
      ref,
      txCount: env.executionPayload.transactions.length,
      noTxPool: attrs.noTxPool,
      envelope: env,
    };
  }
}
