/**
 * Checks a whole proof or one step of it (docs/fault-proof.md §5 of the issue, §8 of the doc):
 * each step re-executed from its witness alone must link r[n] to r[n+1]. Pure; the CLI is
 * `scripts/verify.ts`.
 */
import type { MachineOptions } from "./machine.ts";
import type { ProofSteps } from "./proofTypes.ts";
import { verifyStep } from "./verifier.ts";

/** Outcome of checking a proof: valid, or the first bad step and why. */
export type ProofVerdict = { ok: true; checked: number } | { ok: false; step: number; reason: string };

/**
 * Verifies step `only` (if given) or every step in order, stopping at the first bad one; `opts`
 * configures the verifying machine's host (KZG for point evaluation). Asks `p` for one witness at
 * a time and holds none after its step (a version-3 file rebuilds each on demand, §8.3), so
 * memory stays flat over any number of steps; a witness that cannot be rebuilt throws its
 * `ProofFormatError`.
 */
export function verifyProof(p: ProofSteps, only?: number, opts?: MachineOptions): ProofVerdict {
  const n = p.steps;
  if (only !== undefined && (!Number.isInteger(only) || only < 0 || only >= n)) {
    return { ok: false, step: only, reason: `no step ${only}: the proof has steps 0..${n - 1}` };
  }
  const from = only ?? 0;
  const to = only === undefined ? n : only + 1;
  for (let i = from; i < to; i++) {
    const v = verifyStep(p.root(i), p.witness(i), p.root(i + 1), opts);
    if (!v.ok) return { ok: false, step: i, reason: v.reason };
  }
  return { ok: true, checked: to - from };
}
