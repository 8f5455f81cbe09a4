/**
 * Proof-file figures for a generated proof (docs/fault-proof.md §8.3): bytes per step of the raw
 * witnesses and of versions 1, 2 and 3, and the time to write and read versions 2 and 3 per
 * 1,000 steps (reading includes rebuilding every witness; opening a version-3 file, which
 * validates it and rebuilds none, is timed apart). Each version-3 read is checked to
 * rebuild the witnesses byte for byte. Used by `bench/proofFile.bench.ts`; any bench with a
 * {@link Proof} can report the same rows.
 */
import { decodeProof, encodeProof, type Proof, toProof } from "../core/proof/proofFile.ts";
import { decodeProofV3, encodeProofV3 } from "../core/proof/proofFileV3.ts";
import type { Measurement } from "./harness.ts";

/** Sizes (bytes per step) and speeds (ms per 1,000 steps) of one proof in each version. */
export interface ProofFileFigures {
  steps: number;
  bytesPerStep: { raw: number; v1: number; v2: number; v3: number };
  v3Bytes: number;
  msPer1000: { writeV2: number; readV2: number; writeV3: number; openV3: number; readV3: number };
}

/** Best of `runs` timings of `fn`, in ms. */
function best<T>(runs: number, fn: () => T): [T, number] {
  let out: T | undefined;
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return [out as T, ms];
}

/**
 * Measures `p` (which needs `access` and `kinds`, as the generator returns them), best of `runs`
 * for version 3. `json: false` skips versions 1 and 2 (slow on long traces: their figures are NaN).
 */
export function proofFileFigures(p: Proof, opts: { runs?: number; json?: boolean } = {}): ProofFileFigures {
  const runs = opts.runs ?? 3;
  const steps = p.witnesses.length;
  let raw = 0;
  for (const w of p.witnesses) raw += w.length;
  const json = opts.json ?? true;
  const v1 = json ? encodeProof(p, 1).length : Number.NaN;
  const [v2, writeV2] = json ? best(1, () => encodeProof(p, 2)) : ["", Number.NaN];
  const [, readV2] = json ? best(1, () => decodeProof(v2)) : [undefined, Number.NaN];
  const [v3, writeV3] = best(runs, () => encodeProofV3(p));
  const [, openV3] = best(runs, () => decodeProofV3(v3));
  const [back, readV3] = best(runs, () => toProof(decodeProofV3(v3)));
  for (let i = 0; i < steps; i++) {
    const a = back.witnesses[i];
    const b = p.witnesses[i];
    if (a.length !== b.length || a.some((x, k) => x !== b[k])) {
      throw new Error(`proof file v3: step ${i}'s witness does not round-trip`);
    }
  }
  const per = (n: number) => n / steps;
  const per1000 = (ms: number) => (ms / steps) * 1000;
  return {
    steps,
    bytesPerStep: { raw: per(raw), v1: per(v1), v2: json ? per(v2.length) : Number.NaN, v3: per(v3.length) },
    v3Bytes: v3.length,
    msPer1000: {
      writeV2: per1000(writeV2),
      readV2: per1000(readV2),
      writeV3: per1000(writeV3),
      openV3: per1000(openV3),
      readV3: per1000(readV3),
    },
  };
}

/** Rows for `report`: steps/s of writing and reading v3 against v2, sizes in `extra`. */
export function proofFileRows(group: string, f: ProofFileFigures): Measurement[] {
  const sizes = {
    steps: f.steps,
    rawBytesPerStep: Math.round(f.bytesPerStep.raw),
    v2BytesPerStep: Math.round(f.bytesPerStep.v2),
    v3BytesPerStep: Math.round(f.bytesPerStep.v3),
  };
  const rate = (ms: number) => 1e6 / ms;
  return [
    { group, name: "write v2 JSON (steps/s)", opsPerSec: rate(f.msPer1000.writeV2) },
    {
      group,
      name: "write v3 binary (steps/s)",
      opsPerSec: rate(f.msPer1000.writeV3),
      baseline: "write v2 JSON (steps/s)",
      extra: sizes,
    },
    { group, name: "read v2 JSON, witnesses rebuilt (steps/s)", opsPerSec: rate(f.msPer1000.readV2) },
    {
      group,
      name: "open v3 binary, validated, no witness rebuilt (steps/s)",
      opsPerSec: rate(f.msPer1000.openV3),
    },
    {
      group,
      name: "read v3 binary, witnesses rebuilt (steps/s)",
      opsPerSec: rate(f.msPer1000.readV3),
      baseline: "read v2 JSON, witnesses rebuilt (steps/s)",
    },
  ];
}

/** One line for a report's notes: the sizes per step and the v3 speeds. */
export function proofFileNote(name: string, f: ProofFileFigures): string {
  const b = f.bytesPerStep;
  const m = f.msPer1000;
  return (
    `${name}: ${f.steps} steps; bytes per step raw witnesses ${b.raw.toFixed(0)}, v1 ${b.v1.toFixed(0)}, ` +
    `v2 ${b.v2.toFixed(0)}, v3 ${b.v3.toFixed(1)} (${(b.raw / b.v3).toFixed(1)}x smaller than raw, ` +
    `${(b.v2 / b.v3).toFixed(1)}x than v2; file ${(f.v3Bytes / 1e6).toFixed(2)} MB); per 1,000 steps ` +
    `write v3 ${m.writeV3.toFixed(0)} ms (v2 ${m.writeV2.toFixed(0)}), read v3 ${m.readV3.toFixed(0)} ms (v2 ${m.readV2.toFixed(0)}; v3 opened lazily, no witness rebuilt: ${m.openV3.toFixed(0)} ms)`
  );
}
