/**
 * Point evaluation (0x0a, EIP-4844) inside blocks Ore's engine built, proved in block mode with
 * the engine's KZG (`../engine/kzg.ts`, Ore's verifier over @noble) as the machine's host, as in
 * `contracts.test.ts`: every block's state root, gas used, receipts root, logs bloom and block
 * hash from the machine equal the engine's, and every step verifies from its witness. Calls go
 * to 0x0a directly (a deposit among them) and through a contract (`testdata/PointEvaluation.sol`:
 * CALL, STATICCALL, DELEGATECALL, a static frame two deep), with valid proofs (computed without
 * kzg-wasm, `../engine/kzgTesting.ts`), an invalid proof, a wrong versioned hash, wrong lengths,
 * exactly 50,000 gas and one short; the contract logs the output. `bun run prove --block` on
 * one block over HTTP agrees too, and `bun run verify` accepts its file.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import {
  type Abi,
  decodeEventLog,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
} from "viem";
import { fromHex, toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { userDepositSourceHash } from "../../core/engine/sourceHash.ts";
import { generateBlockAsync } from "../../core/proof/txs.ts";
import { mountJsonRpc } from "../engine/jsonRpc.ts";
import { oreKzg, POINT_EVALUATION_ADDRESS } from "../engine/kzg.ts";
import { pointEvaluationInput, pointProof, polynomialBlob, word } from "../engine/kzgTesting.ts";
import {
  attributes,
  build,
  DEV_ADDRESSES,
  head,
  type Payload,
  signedTx,
  type TestEngine,
  testEngine,
  useCommon,
} from "../engine/testing.ts";
import { BLS_MODULUS, blobToKzgCommitment, FIELD_ELEMENTS_PER_BLOB } from "../rollup/kzg.ts";
import { engineBlock, type RpcBatch } from "./engineBlock.ts";
import { compileSolidity } from "./testdata/compileSolidity.ts";

const COEFFS = [3n, 0xfeed_f00dn, BLS_MODULUS - 11n, 1n];
const OUTPUT = toHex(new Uint8Array([...word(BigInt(FIELD_ELEMENTS_PER_BLOB)), ...word(BLS_MODULUS)]));
const PE = POINT_EVALUATION_ADDRESS as Hex;

let e: TestEngine;
let abi: Abi;
let bytecode: Hex;
let commitment: Uint8Array;
const nonces = [0n, 0n];

beforeAll(async () => {
  ({ abi, bytecode } = compileSolidity(join(import.meta.dir, "testdata", "PointEvaluation.sol")).PointEval!);
  commitment = blobToKzgCommitment(polynomialBlob(COEFFS));
  e = await testEngine(":memory:");
  useCommon(e.chain);
}, 120_000);

function tx(who: number, f: { to?: Hex; data?: Hex; gas?: bigint }): Uint8Array {
  return signedTx(who, {
    nonce: nonces[who]++,
    to: f.to,
    data: f.data ?? "0x",
    gasLimit: f.gas ?? 1_000_000n,
  });
}

/** A valid input at `z`. */
function valid(z: bigint): Uint8Array {
  const { y, proof } = pointProof(COEFFS, z);
  return pointEvaluationInput(commitment, z, y, proof);
}

/** 21,000 plus 4 per zero and 16 per non-zero calldata byte. */
const intrinsic = (input: Uint8Array): bigint =>
  21_000n + input.reduce((s, b) => s + (b === 0 ? 4n : 16n), 0n);

const batch: RpcBatch = async (calls) => Promise.all(calls.map(([m, p]) => e.call(m, ...p)));

/** Builds a block of `txs` on the head. */
async function buildBlock(txs: Uint8Array[]): Promise<{ p: Payload; receipts: Payload[] }> {
  const h = head(e);
  const p = await build(e, h.hash, attributes(h.timestamp + 2n, txs));
  return { p, receipts: await e.call<Payload[]>("eth_getBlockReceipts", p.blockNumber) };
}

/** Proves block `p` with the KZG loader, every step verified; the machine must agree. */
async function prove(p: Payload, receipts: Payload[]): Promise<void> {
  const n = BigInt(p.blockNumber);
  const b = await engineBlock(batch, n);
  const trace = await generateBlockAsync(b.req, b.fetch, { verify: true, kzg: oreKzg });
  expect({
    stateRoot: toHex(trace.worldRoot),
    gasUsed: trace.blockGasUsed,
    receiptsRoot: toHex(trace.receiptsRoot),
    logsBloom: toHex(trace.logsBloom),
    blockHash: toHex(trace.blockHash),
    restarted: trace.restartedAt,
    receipts: trace.outcomes.map((o) => [o.status === 1 ? "0x1" : "0x0", o.gasUsed]),
  }).toEqual({
    stateRoot: p.stateRoot,
    gasUsed: BigInt(p.gasUsed),
    receiptsRoot: p.receiptsRoot,
    logsBloom: p.logsBloom,
    blockHash: p.blockHash,
    restarted: undefined,
    receipts: receipts.map((r) => [r.status, BigInt(r.gasUsed as string)]),
  });
  console.log(`block ${n}: ${receipts.length} transactions, ${trace.roots.length - 1} steps`);
}

/** Each receipt's `Evaluated(ok, output)` events, in order. */
function evaluated(receipts: Payload[]): { ok: boolean; output: string }[] {
  return receipts.flatMap((r) =>
    (r.logs as { data: Hex; topics: [Hex, ...Hex[]] }[]).map((l) => {
      const d = decodeEventLog({ abi, data: l.data, topics: l.topics });
      const a = d.args as unknown as { ok: boolean; output: Hex };
      return { ok: a.ok, output: a.output };
    }),
  );
}

describe("point evaluation in blocks: the machine agrees with the engine", () => {
  let pe: Hex;
  const server: { stop?: () => void } = {};
  const dir = mkdtempSync(join(tmpdir(), "ore-pe-"));
  afterAll(() => {
    server.stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  test("block 1: the contract", async () => {
    pe = getContractAddress({ from: DEV_ADDRESSES[0] as Hex, nonce: nonces[0] });
    const { p, receipts } = await buildBlock([tx(0, { data: encodeDeployData({ abi, bytecode }) })]);
    expect(receipts.slice(1).map((r) => Number(r.status))).toEqual([1]);
    expect((await e.call<string>("eth_getCode", pe, "latest")).length).toBeGreaterThan(2);
    await prove(p, receipts);
  }, 120_000);

  test("block 2: through a contract (CALL, STATICCALL, DELEGATECALL, nested static, gas, invalid)", async () => {
    const good = valid(BLS_MODULUS - 2n);
    const badProof = pointEvaluationInput(
      commitment,
      9n,
      pointProof(COEFFS, 9n).y + 1n,
      pointProof(COEFFS, 9n).proof,
    );
    const badHash = good.slice();
    badHash[0] = 0;
    const evaluate = (input: Uint8Array, gas: bigint, how: number) =>
      tx(0, {
        to: pe,
        data: encodeFunctionData({ abi, functionName: "evaluate", args: [toHex(input), gas, how] }),
      });
    const all = 500_000n;
    const { p, receipts } = await buildBlock([
      evaluate(good, all, 0),
      evaluate(good, all, 1),
      evaluate(good, all, 2),
      evaluate(good, 50_000n, 1),
      evaluate(good, 49_999n, 1),
      evaluate(badProof, all, 0),
      evaluate(badHash, all, 1),
      evaluate(new Uint8Array([...good, 0]), all, 0),
      evaluate(new Uint8Array(0), all, 0),
      tx(0, { to: pe, data: encodeFunctionData({ abi, functionName: "nested", args: [toHex(valid(1n))] }) }),
      tx(0, { to: pe, data: encodeFunctionData({ abi, functionName: "nested", args: [toHex(badProof)] }) }),
      evaluate(valid(0n), all, 0),
      evaluate(valid(123_456_789n), all, 1),
    ]);
    expect(receipts.slice(1).map((r) => Number(r.status))).toEqual(new Array(13).fill(1));
    const ok = { ok: true, output: OUTPUT };
    const fail = { ok: false, output: "0x" };
    expect(evaluated(receipts)).toEqual([ok, ok, ok, ok, fail, fail, fail, fail, fail, ok, fail, ok, ok]);
    const read = async (fn: string) =>
      e.call<string>("eth_call", { to: pe, data: encodeFunctionData({ abi, functionName: fn }) }, "latest");
    expect([await read("lastOk"), await read("lastSize")]).toEqual([toHex(word(1n)), toHex(word(64n))]);
    expect((await read("first")) + (await read("second")).slice(2)).toBe(OUTPUT);
    await prove(p, receipts);
  }, 120_000);

  /** Block 3: 0x0a as the transaction's `to` (a deposit and user transactions). */
  let direct: { p: Payload; receipts: Payload[] } | undefined;

  test("block 3 (engine): direct calls: exact gas and one short, invalid inputs, a deposit", async () => {
    const good = valid(0x4844n);
    const deposited = valid(7n);
    const badProof = pointEvaluationInput(
      commitment,
      5n,
      pointProof(COEFFS, 5n).y,
      pointProof(COEFFS, 6n).proof,
    );
    const badHash = good.slice();
    badHash[31]! ^= 0x80;
    const deposit = encodeDeposit({
      sourceHash: userDepositSourceHash(new Uint8Array(32).fill(0x0a), 0),
      from: fromHex(DEV_ADDRESSES[2]!),
      to: fromHex(PE),
      mint: 0n,
      value: 0n,
      gas: 200_000n,
      isSystemTx: false,
      data: deposited,
    });
    const call = (input: Uint8Array, gas: bigint) => tx(1, { to: PE, data: toHex(input) as Hex, gas });
    direct = await buildBlock([
      deposit,
      call(good, intrinsic(good) + 50_000n),
      call(good, intrinsic(good) + 49_999n),
      call(badProof, 200_000n),
      call(badHash, 200_000n),
      call(good.subarray(0, 191), 200_000n),
    ]);
    expect(direct.receipts.slice(1).map((r) => [Number(r.status), BigInt(r.gasUsed as string)])).toEqual([
      [1, intrinsic(deposited) + 50_000n],
      [1, intrinsic(good) + 50_000n],
      [0, intrinsic(good) + 49_999n],
      [0, 200_000n],
      [0, 200_000n],
      [0, 200_000n],
    ]);
  }, 120_000);

  // The machine runs a transaction's precompile at depth 0 as the engine does (§3.3; every
  // precompile: userTxs.test.ts).
  test("block 3 (machine): direct calls prove and agree with the engine", async () => {
    if (direct === undefined) throw new Error("block 3 was not built");
    await prove(direct.p, direct.receipts);
  }, 120_000);

  test("without a KZG verifier the machine refuses point evaluation by name", async () => {
    const b = await engineBlock(batch, 2n);
    await expect(generateBlockAsync(b.req, b.fetch, { witnesses: false })).rejects.toThrow(
      /unsupported precompile 0x0a/,
    );
  }, 60_000);

  test("bun run prove --engine <url> --block 2 agrees with the engine; bun run verify accepts the file", async () => {
    const app = new Hono();
    mountJsonRpc(app, e.rpc, { maxBodyBytes: 1 << 24, maxBatch: 1000 });
    const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
    server.stop = () => s.stop(true);
    const out = join(dir, "block2.json");
    const p = Bun.spawn(
      [
        process.execPath,
        "node/prove/main.ts",
        "--engine",
        `http://127.0.0.1:${s.port}`,
        "--block",
        "2",
        "--out",
        out,
      ],
      { cwd: join(import.meta.dir, "..", ".."), stdout: "pipe", stderr: "pipe" },
    );
    const [code, stdout, stderr] = await Promise.all([
      p.exited,
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const r = JSON.parse(stdout) as { engineAgrees: boolean; txs: number; blockHash: string; steps: number };
    const b = await e.call<Payload>("eth_getBlockByNumber", "0x2", false);
    expect(r).toMatchObject({ engineAgrees: true, txs: 14, blockHash: b.hash });
    // The file verifies offline, point evaluations included.
    const v = Bun.spawn([process.execPath, "scripts/verify.ts", out], {
      cwd: join(import.meta.dir, "..", ".."),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [vCode, vOut, vErr] = await Promise.all([
      v.exited,
      new Response(v.stdout).text(),
      new Response(v.stderr).text(),
    ]);
    expect({ vCode, vErr }).toEqual({ vCode: 0, vErr: "" });
    expect(JSON.parse(vOut)).toMatchObject({ valid: true, checked: r.steps });
  }, 240_000);
});
