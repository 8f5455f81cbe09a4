/** Errors of the devnet orchestration. */
import { OreError } from "../../core/errors.ts";

/** A devnet component could not be started, or the data directory is inconsistent. */
export class DevnetError extends OreError {
  override name = "DevnetError";
}
