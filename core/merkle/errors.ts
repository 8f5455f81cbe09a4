/**
 * Failures of Merkle multiproofs, one class per failure. Malformed arguments (wrong types, wrong
 * lengths, gindices out of range) are not among them: those throw `TypeError` / `RangeError`.
 */
import { OreError } from "../errors.ts";

/**
 * The proof's nodes do not have the shape a multiproof of its leaves must have: no leaves, a
 * leaf gindex given twice, or helper gindices other than exactly `helperIndices(leaves)` in
 * decreasing order (a helper missing, extra, reordered or at a wrong gindex).
 */
export class MultiproofShapeError extends OreError {
  override name = "MultiproofShapeError";
}

/**
 * Two values claimed for the same node disagree: a proven inner node differs from the hash of
 * the proven nodes below it. The consensus-specs algorithm would ignore the lower nodes here;
 * Ore refuses, so every leaf of a verified proof is bound to the root.
 */
export class MultiproofConflictError extends OreError {
  override name = "MultiproofConflictError";
}
