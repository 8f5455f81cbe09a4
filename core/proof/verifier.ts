/**
 * The offline single-step verifier (docs/fault-proof.md §8.2): re-executes one step from its
 * witness alone and checks that it links the pre-root to the post-root. Every failure is an
 * answer (`{ ok: false, reason }`), never a crash and never a wrong "valid".
 */
import { bytesEqual, toHex } from "../bytes.ts";
import { ProofError } from "./errors.ts";
import { type MachineOptions, StepMachine } from "./machine.ts";

/** The outcome of verifying one step. */
export type StepVerdict =
  | { ok: true; postRoot: Uint8Array }
  | { ok: false; reason: string; kind: "invalid-witness" | "wrong-post-root" | "unsupported" | "machine" };

let shared: StepMachine | undefined;
const withOptions = new WeakMap<MachineOptions, StepMachine>();

/**
 * Verifies that the step from `preRoot` with `witness` yields `postRoot`. With `postRoot`
 * omitted, returns the computed post-root (what an on-chain verifier compares with the claims).
 * `opts` configures the verifying machine's host (KZG for point evaluation).
 */
export function verifyStep(
  preRoot: Uint8Array,
  witness: Uint8Array,
  postRoot?: Uint8Array,
  opts?: MachineOptions,
): StepVerdict {
  let m: StepMachine;
  if (opts === undefined) m = shared ??= new StepMachine("verifier");
  else {
    m = withOptions.get(opts) ?? new StepMachine("verifier", opts);
    withOptions.set(opts, m);
  }
  try {
    m.loadWitness(witness);
    const got = m.root();
    if (!bytesEqual(got, preRoot)) {
      return {
        ok: false,
        kind: "invalid-witness",
        reason: `invalid witness: its root ${toHex(got)} is not the pre-step root ${toHex(preRoot)}`,
      };
    }
    m.step();
    const post = m.root();
    if (postRoot !== undefined && !bytesEqual(post, postRoot)) {
      return {
        ok: false,
        kind: "wrong-post-root",
        reason: `post-step root ${toHex(post)} differs from the claimed ${toHex(postRoot)}`,
      };
    }
    return { ok: true, postRoot: post };
  } catch (e) {
    if (!(e instanceof ProofError)) throw e;
    const kind =
      e.name === "InvalidWitnessError"
        ? "invalid-witness"
        : e.name === "UnsupportedStepError"
          ? "unsupported"
          : "machine";
    return { ok: false, kind, reason: e.message };
  }
}
