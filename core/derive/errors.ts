/**
 * Derivation's errors. Pipeline failures are `PipelineError`s (core/errors.ts) with a severity,
 * built by the three helpers below so every call site states its severity up front (op-node
 * `derive/error.go`): `temporary` (an L1/L2 source failed: retry the step), `reset` (the inputs
 * no longer fit together, as after an L1 reorg: reset the pipeline from the safe head) and
 * `critical` (L1 holds data the protocol says cannot exist: stop and page someone).
 * Bad batcher data is never an error: it is dropped and counted (see `DerivationMetrics`).
 */
import { OreError, PipelineError } from "../errors.ts";

/** A retryable failure, typically an L1 or L2 source that threw. */
export function temporaryError(
  message: string,
  cause?: unknown,
  details?: Record<string, unknown>,
): PipelineError {
  return new PipelineError("temporary", message, { cause, details });
}

/** The pipeline's view is inconsistent with L1 or L2 (a reorg): reset from the safe head. */
export function resetError(
  message: string,
  cause?: unknown,
  details?: Record<string, unknown>,
): PipelineError {
  return new PipelineError("reset", message, { cause, details });
}

/** L1 data the protocol rules out (a malformed portal or SystemConfig log): stop derivation. */
export function criticalError(
  message: string,
  cause?: unknown,
  details?: Record<string, unknown>,
): PipelineError {
  return new PipelineError("critical", message, { cause, details });
}

/** `rollup.json` is malformed or violates a rule; the message names the field. */
export class InvalidRollupConfigError extends OreError {
  override name = "InvalidRollupConfigError";
}

/** A frame, channel or batch could not be decoded; derivation drops the input and goes on. */
export class DecodeError extends OreError {
  override name = "DecodeError";
}

/** The batcher-side encoder was misused (a block that does not fit, a closed channel). */
export class ChannelOutError extends OreError {
  override name = "ChannelOutError";
}

/** An L2 block does not start with a well-formed L1 attributes deposit. */
export class InvalidL2BlockError extends OreError {
  override name = "InvalidL2BlockError";
}
