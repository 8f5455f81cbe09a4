/**
 * Errors of the fault-proof core. A bad witness, a proof that does not link, or a step the
 * machine cannot execute each have their own class; messages say what was expected and found.
 */
import { OreError } from "../errors.ts";

/** Base class of fault-proof errors. */
export class ProofError extends OreError {
  override name = "ProofError";
}

/**
 * The witness does not let the step run from the claimed pre-root: malformed bytes, a root that
 * differs from the pre-root, a node the step needs that the witness does not open.
 */
export class InvalidWitnessError extends ProofError {
  override name = "InvalidWitnessError";
}

/**
 * The generator's step needs a keccak preimage (an MPT node or code) that its preimage source
 * does not have; `hash` names it.
 */
export class MissingPreimageError extends ProofError {
  override name = "MissingPreimageError";
  constructor(
    message: string,
    readonly hash: Uint8Array,
    options?: ConstructorParameters<typeof ProofError>[1],
  ) {
    super(message, options);
  }
}

/** The machine does not implement this opcode or phase yet (it never guesses). */
export class UnsupportedStepError extends ProofError {
  override name = "UnsupportedStepError";
}

/** The machine reported an internal limit or bug (log overflow, overlapping writes, bad state). */
export class MachineError extends ProofError {
  override name = "MachineError";
}

/** A proof file is malformed (not the format, wrong version, missing fields). */
export class ProofFormatError extends ProofError {
  override name = "ProofFormatError";
}
