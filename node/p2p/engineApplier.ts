/**
 * The adapter between p2p and the rollup node's engine: applies each unsafe payload with
 * `engine_newPayloadV3` and, if VALID, `engine_forkchoiceUpdatedV3` moving only the unsafe head
 * (safe and finalized stay what the node says). L1-derived data wins:
 *
 * - a payload at or below the safe head is dropped: L1 has decided that height;
 * - a payload whose parent is not the current unsafe head is dropped: after the driver replaced
 *   a conflicting unsafe block with the L1-derived one, blocks of the old branch no longer fit;
 * - the driver's consolidation (node/rollup/driver.ts) compares each derived block with the
 *   unsafe block at its height and replaces it when they differ, which reorganizes the unsafe
 *   chain onto L1's.
 *
 * The node supplies its heads and learns the new unsafe head through `onUnsafeHead`; `lock`
 * serializes engine calls with the driver's tick, so forkchoice updates never interleave.
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#block-processing
 */

import { toHex } from "../../core/bytes.ts";
import type { BlockId } from "../../core/derive/types.ts";
import {
  type ExecutionPayloadEnvelope,
  type ExecutionPayloadJson,
  payloadToJson,
} from "../../core/p2p/executionPayload.ts";
import type { Logger } from "../log.ts";

/** `PayloadStatusV1` (the fields used). */
export interface EnginePayloadStatus {
  status: "VALID" | "INVALID" | "SYNCING" | "ACCEPTED" | "INVALID_BLOCK_HASH";
  latestValidHash: `0x${string}` | null;
  validationError: string | null;
}

/** The two Engine API calls the applier makes; `node/rollup/engineClient.ts`'s `EngineClient` has them. */
export interface UnsafeEngine {
  newPayloadV3(
    payload: ExecutionPayloadJson,
    parentBeaconBlockRoot: `0x${string}`,
  ): Promise<EnginePayloadStatus>;
  forkchoiceUpdatedV3(state: {
    headBlockHash: `0x${string}`;
    safeBlockHash: `0x${string}`;
    finalizedBlockHash: `0x${string}`;
  }): Promise<{ payloadStatus: EnginePayloadStatus }>;
}

/** The node's three heads. */
export interface NodeHeads {
  unsafe: BlockId;
  safe: BlockId;
  finalized: BlockId;
}

/** What happened to one payload. */
export type ApplyOutcome = "applied" | "below-safe" | "not-on-head" | "invalid" | "syncing";

/** Options of {@link UnsafeEngineApplier}. */
export interface EngineApplierOptions {
  engine: UnsafeEngine;
  /** The node's current heads. */
  heads: () => NodeHeads | Promise<NodeHeads>;
  /** Told after the engine made `head` its unsafe head; the node must record it. */
  onUnsafeHead: (head: BlockId, env: ExecutionPayloadEnvelope) => void | Promise<void>;
  /** Runs `fn` exclusively with the node's other engine calls (default: no lock). */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
  log?: Logger;
}

/** Applies unsafe payloads to the engine, L1-derived data winning. */
export class UnsafeEngineApplier {
  readonly stats: Record<ApplyOutcome, number> = {
    applied: 0,
    "below-safe": 0,
    "not-on-head": 0,
    invalid: 0,
    syncing: 0,
  };

  constructor(private readonly o: EngineApplierOptions) {}

  /** The unsafe head, for `P2PNode`'s `unsafeHead` option. */
  async unsafeHead(): Promise<BlockId> {
    return (await this.o.heads()).unsafe;
  }

  /** Applies `env` (for `P2PNode`'s `onUnsafePayload`); never throws on a bad payload. */
  apply(env: ExecutionPayloadEnvelope): Promise<ApplyOutcome> {
    const run = () => this.applyUnlocked(env);
    return this.o.lock ? this.o.lock(run) : run();
  }

  private async applyUnlocked(env: ExecutionPayloadEnvelope): Promise<ApplyOutcome> {
    const p = env.executionPayload;
    const number = Number(p.blockNumber);
    const hash = toHex(p.blockHash);
    const heads = await this.o.heads();
    if (number <= heads.safe.number) return this.count("below-safe", number, hash);
    if (toHex(p.parentHash) !== heads.unsafe.hash.toLowerCase())
      return this.count("not-on-head", number, hash);
    const status = await this.o.engine.newPayloadV3(payloadToJson(p), toHex(env.parentBeaconBlockRoot));
    if (status.status === "INVALID" || status.status === "INVALID_BLOCK_HASH")
      return this.count("invalid", number, hash, status.validationError ?? status.status);
    if (status.status !== "VALID") return this.count("syncing", number, hash, status.status);
    const fcu = await this.o.engine.forkchoiceUpdatedV3({
      headBlockHash: hash,
      safeBlockHash: heads.safe.hash,
      finalizedBlockHash: heads.finalized.hash,
    });
    if (fcu.payloadStatus.status !== "VALID")
      return this.count("invalid", number, hash, `forkchoiceUpdated: ${fcu.payloadStatus.status}`);
    await this.o.onUnsafeHead({ hash, number }, env);
    return this.count("applied", number, hash);
  }

  private count(outcome: ApplyOutcome, number: number, hash: string, why?: string): ApplyOutcome {
    this.stats[outcome]++;
    if (outcome === "applied") this.o.log?.debug("unsafe block applied", { number, hash });
    else this.o.log?.debug("unsafe block not applied", { outcome, number, hash, why });
    return outcome;
  }
}
