/**
 * Errors of the rollup node and the services around it (sequencer, batcher, proposer, devnet).
 * Each failure has its own `OreError` subclass; messages say what was expected and what was
 * found.
 */
import { OreError } from "../../core/errors.ts";

/** A JSON-RPC call failed: transport error, HTTP error, or an error object in the reply. */
export class RpcCallError extends OreError {
  override name = "RpcCallError";
  /** The JSON-RPC error code, when the server answered with one. */
  readonly code: number | undefined;
  constructor(
    message: string,
    options: { code?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options);
    this.code = options.code;
  }
}

/** The node's configuration (flags, environment, rollup.json) is missing or malformed. */
export class RollupConfigError extends OreError {
  override name = "RollupConfigError";
}

/** The engine answered something the Engine API does not allow (e.g. INVALID on our own block). */
export class EngineError extends OreError {
  override name = "EngineError";
}

/** An L1 block, log or blob the node needs could not be found (pruned, reorged, not yet mined). */
export class L1NotFoundError extends OreError {
  override name = "L1NotFoundError";
}

/** An L2 block the node needs is not known to its engine. */
export class L2NotFoundError extends OreError {
  override name = "L2NotFoundError";
}
