/**
 * Builds a block-mode request (docs/fault-proof.md §8.1) for L2 block `number` from Ore's engine
 * over its user JSON-RPC: the header fields the block's inputs hold, the parent's state root, the
 * last 256 block hashes, and each transaction's EIP-2718 bytes (re-encoded from their fields
 * and checked against their hashes). Trie nodes and code of the parent state are fetched lazily
 * with `debug_dbGet`.
 */
import { fromHex, toHex } from "../../core/bytes.ts";
import type { AsyncPreimageSource } from "../../core/proof/generator.ts";
import type { BlockRequest } from "../../core/proof/txs.ts";
import { type RpcTransactionJson, rawTransaction } from "../rollup/l2Transactions.ts";
import { rpc } from "./engineFrame.ts";

type Json = Record<string, unknown>;
const big = (v: unknown): bigint => BigInt(v as string);

/** A batch of JSON-RPC calls to the engine: each `[method, params]` to its result, in order. */
export type RpcBatch = (calls: [string, unknown[]][]) => Promise<unknown[]>;

/**
 * The block-mode request for block `number`, the block as the engine reports it, and a fetcher;
 * `engine` is the engine's JSON-RPC URL or a batch caller (an in-process engine's method table).
 */
export async function engineBlock(
  engine: string | RpcBatch,
  number: bigint,
): Promise<{ req: BlockRequest; block: Json; fetch: AsyncPreimageSource }> {
  const call: RpcBatch = typeof engine === "string" ? (calls) => rpc(engine, calls) : engine;
  if (number < 1n) throw new Error("block mode needs a parent: give a block number of at least 1");
  const [chainIdHex, block, parent] = (await call([
    ["eth_chainId", []],
    ["eth_getBlockByNumber", [`0x${number.toString(16)}`, true]],
    ["eth_getBlockByNumber", [`0x${(number - 1n).toString(16)}`, false]],
  ])) as [string, Json | null, Json | null];
  if (block === null || parent === null) throw new Error(`block ${number} or its parent not found`);
  const txs: Uint8Array[] = [];
  for (const [i, tx] of (block.transactions as RpcTransactionJson[]).entries()) {
    try {
      txs.push(rawTransaction(tx));
    } catch (e) {
      throw new Error(`block ${number} transaction ${i}: ${(e as Error).message}`);
    }
  }
  const hashCalls: [string, unknown[]][] = [];
  for (let m = number > 256n ? number - 256n : 0n; m < number; m++) {
    hashCalls.push(["eth_getBlockByNumber", [`0x${m.toString(16)}`, false]]);
  }
  const blockHashes = new Map<bigint, Uint8Array>();
  for (let i = 0; i < hashCalls.length; i += 100) {
    const res = (await call(hashCalls.slice(i, i + 100))) as (Json | null)[];
    for (const b of res) if (b) blockHashes.set(big(b.number), fromHex(b.hash as string));
  }
  const fetch: AsyncPreimageSource = async (hash) => {
    const [v] = (await call([["debug_dbGet", [toHex(hash)]]])) as [string];
    return fromHex(v);
  };
  const req: BlockRequest = {
    parentHash: fromHex(block.parentHash as string),
    number,
    timestamp: big(block.timestamp),
    prevRandao: fromHex(block.mixHash as string),
    feeRecipient: fromHex(block.miner as string),
    gasLimit: big(block.gasLimit),
    baseFee: big(block.baseFeePerGas ?? "0x0"),
    parentBeaconRoot: fromHex((block.parentBeaconBlockRoot as string | undefined) ?? `0x${"00".repeat(32)}`),
    parentStateRoot: fromHex(parent.stateRoot as string),
    txs,
    chainId: big(chainIdHex),
    // Ore refuses blob transactions, so excess blob gas stays 0 and the blob base fee is 1 wei.
    blobBaseFee: 1n,
    blockHashes,
    preimages: () => undefined,
  };
  return { req, block, fetch };
}
