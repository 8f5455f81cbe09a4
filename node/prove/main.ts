/**
 * `bun run prove`: the witness generator's CLI (docs/fault-proof.md §8).
 *
 *   bun run prove --code <hex> [--calldata <hex>] [--gas N] --out <file>        frame mode
 *   bun run prove --engine <rpc url> --block <n> --tx <i> --out <file>          the top frame of a tx
 *   bun run prove --engine <rpc url> --block <n> --out <file>                   a whole block
 *   bun run prove --engine <rpc url> --block <a>..<b> --out <dir>               blocks a to b, one file each
 *   ... [--lazy i,j,k]   lazy mode (frame or one block): print the roots at those step indices (no file)
 *   ... [--no-witness]   roots only (no witnesses: the file cannot be verified)
 *
 * Whole blocks run in block mode from BlockStart through BlockEnd and are checked against the
 * engine's block: state root, gas used, receipts root, logs bloom and the block hash. Point
 * evaluation (0x0a) runs on the engine's KZG verifier (`../engine/kzg.ts`).
 * Exit 0 on success, 1 when the
 * machine refuses a step (unsupported opcode or phase), 2 on a usage or input error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromHex, toHex } from "../../core/bytes.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { ProofError, UnsupportedStepError } from "../../core/proof/errors.ts";
import type { FrameRequest } from "../../core/proof/frameState.ts";
import {
  type AsyncPreimageSource,
  frameRootsAt,
  frameRootsAtAsync,
  generateFrame,
  generateFrameAsync,
} from "../../core/proof/generator.ts";
import { encodeProof } from "../../core/proof/proofFile.ts";
import { blockRootsAtAsync, generateBlockAsync } from "../../core/proof/txs.ts";
import { oreKzg } from "../engine/kzg.ts";
import { engineBlock } from "./engineBlock.ts";
import { engineFrame } from "./engineFrame.ts";

/** The engine's block `number` as a block-mode request; exits 1 when the engine cannot give it. */
async function fetchBlock(url: string, number: bigint): Promise<Awaited<ReturnType<typeof engineBlock>>> {
  try {
    return await engineBlock(url, number);
  } catch (e) {
    console.error(`prove: ${(e as Error).message}`);
    process.exit(1);
  }
}

/**
 * Block mode (`--engine <url> --block <n>` without `--tx`): BlockStart through every transaction
 * through BlockEnd; the machine's world-state root, gas used, receipts root and logs bloom are
 * compared with the engine's block. Writes the proof to `out` and prints a summary line; false
 * when the machine refuses the block or disagrees with the engine.
 */
async function proveBlock(url: string, number: bigint, out: string): Promise<boolean> {
  const b = await fetchBlock(url, number);
  const t0 = performance.now();
  try {
    const trace = await generateBlockAsync(b.req, b.fetch, {
      witnesses: opts["no-witness"] !== true,
      kzg: oreKzg,
    });
    const ms = Math.round(performance.now() - t0);
    const request = { engine: url, block: number.toString(), blockHash: b.block.hash, txs: b.req.txs.length };
    writeFileSync(
      out,
      encodeProof({
        mode: "block",
        request,
        roots: trace.roots,
        witnesses: trace.witnesses,
        access: trace.access,
        kinds: trace.kinds,
        result: {
          worldRoot: trace.worldRoot,
          gasUsed: trace.blockGasUsed,
          receiptsRoot: trace.receiptsRoot,
          logsBloom: trace.logsBloom,
          blockHash: trace.blockHash,
          outputRoot: trace.outputRoot,
        },
      }),
    );
    const want = {
      stateRoot: (b.block.stateRoot as string).toLowerCase(),
      gasUsed: BigInt(b.block.gasUsed as string).toString(),
      receiptsRoot: (b.block.receiptsRoot as string).toLowerCase(),
      logsBloom: (b.block.logsBloom as string).toLowerCase(),
      blockHash: (b.block.hash as string).toLowerCase(),
    };
    const got = {
      stateRoot: toHex(trace.worldRoot),
      gasUsed: trace.blockGasUsed.toString(),
      receiptsRoot: toHex(trace.receiptsRoot),
      logsBloom: toHex(trace.logsBloom),
      blockHash: toHex(trace.blockHash),
    };
    const differs = (Object.keys(want) as (keyof typeof want)[]).filter((k) => want[k] !== got[k]);
    const agrees = differs.length === 0;
    console.log(
      JSON.stringify({
        out,
        mode: "block",
        steps: trace.roots.length - 1,
        txs: b.req.txs.length,
        preRoot: toHex(trace.roots[0]),
        postRoot: toHex(trace.roots[trace.roots.length - 1]),
        stateRoot: got.stateRoot,
        gasUsed: got.gasUsed,
        receiptsRoot: got.receiptsRoot,
        blockHash: got.blockHash,
        outputRoot: toHex(trace.outputRoot),
        engineAgrees: agrees,
        ms,
      }),
    );
    if (!agrees) {
      console.error(
        `block ${number}: engine block differs: ${differs.map((k) => `${k} engine ${want[k]} machine ${got[k]}`).join("; ")}`,
      );
    }
    return agrees;
  } catch (e) {
    if (e instanceof UnsupportedStepError) {
      console.error(`prove: the machine refuses block ${number}: ${e.message}`);
      return false;
    }
    throw e;
  }
}

/** Lazy mode for one block: the roots at `indices` only, printed as JSON. */
async function blockLazy(url: string, number: bigint, indices: number[]): Promise<void> {
  const b = await fetchBlock(url, number);
  const t0 = performance.now();
  const roots = await blockRootsAtAsync(b.req, indices, b.fetch, { kzg: oreKzg });
  const ms = Math.round(performance.now() - t0);
  console.log(JSON.stringify({ roots: Object.fromEntries([...roots].map(([i, r]) => [i, toHex(r)])), ms }));
}

/** `--block <n>` or `--block <a>..<b>` (inclusive, a ≤ b). */
function blockRange(v: string): [bigint, bigint] {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(v);
  if (m === null) usage(`--block: expected <n> or <a>..<b>, found ${v}`);
  const a = BigInt(m[1]);
  const b = m[2] === undefined ? a : BigInt(m[2]);
  if (b < a) usage(`--block: empty range ${v}`);
  return [a, b];
}

/** `--lazy i,j,..`: step indices. */
function lazyIndices(v: string): number[] {
  const idx = v.split(",").map((s) => Number(s));
  if (idx.some((n) => !Number.isInteger(n) || n < 0)) usage("--lazy: expected step indices i,j,..");
  return idx;
}

function usage(msg: string): never {
  console.error(
    `${msg}\nusage: prove (--code <hex> [--calldata <hex>] [--gas N] | --engine <url> --block <n> [--tx <i>] ` +
      "| --engine <url> --block <a>..<b>) (--out <file or dir> | --lazy i,j,..) [--no-witness]",
  );
  process.exit(2);
}

const opts: Record<string, string | true> = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (!a.startsWith("--")) usage(`unexpected argument ${a}`);
  const key = a.slice(2);
  if (key === "no-witness") opts[key] = true;
  else {
    const v = argv[++i];
    if (v === undefined) usage(`${a}: missing value`);
    opts[key] = v;
  }
}
const str = (k: string): string | undefined =>
  typeof opts[k] === "string" ? (opts[k] as string) : undefined;
const known = new Set(["code", "calldata", "gas", "engine", "block", "tx", "out", "lazy", "no-witness"]);
for (const k of Object.keys(opts)) if (!known.has(k)) usage(`unknown option --${k}`);

let req: FrameRequest;
let request: Record<string, unknown>;
let check: ((status: number, gasLeft: bigint, refund: bigint) => string | undefined) | undefined;
let fetch: AsyncPreimageSource | undefined;
try {
  if (str("engine") !== undefined) {
    if (str("block") === undefined) usage("--engine needs --block");
    if (str("tx") === undefined) {
      const url = str("engine")!;
      const [a, b] = blockRange(str("block")!);
      const lazy = str("lazy");
      if (lazy !== undefined) {
        if (a !== b) usage("--lazy takes one block, not a range");
        await blockLazy(url, a, lazyIndices(lazy));
        process.exit(0);
      }
      const out = str("out");
      if (out === undefined) usage(a === b ? "missing --out <file>" : "missing --out <dir>");
      if (a !== b) mkdirSync(out, { recursive: true });
      let ok = true;
      for (let n = a; n <= b; n++) {
        // A range writes <dir>/<n>.proof, one file per block; every block is proved even after a
        // failure, and the exit code is 1 when any block failed.
        if (!(await proveBlock(url, n, a === b ? out : join(out, `${n}.proof`)))) ok = false;
      }
      process.exit(ok ? 0 : 1);
    }
    const number = BigInt(str("block")!);
    const index = Number(str("tx"));
    const f = await engineFrame(str("engine")!, number, index);
    req = f.req;
    fetch = f.fetch;
    request = { engine: str("engine"), block: number.toString(), tx: index, txHash: f.txHash };
    check = (status, gasLeft, refund) => {
      // gasUsed = intrinsic + spent − min(refund, (intrinsic + spent) / 5) (EIP-3529); a
      // reverted or failed frame's refund is void.
      const spent = f.intrinsic + (req.gas - gasLeft);
      const r = status === 1 ? refund : 0n;
      const used = spent - (r < spent / 5n ? r : spent / 5n);
      const wantStatus = Number(BigInt(f.receipt.status as string));
      const wantUsed = BigInt(f.receipt.gasUsed as string);
      const okStatus = (status === 1) === (wantStatus === 1);
      return okStatus && used === wantUsed
        ? undefined
        : `engine receipt differs: status ${wantStatus} gasUsed ${wantUsed}, machine status ${status} gasUsed ${used}`;
    };
  } else if (str("code") !== undefined) {
    req = {
      code: fromHex(str("code")!),
      calldata: str("calldata") ? fromHex(str("calldata")!) : undefined,
      gas: BigInt(str("gas") ?? "1000000"),
    };
    request = {
      codeHash: toHex(keccak256(req.code)),
      calldataLength: req.calldata?.length ?? 0,
      gas: req.gas.toString(),
    };
  } else usage("give --code or --engine");
} catch (e) {
  console.error(`prove: ${(e as Error).message}`);
  process.exit(2);
}

try {
  const lazy = str("lazy");
  if (lazy !== undefined) {
    const idx = lazyIndices(lazy);
    const t0 = performance.now();
    const machine = { kzg: oreKzg };
    const roots = fetch
      ? await frameRootsAtAsync(req, idx, fetch, { machine })
      : frameRootsAt(req, idx, { machine });
    const ms = Math.round(performance.now() - t0);
    console.log(JSON.stringify({ roots: Object.fromEntries([...roots].map(([i, r]) => [i, toHex(r)])), ms }));
    process.exit(0);
  }
  const out = str("out");
  if (out === undefined) usage("missing --out <file> (or --lazy)");
  const t0 = performance.now();
  const genOpts = { witnesses: opts["no-witness"] !== true, machine: { kzg: oreKzg } };
  const trace = fetch ? await generateFrameAsync(req, fetch, genOpts) : generateFrame(req, genOpts);
  const ms = Math.round(performance.now() - t0);
  writeFileSync(out, encodeProof({ mode: "frame", request, ...trace }));
  const mismatch = check?.(trace.result.status, trace.result.gasLeft, trace.result.refund);
  console.log(
    JSON.stringify({
      out,
      steps: trace.roots.length - 1,
      preRoot: toHex(trace.roots[0]),
      postRoot: toHex(trace.roots[trace.roots.length - 1]),
      status: trace.result.status,
      gasLeft: trace.result.gasLeft.toString(),
      engineAgrees: check ? mismatch === undefined : undefined,
      ms,
    }),
  );
  if (mismatch) {
    console.error(mismatch);
    process.exit(1);
  }
} catch (e) {
  if (e instanceof UnsupportedStepError) {
    console.error(`prove: the machine refuses this trace: ${e.message}`);
    process.exit(1);
  }
  if (e instanceof ProofError) {
    console.error(`prove: ${e.message}`);
    process.exit(2);
  }
  throw e;
}
