/**
 * Ore's error base class. Every failure Ore reports is an `OreError` subclass with a short
 * message (what was expected, what was found), optional structured `details`, and an optional
 * `cause`. Subclasses are grouped by domain, one per failure (see viem's `errors/`).
 */
export class OreError extends Error {
  override name = "OreError";
  /** Structured context for logs and RPC error data; never needed to understand the message. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details;
  }
}

/**
 * Severity of a failure inside a pipeline (derivation, services): `temporary` means retry later,
 * `reset` means treat like an L1 reorg and restart from a safe point, `critical` means stop.
 * Mirrors op-node's `derive/error.go`.
 */
export type Severity = "temporary" | "reset" | "critical";

/** An `OreError` that carries a pipeline severity. */
export class PipelineError extends OreError {
  override name = "PipelineError";
  readonly severity: Severity;

  constructor(
    severity: Severity,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options);
    this.severity = severity;
  }
}
