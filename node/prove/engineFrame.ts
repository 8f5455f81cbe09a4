/**
 * Builds a frame-mode request (docs/fault-proof.md §8.1) for the top-level frame of a
 * transaction of an L2 block, from Ore's engine over its user JSON-RPC: the block's header
 * fields, its last 256 block hashes, the transaction's sender, value, gas price, calldata, the
 * callee's code, and the world state of the parent block (its state root; trie nodes and code
 * are fetched lazily by hash with `debug_dbGet`), with the transaction's warm addresses and
 * slots (EIP-2929: sender, target, coinbase, precompiles, access list). Gas is the transaction's
 * gas minus its intrinsic gas. Frame mode proves that frame's execution only: the machine refuses
 * calls and logs by name, and the world is the parent block's, before the transaction's own
 * nonce, fee and value changes and before any earlier transaction of the same block, so a result
 * that depends on those differs from the engine's receipt (the CLI reports the mismatch).
 */
import { fromHex } from "../../core/bytes.ts";
import type { FrameRequest } from "../../core/proof/frameState.ts";
import type { AsyncPreimageSource } from "../../core/proof/generator.ts";

type Json = Record<string, unknown>;

/** A minimal JSON-RPC client (batches allowed). */
export async function rpc(url: string, calls: [string, unknown[]][]): Promise<unknown[]> {
  const body = calls.map(([method, params], id) => ({ jsonrpc: "2.0", id, method, params }));
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const out = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[];
  if (!Array.isArray(out)) throw new Error(`${url}: expected a batch response`);
  const byId = new Map(out.map((r) => [r.id, r]));
  return calls.map(([method], id) => {
    const r = byId.get(id);
    if (r === undefined) throw new Error(`${method}: no response`);
    if (r.error) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  });
}

const big = (v: unknown): bigint => BigInt(v as string);

/** Intrinsic gas at Cancun: base, calldata bytes, create and init-code words, access list. */
export function intrinsicGas(data: Uint8Array, isCreate: boolean, accessList: Json[] = []): bigint {
  let gas = isCreate ? 53_000n : 21_000n;
  for (const b of data) gas += b === 0 ? 4n : 16n;
  if (isCreate) gas += 2n * BigInt(Math.ceil(data.length / 32));
  for (const e of accessList) gas += 2400n + 1900n * BigInt(((e.storageKeys as unknown[]) ?? []).length);
  return gas;
}

/** The top frame of transaction `txIndex` of block `number`, and the receipt to compare with. */
export async function engineFrame(
  url: string,
  number: bigint,
  txIndex: number,
): Promise<{
  req: FrameRequest;
  receipt: Json;
  intrinsic: bigint;
  txHash: string;
  fetch: AsyncPreimageSource;
}> {
  const [chainIdHex, block] = (await rpc(url, [
    ["eth_chainId", []],
    ["eth_getBlockByNumber", [`0x${number.toString(16)}`, true]],
  ])) as [string, Json | null];
  if (block === null) throw new Error(`block ${number} not found`);
  const txs = block.transactions as Json[];
  const tx = txs[txIndex];
  if (tx === undefined)
    throw new Error(`block ${number} has ${txs.length} transactions, no index ${txIndex}`);
  const to = tx.to as string | null;
  const parent = `0x${(number - 1n).toString(16)}`;
  const hashCalls: [string, unknown[]][] = [];
  for (let m = number > 256n ? number - 256n : 0n; m < number; m++) {
    hashCalls.push(["eth_getBlockByNumber", [`0x${m.toString(16)}`, false]]);
  }
  const blockHashes = new Map<bigint, Uint8Array>();
  for (let i = 0; i < hashCalls.length; i += 100) {
    const res = (await rpc(url, hashCalls.slice(i, i + 100))) as (Json | null)[];
    for (const b of res) if (b) blockHashes.set(big(b.number), fromHex(b.hash as string));
  }
  const [code, receipt, parentBlock] = (await rpc(url, [
    ["eth_getCode", [to ?? "0x0000000000000000000000000000000000000000", parent]],
    ["eth_getTransactionReceipt", [tx.hash]],
    ["eth_getBlockByNumber", [parent, false]],
  ])) as [string, Json, Json | null];
  if (parentBlock === null) throw new Error(`parent block ${number - 1n} not found`);
  const fetch: AsyncPreimageSource = async (hash) => {
    const [v] = (await rpc(url, [["debug_dbGet", [`0x${Buffer.from(hash).toString("hex")}`]]])) as [string];
    return fromHex(v);
  };
  const input = fromHex(tx.input as string);
  const isCreate = to === null;
  const intrinsic = intrinsicGas(input, isCreate, (tx.accessList as Json[]) ?? []);
  const gas = big(tx.gas) - intrinsic;
  if (gas < 0n) throw new Error(`tx ${tx.hash}: gas ${big(tx.gas)} below intrinsic ${intrinsic}`);
  const isDeposit = tx.type === "0x7e";
  const precompiles = Array.from({ length: 10 }, (_, i) => {
    const a = new Uint8Array(20);
    a[19] = i + 1;
    return a;
  });
  const accessList = ((tx.accessList as Json[] | undefined) ?? []).map((e) => ({
    address: fromHex(e.address as string),
    keys: ((e.storageKeys as string[] | undefined) ?? []).map(fromHex),
  }));
  const req: FrameRequest = {
    code: isCreate ? input : fromHex(code),
    calldata: isCreate ? new Uint8Array(0) : input,
    gas,
    caller: fromHex(tx.from as string),
    origin: fromHex(tx.from as string),
    address: to === null ? new Uint8Array(20) : fromHex(to),
    value: big(tx.value),
    gasPrice: isDeposit ? 0n : big(receipt.effectiveGasPrice ?? tx.gasPrice),
    block: {
      number,
      timestamp: big(block.timestamp),
      coinbase: fromHex(block.miner as string),
      prevRandao: fromHex(block.mixHash as string),
      gasLimit: big(block.gasLimit),
      baseFee: big(block.baseFeePerGas ?? "0x0"),
      chainId: big(chainIdHex),
      // Ore refuses blob transactions, so excess blob gas stays 0 and the blob base fee is 1 wei.
      blobBaseFee: 1n,
      blockHashes,
    },
    world: { root: fromHex(parentBlock.stateRoot as string), preimages: () => undefined },
    warm: {
      addresses: [
        fromHex(tx.from as string),
        fromHex(block.miner as string),
        ...precompiles,
        ...accessList.map((e) => e.address),
      ],
      slots: accessList.flatMap((e) => e.keys.map((k) => [e.address, k] as const)),
    },
  };
  return { req, receipt, intrinsic, txHash: tx.hash as string, fetch };
}
