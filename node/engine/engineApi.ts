/**
 * The Engine API methods the rollup node drives the engine with. Ore is Cancun (OP Ecotone)
 * from genesis, so the V3 methods carry every block; the V2 methods answer -38005 (unsupported
 * fork) for any payload, as the Cancun spec requires, except `engine_forkchoiceUpdatedV2`
 * without attributes. Payload attributes carry OP's `transactions`, `noTxPool` and `gasLimit`.
 *
 * Specs: https://github.com/ethereum/execution-apis/blob/main/src/engine/cancun.md,
 * https://github.com/ethereum/execution-apis/blob/main/src/engine/shanghai.md,
 * https://specs.optimism.io/protocol/exec-engine.html#extended-payloadattributesv3
 */
import { bytesEqual, fromHex, toHex } from "../../core/bytes.ts";
import { nextBaseFee } from "../../core/engine/baseFee.ts";
import { isDepositEnvelope } from "../../core/engine/depositTx.ts";
import { InvalidBlockError } from "../../core/engine/errors.ts";
import {
  type BlockHeader,
  EMPTY_OMMERS_HASH,
  EMPTY_TRIE_ROOT,
  headerHash,
} from "../../core/engine/header.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { trieRoot } from "../../core/mpt/trieRoot.ts";
import { rlpEncode, uintToBytes } from "../../core/rlp.ts";
import type { ExecutedBlock } from "./blockExecutor.ts";
import type { Chain, ChainBlock } from "./chain.ts";
import type { Handler } from "./jsonRpc.ts";
import { addr, bytes32, data, obj, qty, quantity } from "./params.ts";
import { RPC_ERRORS, RpcError } from "./rpcErrors.ts";
import type { TxPool } from "./txPool.ts";

/** Payload statuses. */
type Status = "VALID" | "INVALID" | "SYNCING" | "ACCEPTED";

interface PayloadStatus {
  status: Status;
  latestValidHash: string | null;
  validationError: string | null;
}

/** Engine API methods over `chain`, pulling pool transactions from `pool`. */
export function engineMethods(chain: Chain, pool: TxPool): Record<string, Handler> {
  const payloads = new Map<string, { block: ExecutedBlock }>();

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/cancun.md#engine_forkchoiceupdatedv3 */
  async function forkchoiceUpdatedV3(params: unknown[]) {
    return forkchoiceUpdated(params, 3);
  }

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/shanghai.md#engine_forkchoiceupdatedv2 */
  async function forkchoiceUpdatedV2(params: unknown[]) {
    if (params[1] !== undefined && params[1] !== null) {
      throw new RpcError(
        RPC_ERRORS.unsupportedFork,
        "Unsupported fork: payload attributes need engine_forkchoiceUpdatedV3",
      );
    }
    return forkchoiceUpdated(params, 2);
  }

  async function forkchoiceUpdated(params: unknown[], _version: 2 | 3) {
    const state = obj(params[0], "forkchoiceState");
    const head = bytes32(state.headBlockHash, "headBlockHash");
    const safe = bytes32(state.safeBlockHash, "safeBlockHash");
    const finalized = bytes32(state.finalizedBlockHash, "finalizedBlockHash");
    const headBlock = chain.block(head);
    if (!headBlock) return { payloadStatus: status("SYNCING", null), payloadId: null };
    const zero = new Uint8Array(32);
    const check = (h: Uint8Array, name: string) => {
      if (bytesEqual(h, zero)) return undefined;
      const b = chain.block(h);
      if (!b || !isAncestor(chain, b, headBlock)) {
        throw new RpcError(
          RPC_ERRORS.invalidForkchoiceState,
          `Invalid forkchoice state: ${name} is not an ancestor of head`,
        );
      }
      return h;
    };
    const safeHash = check(safe, "safe block");
    const finalizedHash = check(finalized, "finalized block");
    const dropped = chain.setForkchoice(head, safeHash, finalizedHash);
    await reinject(chain, pool, dropped);
    await pool.prune();
    const valid = status("VALID", toHex(head));
    if (params[1] === undefined || params[1] === null) return { payloadStatus: valid, payloadId: null };

    const a = obj(params[1], "payloadAttributes");
    const timestamp = quantity(a.timestamp, "timestamp");
    if (timestamp <= headBlock.header.timestamp) {
      throw new RpcError(
        RPC_ERRORS.invalidPayloadAttributes,
        "Invalid payload attributes: timestamp must exceed the head's",
      );
    }
    if (a.parentBeaconBlockRoot === undefined)
      throw new RpcError(RPC_ERRORS.invalidParams, "parentBeaconBlockRoot missing");
    if (Array.isArray(a.withdrawals) && a.withdrawals.length > 0) {
      throw new RpcError(
        RPC_ERRORS.invalidPayloadAttributes,
        "Invalid payload attributes: withdrawals must be empty",
      );
    }
    const txs = a.transactions === undefined || a.transactions === null ? [] : a.transactions;
    if (!Array.isArray(txs)) throw new RpcError(RPC_ERRORS.invalidParams, "transactions must be an array");
    const forced = txs.map((t, i) => data(t, `transactions[${i}]`));
    const gasLimit =
      a.gasLimit === undefined || a.gasLimit === null
        ? headBlock.header.gasLimit
        : quantity(a.gasLimit, "gasLimit");
    const env = {
      timestamp,
      prevRandao: bytes32(a.prevRandao, "prevRandao"),
      feeRecipient: addr(a.suggestedFeeRecipient, "suggestedFeeRecipient"),
      gasLimit,
      parentBeaconBlockRoot: bytes32(a.parentBeaconBlockRoot, "parentBeaconBlockRoot"),
      extraData: new Uint8Array(0),
    };
    const fromPool = a.noTxPool === true ? [] : await pool.pending(nextBaseFee(headBlock.header));
    let block: ExecutedBlock;
    try {
      block = await chain.build(head, env, forced, fromPool);
    } catch (e) {
      if (e instanceof InvalidBlockError || (e as Error).name?.startsWith("Invalid")) {
        throw new RpcError(
          RPC_ERRORS.invalidPayloadAttributes,
          `Invalid payload attributes: ${(e as Error).message}`,
        );
      }
      throw e;
    }
    // A nonce gap may close later; everything else the builder refused will never fit.
    for (const r of block.rejected) if (!r.reason.includes("nonce")) pool.drop(r.raw, r.reason);
    const id = toHex(keccak256(block.hash).subarray(0, 8));
    payloads.set(id, { block });
    if (payloads.size > 64) payloads.delete(payloads.keys().next().value!);
    return { payloadStatus: valid, payloadId: id };
  }

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/cancun.md#engine_getpayloadv3 */
  async function getPayloadV3(params: unknown[]) {
    const p = payloads.get(String(params[0]).toLowerCase());
    if (!p) throw new RpcError(RPC_ERRORS.unknownPayload, "Unknown payload");
    const b = p.block;
    let value = 0n;
    for (const r of b.results) {
      if (r.type !== 0x7e)
        value += BigInt(r.gasUsed) * (BigInt(r.effectiveGasPrice) - b.header.baseFeePerGas);
    }
    return {
      executionPayload: payloadJson(b),
      blockValue: `0x${value.toString(16)}`,
      blobsBundle: { commitments: [], proofs: [], blobs: [] },
      shouldOverrideBuilder: false,
      parentBeaconBlockRoot: toHex(b.header.parentBeaconBlockRoot),
    };
  }

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/shanghai.md#engine_getpayloadv2 */
  async function getPayloadV2(params: unknown[]) {
    if (!payloads.has(String(params[0]).toLowerCase()))
      throw new RpcError(RPC_ERRORS.unknownPayload, "Unknown payload");
    throw new RpcError(
      RPC_ERRORS.unsupportedFork,
      "Unsupported fork: Cancun payloads need engine_getPayloadV3",
    );
  }

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/cancun.md#engine_newpayloadv3 */
  async function newPayloadV3(params: unknown[]): Promise<PayloadStatus> {
    if (params.length < 3)
      throw new RpcError(
        RPC_ERRORS.invalidParams,
        "newPayloadV3 takes payload, versioned hashes, beacon root",
      );
    const p = obj(params[0], "executionPayload");
    if (!Array.isArray(params[1]))
      throw new RpcError(RPC_ERRORS.invalidParams, "expectedBlobVersionedHashes must be an array");
    const beaconRoot = bytes32(params[2], "parentBeaconBlockRoot");
    if (p.blobGasUsed === undefined || p.excessBlobGas === undefined) {
      throw new RpcError(RPC_ERRORS.invalidParams, "blobGasUsed and excessBlobGas are required in V3");
    }
    const txs = Array.isArray(p.transactions)
      ? p.transactions.map((t, i) => data(t, `transactions[${i}]`))
      : null;
    if (!txs) throw new RpcError(RPC_ERRORS.invalidParams, "transactions must be an array");
    const header = payloadHeader(p, beaconRoot, txs);
    const blockHash = bytes32(p.blockHash, "blockHash");
    if (header.logsBloom.length !== 256) return status("INVALID", null, "logsBloom must be 256 bytes");
    if (header.extraData.length > 32) return status("INVALID", null, "extraData exceeds 32 bytes");
    if (params[1].length > 0)
      return status("INVALID", null, "blob transactions are not supported: versioned hashes must be empty");
    if (header.blobGasUsed !== 0n) return status("INVALID", null, "blobGasUsed must be 0");
    if (Array.isArray(p.withdrawals) && p.withdrawals.length > 0)
      return status("INVALID", null, "withdrawals must be empty");
    // The hash must commit to the fields as sent (transactions root computed from the list);
    // the spec answers a mismatch with INVALID and no latest valid hash.
    const computed = headerHash(header);
    if (!bytesEqual(computed, blockHash)) {
      return status(
        "INVALID",
        null,
        `block hash mismatch: payload says ${toHex(blockHash)}, header hashes to ${toHex(computed)}`,
      );
    }
    const parent = chain.block(header.parentHash);
    if (!parent) return status("SYNCING", null);
    try {
      const out = await chain.import(header, txs);
      return status("VALID", toHex(out.hash));
    } catch (e) {
      if (e instanceof RpcError) throw e;
      return status("INVALID", toHex(parent.hash), (e as Error).message);
    }
  }

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/shanghai.md#engine_newpayloadv2 */
  async function newPayloadV2(): Promise<never> {
    throw new RpcError(
      RPC_ERRORS.unsupportedFork,
      "Unsupported fork: Cancun payloads need engine_newPayloadV3",
    );
  }

  const methods: Record<string, Handler> = {
    engine_forkchoiceUpdatedV2: forkchoiceUpdatedV2,
    engine_forkchoiceUpdatedV3: forkchoiceUpdatedV3,
    engine_getPayloadV2: getPayloadV2,
    engine_getPayloadV3: getPayloadV3,
    engine_newPayloadV2: newPayloadV2,
    engine_newPayloadV3: newPayloadV3,
  };
  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/common.md#capabilities */
  methods.engine_exchangeCapabilities = () => Object.keys(methods);
  return methods;
}

/**
 * The block header an `ExecutionPayloadV3` JSON object stands for (with its parent beacon block
 * root, and the transactions root computed from `txs`). Throws -32602 on malformed fields.
 */
export function payloadHeader(
  p: Record<string, unknown>,
  beaconRoot: Uint8Array,
  txs: Uint8Array[],
): BlockHeader {
  return {
    parentHash: bytes32(p.parentHash, "parentHash"),
    ommersHash: EMPTY_OMMERS_HASH,
    coinbase: addr(p.feeRecipient, "feeRecipient"),
    stateRoot: bytes32(p.stateRoot, "stateRoot"),
    transactionsRoot: computeTxRoot(txs),
    receiptsRoot: bytes32(p.receiptsRoot, "receiptsRoot"),
    logsBloom: data(p.logsBloom, "logsBloom"),
    difficulty: 0n,
    number: quantity(p.blockNumber, "blockNumber"),
    gasLimit: quantity(p.gasLimit, "gasLimit"),
    gasUsed: quantity(p.gasUsed, "gasUsed"),
    timestamp: quantity(p.timestamp, "timestamp"),
    extraData: data(p.extraData, "extraData"),
    mixHash: bytes32(p.prevRandao, "prevRandao"),
    nonce: new Uint8Array(8),
    baseFeePerGas: quantity(p.baseFeePerGas, "baseFeePerGas"),
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: quantity(p.blobGasUsed, "blobGasUsed"),
    excessBlobGas: quantity(p.excessBlobGas, "excessBlobGas"),
    parentBeaconBlockRoot: beaconRoot,
  };
}

/** An `ExecutionPayloadV3` JSON object of a block. */
export function payloadJson(b: Pick<ChainBlock, "header" | "hash" | "transactions">) {
  const h = b.header;
  return {
    parentHash: toHex(h.parentHash),
    feeRecipient: toHex(h.coinbase),
    stateRoot: toHex(h.stateRoot),
    receiptsRoot: toHex(h.receiptsRoot),
    logsBloom: toHex(h.logsBloom),
    prevRandao: toHex(h.mixHash),
    blockNumber: qty(h.number),
    gasLimit: qty(h.gasLimit),
    gasUsed: qty(h.gasUsed),
    timestamp: qty(h.timestamp),
    extraData: toHex(h.extraData),
    baseFeePerGas: qty(h.baseFeePerGas),
    blockHash: toHex(b.hash),
    transactions: b.transactions.map(toHex),
    withdrawals: [],
    blobGasUsed: qty(h.blobGasUsed),
    excessBlobGas: qty(h.excessBlobGas),
  };
}

function status(
  s: Status,
  latestValidHash: string | null,
  validationError: string | null = null,
): PayloadStatus {
  return { status: s, latestValidHash, validationError };
}

/**
 * Puts the user transactions of blocks a reorg took off the canonical chain back in the pool,
 * unless the new chain includes them; the pool's admission checks (nonce, balance, …) against
 * the new head refuse those no longer valid. Deposits are not pooled: derivation replays them.
 * As geth's `TxPool.reset` reinjects the difference of the old and new branches.
 */
async function reinject(chain: Chain, pool: TxPool, dropped: readonly ChainBlock[]): Promise<void> {
  for (const b of dropped) {
    for (const [i, raw] of b.transactions.entries()) {
      if (isDepositEnvelope(raw)) continue;
      const loc = chain.store.txLocation(fromHex(b.results[i]!.hash));
      if (loc && chain.isCanonical(loc.block)) continue;
      await pool.add(raw).catch(() => {});
    }
  }
}

function isAncestor(chain: Chain, a: ChainBlock, head: ChainBlock): boolean {
  let cur: ChainBlock | undefined = head;
  while (cur && cur.header.number > a.header.number) cur = chain.block(cur.header.parentHash);
  return cur !== undefined && bytesEqual(cur.hash, a.hash);
}

function computeTxRoot(txs: Uint8Array[]): Uint8Array {
  return trieRoot(txs.map((t, i) => [rlpEncode(uintToBytes(i)), t] as const));
}
