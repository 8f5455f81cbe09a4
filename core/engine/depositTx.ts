/**
 * The deposit transaction (EIP-2718 type 0x7E), as OP Bedrock defines it after Regolith and
 * Canyon: `0x7E ‖ rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])`. Its hash is
 * keccak-256 of that encoding. It carries no signature: its origin is L1 (a portal log or the
 * L1 attributes of the rollup node), so it never enters the pool or `eth_sendRawTransaction`.
 *
 * Spec: https://specs.optimism.io/protocol/deposits.html#the-deposited-transaction-type
 * Format: docs/deposits.md.
 */
import { assertBytesLength, concatBytes } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { rlpDecode, rlpEncode, uintToBytes } from "../rlp.ts";
import { InvalidDepositError } from "./errors.ts";

/** EIP-2718 type byte of a deposit transaction. */
export const DEPOSIT_TX_TYPE = 0x7e;

/** A deposit transaction. Byte fields are raw bytes; `to` is `undefined` for a contract creation. */
export interface DepositTx {
  /** 32 bytes that identify the deposit's origin uniquely (see `sourceHash.ts`). */
  sourceHash: Uint8Array;
  /** 20-byte sender (already aliased by the portal when the L1 sender is a contract). */
  from: Uint8Array;
  /** 20-byte recipient, or `undefined` to create a contract. */
  to: Uint8Array | undefined;
  /** Wei minted on L2 to `from` before execution (locked in the portal on L1). */
  mint: bigint;
  /** Wei sent from `from` to `to`. */
  value: bigint;
  /** Gas limit; bought on L1, so the deposit pays no L2 fee. */
  gas: bigint;
  /** Always false after Regolith; kept for the encoding. */
  isSystemTx: boolean;
  /** Calldata or init code. */
  data: Uint8Array;
}

const U64_MAX = (1n << 64n) - 1n;
const U256_MAX = (1n << 256n) - 1n;

/** Canonical RLP-encoded deposit: `0x7E ‖ rlp([...])`. Throws `InvalidDepositError` on out-of-range fields. */
export function encodeDeposit(tx: DepositTx): Uint8Array {
  assertBytesLength(tx.sourceHash, 32, "sourceHash");
  assertBytesLength(tx.from, 20, "from");
  if (tx.to !== undefined) assertBytesLength(tx.to, 20, "to");
  checkRange("mint", tx.mint, U256_MAX);
  checkRange("value", tx.value, U256_MAX);
  checkRange("gas", tx.gas, U64_MAX);
  const body = rlpEncode([
    tx.sourceHash,
    tx.from,
    tx.to ?? new Uint8Array(0),
    uintToBytes(tx.mint),
    uintToBytes(tx.value),
    uintToBytes(tx.gas),
    tx.isSystemTx ? Uint8Array.of(1) : new Uint8Array(0),
    tx.data,
  ]);
  return concatBytes(Uint8Array.of(DEPOSIT_TX_TYPE), body);
}

/**
 * Decodes a type-0x7E envelope. Strict: the type byte, the list length, every field width and
 * canonical integers (no leading zeros) are checked, and nothing may follow the list.
 */
export function decodeDeposit(raw: Uint8Array): DepositTx {
  if (raw.length === 0 || raw[0] !== DEPOSIT_TX_TYPE) {
    throw new InvalidDepositError(
      `deposit: expected type byte 0x7e, found ${raw.length ? hexByte(raw[0]!) : "nothing"}`,
    );
  }
  let fields: unknown;
  try {
    fields = rlpDecode(raw.subarray(1));
  } catch (cause) {
    throw new InvalidDepositError("deposit: body is not valid RLP", { cause });
  }
  if (!Array.isArray(fields) || fields.length !== 8) {
    throw new InvalidDepositError(`deposit: expected an RLP list of 8 fields, found ${describe(fields)}`);
  }
  const [sourceHash, from, to, mint, value, gas, isSystem, data] = fields.map((f, i) => {
    if (!(f instanceof Uint8Array))
      throw new InvalidDepositError(`deposit: field ${i} must be a byte string`);
    return f;
  }) as Uint8Array[];
  if (sourceHash!.length !== 32)
    throw new InvalidDepositError(`deposit: sourceHash must be 32 bytes, found ${sourceHash!.length}`);
  if (from!.length !== 20)
    throw new InvalidDepositError(`deposit: from must be 20 bytes, found ${from!.length}`);
  if (to!.length !== 0 && to!.length !== 20)
    throw new InvalidDepositError(`deposit: to must be 0 or 20 bytes, found ${to!.length}`);
  if (isSystem!.length > 1 || (isSystem!.length === 1 && isSystem![0] !== 1)) {
    throw new InvalidDepositError("deposit: isSystemTx must be RLP false (0x80) or true (0x01)");
  }
  return {
    sourceHash: sourceHash!,
    from: from!,
    to: to!.length === 0 ? undefined : to!,
    mint: uint("mint", mint!, 32),
    value: uint("value", value!, 32),
    gas: uint("gas", gas!, 8),
    isSystemTx: isSystem!.length === 1,
    data: data!,
  };
}

/** The transaction hash of a deposit: keccak-256 of its type-0x7E encoding. */
export function depositTxHash(tx: DepositTx): Uint8Array {
  return keccak256(encodeDeposit(tx));
}

/** True when a raw EIP-2718 envelope is a deposit (first byte 0x7E). */
export function isDepositEnvelope(raw: Uint8Array): boolean {
  return raw.length > 0 && raw[0] === DEPOSIT_TX_TYPE;
}

function uint(name: string, b: Uint8Array, maxBytes: number): bigint {
  if (b.length > maxBytes)
    throw new InvalidDepositError(`deposit: ${name} exceeds ${maxBytes} bytes, found ${b.length}`);
  if (b.length > 0 && b[0] === 0) throw new InvalidDepositError(`deposit: ${name} has a leading zero byte`);
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function checkRange(name: string, v: bigint, max: bigint): void {
  if (v < 0n || v > max) throw new InvalidDepositError(`deposit: ${name} out of range: ${v}`);
}

function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, "0")}`;
}

function describe(v: unknown): string {
  return Array.isArray(v) ? `a list of ${v.length}` : "a byte string";
}
