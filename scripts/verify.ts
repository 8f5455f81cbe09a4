/**
 * `deno task verify <proof> [--step N | --all]` and `bun run verify ...`: the offline verifier.
 * Re-executes step N (or every step, the default) of a proof file (binary version 3, or JSON
 * versions 2 and 1; docs/fault-proof.md §8.3) from its witness alone.
 * Exit 0: valid. Exit 1: invalid, with the first bad step's index on stderr and stdout
 * (`{"valid":false,"step":N,...}`). Exit 2: usage error or unreadable/malformed file.
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { ProofFormatError } from "../core/proof/errors.ts";
import type { MachineOptions } from "../core/proof/machine.ts";
import { type DecodedProof, decodeProof } from "../core/proof/proofFile.ts";
import { type ProofVerdict, verifyProof } from "../core/proof/verifyProof.ts";
import { verifyKzgProofHex } from "../node/engine/kzgVerify.ts";

/**
 * Asks Bun for a young-generation collection (a no-op elsewhere). Each step leaves a few KB of
 * garbage (its rebuilt witness, its gindices); JavaScriptCore collects it late enough that `--all`
 * on a 432,002-step file peaks at ~1.8 GB for ~0.6 GB live. One collection per 2,000 steps keeps
 * the peak near the live set for ~1 s (docs/fault-proof.md §8.3).
 */
function collectYoung(): void {
  (globalThis as { Bun?: { gc(full: boolean): void } }).Bun?.gc(false);
}

/** Exits 2 for a malformed file; rethrows anything else. */
function malformed(e: unknown): never {
  if (!(e instanceof ProofFormatError)) throw e;
  console.error(`malformed proof ${file}: ${e.message}`);
  process.exit(2);
}

function usage(msg: string): never {
  console.error(`${msg}\nusage: verify <proof file> [--step N | --all]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let file: string | undefined;
let step: number | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--all") step = undefined;
  else if (a === "--step") {
    const v = args[++i];
    if (v === undefined || !/^[0-9]+$/.test(v)) usage(`--step: expected a step index, found ${v}`);
    step = Number(v);
  } else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else if (file === undefined) file = a;
  else usage(`unexpected argument ${a}`);
}
if (file === undefined) usage("missing proof file");

let bytes: Uint8Array;
try {
  bytes = readFileSync(file);
} catch (e) {
  console.error(`cannot read ${file}: ${(e as Error).message}`);
  process.exit(2);
}
let proof: DecodedProof;
try {
  proof = decodeProof(bytes);
} catch (e) {
  malformed(e);
}
// A version-3 file is read lazily: each step's witness is rebuilt when verified and dropped after,
// so `--step N` rebuilds one and the whole chain runs in flat memory. A witness that cannot be
// rebuilt is a malformed file (exit 2), found when its step is reached.
const check = (opts?: MachineOptions): ProofVerdict => {
  try {
    if (step !== undefined) return verifyProof(proof, step, opts);
    for (let n = 0; n < proof.steps; n++) {
      const v = verifyProof(proof, n, opts);
      if (!v.ok) return v;
      if (n % 2_000 === 1_999) collectYoung();
    }
    return { ok: true, checked: proof.steps };
  } catch (e) {
    malformed(e);
  }
};
// Point evaluation (0x0a) is checked with Ore's KZG verifier (node/engine/kzgVerify.ts, the one
// the engine uses); it reads the trusted setup's [τ]G2 only if a step reaches 0x0a.
const started = performance.now();
const v = check({ kzg: { verifyProof: verifyKzgProofHex } });
const ms = Math.round(performance.now() - started);
if (v.ok) {
  console.log(JSON.stringify({ valid: true, checked: v.checked, steps: proof.steps, ms }));
  process.exit(0);
}
console.error(`invalid proof: step ${v.step}: ${v.reason}`);
console.log(JSON.stringify({ valid: false, step: v.step, reason: v.reason }));
process.exit(1);
