/**
 * The transactions of a span batch (OP Delta): how an EIP-2718 transaction is split into the
 * columns a span batch stores (signature, `to`, nonce, gas, the "tx data" of the other fields)
 * and rebuilt from them with the L2 chain id (op-node `derive/span_batch_tx.go`).
 *
 * ```text
 * tx data, legacy (type 0) = rlp([value, gas_price, data])
 * tx data, type 1          = 0x01 ++ rlp([value, gas_price, data, access_list])
 * tx data, type 2          = 0x02 ++ rlp([value, max_priority_fee_per_gas, max_fee_per_gas, data, access_list])
 * ```
 *
 * A legacy transaction is rebuilt with `v = 35 + 2·chain_id + y_parity` when protected
 * (EIP-155), else `v = 27 + y_parity`; a typed one carries the chain id and `y_parity`. Other
 * transaction types cannot be in a span batch before Isthmus. Decoding is strict (canonical RLP,
 * exactly these fields, 20-byte addresses and 32-byte storage keys), as go-ethereum's is.
 * Spec: https://specs.optimism.io/protocol/delta/span-batches.html#span-batch-format
 */
import { concatBytes } from "../bytes.ts";
import { bytesToUint, type RlpValue, rlpDecode, rlpEncode, uintToBytes } from "../rlp.ts";
import { DecodeError } from "./errors.ts";

/** One transaction as a span batch stores it. */
export interface SpanBatchTx {
  /** EIP-2718 type: 0 (legacy), 1 (EIP-2930) or 2 (EIP-1559). */
  type: number;
  nonce: bigint;
  gas: bigint;
  /** Recipient; null for a contract creation. */
  to: Uint8Array | null;
  yParity: number;
  /** Signature values, 32 bytes each (big-endian, left-padded). */
  r: Uint8Array;
  s: Uint8Array;
  /** Legacy only: EIP-155 replay protection. */
  protected: boolean;
  /** The type byte (typed transactions) and the RLP list of the remaining fields. */
  txData: Uint8Array;
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Splits an EIP-2718 transaction into span batch columns. Throws `DecodeError` if it is not a
 * canonical legacy, type 1 or type 2 transaction, if a protected legacy transaction or a typed
 * one is for another chain than `chainId`, or if its nonce or gas does not fit in 64 bits.
 */
export function toSpanBatchTx(raw: Uint8Array, chainId: bigint): SpanBatchTx {
  if (raw.length === 0) throw new DecodeError("span batch tx: empty transaction");
  const type = raw[0]! >= 0xc0 ? 0 : raw[0]!;
  if (type !== 0 && type !== 1 && type !== 2)
    throw new DecodeError(`span batch tx: type ${type} cannot be in a span batch`);
  const f = list(type === 0 ? raw : raw.subarray(1), "transaction");
  const n = [9, 11, 12][type]!;
  if (f.length !== n)
    throw new DecodeError(`span batch tx: type ${type} needs ${n} fields, found ${f.length}`);
  const to = (x: RlpValue): Uint8Array | null => {
    const b = str(x, "to");
    if (b.length === 0) return null;
    if (b.length !== 20) throw new DecodeError(`span batch tx: to must be 20 bytes, found ${b.length}`);
    return b;
  };
  const sig = (x: RlpValue, name: string): Uint8Array => {
    const v = int(x, name);
    if (v.length > 32) throw new DecodeError(`span batch tx: ${name} longer than 32 bytes`);
    const out = new Uint8Array(32);
    out.set(v, 32 - v.length);
    return out;
  };
  const u64 = (x: RlpValue, name: string): bigint => {
    const v = bytesToUint(int(x, name));
    if (v > U64_MAX) throw new DecodeError(`span batch tx: ${name} does not fit in 64 bits`);
    return v;
  };
  if (type === 0) {
    const [nonce, gasPrice, gas, dest, value, data, v, r, s] = f as RlpValue[];
    const vv = bytesToUint(int(v!, "v"));
    let yParity: number;
    let prot: boolean;
    if (vv === 27n || vv === 28n) {
      yParity = Number(vv - 27n);
      prot = false;
    } else {
      if (vv < 35n || (vv - 35n) / 2n !== chainId)
        throw new DecodeError(`span batch tx: legacy v ${vv} is not for chain ${chainId}`);
      yParity = Number((vv - 35n) % 2n);
      prot = true;
    }
    str(data!, "data");
    return {
      type,
      nonce: u64(nonce!, "nonce"),
      gas: u64(gas!, "gas"),
      to: to(dest!),
      yParity,
      r: sig(r!, "r"),
      s: sig(s!, "s"),
      protected: prot,
      txData: rlpEncode([int(value!, "value"), int(gasPrice!, "gas price"), data!]),
    };
  }
  if (bytesToUint(int(f[0]!, "chain id")) !== chainId)
    throw new DecodeError(`span batch tx: chain id is not ${chainId}`);
  const [yp, r, s] = f.slice(-3);
  const y = bytesToUint(int(yp!, "y parity"));
  if (y > 1n) throw new DecodeError(`span batch tx: y parity ${y} is not 0 or 1`);
  // Type 1: [chain, nonce, price, gas, to, value, data, al, ...]; type 2 has one more fee.
  const fees = type === 1 ? [f[2]!] : [f[2]!, f[3]!];
  const k = type === 1 ? 3 : 4;
  const [gas, dest, value, data, al] = f.slice(k, k + 5) as RlpValue[];
  for (const [i, fee] of fees.entries()) int(fee, `fee ${i}`);
  str(data!, "data");
  accessList(al!);
  return {
    type,
    nonce: u64(f[1]!, "nonce"),
    gas: u64(gas!, "gas"),
    to: to(dest!),
    yParity: Number(y),
    r: sig(r!, "r"),
    s: sig(s!, "s"),
    protected: true,
    txData: concatBytes(Uint8Array.of(type), rlpEncode([int(value!, "value"), ...fees, data!, al!])),
  };
}

/**
 * Checks a span batch's tx data (type byte, then the RLP list of the type's fields) and returns
 * its type. Throws `DecodeError` on an unsupported type or a malformed list.
 */
export function checkTxData(txData: Uint8Array): number {
  if (txData.length === 0) throw new DecodeError("span batch tx data: empty");
  const type = txData[0]! >= 0xc0 ? 0 : txData[0]!;
  if (type > 2) throw new DecodeError(`span batch tx data: type ${type} is not supported`);
  const f = list(type === 0 ? txData : txData.subarray(1), "tx data");
  const n = [3, 4, 5][type]!;
  if (f.length !== n)
    throw new DecodeError(`span batch tx data: type ${type} needs ${n} fields, found ${f.length}`);
  const ints = type === 2 ? 3 : 2;
  for (let i = 0; i < ints; i++) int(f[i]!, `field ${i}`);
  str(f[ints]!, "data");
  if (type > 0) accessList(f[ints + 1]!);
  return type;
}

/** The EIP-2718 transaction `tx` stands for on chain `chainId` (its tx data already checked). */
export function fromSpanBatchTx(tx: SpanBatchTx, chainId: bigint): Uint8Array {
  const body = rlpDecode(tx.type === 0 ? tx.txData : tx.txData.subarray(1)) as RlpValue[];
  const to = tx.to ?? new Uint8Array(0);
  const r = strip(tx.r);
  const s = strip(tx.s);
  if (tx.type === 0) {
    const [value, gasPrice, data] = body;
    const v = tx.protected ? 35n + 2n * chainId + BigInt(tx.yParity) : 27n + BigInt(tx.yParity);
    return rlpEncode([
      uintToBytes(tx.nonce),
      gasPrice!,
      uintToBytes(tx.gas),
      to,
      value!,
      data!,
      uintToBytes(v),
      r,
      s,
    ]);
  }
  const value = body[0]!;
  const fees = body.slice(1, tx.type === 1 ? 2 : 3);
  const [data, al] = body.slice(-2);
  const fields: RlpValue[] = [
    uintToBytes(chainId),
    uintToBytes(tx.nonce),
    ...fees,
    uintToBytes(tx.gas),
    to,
    value,
    data!,
    al!,
    uintToBytes(tx.yParity),
    r,
    s,
  ];
  return concatBytes(Uint8Array.of(tx.type), rlpEncode(fields));
}

function list(bytes: Uint8Array, what: string): RlpValue[] {
  let v: RlpValue;
  try {
    v = rlpDecode(bytes);
  } catch (cause) {
    throw new DecodeError(`span batch tx: invalid RLP in ${what}: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(v)) throw new DecodeError(`span batch tx: ${what} must be an RLP list`);
  return v;
}

function str(x: RlpValue, name: string): Uint8Array {
  if (!(x instanceof Uint8Array)) throw new DecodeError(`span batch tx: ${name} must be a byte string`);
  return x;
}

/** A canonical RLP integer (no leading zero byte), any length. */
function int(x: RlpValue, name: string): Uint8Array {
  const b = str(x, name);
  if (b.length > 0 && b[0] === 0) throw new DecodeError(`span batch tx: ${name} is not a canonical integer`);
  return b;
}

function accessList(x: RlpValue): void {
  if (!Array.isArray(x)) throw new DecodeError("span batch tx: access list must be a list");
  for (const t of x) {
    if (!Array.isArray(t) || t.length !== 2)
      throw new DecodeError("span batch tx: access list entry must be [address, storage_keys]");
    const [addr, keys] = t;
    if (!(addr instanceof Uint8Array) || addr.length !== 20)
      throw new DecodeError("span batch tx: access list address must be 20 bytes");
    if (!Array.isArray(keys)) throw new DecodeError("span batch tx: storage keys must be a list");
    for (const k of keys) {
      if (!(k instanceof Uint8Array) || k.length !== 32)
        throw new DecodeError("span batch tx: storage key must be 32 bytes");
    }
  }
}

function strip(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}
