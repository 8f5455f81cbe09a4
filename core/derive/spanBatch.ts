/**
 * Span batches (batch version 1, OP Delta): a run of consecutive L2 blocks in one batch, their
 * transactions stored column by column (op-node `derive/span_batch.go`).
 *
 * ```text
 * span_batch  = 0x01 ++ prefix ++ payload
 * prefix      = rel_timestamp ++ l1_origin_num ++ parent_check ++ l1_origin_check
 * payload     = block_count ++ origin_bits ++ block_tx_counts ++ txs
 * txs         = contract_creation_bits ++ y_parity_bits ++ tx_sigs ++ tx_tos ++ tx_datas
 *               ++ tx_nonces ++ tx_gases ++ protected_bits
 * ```
 *
 * - `rel_timestamp`, `l1_origin_num`, `block_count`, each of `block_tx_counts`, `tx_nonces` and
 *   `tx_gases`: unsigned LEB128 varints of at most 10 bytes (Go's `binary.ReadUvarint`, which
 *   accepts padded encodings). Block `i`'s timestamp is `genesis.l2_time + rel_timestamp +
 *   i·block_time`; `l1_origin_num` is the last block's L1 origin.
 * - `parent_check`: the first 20 bytes of the first block's parent hash; `l1_origin_check`: the
 *   first 20 bytes of the last block's L1 origin hash.
 * - Bit lists (`origin_bits`: one per block; `contract_creation_bits`, `y_parity_bits`: one per
 *   transaction; `protected_bits`: one per legacy transaction) are big-endian integers of
 *   `ceil(n/8)` bytes whose bit `i` (from the least significant) is element `i`; a bit above
 *   `n` makes the batch malformed. Origin bit `i > 0` is 1 when block `i` moves to the next L1
 *   origin; bit 0 (the first block starts an epoch) is written but not read.
 * - `tx_sigs`: `r ++ s`, 32 bytes each; `tx_tos`: 20 bytes per transaction that is not a
 *   contract creation; `tx_datas`: see `spanBatchTx.ts`.
 * - `block_count`, each block's transaction count and the total count are at most
 *   `MAX_SPAN_BATCH_ELEMENT_COUNT`; `block_count` is at least 1. Bytes after `protected_bits`
 *   are ignored, as op-node does.
 *
 * Every count is also checked against the bytes left before anything is allocated, so a
 * malformed batch costs at most a few times its own size. Spec:
 * https://specs.optimism.io/protocol/delta/span-batches.html
 */
import { concatBytes, fromHex } from "../bytes.ts";
import { rlpItem } from "../rlp.ts";
import { DecodeError } from "./errors.ts";
import { checkTxData, fromSpanBatchTx, type SpanBatchTx, toSpanBatchTx } from "./spanBatchTx.ts";

/** Most blocks, transactions in a block, or transactions in all, of one span batch (OP's pre-Fjord `MaxSpanBatchSize`). */
export const MAX_SPAN_BATCH_ELEMENT_COUNT = 10_000_000;

/** One block of a span batch. */
export interface SpanBatchBlock {
  timestamp: number;
  /** Number of the L1 origin. */
  epochNum: number;
  /** EIP-2718 encoded transactions, no deposits. */
  transactions: Uint8Array[];
}

/** A decoded span batch: the checks on its ends, and its blocks in order. */
export interface SpanBatch {
  /** First 20 bytes of the first block's parent hash. */
  parentCheck: Uint8Array;
  /** First 20 bytes of the last block's L1 origin hash. */
  l1OriginCheck: Uint8Array;
  /** At least one block. */
  blocks: SpanBatchBlock[];
}

/** What a span batch needs from the rollup config. */
export interface SpanBatchParams {
  /** `genesis.l2_time`. */
  genesisTime: number;
  blockTime: number;
  l2ChainId: number;
}

/** A block to put into a span batch: a singular batch's fields. */
export interface SpanBatchInput {
  parentHash: string;
  epochNum: number;
  epochHash: string;
  timestamp: number;
  transactions: readonly Uint8Array[];
}

/**
 * Decodes a span batch's content (the bytes after the version byte). Throws `DecodeError` on a
 * malformed batch, naming the field. Integers past 2^53 - 1 (timestamps, L1 origin numbers) are
 * clamped to `Number.MAX_SAFE_INTEGER`, the far future to every rule; an L1 origin below block 0
 * wraps around 2^64 as in op-node, and so is clamped too.
 */
export function decodeSpanBatch(data: Uint8Array, p: SpanBatchParams): SpanBatch {
  const r = new Reader(data);
  const relTimestamp = r.uvarint("rel_timestamp");
  const l1OriginNum = r.uvarint("l1_origin_num");
  const parentCheck = r.bytes(20, "parent_check").slice();
  const l1OriginCheck = r.bytes(20, "l1_origin_check").slice();
  const blockCount = r.count("block_count", 1);
  if (blockCount === 0) throw new DecodeError("span batch: block_count must be at least 1");
  const originBits = r.bits(blockCount, "origin_bits");
  const txCounts: number[] = [];
  let total = 0;
  for (let i = 0; i < blockCount; i++) {
    const n = r.count(`block_tx_counts[${i}]`, 0);
    total += n;
    if (total > MAX_SPAN_BATCH_ELEMENT_COUNT) {
      throw new DecodeError(`span batch: ${total} transactions > limit ${MAX_SPAN_BATCH_ELEMENT_COUNT}`);
    }
    txCounts.push(n);
  }
  // Every transaction takes at least 65 bytes (signature, tx data); refuse before allocating.
  if (total * 65 > r.left())
    throw new DecodeError(`span batch: ${total} transactions cannot fit in ${r.left()} bytes`);
  const creation = r.bits(total, "contract_creation_bits");
  const yParity = r.bits(total, "y_parity_bits");
  const sigs: Uint8Array[] = [];
  for (let i = 0; i < total; i++) sigs.push(r.bytes(64, `tx_sigs[${i}]`));
  const tos: (Uint8Array | null)[] = [];
  for (let i = 0; i < total; i++) tos.push(creation[i] ? null : r.bytes(20, `tx_tos[${i}]`));
  const datas: Uint8Array[] = [];
  const types: number[] = [];
  let legacy = 0;
  for (let i = 0; i < total; i++) {
    const d = r.txData(`tx_datas[${i}]`);
    let type: number;
    try {
      type = checkTxData(d);
    } catch (cause) {
      throw new DecodeError(`span batch: tx_datas[${i}]: ${(cause as Error).message}`, { cause });
    }
    if (type === 0) legacy++;
    datas.push(d);
    types.push(type);
  }
  const nonces: bigint[] = [];
  for (let i = 0; i < total; i++) nonces.push(r.uvarint(`tx_nonces[${i}]`));
  const gases: bigint[] = [];
  for (let i = 0; i < total; i++) gases.push(r.uvarint(`tx_gases[${i}]`));
  const protectedBits = r.bits(legacy, "protected_bits");

  const chainId = BigInt(p.l2ChainId);
  const blocks: SpanBatchBlock[] = [];
  let epoch = l1OriginNum;
  const epochs: bigint[] = new Array(blockCount);
  for (let i = blockCount - 1; i >= 0; i--) {
    epochs[i] = epoch;
    // uint64 arithmetic, as op-node's: an origin below 0 wraps to ~2^64 (clamped below), which
    // checkSpanBatch drops (or holds as future) like op-node does.
    if (originBits[i] === 1 && i > 0) epoch = BigInt.asUintN(64, epoch - 1n);
  }
  let t = 0;
  let l = 0;
  for (let i = 0; i < blockCount; i++) {
    const transactions: Uint8Array[] = [];
    for (let j = 0; j < txCounts[i]!; j++, t++) {
      const tx: SpanBatchTx = {
        type: types[t]!,
        nonce: nonces[t]!,
        gas: gases[t]!,
        to: tos[t]!,
        yParity: yParity[t]!,
        r: sigs[t]!.subarray(0, 32),
        s: sigs[t]!.subarray(32),
        protected: types[t] === 0 ? protectedBits[l++] === 1 : true,
        txData: datas[t]!,
      };
      transactions.push(fromSpanBatchTx(tx, chainId));
    }
    const ts = BigInt(p.genesisTime) + relTimestamp + BigInt(i) * BigInt(p.blockTime);
    blocks.push({ timestamp: clamp(ts), epochNum: clamp(epochs[i]!), transactions });
  }
  return { parentCheck, l1OriginCheck, blocks };
}

/**
 * `0x01 ++ prefix ++ payload`: the span batch of consecutive blocks `batches` (at least one).
 * `firstOfEpoch` says whether the first block starts its epoch (origin bit 0). Throws
 * `DecodeError` if a transaction cannot be put into a span batch (`toSpanBatchTx`), and
 * `RangeError` if the blocks are not consecutive or their origins move by more than one.
 */
export function encodeSpanBatch(
  batches: readonly SpanBatchInput[],
  p: SpanBatchParams,
  firstOfEpoch: boolean,
): Uint8Array {
  if (batches.length === 0) throw new RangeError("span batch: no blocks");
  const b = new SpanBatchBuilder(p, firstOfEpoch);
  for (const x of batches) b.add(x);
  return b.encode();
}

/**
 * Builds a span batch block by block (the batcher's channel), keeping its exact encoded length
 * so a channel can stop before its size cap without encoding the batch again on every block.
 */
export class SpanBatchBuilder {
  private readonly blocks: SpanBatchInput[] = [];
  private readonly txs: SpanBatchTx[] = [];
  private readonly chainId: bigint;
  /** Bytes of the parts that only grow: tx counts, signatures, tos, tx datas, nonces, gases. */
  private grown = 0;
  private legacy = 0;

  constructor(
    private readonly p: SpanBatchParams,
    private readonly firstOfEpoch: boolean,
  ) {
    this.chainId = BigInt(p.l2ChainId);
  }

  /** Blocks so far. */
  blockCount(): number {
    return this.blocks.length;
  }

  /**
   * The encoded length (version byte included) once `b` is added, without adding it; throws
   * like `add`.
   */
  lengthWith(b: SpanBatchInput): number {
    return this.length(this.blocks.length + 1, b, this.convert(b));
  }

  /** Adds the next block; throws `RangeError` (not the next block) or `DecodeError` (a transaction). */
  add(b: SpanBatchInput): void {
    const txs = this.convert(b);
    this.grown += this.grownBy(b, txs);
    for (const tx of txs) if (tx.type === 0) this.legacy++;
    this.blocks.push(b);
    this.txs.push(...txs);
  }

  /** The encoded length of the batch so far (version byte included). */
  byteLength(): number {
    if (this.blocks.length === 0) return 0;
    return this.length(this.blocks.length, this.blocks.at(-1)!, []);
  }

  /** `0x01 ++ prefix ++ payload`. */
  encode(): Uint8Array {
    if (this.blocks.length === 0) throw new RangeError("span batch: no blocks");
    const batches = this.blocks;
    const first = batches[0]!;
    const last = batches.at(-1)!;
    const out: Uint8Array[] = [Uint8Array.of(1)]; // batch_version 1
    out.push(uvarint(BigInt(first.timestamp - this.p.genesisTime)), uvarint(BigInt(last.epochNum)));
    out.push(fromHex(first.parentHash).subarray(0, 20), fromHex(last.epochHash).subarray(0, 20));
    out.push(uvarint(BigInt(batches.length)));
    out.push(
      bitList(
        batches.map((b, i) =>
          i === 0 ? (this.firstOfEpoch ? 1 : 0) : b.epochNum - batches[i - 1]!.epochNum,
        ),
      ),
    );
    for (const b of batches) out.push(uvarint(BigInt(b.transactions.length)));
    const txs = this.txs;
    out.push(bitList(txs.map((tx) => (tx.to === null ? 1 : 0))));
    out.push(bitList(txs.map((tx) => tx.yParity)));
    for (const tx of txs) out.push(tx.r, tx.s);
    for (const tx of txs) if (tx.to !== null) out.push(tx.to);
    for (const tx of txs) out.push(tx.txData);
    for (const tx of txs) out.push(uvarint(tx.nonce));
    for (const tx of txs) out.push(uvarint(tx.gas));
    out.push(bitList(txs.filter((tx) => tx.type === 0).map((tx) => (tx.protected ? 1 : 0))));
    return concatBytes(...out);
  }

  private convert(b: SpanBatchInput): SpanBatchTx[] {
    const prev = this.blocks.at(-1);
    if (prev !== undefined) {
      if (b.timestamp !== prev.timestamp + this.p.blockTime)
        throw new RangeError(
          `span batch: block at ${b.timestamp} is not ${this.p.blockTime}s after ${prev.timestamp}`,
        );
      const d = b.epochNum - prev.epochNum;
      if (d !== 0 && d !== 1) throw new RangeError(`span batch: L1 origin moves by ${d} between blocks`);
    } else if (b.timestamp < this.p.genesisTime) {
      throw new RangeError(`span batch: block at ${b.timestamp} is before genesis ${this.p.genesisTime}`);
    }
    return b.transactions.map((tx) => toSpanBatchTx(tx, this.chainId));
  }

  private grownBy(b: SpanBatchInput, txs: readonly SpanBatchTx[]): number {
    let n = uvarintLength(BigInt(b.transactions.length));
    for (const tx of txs)
      n +=
        64 + (tx.to === null ? 0 : 20) + tx.txData.length + uvarintLength(tx.nonce) + uvarintLength(tx.gas);
    return n;
  }

  /** The length with `blocks` blocks, the last `last`, plus the not yet added `extra` transactions. */
  private length(blocks: number, last: SpanBatchInput, extra: readonly SpanBatchTx[]): number {
    const first = this.blocks[0] ?? last;
    const total = this.txs.length + extra.length;
    const legacy = this.legacy + extra.filter((tx) => tx.type === 0).length;
    const grown =
      this.grown + (extra.length > 0 || blocks > this.blocks.length ? this.grownBy(last, extra) : 0);
    return (
      1 +
      uvarintLength(BigInt(first.timestamp - this.p.genesisTime)) +
      uvarintLength(BigInt(last.epochNum)) +
      40 +
      uvarintLength(BigInt(blocks)) +
      Math.ceil(blocks / 8) +
      2 * Math.ceil(total / 8) +
      Math.ceil(legacy / 8) +
      grown
    );
  }
}

/** The hex of the first 20 bytes of a 32-byte hash, to compare with a check field. */
export function hashCheck(hash: string): string {
  return hash.slice(0, 42).toLowerCase();
}

function clamp(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

function uvarint(v: bigint): Uint8Array {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

function uvarintLength(v: bigint): number {
  let n = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

function bitList(bits: readonly number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[out.length - 1 - (i >> 3)]! |= 1 << (i & 7);
  return out;
}

/** A bounds-checked cursor; every read past the end throws `DecodeError`. */
class Reader {
  private pos = 0;
  constructor(private readonly data: Uint8Array) {}

  left(): number {
    return this.data.length - this.pos;
  }

  bytes(n: number, name: string): Uint8Array {
    if (n > this.left())
      throw new DecodeError(`span batch: ${name}: expected ${n} bytes, found ${this.left()}`);
    const b = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Go's `binary.ReadUvarint`: at most 10 bytes, the 10th at most 1. */
  uvarint(name: string): bigint {
    let x = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.data.length) throw new DecodeError(`span batch: ${name}: truncated varint`);
      const b = this.data[this.pos++]!;
      if (b < 0x80) {
        if (i === 9 && b > 1) throw new DecodeError(`span batch: ${name}: varint overflows 64 bits`);
        return x | (BigInt(b) << BigInt(7 * i));
      }
      x |= BigInt(b & 0x7f) << BigInt(7 * i);
    }
    throw new DecodeError(`span batch: ${name}: varint overflows 64 bits`);
  }

  /** A count of at most `MAX_SPAN_BATCH_ELEMENT_COUNT`, each element needing `minBytes` more bytes. */
  count(name: string, minBytes: number): number {
    const v = this.uvarint(name);
    if (v > BigInt(MAX_SPAN_BATCH_ELEMENT_COUNT))
      throw new DecodeError(`span batch: ${name} ${v} > limit ${MAX_SPAN_BATCH_ELEMENT_COUNT}`);
    const n = Number(v);
    if (n * minBytes > this.left())
      throw new DecodeError(`span batch: ${name} ${n} cannot fit in ${this.left()} bytes`);
    return n;
  }

  /** `n` bits (0 or 1), element `i` at bit `i` of a big-endian integer of `ceil(n/8)` bytes. */
  bits(n: number, name: string): Uint8Array {
    const len = Math.ceil(n / 8);
    const buf = this.bytes(len, name);
    if (n % 8 !== 0 && buf[0]! >> (n % 8) !== 0)
      throw new DecodeError(`span batch: ${name}: bits set past its ${n} elements`);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (buf[len - 1 - (i >> 3)]! >> (i & 7)) & 1;
    return out;
  }

  /** A tx data: an optional type byte (< 0x80), then one RLP list. */
  txData(name: string): Uint8Array {
    const start = this.pos;
    if (this.pos >= this.data.length) throw new DecodeError(`span batch: ${name}: truncated`);
    if (this.data[this.pos]! <= 0x7f) this.pos++;
    let end: number;
    try {
      const item = rlpItem(this.data, this.pos);
      if (!item.isList) throw new DecodeError("tx RLP prefix type must be list");
      end = item.end;
    } catch (cause) {
      throw new DecodeError(`span batch: ${name}: ${(cause as Error).message}`, { cause });
    }
    this.pos = end;
    return this.data.subarray(start, end);
  }
}
