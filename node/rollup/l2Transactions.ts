/**
 * Raw (EIP-2718) bytes of L2 transactions read back from the engine's JSON-RPC, which serves
 * transactions as JSON only. Deposits are re-encoded with Ore's deposit codec, user
 * transactions with viem's serializer; every result is checked against the transaction hash
 * the engine reported (keccak256 of the raw envelope for every type), so a re-encoding that
 * differs by a single byte is refused instead of being batched.
 */
import { type Hex, keccak256, serializeTransaction, type TransactionSerializable } from "viem";
import { fromHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { EngineError } from "./errors.ts";

/** A transaction as the engine's `eth_getBlockBy*` returns it with full transactions. */
export interface RpcTransactionJson {
  hash: Hex;
  type: Hex;
  from: Hex;
  to: Hex | null;
  nonce?: Hex;
  value: Hex;
  input: Hex;
  gas: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
  chainId?: Hex;
  accessList?: { address: Hex; storageKeys: Hex[] }[];
  authorizationList?: unknown[];
  v?: Hex;
  r?: Hex;
  s?: Hex;
  yParity?: Hex;
  sourceHash?: Hex;
  mint?: Hex;
  isSystemTx?: boolean;
}

/** The raw envelope of `tx`; throws {@link EngineError} if it does not hash to `tx.hash`. */
export function rawTransaction(tx: RpcTransactionJson): Uint8Array {
  const type = Number(tx.type);
  let raw: Hex;
  if (type === 0x7e) {
    raw = `0x${Buffer.from(
      encodeDeposit({
        sourceHash: fromHex(tx.sourceHash!),
        from: fromHex(tx.from),
        to: tx.to ? fromHex(tx.to) : undefined,
        mint: BigInt(tx.mint ?? "0x0"),
        value: BigInt(tx.value),
        gas: BigInt(tx.gas),
        isSystemTx: tx.isSystemTx === true,
        data: fromHex(tx.input),
      }),
    ).toString("hex")}`;
  } else {
    raw = serializeTransaction(serializable(tx, type), {
      r: pad32(tx.r!),
      s: pad32(tx.s!),
      ...(type === 0 ? { v: BigInt(tx.v!) } : { yParity: Number(tx.yParity ?? tx.v) }),
    });
  }
  if (keccak256(raw) !== tx.hash.toLowerCase()) {
    throw new EngineError(`transaction ${tx.hash}: re-encoding does not match its hash (type ${type})`);
  }
  return fromHex(raw);
}

function serializable(tx: RpcTransactionJson, type: number): TransactionSerializable {
  const common = {
    to: tx.to ?? undefined,
    nonce: Number(tx.nonce ?? "0x0"),
    value: BigInt(tx.value),
    data: tx.input,
    gas: BigInt(tx.gas),
  };
  switch (type) {
    case 0: {
      const v = BigInt(tx.v!);
      const chainId = v >= 35n ? Number((v - 35n) / 2n) : undefined;
      return { ...common, type: "legacy", gasPrice: BigInt(tx.gasPrice!), chainId };
    }
    case 1:
      return {
        ...common,
        type: "eip2930",
        chainId: Number(tx.chainId),
        gasPrice: BigInt(tx.gasPrice!),
        accessList: tx.accessList ?? [],
      };
    case 2:
      return {
        ...common,
        type: "eip1559",
        chainId: Number(tx.chainId),
        maxFeePerGas: BigInt(tx.maxFeePerGas!),
        maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas!),
        accessList: tx.accessList ?? [],
      };
    default:
      throw new EngineError(`transaction ${tx.hash}: type ${type} cannot be re-encoded`);
  }
}

function pad32(h: Hex): Hex {
  return `0x${h.slice(2).padStart(64, "0")}`;
}
