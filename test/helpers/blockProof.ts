/**
 * Block-mode proofs of a live devnet's L2 blocks for the end-to-end proof tests: a block is
 * fetched from a node's engine (`node/prove/engineBlock.ts`), run by the step machine
 * (`core/proof/txs.ts`) and must end where the engine's block and the rollup node's output root
 * say it does. Also the init code the tests deploy their small contracts with.
 */
import { expect } from "bun:test";
import type { Hex } from "viem";
import { toHex } from "../../core/bytes.ts";
import { generateBlockAsync, type TxsTrace } from "../../core/proof/txs.ts";
import type { Devnet } from "../../node/devnet/devnet.ts";
import { engineBlock } from "../../node/prove/engineBlock.ts";
import { rpc } from "./devnet.ts";

/** What a block commits to, as plain comparable values. */
export interface BlockCommitments {
  hash: Hex;
  stateRoot: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  gasUsed: bigint;
  outputRoot: Hex;
  txs: number;
}

/** The block a block-mode trace ends at. */
export function traceCommitments(trace: TxsTrace): BlockCommitments {
  return {
    hash: toHex(trace.blockHash),
    stateRoot: toHex(trace.worldRoot),
    receiptsRoot: toHex(trace.receiptsRoot),
    logsBloom: toHex(trace.logsBloom),
    gasUsed: trace.blockGasUsed,
    outputRoot: toHex(trace.outputRoot),
    txs: trace.outcomes.length,
  };
}

/** The engine's block (`eth_getBlockByNumber` with full transactions) and its output root. */
export function engineCommitments(block: Record<string, unknown>, outputRoot: Hex): BlockCommitments {
  return {
    hash: block.hash as Hex,
    stateRoot: block.stateRoot as Hex,
    receiptsRoot: block.receiptsRoot as Hex,
    logsBloom: block.logsBloom as Hex,
    gasUsed: BigInt(block.gasUsed as string),
    outputRoot,
    txs: (block.transactions as unknown[]).length,
  };
}

/** A proved block: the machine's trace and the engine's block. */
export interface ProvedBlock {
  trace: TxsTrace;
  block: Record<string, unknown>;
}

/**
 * Proves L2 block `n` of `d` in block mode from the engine of `o.node` (default the sequencer)
 * and expects the trace to end at that engine's block and at that rollup node's output root.
 * `o.txs` replaces the block's transactions (the engine's block is still where it must end: a
 * batch the engine refused restarts with its deposits only); `o.verify` (default true)
 * re-verifies every step from its witness.
 */
export async function proveDevnetBlock(
  d: Devnet,
  n: number | bigint,
  o: { node?: "sequencer" | "verifier"; txs?: Uint8Array[]; verify?: boolean } = {},
): Promise<ProvedBlock> {
  const urls =
    o.node === "verifier"
      ? d.info.verifier
      : { l2RpcUrl: d.info.l2.rpcUrl, rollupRpcUrl: d.info.rollupRpcUrl };
  const b = await engineBlock(urls.l2RpcUrl, BigInt(n));
  const req = o.txs ? { ...b.req, txs: o.txs } : b.req;
  const [trace, out] = await Promise.all([
    generateBlockAsync(req, b.fetch, { verify: o.verify ?? true }),
    rpc<{ outputRoot: Hex }>(urls.rollupRpcUrl, "optimism_outputAtBlock", [`0x${n.toString(16)}`]),
  ]);
  expect({ n, ...traceCommitments(trace) }).toEqual({ n, ...engineCommitments(b.block, out.outputRoot) });
  return { trace, block: b.block };
}

/** Init code that deploys `runtime` (hex, no 0x). */
export function deployer(runtime: string): Hex {
  const n = runtime.length / 2;
  const len = n.toString(16).padStart(4, "0");
  // PUSH2 len, PUSH1 0x0e, PUSH1 0, CODECOPY, PUSH2 len, PUSH1 0, RETURN, then the runtime.
  return `0x61${len}600e60003961${len}6000f3${runtime}`;
}
