/**
 * Batches and the batch stream inside a channel (OP's format).
 *
 * ```text
 * channel (decompressed) = rlp_string(batch) ++ rlp_string(batch) ++ ...
 * batch                  = batch_version ++ content
 * version 0 (singular)   = rlp([parent_hash, epoch_number, epoch_hash, timestamp, transaction_list])
 * ```
 *
 * `transaction_list` is a list of EIP-2718 encoded transactions, each an RLP byte string.
 * Version 1 is a span batch (OP's Delta, `spanBatch.ts`). Any other version is unknown and skipped; a malformed batch ends the channel (the rest of
 * its bytes are ignored), as op-node's channel reader does.
 * Spec: https://specs.optimism.io/protocol/derivation.html#batch-format
 */
import { fromHex, toHex } from "../bytes.ts";
import { bytesToUint, rlpDecode, rlpEncode, rlpItem, uintToBytes } from "../rlp.ts";
import { DecodeError } from "./errors.ts";
import { decodeSpanBatch, type SpanBatch, type SpanBatchParams } from "./spanBatch.ts";
import type { Hex } from "./types.ts";

/** `batch_version` of a singular batch. */
export const SINGULAR_BATCH_TYPE = 0;

/** `batch_version` of a span batch. */
export const SPAN_BATCH_TYPE = 1;

/** Decompressed bytes a channel may hold (OP's `MAX_RLP_BYTES_PER_CHANNEL` before Fjord). */
export const MAX_RLP_BYTES_PER_CHANNEL = 10_000_000;

/** The transactions of one L2 block plus the fields that place it in the chain. */
export interface SingularBatch {
  /** Hash of the L2 block this one builds on. */
  parentHash: Hex;
  /** Number of the L1 origin (epoch). */
  epochNum: number;
  /** Hash of the L1 origin. */
  epochHash: Hex;
  /** L2 timestamp. */
  timestamp: number;
  /** EIP-2718 encoded transactions, no deposits. */
  transactions: Uint8Array[];
}

/** A batch as read from a channel: a singular or span batch, or the version byte of one Ore skips. */
export type DecodedBatch =
  | { type: typeof SINGULAR_BATCH_TYPE; batch: SingularBatch }
  | { type: typeof SPAN_BATCH_TYPE; batch: SpanBatch }
  | { type: number; batch?: undefined };

/** `0x00 ++ rlp([...])`: the batch bytes of `b`. */
export function encodeSingularBatch(b: SingularBatch): Uint8Array {
  const body = rlpEncode([
    fromHex(b.parentHash),
    uintToBytes(b.epochNum),
    fromHex(b.epochHash),
    uintToBytes(b.timestamp),
    b.transactions,
  ]);
  const out = new Uint8Array(1 + body.length);
  out[0] = SINGULAR_BATCH_TYPE;
  out.set(body, 1);
  return out;
}

/**
 * Decodes batch bytes. Returns `{type}` without a batch for a version other than 0 and 1;
 * throws `DecodeError` on empty input, a malformed span batch (`decodeSpanBatch`, which reads
 * `params`) or a malformed singular batch (strict canonical RLP, exactly
 * five fields, 32-byte hashes, integers of at most 8 bytes, a list of byte strings).
 * Integers above 2^53 - 1 are clamped to `Number.MAX_SAFE_INTEGER`, which every rule
 * treats the same as the real value (far future).
 */
export function decodeBatch(data: Uint8Array, params: SpanBatchParams): DecodedBatch {
  if (data.length === 0) throw new DecodeError("batch: empty");
  const type = data[0]!;
  if (type === SPAN_BATCH_TYPE) return { type, batch: decodeSpanBatch(data.subarray(1), params) };
  if (type !== SINGULAR_BATCH_TYPE) return { type };
  let v: ReturnType<typeof rlpDecode>;
  try {
    v = rlpDecode(data.subarray(1));
  } catch (cause) {
    throw new DecodeError(`batch: invalid RLP: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(v) || v.length !== 5) {
    throw new DecodeError(
      `batch: expected a list of 5 fields, found ${Array.isArray(v) ? `${v.length} fields` : "a string"}`,
    );
  }
  const [parent, epochNum, epochHash, timestamp, txs] = v;
  const hash = (x: unknown, name: string): Hex => {
    if (!(x instanceof Uint8Array) || x.length !== 32)
      throw new DecodeError(`batch: ${name} must be 32 bytes`);
    return toHex(x);
  };
  const u64 = (x: unknown, name: string): number => {
    if (!(x instanceof Uint8Array) || x.length > 8) throw new DecodeError(`batch: ${name} must be a uint64`);
    let n: bigint;
    try {
      n = bytesToUint(x);
    } catch (cause) {
      throw new DecodeError(`batch: ${name} is not canonical`, { cause });
    }
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
  };
  if (!Array.isArray(txs)) throw new DecodeError("batch: transaction_list must be a list");
  const transactions = txs.map((t, i) => {
    if (!(t instanceof Uint8Array)) throw new DecodeError(`batch: transaction ${i} must be a byte string`);
    return t;
  });
  return {
    type: SINGULAR_BATCH_TYPE,
    batch: {
      parentHash: hash(parent, "parent_hash"),
      epochNum: u64(epochNum, "epoch_number"),
      epochHash: hash(epochHash, "epoch_hash"),
      timestamp: u64(timestamp, "timestamp"),
      transactions,
    },
  };
}

/** A channel's decompressed payload: each batch wrapped as an RLP byte string, concatenated. */
export function encodeBatchStream(batches: readonly Uint8Array[]): Uint8Array {
  const parts = batches.map((b) => rlpEncode(b));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/**
 * Reads the batch at `offset` of a decompressed channel: the content of one RLP byte string.
 * Returns null at the end of the stream; throws `DecodeError` on malformed RLP or a list.
 */
export function readBatchBytes(stream: Uint8Array, offset: number): { data: Uint8Array; end: number } | null {
  if (offset >= stream.length) return null;
  let item: ReturnType<typeof rlpItem>;
  try {
    item = rlpItem(stream, offset);
  } catch (cause) {
    throw new DecodeError(`channel: invalid RLP at byte ${offset}: ${(cause as Error).message}`, { cause });
  }
  if (item.isList)
    throw new DecodeError(`channel: expected a batch byte string at byte ${offset}, found a list`);
  return { data: stream.subarray(item.dataStart, item.end), end: item.end };
}
