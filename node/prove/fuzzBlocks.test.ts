/**
 * A block-level random differential fuzzer: the step machine's block mode (docs/fault-proof.md
 * §3.3, `generateBlock`) against Ore's engine (`executeBlock` on @ethereumjs/vm) on seeded random
 * blocks (`testing/randomBlock.ts`): a few deposits and user transactions over a world of EOAs,
 * random programs, an ERC-20 and precompile callers, every field edge-heavy. Both must agree on
 * the state root, gas used, receipts root, logs bloom, transactions root, block hash, output root
 * and every transaction's status, gas used and L1 fee; an invalid transaction makes both restart
 * with the deposits only. Every fourth block re-verifies every step from its witness.
 *
 * A disagreement is minimized (transactions dropped while it persists) and printed with its seed;
 * `ORE_FUZZ_SEED=<seed>` replays a run, `ORE_FUZZ_BLOCK=<k>` only its block k, `ORE_FUZZ_BLOCKS`
 * sets the count. `ORE_SOAK=1`: 1,500 blocks from a fresh seed, with point evaluation (0x0a, the
 * KZG loaded on both sides; `ORE_FUZZ_KZG=1` adds it to a default run).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import type { KzgVerifier } from "../../core/proof/precompiles.ts";
import { seededRandom } from "../../core/testing/random.ts";
import { oreKzg } from "../engine/kzg.ts";
import { pointEvaluationInput, pointProof, polynomialBlob } from "../engine/kzgTesting.ts";
import { blobToKzgCommitment } from "../rollup/kzg.ts";
import {
  type BothSides,
  compare,
  deposit,
  disagreements,
  runBoth,
  sides,
  type World,
  world,
} from "./testing/blockWorld.ts";
import { type FuzzOptions, low, type RandomBlock, randomBlock } from "./testing/randomBlock.ts";

const SOAK = process.env.ORE_SOAK === "1";
const SEED = Number(process.env.ORE_FUZZ_SEED ?? (SOAK ? Date.now() % 2 ** 32 : 20_260_512));
const BLOCKS = Number(process.env.ORE_FUZZ_BLOCKS ?? (SOAK ? 1500 : 250));
const ONLY = process.env.ORE_FUZZ_BLOCK === undefined ? undefined : Number(process.env.ORE_FUZZ_BLOCK);
const KZG = SOAK || process.env.ORE_FUZZ_KZG === "1";
const VERIFY_EVERY = 4;

/** Block k's own random source: any block replays alone from the seed. */
const blockRandom = (k: number) => seededRandom((SEED + Math.imul(k + 1, 0x9e3779b1)) >>> 0);

let kzg: KzgVerifier | undefined;
let pointEvaluation: Uint8Array | undefined;

beforeAll(() => {
  if (!KZG) return;
  kzg = oreKzg;
  const coeffs = [3n, 0xfeed_f00dn, 11n];
  const { y, proof } = pointProof(coeffs, 0x1234n);
  pointEvaluation = pointEvaluationInput(blobToKzgCommitment(polynomialBlob(coeffs)), 0x1234n, y, proof);
}, 120_000);

type Verdict = { ok: true; both: BothSides } | { ok: false; what: string; both?: BothSides };

/** Runs `txs` on both sides; a throw on either (other than the engine's refusal) is a disagreement. */
async function judge(w: World, rb: RandomBlock, txs: Uint8Array[], verify: boolean): Promise<Verdict> {
  let both: BothSides;
  try {
    both = await runBoth(w, txs, rb.env, { verify, kzg });
  } catch (e) {
    return { ok: false, what: `threw: ${(e as Error).message}` };
  }
  const d = disagreements(both);
  return d.length === 0 ? { ok: true, both } : { ok: false, what: `differ on ${d.join(", ")}`, both };
}

/** Drops transactions while the block still disagrees; the smallest failing list. */
async function minimize(w: World, rb: RandomBlock, txs: Uint8Array[]): Promise<number[]> {
  let keep = txs.map((_, i) => i);
  for (let progress = true; progress; ) {
    progress = false;
    for (let j = keep.length - 1; j >= 0; j--) {
      const trial = keep.filter((_, i) => i !== j);
      const v = await judge(
        w,
        rb,
        trial.map((i) => txs[i]),
        false,
      );
      if (!v.ok) {
        keep = trial;
        progress = true;
      }
    }
  }
  return keep;
}

const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x), 1);

describe("random blocks: the step machine vs Ore's engine", () => {
  // Precompiles as a transaction's `to` are drawn by default (ORE_FUZZ_PRECOMPILE_TO=0 leaves them out).
  const opts = (): FuzzOptions => ({
    precompileTo: process.env.ORE_FUZZ_PRECOMPILE_TO !== "0",
    pointEvaluation,
  });

  test(
    `${ONLY === undefined ? BLOCKS : 1} random blocks (seed ${SEED})`,
    async () => {
      const totals = {
        blocks: 0,
        deposits: 0,
        users: 0,
        restarted: 0,
        steps: 0,
        verified: 0,
        statuses: [0, 0, 0, 0],
      };
      const started = performance.now();
      for (let k = ONLY ?? 0; k < (ONLY === undefined ? BLOCKS : ONLY + 1); k++) {
        const rb = randomBlock(blockRandom(k), opts());
        const w = await world(rb.codes, rb.l1, rb.setup, rb.baseFee);
        const verify = k % VERIFY_EVERY === 0;
        const v = await judge(w, rb, rb.txs, verify);
        if (!v.ok) {
          const keep = await minimize(w, rb, rb.txs);
          const small = keep.map((i) => rb.txs[i]);
          const again = await judge(w, rb, small, false);
          console.log(
            [
              `DISAGREEMENT at ORE_FUZZ_SEED=${SEED} ORE_FUZZ_BLOCK=${k}: ${v.what}`,
              `minimized to ${keep.length} of ${rb.txs.length} transactions (${again.ok ? "agrees?!" : again.what}):`,
              ...keep.map((i) => `  [${i}] ${rb.notes[i]}\n      ${Buffer.from(rb.txs[i]).toString("hex")}`),
              `coinbase 0x${Buffer.from(rb.env.feeRecipient).toString("hex")} base fee ${rb.baseFee} l1 ${show(rb.l1)}`,
              again.ok || !again.both ? "" : show(sides(again.both)),
            ].join("\n"),
          );
          expect(`block ${k}: ${v.what}`).toBe(`block ${k}: agreement`);
        }
        if (!v.ok) continue;
        const t = v.both.trace;
        totals.blocks++;
        totals.deposits += rb.txs.filter((x) => x[0] === 0x7e).length;
        totals.users += rb.txs.filter((x) => x[0] !== 0x7e).length;
        if (t.restartedAt !== undefined) totals.restarted++;
        totals.steps += t.roots.length - 1;
        if (verify) totals.verified += t.roots.length - 1;
        for (const o of t.outcomes) totals.statuses[o.status]++;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `fuzzBlocks seed ${SEED}: ${totals.blocks} blocks, ${totals.deposits} deposits + ${totals.users} user txs (${totals.restarted} blocks restarted with deposits only), outcomes ok/reverted/failed ${totals.statuses.slice(1).join("/")}, ${totals.steps} steps (${totals.verified} re-verified), ${seconds} s${KZG ? ", with point evaluation" : ""}`,
      );
      expect(totals.blocks).toBe(ONLY === undefined ? BLOCKS : 1);
    },
    SOAK ? 7_200_000 : 120_000,
  );

  // The fuzzer's first find (seed 20260512, block 4 with ORE_FUZZ_PRECOMPILE_TO=1), minimized: a
  // deposit straight to 0x08 with no gas left past the intrinsic gas must fail (out of gas in the
  // pairing), as the engine says; the machine ran it as a call to an empty account (status 1)
  // before it ran a transaction's precompile at depth 0 (docs/fault-proof.md §3.3).
  test("a deposit to a precompile with no gas for it fails on both sides", async () => {
    const w = await world();
    const data = new Uint8Array(384).fill(1);
    const gas = 21_000n + 16n * 384n;
    await compare(w, [deposit({ to: low(8), mint: 5n, value: 5n, gas, data })]);
  });
});
