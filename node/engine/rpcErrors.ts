/**
 * Every JSON-RPC error code the engine answers with, in one table, and the error class that
 * carries one. Standard codes from JSON-RPC 2.0, Engine API codes from
 * https://github.com/ethereum/execution-apis/blob/main/src/engine/common.md#errors, and the
 * de-facto `eth_` codes geth uses (3 for a revert with data, -32000 for a rejected request).
 */
import { OreError } from "../../core/errors.ts";

/** Code → meaning. */
export const RPC_ERRORS = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** geth: a server-side refusal (nonce too low, underpriced, unknown block…). */
  serverError: -32000,
  /** geth: execution reverted, with the revert data in `data`. */
  executionReverted: 3,
  unknownPayload: -38001,
  invalidForkchoiceState: -38002,
  invalidPayloadAttributes: -38003,
  tooLargeRequest: -38004,
  unsupportedFork: -38005,
  /** Request body over the size limit (HTTP 413 as well). */
  requestTooLarge: -32005,
} as const;

/** An error that reaches the client as a JSON-RPC error object. */
export class RpcError extends OreError {
  override name = "RpcError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** -32602 with a message naming the parameter. */
export function invalidParams(message: string): RpcError {
  return new RpcError(RPC_ERRORS.invalidParams, message);
}
