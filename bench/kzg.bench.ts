/**
 * `bun run bench kzg`: EIP-4844's `verify_kzg_proof` (the point-evaluation precompile's check),
 * Ore's verifier over @noble/curves (`node/engine/kzgVerify.ts`) against kzg-wasm (c-kzg-4844 in
 * WASM, the reference it replaced), in this process: one valid proof verified repeatedly, the
 * median of 21 single calls, and what each costs before its first verification (kzg-wasm's
 * setup load; Ore's reading of `[τ]G2` and its Miller-loop lines). Prints ratios, machine and
 * date; writes `bench/results/kzg.json`.
 */
import { loadKZG } from "kzg-wasm";
import { toHex } from "../core/bytes.ts";
import { oreKzg } from "../node/engine/kzg.ts";
import { monomialCommitment, pointProof, word } from "../node/engine/kzgTesting.ts";
import { type Measurement, report, timeIt } from "./harness.ts";

const coeffs = [5n, 0x1234_5678_9abc_def0n, 0xdead_beefn, 7n];
const z = 0x73ed_a753_299d_7d48_3339_d808_09a1_d805_53bd_a402_fffe_5bfe_ffff_fffe_0000_0001n;
const { y, proof } = pointProof(coeffs, z);
const args = [toHex(monomialCommitment(coeffs)), toHex(word(z)), toHex(word(y)), toHex(proof)] as const;

/** Milliseconds of one call of `fn`, the median of 21 after it has run once. */
function medianMs(fn: () => unknown): number {
  const ts: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return Math.round(ts.sort((a, b) => a - b)[10]! * 100) / 100;
}

let t = performance.now();
if (!oreKzg.verifyProof(...args)) throw new Error("Ore's verifier rejects the bench proof");
const oreFirstMs = performance.now() - t;
t = performance.now();
const wasm = await loadKZG();
const wasmLoadMs = performance.now() - t;
if (!wasm.verifyProof(...args)) throw new Error("kzg-wasm rejects the bench proof");

const rows: Measurement[] = [
  {
    group: "verify_kzg_proof",
    name: "kzg-wasm",
    opsPerSec: timeIt(() => wasm.verifyProof(...args), { minMs: 2000 }),
    extra: { medianMs: medianMs(() => wasm.verifyProof(...args)), setupMs: Math.round(wasmLoadMs) },
  },
  {
    group: "verify_kzg_proof",
    name: "ore (noble)",
    opsPerSec: timeIt(() => oreKzg.verifyProof(...args), { minMs: 2000 }),
    baseline: "kzg-wasm",
    extra: { medianMs: medianMs(() => oreKzg.verifyProof(...args)), firstCallMs: Math.round(oreFirstMs) },
  },
];
report("kzg", rows, [
  ...rows.map((r) => `${r.name}: ${JSON.stringify(r.extra)}`),
  "kzg-wasm's setupMs is its loadKZG(); ore's firstCallMs includes reading [τ]G2 and its Miller-loop lines",
]);
