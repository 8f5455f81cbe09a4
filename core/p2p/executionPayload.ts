/**
 * The Ecotone (Cancun-shaped) `ExecutionPayload` and `ExecutionPayloadEnvelope` as OP's p2p
 * layer carries them: the SSZ encoding of the L1 consensus layer's Deneb `ExecutionPayload`
 * (fixed part with 4-byte little-endian offsets to `extraData`, `transactions` and
 * `withdrawals`, then the dynamic parts in that order), and the envelope
 * `parentBeaconBlockRoot (32) ‖ SSZ(payload)`. Conversions to and from the Engine API's
 * `ExecutionPayloadV3` JSON are here too. The byte layout is written down in `docs/p2p.md`.
 *
 * Specs: https://specs.optimism.io/protocol/rollup-node-p2p.html#block-encoding,
 * https://github.com/ethereum/consensus-specs/blob/dev/specs/deneb/beacon-chain.md#executionpayload
 */
import { fromHex, toHex } from "../bytes.ts";
import { InvalidPayloadEncodingError } from "./errors.ts";

/** A withdrawal (always absent on OP chains; kept so the codec is total). */
export interface Withdrawal {
  index: bigint;
  validatorIndex: bigint;
  address: Uint8Array;
  amount: bigint;
}

/** An Ecotone execution payload. Hashes and roots are 32 bytes, `feeRecipient` 20, `logsBloom` 256. */
export interface ExecutionPayload {
  parentHash: Uint8Array;
  feeRecipient: Uint8Array;
  stateRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  prevRandao: Uint8Array;
  blockNumber: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
  baseFeePerGas: bigint;
  blockHash: Uint8Array;
  transactions: Uint8Array[];
  withdrawals: Withdrawal[];
  blobGasUsed: bigint;
  excessBlobGas: bigint;
}

/** A payload with the beacon root it was built against (what `engine_getPayloadV3` returns). */
export interface ExecutionPayloadEnvelope {
  parentBeaconBlockRoot: Uint8Array;
  executionPayload: ExecutionPayload;
}

type HexString = `0x${string}`;

/** `ExecutionPayloadV3` JSON, as the Engine API spells it (OP: `withdrawals` always empty). */
export interface ExecutionPayloadJson {
  parentHash: HexString;
  feeRecipient: HexString;
  stateRoot: HexString;
  receiptsRoot: HexString;
  logsBloom: HexString;
  prevRandao: HexString;
  blockNumber: HexString;
  gasLimit: HexString;
  gasUsed: HexString;
  timestamp: HexString;
  extraData: HexString;
  baseFeePerGas: HexString;
  blockHash: HexString;
  transactions: HexString[];
  withdrawals: [];
  blobGasUsed: HexString;
  excessBlobGas: HexString;
}

/** The envelope as JSON: `engine_getPayloadV3`'s `executionPayload` and `parentBeaconBlockRoot`. */
export interface ExecutionPayloadEnvelopeJson {
  executionPayload: ExecutionPayloadJson;
  parentBeaconBlockRoot: HexString;
}

/** Size of the fixed part of a Deneb/Ecotone payload: 508 (Bellatrix) + 4 (withdrawals offset) + 16 (blob gas). */
export const PAYLOAD_FIXED_SIZE = 528;
/** Largest `extraData` the SSZ type allows (`ByteList[MAX_EXTRA_DATA_BYTES]`). */
export const MAX_EXTRA_DATA_BYTES = 32;
/** `MAX_TRANSACTIONS_PER_PAYLOAD` of the consensus spec. */
export const MAX_TRANSACTIONS_PER_PAYLOAD = 1 << 20;
/** `MAX_WITHDRAWALS_PER_PAYLOAD` of the consensus spec. */
export const MAX_WITHDRAWALS_PER_PAYLOAD = 16;
const WITHDRAWAL_SIZE = 44;
const U64_MAX = (1n << 64n) - 1n;
const U256_MAX = (1n << 256n) - 1n;

/** Number of bytes {@link encodePayload} produces for `p`. */
export function payloadSize(p: ExecutionPayload): number {
  let n = PAYLOAD_FIXED_SIZE + p.extraData.length + 4 * p.transactions.length;
  for (const tx of p.transactions) n += tx.length;
  return n + WITHDRAWAL_SIZE * p.withdrawals.length;
}

/** SSZ encoding of `p`; throws `InvalidPayloadEncodingError` if a field is out of range. */
export function encodePayload(p: ExecutionPayload): Uint8Array {
  checkLength(p.parentHash, 32, "parentHash");
  checkLength(p.feeRecipient, 20, "feeRecipient");
  checkLength(p.stateRoot, 32, "stateRoot");
  checkLength(p.receiptsRoot, 32, "receiptsRoot");
  checkLength(p.logsBloom, 256, "logsBloom");
  checkLength(p.prevRandao, 32, "prevRandao");
  checkLength(p.blockHash, 32, "blockHash");
  if (p.extraData.length > MAX_EXTRA_DATA_BYTES)
    throw new InvalidPayloadEncodingError(
      `extraData: expected at most ${MAX_EXTRA_DATA_BYTES} bytes, found ${p.extraData.length}`,
    );
  if (p.withdrawals.length > MAX_WITHDRAWALS_PER_PAYLOAD)
    throw new InvalidPayloadEncodingError(
      `withdrawals: expected at most ${MAX_WITHDRAWALS_PER_PAYLOAD}, found ${p.withdrawals.length}`,
    );
  const out = new Uint8Array(payloadSize(p));
  const view = new DataView(out.buffer);
  let o = 0;
  const put = (b: Uint8Array) => {
    out.set(b, o);
    o += b.length;
  };
  const u64 = (v: bigint, name: string) => {
    if (v < 0n || v > U64_MAX) throw new InvalidPayloadEncodingError(`${name}: ${v} is not a uint64`);
    view.setBigUint64(o, v, true);
    o += 8;
  };
  const u32 = (v: number) => {
    view.setUint32(o, v, true);
    o += 4;
  };
  put(p.parentHash);
  put(p.feeRecipient);
  put(p.stateRoot);
  put(p.receiptsRoot);
  put(p.logsBloom);
  put(p.prevRandao);
  u64(p.blockNumber, "blockNumber");
  u64(p.gasLimit, "gasLimit");
  u64(p.gasUsed, "gasUsed");
  u64(p.timestamp, "timestamp");
  const extraOffset = PAYLOAD_FIXED_SIZE;
  const txOffset = extraOffset + p.extraData.length;
  let txBytes = 4 * p.transactions.length;
  for (const tx of p.transactions) txBytes += tx.length;
  u32(extraOffset);
  if (p.baseFeePerGas < 0n || p.baseFeePerGas > U256_MAX)
    throw new InvalidPayloadEncodingError(`baseFeePerGas: ${p.baseFeePerGas} is not a uint256`);
  let fee = p.baseFeePerGas;
  for (let i = 0; i < 32; i++) {
    out[o + i] = Number(fee & 0xffn);
    fee >>= 8n;
  }
  o += 32;
  put(p.blockHash);
  u32(txOffset);
  u32(txOffset + txBytes);
  u64(p.blobGasUsed, "blobGasUsed");
  u64(p.excessBlobGas, "excessBlobGas");
  put(p.extraData);
  let itemOffset = 4 * p.transactions.length;
  for (const tx of p.transactions) {
    u32(itemOffset);
    itemOffset += tx.length;
  }
  for (const tx of p.transactions) put(tx);
  for (const w of p.withdrawals) {
    checkLength(w.address, 20, "withdrawal address");
    u64(w.index, "withdrawal index");
    u64(w.validatorIndex, "withdrawal validatorIndex");
    put(w.address);
    u64(w.amount, "withdrawal amount");
  }
  return out;
}

/**
 * Decodes an SSZ payload, checking every offset (in order, within bounds, `extraData` at most
 * 32 bytes, transaction offsets non-decreasing). Throws `InvalidPayloadEncodingError`.
 */
export function decodePayload(data: Uint8Array): ExecutionPayload {
  if (data.length < PAYLOAD_FIXED_SIZE)
    throw new InvalidPayloadEncodingError(
      `payload: expected at least ${PAYLOAD_FIXED_SIZE} bytes, found ${data.length}`,
    );
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let o = 0;
  const take = (n: number) => {
    const b = data.slice(o, o + n);
    o += n;
    return b;
  };
  const u64 = () => {
    const v = view.getBigUint64(o, true);
    o += 8;
    return v;
  };
  const u32 = () => {
    const v = view.getUint32(o, true);
    o += 4;
    return v;
  };
  const parentHash = take(32);
  const feeRecipient = take(20);
  const stateRoot = take(32);
  const receiptsRoot = take(32);
  const logsBloom = take(256);
  const prevRandao = take(32);
  const blockNumber = u64();
  const gasLimit = u64();
  const gasUsed = u64();
  const timestamp = u64();
  const extraOffset = u32();
  let baseFeePerGas = 0n;
  for (let i = 31; i >= 0; i--) baseFeePerGas = (baseFeePerGas << 8n) | BigInt(data[o + i]!);
  o += 32;
  const blockHash = take(32);
  const txOffset = u32();
  const wdOffset = u32();
  const blobGasUsed = u64();
  const excessBlobGas = u64();
  if (extraOffset !== PAYLOAD_FIXED_SIZE)
    throw new InvalidPayloadEncodingError(
      `extraData offset: expected ${PAYLOAD_FIXED_SIZE}, found ${extraOffset}`,
    );
  if (txOffset < extraOffset || txOffset - extraOffset > MAX_EXTRA_DATA_BYTES)
    throw new InvalidPayloadEncodingError(
      `transactions offset ${txOffset}: extraData must be 0..${MAX_EXTRA_DATA_BYTES} bytes`,
    );
  if (wdOffset < txOffset || wdOffset > data.length)
    throw new InvalidPayloadEncodingError(
      `withdrawals offset ${wdOffset}: expected between ${txOffset} and ${data.length}`,
    );
  const extraData = data.slice(extraOffset, txOffset);
  const transactions = decodeTransactions(data.subarray(txOffset, wdOffset));
  const withdrawals = decodeWithdrawals(data.subarray(wdOffset));
  return {
    parentHash,
    feeRecipient,
    stateRoot,
    receiptsRoot,
    logsBloom,
    prevRandao,
    blockNumber,
    gasLimit,
    gasUsed,
    timestamp,
    extraData,
    baseFeePerGas,
    blockHash,
    transactions,
    withdrawals,
    blobGasUsed,
    excessBlobGas,
  };
}

/** `parentBeaconBlockRoot ‖ SSZ(payload)`: the Ecotone envelope encoding. */
export function encodeEnvelope(env: ExecutionPayloadEnvelope): Uint8Array {
  checkLength(env.parentBeaconBlockRoot, 32, "parentBeaconBlockRoot");
  const payload = encodePayload(env.executionPayload);
  const out = new Uint8Array(32 + payload.length);
  out.set(env.parentBeaconBlockRoot, 0);
  out.set(payload, 32);
  return out;
}

/** Inverse of {@link encodeEnvelope}; throws `InvalidPayloadEncodingError`. */
export function decodeEnvelope(data: Uint8Array): ExecutionPayloadEnvelope {
  if (data.length < 32 + PAYLOAD_FIXED_SIZE)
    throw new InvalidPayloadEncodingError(
      `envelope: expected at least ${32 + PAYLOAD_FIXED_SIZE} bytes, found ${data.length}`,
    );
  return { parentBeaconBlockRoot: data.slice(0, 32), executionPayload: decodePayload(data.subarray(32)) };
}

/** The Engine API JSON of `p`; throws `InvalidPayloadEncodingError` if it has withdrawals (OP has none). */
export function payloadToJson(p: ExecutionPayload): ExecutionPayloadJson {
  if (p.withdrawals.length > 0)
    throw new InvalidPayloadEncodingError(
      `withdrawals: expected none on an OP chain, found ${p.withdrawals.length}`,
    );
  return {
    parentHash: toHex(p.parentHash),
    feeRecipient: toHex(p.feeRecipient),
    stateRoot: toHex(p.stateRoot),
    receiptsRoot: toHex(p.receiptsRoot),
    logsBloom: toHex(p.logsBloom),
    prevRandao: toHex(p.prevRandao),
    blockNumber: qty(p.blockNumber),
    gasLimit: qty(p.gasLimit),
    gasUsed: qty(p.gasUsed),
    timestamp: qty(p.timestamp),
    extraData: toHex(p.extraData),
    baseFeePerGas: qty(p.baseFeePerGas),
    blockHash: toHex(p.blockHash),
    transactions: p.transactions.map(toHex),
    withdrawals: [],
    blobGasUsed: qty(p.blobGasUsed),
    excessBlobGas: qty(p.excessBlobGas),
  };
}

/** Parses Engine API JSON; throws `InvalidPayloadEncodingError` on a malformed field. */
export function payloadFromJson(j: ExecutionPayloadJson): ExecutionPayload {
  if (j.withdrawals !== undefined && j.withdrawals.length > 0)
    throw new InvalidPayloadEncodingError(
      `withdrawals: expected none on an OP chain, found ${j.withdrawals.length}`,
    );
  return {
    parentHash: bytesField(j.parentHash, "parentHash", 32),
    feeRecipient: bytesField(j.feeRecipient, "feeRecipient", 20),
    stateRoot: bytesField(j.stateRoot, "stateRoot", 32),
    receiptsRoot: bytesField(j.receiptsRoot, "receiptsRoot", 32),
    logsBloom: bytesField(j.logsBloom, "logsBloom", 256),
    prevRandao: bytesField(j.prevRandao, "prevRandao", 32),
    blockNumber: qtyField(j.blockNumber, "blockNumber"),
    gasLimit: qtyField(j.gasLimit, "gasLimit"),
    gasUsed: qtyField(j.gasUsed, "gasUsed"),
    timestamp: qtyField(j.timestamp, "timestamp"),
    extraData: bytesField(j.extraData, "extraData"),
    baseFeePerGas: qtyField(j.baseFeePerGas, "baseFeePerGas"),
    blockHash: bytesField(j.blockHash, "blockHash", 32),
    transactions: (j.transactions ?? []).map((t, i) => bytesField(t, `transactions[${i}]`)),
    withdrawals: [],
    blobGasUsed: qtyField(j.blobGasUsed ?? "0x0", "blobGasUsed"),
    excessBlobGas: qtyField(j.excessBlobGas ?? "0x0", "excessBlobGas"),
  };
}

/** The envelope as JSON. */
export function envelopeToJson(env: ExecutionPayloadEnvelope): ExecutionPayloadEnvelopeJson {
  return {
    executionPayload: payloadToJson(env.executionPayload),
    parentBeaconBlockRoot: toHex(env.parentBeaconBlockRoot),
  };
}

/** The envelope from JSON. */
export function envelopeFromJson(j: ExecutionPayloadEnvelopeJson): ExecutionPayloadEnvelope {
  return {
    executionPayload: payloadFromJson(j.executionPayload),
    parentBeaconBlockRoot: bytesField(j.parentBeaconBlockRoot, "parentBeaconBlockRoot", 32),
  };
}

function decodeTransactions(b: Uint8Array): Uint8Array[] {
  if (b.length === 0) return [];
  if (b.length < 4)
    throw new InvalidPayloadEncodingError(`transactions: ${b.length} bytes cannot hold an offset`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const first = view.getUint32(0, true);
  if (first % 4 !== 0 || first === 0 || first > b.length)
    throw new InvalidPayloadEncodingError(
      `transactions: first offset ${first} must be a non-zero multiple of 4 within ${b.length} bytes`,
    );
  const count = first / 4;
  if (count > MAX_TRANSACTIONS_PER_PAYLOAD)
    throw new InvalidPayloadEncodingError(
      `transactions: expected at most ${MAX_TRANSACTIONS_PER_PAYLOAD}, found ${count}`,
    );
  const out: Uint8Array[] = new Array(count);
  let cur = first;
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? view.getUint32(4 * (i + 1), true) : b.length;
    if (next < cur || next > b.length)
      throw new InvalidPayloadEncodingError(
        `transaction ${i}: next offset ${next} outside ${cur}..${b.length}`,
      );
    out[i] = b.slice(cur, next);
    cur = next;
  }
  return out;
}

function decodeWithdrawals(b: Uint8Array): Withdrawal[] {
  if (b.length % WITHDRAWAL_SIZE !== 0)
    throw new InvalidPayloadEncodingError(
      `withdrawals: ${b.length} bytes is not a multiple of ${WITHDRAWAL_SIZE}`,
    );
  const count = b.length / WITHDRAWAL_SIZE;
  if (count > MAX_WITHDRAWALS_PER_PAYLOAD)
    throw new InvalidPayloadEncodingError(
      `withdrawals: expected at most ${MAX_WITHDRAWALS_PER_PAYLOAD}, found ${count}`,
    );
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Withdrawal[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * WITHDRAWAL_SIZE;
    out.push({
      index: view.getBigUint64(o, true),
      validatorIndex: view.getBigUint64(o + 8, true),
      address: b.slice(o + 16, o + 36),
      amount: view.getBigUint64(o + 36, true),
    });
  }
  return out;
}

function checkLength(b: Uint8Array, n: number, name: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n)
    throw new InvalidPayloadEncodingError(
      `${name}: expected ${n} bytes, found ${b instanceof Uint8Array ? b.length : typeof b}`,
    );
}

function qty(v: bigint): HexString {
  return `0x${v.toString(16)}`;
}

function qtyField(v: string, name: string): bigint {
  if (typeof v !== "string" || !/^0x[0-9a-fA-F]+$/.test(v))
    throw new InvalidPayloadEncodingError(`${name}: expected a hex quantity, found ${String(v)}`);
  return BigInt(v);
}

function bytesField(v: string, name: string, n?: number): Uint8Array {
  let b: Uint8Array;
  try {
    b = fromHex(v);
  } catch (cause) {
    throw new InvalidPayloadEncodingError(`${name}: expected hex bytes, found ${String(v)}`, { cause });
  }
  if (n !== undefined && b.length !== n)
    throw new InvalidPayloadEncodingError(`${name}: expected ${n} bytes, found ${b.length}`);
  return b;
}
