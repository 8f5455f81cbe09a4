/**
 * Parsing the portal's `TransactionDeposited` event into a deposit transaction. The event is
 * `TransactionDeposited(address indexed from, address indexed to, uint256 indexed version,
 * bytes opaqueData)`; for version 0, `opaqueData` is Bedrock's packing
 * `uint256 mint ‖ uint256 value ‖ uint64 gasLimit ‖ uint8 isCreation ‖ bytes data`.
 *
 * Spec: https://specs.optimism.io/protocol/deposits.html#deposit-contract
 * (op-node `derive/deposit_log.go` `UnmarshalDepositLogEvent`). Format: docs/deposits.md.
 */
import { bytesEqual } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import type { DepositTx } from "./depositTx.ts";
import { InvalidDepositLogError } from "./errors.ts";
import { userDepositSourceHash } from "./sourceHash.ts";
import { bytesToUint, uintToBytes } from "./words.ts";

/** `keccak256("TransactionDeposited(address,address,uint256,bytes)")`, the event's topic 0. */
export const TRANSACTION_DEPOSITED_TOPIC: Uint8Array = keccak256(
  new TextEncoder().encode("TransactionDeposited(address,address,uint256,bytes)"),
);

/** The only deposit version this engine understands. */
export const DEPOSIT_VERSION_0 = 0n;

/** The parts of an L1 log the parser reads. */
export interface DepositLog {
  /** The log's emitter (must be the portal; the caller filters by address). */
  address: Uint8Array;
  /** Four 32-byte topics. */
  topics: readonly Uint8Array[];
  /** ABI-encoded `bytes opaqueData`. */
  data: Uint8Array;
  /** Hash of the L1 block holding the log. */
  blockHash: Uint8Array;
  /** Index of the log within its L1 block (not within its transaction). */
  logIndex: bigint | number;
}

/** Minimum opaque data: 32 (mint) + 32 (value) + 8 (gas) + 1 (isCreation). */
const OPAQUE_HEADER = 73;

/**
 * Turns a portal `TransactionDeposited` log into the deposit it orders. Throws
 * `InvalidDepositLogError` on a wrong topic count or signature, an unknown version, a malformed
 * ABI `bytes` or short opaque data: op-node treats such a log as a critical derivation error,
 * since the portal never emits one.
 */
export function depositFromLog(log: DepositLog): DepositTx {
  if (log.topics.length !== 4)
    throw new InvalidDepositLogError(`deposit log: expected 4 topics, found ${log.topics.length}`);
  if (!bytesEqual(log.topics[0]!, TRANSACTION_DEPOSITED_TOPIC)) {
    throw new InvalidDepositLogError("deposit log: topic 0 is not TransactionDeposited");
  }
  const from = topicAddress(log.topics[1]!, "from");
  const to = topicAddress(log.topics[2]!, "to");
  const version = bytesToUint(log.topics[3]!);
  if (version !== DEPOSIT_VERSION_0)
    throw new InvalidDepositLogError(`deposit log: expected version 0, found ${version}`);
  const opaque = abiBytes(log.data);
  if (opaque.length < OPAQUE_HEADER) {
    throw new InvalidDepositLogError(
      `deposit log: opaque data must be at least ${OPAQUE_HEADER} bytes, found ${opaque.length}`,
    );
  }
  const isCreation = opaque[72]!;
  if (isCreation > 1)
    throw new InvalidDepositLogError(`deposit log: isCreation must be 0 or 1, found ${isCreation}`);
  return {
    sourceHash: userDepositSourceHash(log.blockHash, log.logIndex),
    from,
    to: isCreation === 1 ? undefined : to,
    mint: bytesToUint(opaque.subarray(0, 32)),
    value: bytesToUint(opaque.subarray(32, 64)),
    gas: bytesToUint(opaque.subarray(64, 72)),
    isSystemTx: false,
    data: opaque.slice(OPAQUE_HEADER),
  };
}

/** Packs version-0 opaque data (the inverse of the parser's unpacking; used by tests and tools). */
export function encodeOpaqueData(d: {
  mint: bigint;
  value: bigint;
  gas: bigint;
  isCreation: boolean;
  data: Uint8Array;
}): Uint8Array {
  const out = new Uint8Array(OPAQUE_HEADER + d.data.length);
  out.set(uintToBytes(d.mint, 32), 0);
  out.set(uintToBytes(d.value, 32), 32);
  out.set(uintToBytes(d.gas, 8), 64);
  out[72] = d.isCreation ? 1 : 0;
  out.set(d.data, OPAQUE_HEADER);
  return out;
}

function topicAddress(topic: Uint8Array, name: string): Uint8Array {
  if (topic.length !== 32)
    throw new InvalidDepositLogError(`deposit log: ${name} topic must be 32 bytes, found ${topic.length}`);
  for (let i = 0; i < 12; i++) {
    if (topic[i] !== 0)
      throw new InvalidDepositLogError(`deposit log: ${name} topic is not a left-padded address`);
  }
  return topic.slice(12);
}

/** Decodes ABI `(bytes)`: offset word (must be 32), length word, data, zero padding to 32. */
function abiBytes(data: Uint8Array): Uint8Array {
  if (data.length < 64)
    throw new InvalidDepositLogError(`deposit log: data must be at least 64 bytes, found ${data.length}`);
  const offset = bytesToUint(data.subarray(0, 32));
  if (offset !== 32n)
    throw new InvalidDepositLogError(`deposit log: bytes offset must be 32, found ${offset}`);
  const length = bytesToUint(data.subarray(32, 64));
  const padded = ((length + 31n) / 32n) * 32n;
  if (BigInt(data.length) !== 64n + padded) {
    throw new InvalidDepositLogError(
      `deposit log: data length ${data.length} does not match opaque length ${length} (expected ${64n + padded})`,
    );
  }
  const end = 64 + Number(length);
  for (let i = end; i < data.length; i++) {
    if (data[i] !== 0) throw new InvalidDepositLogError("deposit log: non-zero ABI padding");
  }
  return data.slice(64, end);
}
