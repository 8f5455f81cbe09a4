/**
 * Errors of the execution engine's pure logic: decoding deposits and portal logs, L1 info
 * calldata and genesis files. Each is an `OreError` subclass whose message says what was
 * expected and what was found.
 */
import { OreError } from "../errors.ts";

/** A byte string is not a valid deposit transaction (type 0x7E). */
export class InvalidDepositError extends OreError {
  override name = "InvalidDepositError";
}

/** An L1 log is not a well-formed `TransactionDeposited` event of the portal. */
export class InvalidDepositLogError extends OreError {
  override name = "InvalidDepositLogError";
}

/** L1 attributes calldata is not the Ecotone `setL1BlockValuesEcotone` packing. */
export class InvalidL1InfoError extends OreError {
  override name = "InvalidL1InfoError";
}

/** A genesis file does not have the shape described in `docs/engine.md`. */
export class InvalidGenesisError extends OreError {
  override name = "InvalidGenesisError";
}

/** A transaction the engine refuses: wrong type, bad signature, fee or nonce out of bounds. */
export class InvalidTransactionError extends OreError {
  override name = "InvalidTransactionError";
}

/** A block or payload that breaks a block-building or validation rule. */
export class InvalidBlockError extends OreError {
  override name = "InvalidBlockError";
}
