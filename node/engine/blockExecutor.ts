/**
 * Builds or re-executes one L2 block on top of its parent: deposits first (the L1 attributes
 * deposit, then user deposits, as the attributes list them), then the attributes' other
 * transactions, then, when building, transactions from the pool. Non-deposit transactions
 * pay the Ecotone L1 data fee (to the L1FeeVault) before running; their base fee goes to the
 * BaseFeeVault and their priority fee to the block's coinbase (the SequencerFeeVault by OP's
 * convention). Blob transactions (type 3) and deposits outside the attributes are refused.
 *
 * Spec: https://specs.optimism.io/protocol/exec-engine.html
 */
import { createBlock } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { Account, Address } from "@ethereumjs/util";
import { runTx, type VM } from "@ethereumjs/vm";
import { toHex } from "../../core/bytes.ts";
import { nextBaseFee } from "../../core/engine/baseFee.ts";
import { decodeDeposit, isDepositEnvelope } from "../../core/engine/depositTx.ts";
import { InvalidBlockError, InvalidTransactionError } from "../../core/engine/errors.ts";
import {
  type BlockHeader,
  EMPTY_OMMERS_HASH,
  EMPTY_TRIE_ROOT,
  headerHash,
} from "../../core/engine/header.ts";
import { calldataGas, type L1FeeParams, l1FeeForGas } from "../../core/engine/l1Fee.ts";
import { BEACON_ROOTS, FEE_VAULTS, PREDEPLOYS } from "../../core/engine/predeploys.ts";
import { encodeReceipt, type Log, logsBloom, orBlooms } from "../../core/engine/receipt.ts";
import { bytesToUint } from "../../core/engine/words.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { trieRoot } from "../../core/mpt/trieRoot.ts";
import { rlpEncode, uintToBytes } from "../../core/rlp.ts";
import { runDeposit } from "./depositRunner.ts";
import type { OreStateManager } from "./stateManager.ts";

/** What the block commits to beyond its transactions (Engine API payload attributes). */
export interface BlockEnv {
  timestamp: bigint;
  prevRandao: Uint8Array;
  feeRecipient: Uint8Array;
  gasLimit: bigint;
  parentBeaconBlockRoot: Uint8Array;
  extraData: Uint8Array;
}

/** Per-transaction results kept with a block and served by the RPC. */
export interface TxResult {
  hash: string;
  type: number;
  from: string;
  to: string | null;
  nonce: string;
  status: 0 | 1;
  gasUsed: string;
  cumulativeGasUsed: string;
  effectiveGasPrice: string;
  logs: { address: string; topics: string[]; data: string }[];
  logsBloom: string;
  contractAddress: string | null;
  depositNonce?: string;
  depositReceiptVersion?: string;
  l1Fee?: string;
  l1GasUsed?: string;
  l1GasPrice?: string;
  l1BlobBaseFee?: string;
  l1BaseFeeScalar?: string;
  l1BlobBaseFeeScalar?: string;
}

/** A block produced by {@link executeBlock}. */
export interface ExecutedBlock {
  header: BlockHeader;
  hash: Uint8Array;
  transactions: Uint8Array[];
  results: TxResult[];
  /** Pool transactions that could not be included, with the reason. */
  rejected: { raw: Uint8Array; reason: string }[];
}

/** Everything {@link executeBlock} needs. */
export interface ExecutionContext {
  vm: VM;
  stateManager: OreStateManager;
  common: Common;
}

/**
 * Executes a block on `parent`. `forced` transactions (the attributes', or a payload's) must
 * all be valid or the block is invalid (`InvalidBlockError`); `pool` transactions that fail
 * are skipped and reported in `rejected`.
 */
export async function executeBlock(
  ctx: ExecutionContext,
  parent: { header: BlockHeader; hash: Uint8Array },
  env: BlockEnv,
  forced: readonly Uint8Array[],
  pool: Iterable<Uint8Array> = [],
): Promise<ExecutedBlock> {
  const { vm, stateManager: sm, common } = ctx;
  if (env.timestamp <= parent.header.timestamp) {
    throw new InvalidBlockError(`timestamp ${env.timestamp} must exceed parent's ${parent.header.timestamp}`);
  }
  await sm.setStateRoot(parent.header.stateRoot);
  const baseFee = nextBaseFee(parent.header);
  const number = parent.header.number + 1n;
  const block = createBlock(
    {
      header: {
        parentHash: parent.hash,
        number,
        timestamp: env.timestamp,
        gasLimit: env.gasLimit,
        coinbase: env.feeRecipient,
        baseFeePerGas: baseFee,
        mixHash: env.prevRandao,
        parentBeaconBlockRoot: env.parentBeaconBlockRoot,
        blobGasUsed: 0n,
        excessBlobGas: 0n,
        difficulty: 0n,
      },
    },
    { common, skipConsensusFormatValidation: true },
  );

  await storeBeaconRoot(sm, env.timestamp, env.parentBeaconBlockRoot);

  const txs: Uint8Array[] = [];
  const results: TxResult[] = [];
  const receipts: Uint8Array[] = [];
  const blooms: Uint8Array[] = [];
  const rejected: { raw: Uint8Array; reason: string }[] = [];
  let cumulative = 0n;
  let l1Params: L1FeeParams | undefined;
  let seenNonDeposit = false;

  const push = (raw: Uint8Array, r: TxResult, receipt: Uint8Array, bloom: Uint8Array) => {
    txs.push(raw);
    results.push(r);
    receipts.push(receipt);
    blooms.push(bloom);
  };

  for (const raw of forced) {
    if (isDepositEnvelope(raw)) {
      if (seenNonDeposit) throw new InvalidBlockError("deposits must precede all other transactions");
      const dep = decodeDeposit(raw);
      if (cumulative + dep.gas > env.gasLimit) {
        throw new InvalidBlockError(
          `deposit gas ${dep.gas} exceeds the block's remaining ${env.gasLimit - cumulative}`,
        );
      }
      const out = await runDeposit(vm, block, dep);
      cumulative += out.gasUsed;
      const bloom = logsBloom(out.logs);
      const receipt = {
        type: 0x7e,
        status: out.status,
        cumulativeGasUsed: cumulative,
        logs: out.logs,
        logsBloom: bloom,
        depositNonce: out.depositNonce,
        depositReceiptVersion: 1n,
      };
      push(
        raw,
        {
          hash: toHex(keccak256(raw)),
          type: 0x7e,
          from: toHex(dep.from),
          to: dep.to ? toHex(dep.to) : null,
          nonce: hexq(out.depositNonce),
          status: out.status,
          gasUsed: hexq(out.gasUsed),
          cumulativeGasUsed: hexq(cumulative),
          effectiveGasPrice: "0x0",
          logs: logsJson(out.logs),
          logsBloom: toHex(bloom),
          contractAddress: out.contractAddress ? toHex(out.contractAddress) : null,
          depositNonce: hexq(out.depositNonce),
          depositReceiptVersion: "0x1",
        },
        encodeReceipt(receipt),
        bloom,
      );
      continue;
    }
    seenNonDeposit = true;
    l1Params ??= await readL1FeeParams(sm);
    const r = await runUserTx(ctx, block, raw, cumulative, l1Params);
    if ("reason" in r) throw new InvalidBlockError(`transaction ${toHex(keccak256(raw))}: ${r.reason}`);
    cumulative = BigInt(r.result.cumulativeGasUsed);
    push(raw, r.result, r.receipt, r.bloom);
  }
  for (const raw of pool) {
    if (env.gasLimit - cumulative < 21_000n) break;
    l1Params ??= await readL1FeeParams(sm);
    const r = await runUserTx(ctx, block, raw, cumulative, l1Params);
    if ("reason" in r) {
      rejected.push({ raw, reason: r.reason });
      continue;
    }
    cumulative = BigInt(r.result.cumulativeGasUsed);
    push(raw, r.result, r.receipt, r.bloom);
  }

  const stateRoot = await sm.getStateRoot();
  const index = (i: number) => rlpEncode(uintToBytes(i));
  const header: BlockHeader = {
    parentHash: parent.hash,
    ommersHash: EMPTY_OMMERS_HASH,
    coinbase: env.feeRecipient,
    stateRoot,
    transactionsRoot: trieRoot(txs.map((t, i) => [index(i), t] as const)),
    receiptsRoot: trieRoot(receipts.map((t, i) => [index(i), t] as const)),
    logsBloom: orBlooms(blooms),
    difficulty: 0n,
    number,
    gasLimit: env.gasLimit,
    gasUsed: cumulative,
    timestamp: env.timestamp,
    extraData: env.extraData,
    mixHash: env.prevRandao,
    nonce: new Uint8Array(8),
    baseFeePerGas: baseFee,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: env.parentBeaconBlockRoot,
  };
  return { header, hash: headerHash(header), transactions: txs, results, rejected };
}

/** Decodes and checks a user transaction: typed or legacy, signed, not a blob or deposit. */
export function decodeUserTx(raw: Uint8Array, common: Common): TypedTransaction {
  if (isDepositEnvelope(raw)) throw new InvalidTransactionError("deposit transactions only enter through L1");
  if (raw[0] === 0x03)
    throw new InvalidTransactionError("blob transactions (type 3) are not supported on L2");
  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, { common });
  } catch (cause) {
    throw new InvalidTransactionError(`undecodable transaction: ${(cause as Error).message}`, { cause });
  }
  if (!tx.isSigned()) throw new InvalidTransactionError("transaction is not signed");
  try {
    tx.getSenderAddress();
  } catch (cause) {
    throw new InvalidTransactionError("invalid signature", { cause });
  }
  return tx;
}

async function runUserTx(
  ctx: ExecutionContext,
  block: ReturnType<typeof createBlock>,
  raw: Uint8Array,
  cumulative: bigint,
  l1: L1FeeParams,
): Promise<{ result: TxResult; receipt: Uint8Array; bloom: Uint8Array } | { reason: string }> {
  const { vm, stateManager: sm, common } = ctx;
  let tx: TypedTransaction;
  try {
    tx = decodeUserTx(raw, common);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  if (cumulative + tx.gasLimit > block.header.gasLimit) {
    return {
      reason: `gas limit ${tx.gasLimit} exceeds the block's remaining ${block.header.gasLimit - cumulative}`,
    };
  }
  const l1GasUsed = calldataGas(raw);
  const l1Fee = l1FeeForGas(l1GasUsed, l1);
  const sender = tx.getSenderAddress();
  await sm.checkpoint();
  try {
    const acc = (await sm.getAccount(sender)) ?? new Account();
    if (acc.balance < l1Fee)
      throw new Error(`insufficient funds for the L1 data fee ${l1Fee}: balance ${acc.balance}`);
    acc.balance -= l1Fee;
    await sm.putAccount(sender, acc);
    await credit(sm, FEE_VAULTS.l1Data, l1Fee);
    const res = await runTx(vm, { tx, block, skipHardForkValidation: true, blockGasUsed: cumulative });
    const baseFee = block.header.baseFeePerGas ?? 0n;
    await credit(sm, FEE_VAULTS.base, baseFee * res.totalGasSpent);
    await sm.commit();
    const logs: Log[] = (res.execResult.logs ?? []).map(([address, topics, data]) => ({
      address,
      topics,
      data,
    }));
    const status: 0 | 1 = res.execResult.exceptionError === undefined ? 1 : 0;
    const total = cumulative + res.totalGasSpent;
    const bloom = logsBloom(logs);
    const receipt = encodeReceipt({
      type: tx.type,
      status,
      cumulativeGasUsed: total,
      logs,
      logsBloom: bloom,
    });
    const gasPrice =
      "maxFeePerGas" in tx
        ? baseFee + tx.getEffectivePriorityFee(baseFee)
        : (tx as { gasPrice: bigint }).gasPrice;
    return {
      receipt,
      bloom,
      result: {
        hash: toHex(keccak256(raw)),
        type: tx.type,
        from: sender.toString(),
        to: tx.to ? tx.to.toString() : null,
        nonce: hexq(tx.nonce),
        status,
        gasUsed: hexq(res.totalGasSpent),
        cumulativeGasUsed: hexq(total),
        effectiveGasPrice: hexq(gasPrice),
        logs: logsJson(logs),
        logsBloom: toHex(bloom),
        contractAddress: res.createdAddress ? res.createdAddress.toString() : null,
        l1Fee: hexq(l1Fee),
        l1GasUsed: hexq(l1GasUsed),
        l1GasPrice: hexq(l1.l1BaseFee),
        l1BlobBaseFee: hexq(l1.l1BlobBaseFee),
        l1BaseFeeScalar: hexq(BigInt(l1.baseFeeScalar)),
        l1BlobBaseFeeScalar: hexq(BigInt(l1.blobBaseFeeScalar)),
      },
    };
  } catch (e) {
    await sm.revert();
    return { reason: (e as Error).message };
  }
}

/**
 * EIP-4788's pre-block system call, as its effect: the beacon roots contract's ring buffer gets
 * `timestamp` at `timestamp % 8191` and the root at `timestamp % 8191 + 8191`. Like the system
 * call, it does nothing when the contract has no code. No gas is charged to the block.
 * Spec: https://eips.ethereum.org/EIPS/eip-4788#block-processing
 */
export async function storeBeaconRoot(
  sm: OreStateManager,
  timestamp: bigint,
  root: Uint8Array,
): Promise<void> {
  const address = new Address(BEACON_ROOTS.address);
  if ((await sm.getCodeSize(address)) === 0) return;
  const index = timestamp % BEACON_ROOTS.historyLength;
  await sm.putStorage(address, uintToBytes32(index), uintToBytes32(timestamp));
  await sm.putStorage(address, uintToBytes32(index + BEACON_ROOTS.historyLength), root);
}

function uintToBytes32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** Reads the Ecotone fee parameters from L1Block storage, as op-geth does (slots 1, 3, 7). */
export async function readL1FeeParams(sm: OreStateManager): Promise<L1FeeParams> {
  const l1Block = new Address(PREDEPLOYS.L1Block);
  const slot = (n: number) => {
    const s = new Uint8Array(32);
    s[31] = n;
    return s;
  };
  const read = async (n: number) => bytesToUint(await sm.getStorage(l1Block, slot(n)));
  const packed = await read(3);
  return {
    l1BaseFee: await read(1),
    l1BlobBaseFee: await read(7),
    blobBaseFeeScalar: (packed >> 64n) & 0xffffffffn,
    baseFeeScalar: (packed >> 96n) & 0xffffffffn,
  };
}

async function credit(sm: OreStateManager, to: Uint8Array, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  const address = new Address(to);
  const acc = (await sm.getAccount(address)) ?? new Account();
  acc.balance += amount;
  await sm.putAccount(address, acc);
}

function logsJson(logs: Log[]): TxResult["logs"] {
  return logs.map((l) => ({ address: toHex(l.address), topics: l.topics.map(toHex), data: toHex(l.data) }));
}

/** Quantity hex (`0x0`, `0x1a`). */
export function hexq(v: bigint): string {
  return `0x${v.toString(16)}`;
}
