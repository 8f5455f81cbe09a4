/**
 * Consensus encoding of receipts: `type ‖ rlp([status, cumulativeGasUsed, logsBloom, logs])`
 * for typed transactions (legacy ones without the type byte), and for deposits after Canyon
 * `0x7E ‖ rlp([status, cumulativeGasUsed, logsBloom, logs, depositNonce, depositReceiptVersion])`.
 * The receipts root is the trie of `rlp(index) → encoding`.
 *
 * Spec: https://specs.optimism.io/protocol/deposits.html#deposit-receipt
 */
import { concatBytes } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { type RlpInput, rlpEncode, uintToBytes } from "../rlp.ts";
import { DEPOSIT_TX_TYPE } from "./depositTx.ts";

/** One log: emitter, topics, data. */
export interface Log {
  address: Uint8Array;
  topics: Uint8Array[];
  data: Uint8Array;
}

/** The consensus part of a receipt. */
export interface Receipt {
  /** EIP-2718 type (0 legacy, 1, 2, 4, 0x7E). */
  type: number;
  status: 0 | 1;
  cumulativeGasUsed: bigint;
  logs: Log[];
  logsBloom: Uint8Array;
  /** Deposits only: the sender's nonce before the deposit. */
  depositNonce?: bigint;
  /** Deposits only: 1 after Canyon. */
  depositReceiptVersion?: bigint;
}

/** Receipt encoding that goes into the receipts trie. */
export function encodeReceipt(r: Receipt): Uint8Array {
  const fields: RlpInput[] = [
    r.status === 1 ? Uint8Array.of(1) : new Uint8Array(0),
    uintToBytes(r.cumulativeGasUsed),
    r.logsBloom,
    r.logs.map((l) => [l.address, l.topics, l.data]),
  ];
  if (r.type === DEPOSIT_TX_TYPE) {
    fields.push(uintToBytes(r.depositNonce ?? 0n));
    if (r.depositReceiptVersion !== undefined) fields.push(uintToBytes(r.depositReceiptVersion));
  }
  const body = rlpEncode(fields);
  return r.type === 0 ? body : concatBytes(Uint8Array.of(r.type), body);
}

/** The 2048-bit bloom of `logs` (each address and topic sets 3 bits of its keccak). */
export function logsBloom(logs: readonly Log[]): Uint8Array {
  const bloom = new Uint8Array(256);
  const add = (v: Uint8Array) => {
    const h = keccak256(v);
    for (let i = 0; i < 6; i += 2) {
      const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
      bloom[255 - (bit >> 3)] |= 1 << (bit & 7);
    }
  };
  for (const l of logs) {
    add(l.address);
    for (const t of l.topics) add(t);
  }
  return bloom;
}

/** OR of several blooms (a block's bloom is the OR of its receipts'). */
export function orBlooms(blooms: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(256);
  for (const b of blooms) for (let i = 0; i < 256; i++) out[i] |= b[i]!;
  return out;
}
