/**
 * Building the block derived attributes describe, with OP's deposits-only rule
 * (https://specs.optimism.io/protocol/holocene/derivation.html, Engine Queue): when the engine
 * refuses the attributes' transactions (an invalid transaction in the batch: forkchoiceUpdated
 * answers -38003), the block is built again from the attributes' deposits alone, everything else
 * unchanged. Deposits are always valid, so if the engine refuses a deposits-only block (the
 * attributes held nothing else, or the retry is refused too), derivation cannot go on: that is a
 * critical error (https://specs.optimism.io/protocol/derivation.html#l1-sync-payload-attributes-processing).
 * The fault-proof machine follows the same rule (docs/fault-proof.md §3.3).
 */
import { payloadAttributesToJson } from "../../core/derive/payloadAttributes.ts";
import type { PayloadAttributes } from "../../core/derive/types.ts";
import { PipelineError } from "../../core/errors.ts";
import {
  ENGINE_ERROR_CODES,
  type EngineClient,
  type ForkchoiceState,
  type PayloadEnvelope,
} from "./engineClient.ts";
import { EngineError, RpcCallError } from "./errors.ts";

/** The Engine API calls a derived block needs (an {@link EngineClient}, or a fake in tests). */
export type DerivedBlockEngine = Pick<EngineClient, "forkchoiceUpdatedV3" | "getPayloadV3" | "newPayloadV3">;

/** The deposit transaction type (`0x7E`). */
const DEPOSIT_TX_TYPE = 0x7e;

/** `attrs` with only its deposit transactions (the L1 attributes deposit and the user deposits). */
export function depositsOnly(attrs: PayloadAttributes): PayloadAttributes {
  return { ...attrs, transactions: attrs.transactions.filter((t) => t[0] === DEPOSIT_TX_TYPE) };
}

/**
 * Builds and inserts (newPayload) the block `attrs` describe on `state.headBlockHash`, retrying
 * with {@link depositsOnly} if the engine refuses the transactions; `onRetry` is told before the
 * retry. Throws a critical {@link PipelineError} if a deposits-only block is refused, an
 * {@link EngineError} if the engine answers what the Engine API does not allow, and passes other
 * failures (transport, forkchoice state) through.
 */
export async function buildDerivedBlock(
  engine: DerivedBlockEngine,
  state: ForkchoiceState,
  attrs: PayloadAttributes,
  onRetry?: (refusal: Error) => void,
): Promise<{ envelope: PayloadEnvelope; depositsOnly: boolean }> {
  const only = depositsOnly(attrs);
  try {
    return { envelope: await build(engine, state, attrs), depositsOnly: false };
  } catch (e) {
    if (!refused(e)) throw e;
    if (only.transactions.length === attrs.transactions.length) throw critical(e);
    onRetry?.(e);
  }
  try {
    return { envelope: await build(engine, state, only), depositsOnly: true };
  } catch (e) {
    throw refused(e) ? critical(e) : e;
  }
}

/** forkchoiceUpdated with attributes → getPayload → newPayload. */
async function build(
  engine: DerivedBlockEngine,
  state: ForkchoiceState,
  attrs: PayloadAttributes,
): Promise<PayloadEnvelope> {
  const fcu = await engine.forkchoiceUpdatedV3(state, payloadAttributesToJson(attrs));
  if (fcu.payloadStatus.status !== "VALID" || !fcu.payloadId) {
    throw new EngineError(`derived block: forkchoiceUpdated answered ${fcu.payloadStatus.status}`);
  }
  const env = await engine.getPayloadV3(fcu.payloadId);
  const status = await engine.newPayloadV3(env.executionPayload, env.parentBeaconBlockRoot);
  if (status.status !== "VALID") {
    throw new EngineError(
      `derived block: newPayload answered ${status.status}: ${status.validationError ?? ""}`,
    );
  }
  return env;
}

function refused(e: unknown): e is RpcCallError {
  return e instanceof RpcCallError && e.code === ENGINE_ERROR_CODES.invalidPayloadAttributes;
}

function critical(e: Error): PipelineError {
  return new PipelineError("critical", `the engine refused a deposits-only derived block: ${e.message}`, {
    cause: e,
  });
}
