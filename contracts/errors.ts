/**
 * Errors of the L1 contracts tooling (build and deploy). All are `OreError` subclasses.
 */
import { OreError } from "../core/errors.ts";

/** solc reported errors, or the sources cannot be turned into unique artifacts. */
export class ContractsBuildError extends OreError {
  override name = "ContractsBuildError";
}

/** A deployment step failed: a transaction reverted or produced no contract address. */
export class DeployError extends OreError {
  override name = "DeployError";
}

/** The deployment configuration is invalid (missing or malformed field). */
export class DeployConfigError extends OreError {
  override name = "DeployConfigError";
}
