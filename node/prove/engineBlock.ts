/**
 * Builds a block-mode request (docs/fault-proof.md §8.1) for L2 block `number` from Ore's engine
 * over its user JSON-RPC: the header fields the block's inputs hold, the parent's state root, the
 * last 256 block hashes, and each transaction's EIP-2718 bytes (deposits are re-encoded from
 * their fields and checked against their hashes). Trie nodes and code of the parent state are
 * fetched lazily with `debug_dbGet`. The machine proves deposit-only blocks today; a block with
 * a user transaction is refused here, by name.
 */
import { fromHex, toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import type { AsyncPreimageSource } from "../../core/proof/generator.ts";
import type { BlockRequest } from "../../core/proof/txs.ts";
import { rpc } from "./engineFrame.ts";

type Json = Record<string, unknown>;
const big = (v: unknown): bigint => BigInt(v as string);

/** The block-mode request for block `number`, the block as the engine reports it, and a fetcher. */
export async function engineBlock(
  url: string,
  number: bigint,
): Promise<{ req: BlockRequest; block: Json; fetch: AsyncPreimageSource }> {
  if (number < 1n) throw new Error("block mode needs a parent: give a block number of at least 1");
  const [chainIdHex, block, parent] = (await rpc(url, [
    ["eth_chainId", []],
    ["eth_getBlockByNumber", [`0x${number.toString(16)}`, true]],
    ["eth_getBlockByNumber", [`0x${(number - 1n).toString(16)}`, false]],
  ])) as [string, Json | null, Json | null];
  if (block === null || parent === null) throw new Error(`block ${number} or its parent not found`);
  const txs: Uint8Array[] = [];
  for (const [i, tx] of (block.transactions as Json[]).entries()) {
    if (tx.type !== "0x7e") {
      throw new Error(
        `block ${number} transaction ${i} is of type ${tx.type}: block mode proves deposit-only blocks today`,
      );
    }
    const raw = encodeDeposit({
      sourceHash: fromHex(tx.sourceHash as string),
      from: fromHex(tx.from as string),
      to: tx.to ? fromHex(tx.to as string) : undefined,
      mint: big(tx.mint ?? "0x0"),
      value: big(tx.value),
      gas: big(tx.gas),
      isSystemTx: tx.isSystemTx === true,
      data: fromHex(tx.input as string),
    });
    if (toHex(keccak256(raw)) !== (tx.hash as string).toLowerCase()) {
      throw new Error(`block ${number} transaction ${i}: its re-encoding does not hash to ${tx.hash}`);
    }
    txs.push(raw);
  }
  const hashCalls: [string, unknown[]][] = [];
  for (let m = number > 256n ? number - 256n : 0n; m < number; m++) {
    hashCalls.push(["eth_getBlockByNumber", [`0x${m.toString(16)}`, false]]);
  }
  const blockHashes = new Map<bigint, Uint8Array>();
  for (let i = 0; i < hashCalls.length; i += 100) {
    const res = (await rpc(url, hashCalls.slice(i, i + 100))) as (Json | null)[];
    for (const b of res) if (b) blockHashes.set(big(b.number), fromHex(b.hash as string));
  }
  const fetch: AsyncPreimageSource = async (hash) => {
    const [v] = (await rpc(url, [["debug_dbGet", [toHex(hash)]]])) as [string];
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
