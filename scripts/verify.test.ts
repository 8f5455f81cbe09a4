/**
 * `scripts/verify.ts` as a process, on version-3 files it reads lazily (docs/fault-proof.md
 * §8.3): a valid file verifies whole and step by step; a forged step fails with exit 1 and its
 * index, also alone (`--step N`) when it comes after steps that verify; a step whose witness
 * cannot be rebuilt is a malformed file (exit 2, by name) when it is reached, and the steps
 * before it still verify alone; damaged and forged containers exit 2 naming the section.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { encodeProof } from "../core/proof/proofFile.ts";
import {
  encodeSteps,
  join,
  parseSteps,
  type StepRow,
  split,
  withSection,
} from "../core/proof/proofFileEdits.ts";
import { frameSample } from "../core/proof/proofFileTesting.ts";
import { Section } from "../core/proof/proofFileV3.ts";

const ROOT = joinPath(import.meta.dir, "..");
const BUN = joinPath(ROOT, "node_modules", ".bin", "bun");
const dir = mkdtempSync(joinPath(tmpdir(), "ore-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const proof = frameSample(2, 25_000n);
const steps = proof.witnesses.length;
const file = encodeProof(proof);
const { header, bodies } = split(file);
const rows = parseSteps(bodies[Section.Steps], steps);

/** Runs the verifier on `bytes` written to a file; exit code, parsed stdout (if any) and stderr. */
function verify(bytes: Uint8Array, ...args: string[]) {
  const path = joinPath(dir, `p${Math.random().toString(36).slice(2)}.orep`);
  writeFileSync(path, bytes);
  const p = Bun.spawnSync([BUN, "scripts/verify.ts", path, ...args], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = p.stdout.toString();
  return { code: p.exitCode, out: out === "" ? undefined : JSON.parse(out), err: p.stderr.toString() };
}

/** The file with the steps section re-encoded after `edit` (and resealed). */
function forgeSteps(edit: (rows: StepRow[]) => void): Uint8Array {
  const copy = rows.map((s) => ({ root: s.root, g: [...s.g], p: [...s.p] }));
  edit(copy);
  const b = [...bodies];
  b[Section.Steps] = encodeSteps(copy);
  return join(header, b);
}

describe("verify CLI on lazily read version-3 files", () => {
  test("a valid file verifies whole and step by step", () => {
    expect(steps).toBeGreaterThan(20);
    const all = verify(file, "--all");
    expect(all.code).toBe(0);
    expect(all.out).toMatchObject({ valid: true, checked: steps, steps });
    for (const n of [0, steps - 1]) {
      expect(verify(file, "--step", String(n))).toMatchObject({ code: 0, out: { valid: true, checked: 1 } });
    }
    expect(verify(file, "--step", String(steps)).code).toBe(1);
  }, 30_000);

  test("a forged later step fails with exit 1 and its index, whole or alone", () => {
    const late = steps - 3;
    const forged = forgeSteps((r) => {
      r[late].g = [];
    });
    for (const args of [["--all"], ["--step", String(late)]]) {
      const v = verify(forged, ...args);
      expect(v.code).toBe(1);
      expect(v.out).toMatchObject({ valid: false, step: late });
      expect(v.err).toContain(`invalid proof: step ${late}: invalid witness`);
    }
    expect(verify(forged, "--step", String(late - 1)).code).toBe(0);
  }, 30_000);

  test("a step whose witness cannot be rebuilt exits 2 by name when reached", () => {
    const late = steps - 2;
    const forged = forgeSteps((r) => {
      r[late].g.push(r[late].g[r[late].g.length - 1] * 2n ** 8n);
    });
    for (const args of [["--all"], ["--step", String(late)]]) {
      const v = verify(forged, ...args);
      expect(v.code).toBe(2);
      expect(v.err).toContain(`: step ${late}: the node DB holds a chunk where an inner node is needed`);
    }
    expect(verify(forged, "--step", String(late - 1)).code).toBe(0);
  }, 30_000);

  test("damaged and forged containers exit 2 naming the section, whatever step is asked", () => {
    const cut = verify(file.subarray(0, file.length - 100), "--step", "0");
    expect(cut.code).toBe(2);
    expect(cut.err).toContain("checksum");
    const short = withSection(file, Section.Steps, bodies[Section.Steps].subarray(0, -1));
    const badRef = forgeSteps((r) => {
      r[steps - 1].root = 10_000_000;
    });
    for (const [f, name] of [
      [short, "steps: "],
      [withSection(file, Section.Nodes, bodies[Section.Nodes].subarray(0, -1)), "nodes: "],
      [badRef, `steps: step ${steps - 1}: root node 10000000`],
    ] as const) {
      const v = verify(f, "--step", "0");
      expect(v.code).toBe(2);
      expect(v.out).toBeUndefined();
      expect(v.err).toContain(`: ${name}`);
    }
  }, 30_000);
});
