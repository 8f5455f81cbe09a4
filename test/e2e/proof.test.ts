/**
 * The fault-proof CLIs end to end, as separate processes: `bun run prove` writes a proof (binary,
 * version 3; versions 2 and 1 made from it still read),
 * `bun run verify` and `deno task verify` accept it (whole chain and single steps) and refuse
 * tampered, truncated and malformed files with the documented exit codes; lazy mode prints
 * the same roots as the file; point evaluation (0x0a) proves and verifies in frame mode.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "../../core/bytes.ts";
import { sha256 } from "../../core/hash/sha256.ts";
import { decodeProof, encodeProof } from "../../core/proof/proofFile.ts";
import { monomialCommitment, pointEvaluationInput, pointProof } from "../../node/engine/kzgTesting.ts";

const ROOT = join(import.meta.dir, "..", "..");
const BUN = join(ROOT, "node_modules", ".bin", "bun");
const DENO = join(ROOT, "node_modules", "deno", "deno");
const dir = mkdtempSync(join(tmpdir(), "ore-proof-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string[]): { code: number; stdout: string; stderr: string } {
  const p = Bun.spawnSync(cmd, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}
const prove = (...args: string[]) => run([BUN, "node/prove/main.ts", ...args]);
const verifyBun = (...args: string[]) => run([BUN, "scripts/verify.ts", ...args]);
const verifyDeno = (...args: string[]) => run([DENO, "run", "--allow-read", "scripts/verify.ts", ...args]);

// Copy calldata (1500 bytes, two sub-steps), hash it (two sub-steps), loop 3 times, return 32 bytes.
const CODE = "0x6105dc60006000376105dc6000206003 5b 600190038060105700 5b".replace(/\s+/g, "");
const CODE_FIXED = `${CODE.slice(0, -2)}60206000f3`;
const calldata = `0x${"ab".repeat(1500)}`;
const proofPath = join(dir, "proof.orep");
/** The proof as `bun run prove` wrote it (version 3), and as version 2 JSON. */
const v3 = () => new Uint8Array(readFileSync(proofPath));
const v2 = () => JSON.parse(encodeProof(decodeProof(v3()), 2));

describe("prove and verify CLIs", () => {
  test("prove writes a proof that both verifiers accept, whole and step by step", () => {
    const p = prove("--code", CODE_FIXED, "--calldata", calldata, "--gas", "200000", "--out", proofPath);
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    const summary = JSON.parse(p.stdout);
    expect(summary.steps).toBeGreaterThan(20);
    expect(summary.status).toBe(1);
    for (const v of [verifyBun(proofPath), verifyDeno(proofPath), verifyBun(proofPath, "--all")]) {
      expect(v.code).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, checked: summary.steps });
    }
    const one = verifyDeno(proofPath, "--step", "5");
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ valid: true, checked: 1 });
  }, 30_000);

  test("lazy mode prints the same roots as the proof file", () => {
    const file = v2();
    const p = prove(
      "--code",
      CODE_FIXED,
      "--calldata",
      calldata,
      "--gas",
      "200000",
      "--lazy",
      "0,3,17,100000",
    );
    expect(p.code).toBe(0);
    const { roots } = JSON.parse(p.stdout);
    expect(roots["0"]).toBe(file.roots[0]);
    expect(roots["3"]).toBe(file.roots[3]);
    expect(roots["17"]).toBe(file.roots[17]);
    expect(roots["100000"]).toBe(file.postRoot);
  });

  test("a tampered witness fails at its step with exit 1; a bad step index too", () => {
    // Version 3, resealed by a forger: root 8 changed, so step 7 no longer ends at it.
    const f = v3();
    expect(new TextDecoder().decode(f.subarray(0, 8))).toBe("OREPROOF");
    const back = decodeProof(f);
    const at = f.findIndex((_, i) => toHex(f.subarray(i, i + 32)) === toHex(back.root(8)));
    const forged = f.slice();
    forged[at + 3] ^= 1;
    forged.set(sha256(forged.subarray(0, forged.length - 32)), forged.length - 32);
    const bad = join(dir, "tampered.orep");
    writeFileSync(bad, forged);
    for (const v of [verifyBun(bad), verifyDeno(bad)]) {
      expect(v.code).toBe(1);
      expect(JSON.parse(v.stdout)).toMatchObject({ valid: false, step: 7 });
      expect(v.stderr).toContain("root");
    }
    expect(verifyBun(bad, "--step", "6").code).toBe(0);
    // Version 2: step 7's AccessData emptied, so its rebuilt witness holds no node it needs.
    const file = v2();
    expect(file.version).toBe(2);
    file.access[7].g = [];
    writeFileSync(bad, JSON.stringify(file));
    for (const v of [verifyBun(bad), verifyDeno(bad)]) {
      expect(v.code).toBe(1);
      expect(JSON.parse(v.stdout)).toMatchObject({ valid: false, step: 7 });
      expect(v.stderr).toContain("invalid witness");
    }
    // Version 1 (whole witnesses): a flipped bit, then a truncated witness.
    const v1 = JSON.parse(encodeProof(decodeProof(v3()), 1));
    const w: string = v1.witnesses[7];
    v1.witnesses[7] = `${w.slice(0, 40)}${w[40] === "0" ? "1" : "0"}${w.slice(41)}`;
    writeFileSync(bad, JSON.stringify(v1));
    for (const v of [verifyBun(bad), verifyDeno(bad)]) {
      expect(v.code).toBe(1);
      expect(JSON.parse(v.stdout)).toMatchObject({ valid: false, step: 7 });
      expect(v.stderr).toContain("invalid witness");
    }
    expect(verifyBun(bad, "--step", "6").code).toBe(0);
    const truncated = JSON.parse(encodeProof(decodeProof(v3()), 1));
    truncated.witnesses[2] = truncated.witnesses[2].slice(0, -66);
    writeFileSync(bad, JSON.stringify(truncated));
    const t = verifyBun(bad, "--step", "2");
    expect(t.code).toBe(1);
    expect(t.stderr).toContain("invalid witness: malformed encoding");
    expect(verifyBun(proofPath, "--step", "99999").code).toBe(1);
  });

  test("malformed files and bad usage exit 2", () => {
    // Version 3 cut short, with a bit flipped, with bytes appended: the checksum refuses them.
    const f = v3();
    const damaged = join(dir, "damaged.orep");
    const flipped = f.slice();
    flipped[f.length >> 1] ^= 4;
    for (const d of [f.subarray(0, f.length - 100), flipped, Uint8Array.of(...f, 0)]) {
      writeFileSync(damaged, d);
      for (const v of [verifyBun(damaged), verifyDeno(damaged)]) {
        expect(v.code).toBe(2);
        expect(v.stderr).toContain("checksum");
      }
    }
    const bad = join(dir, "malformed.json");
    writeFileSync(bad, '{"format":"ore-proof","version":1}');
    expect(verifyBun(bad).code).toBe(2);
    writeFileSync(bad, "not json");
    expect(verifyDeno(bad).code).toBe(2);
    expect(verifyBun(join(dir, "missing.json")).code).toBe(2);
    expect(verifyBun().code).toBe(2);
    expect(prove("--code", "0x00").code).toBe(2);
  });

  test("point evaluation (0x0a) in frame mode: a valid and a wrong proof, each verified by Bun and Deno", () => {
    // CALLDATACOPY the 192-byte input, STATICCALL 0x0a; the frame reverts (status 2) when the call failed.
    const code = "0x60c06000600037604060c060c06000600a5afa15601857005b60006000fd";
    const coeffs = [3n, 1n, 4n, 1n, 5n];
    const z = 0x1234_5678n;
    const { y, proof } = pointProof(coeffs, z);
    const commitment = monomialCommitment(coeffs);
    for (const [wantY, status] of [
      [y, 1],
      [y + 1n, 2],
    ] as const) {
      const out = join(dir, `kzg${status}.orep`);
      const calldata = toHex(pointEvaluationInput(commitment, z, wantY, proof));
      const p = prove("--code", code, "--calldata", calldata, "--out", out);
      expect(p.code).toBe(0);
      const summary = JSON.parse(p.stdout);
      expect(summary.status).toBe(status);
      for (const v of [verifyBun(out), verifyDeno(out)]) {
        expect(v.code).toBe(0);
        expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, checked: summary.steps });
      }
    }
  });
});
