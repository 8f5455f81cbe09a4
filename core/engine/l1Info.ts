/**
 * The L1 attributes deposit that opens every L2 block: a deposit from the depositor account
 * `0xDeaD…0001` to the L1Block predeploy calling `setL1BlockValuesEcotone()` with Ecotone's
 * packed calldata (no ABI words):
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 4 | selector `0x440a5e20` |
 * | 4 | 4 | baseFeeScalar (uint32) |
 * | 8 | 4 | blobBaseFeeScalar (uint32) |
 * | 12 | 8 | sequenceNumber (uint64) |
 * | 20 | 8 | timestamp (uint64) |
 * | 28 | 8 | number (uint64) |
 * | 36 | 32 | basefee (uint256) |
 * | 68 | 32 | blobBaseFee (uint256) |
 * | 100 | 32 | hash (bytes32) |
 * | 132 | 32 | batcherHash (bytes32) |
 *
 * Spec: https://specs.optimism.io/protocol/ecotone/l1-attributes.html
 */
import { assertBytesLength, bytesEqual, fromHex } from "../bytes.ts";
import type { DepositTx } from "./depositTx.ts";
import { InvalidL1InfoError } from "./errors.ts";
import { PREDEPLOYS, SYSTEM_ADDRESSES } from "./predeploys.ts";
import { l1InfoDepositSourceHash } from "./sourceHash.ts";
import { bytesToUint, uintToBytes } from "./words.ts";

/** `bytes4(keccak256("setL1BlockValuesEcotone()"))`. */
export const SET_L1_BLOCK_VALUES_ECOTONE = fromHex("0x440a5e20");

/** Length of the Ecotone L1 attributes calldata. */
export const L1_INFO_ECOTONE_LENGTH = 164;

/** Gas limit of the L1 attributes deposit after Regolith. */
export const L1_INFO_DEPOSIT_GAS = 1_000_000n;

/** The L1 facts an L2 block commits to, as the L1Block predeploy stores them. */
export interface L1BlockInfo {
  baseFeeScalar: number;
  blobBaseFeeScalar: number;
  /** L2 blocks since the L1 origin changed (0 for the first block of an epoch). */
  sequenceNumber: bigint;
  timestamp: bigint;
  number: bigint;
  baseFee: bigint;
  blobBaseFee: bigint;
  /** 32-byte L1 block hash. */
  hash: Uint8Array;
  /** 32-byte batcher hash (the batcher address left-padded). */
  batcherHash: Uint8Array;
}

/** Packs `info` into Ecotone `setL1BlockValuesEcotone` calldata (164 bytes). */
export function encodeL1InfoEcotone(info: L1BlockInfo): Uint8Array {
  assertBytesLength(info.hash, 32, "hash");
  assertBytesLength(info.batcherHash, 32, "batcherHash");
  const out = new Uint8Array(L1_INFO_ECOTONE_LENGTH);
  out.set(SET_L1_BLOCK_VALUES_ECOTONE, 0);
  out.set(uintToBytes(BigInt(info.baseFeeScalar), 4), 4);
  out.set(uintToBytes(BigInt(info.blobBaseFeeScalar), 4), 8);
  out.set(uintToBytes(info.sequenceNumber, 8), 12);
  out.set(uintToBytes(info.timestamp, 8), 20);
  out.set(uintToBytes(info.number, 8), 28);
  out.set(uintToBytes(info.baseFee, 32), 36);
  out.set(uintToBytes(info.blobBaseFee, 32), 68);
  out.set(info.hash, 100);
  out.set(info.batcherHash, 132);
  return out;
}

/** Unpacks Ecotone L1 attributes calldata; throws `InvalidL1InfoError` on a wrong length or selector. */
export function decodeL1InfoEcotone(data: Uint8Array): L1BlockInfo {
  if (data.length !== L1_INFO_ECOTONE_LENGTH) {
    throw new InvalidL1InfoError(`l1 info: expected ${L1_INFO_ECOTONE_LENGTH} bytes, found ${data.length}`);
  }
  if (!bytesEqual(data.subarray(0, 4), SET_L1_BLOCK_VALUES_ECOTONE)) {
    throw new InvalidL1InfoError("l1 info: selector is not setL1BlockValuesEcotone (0x440a5e20)");
  }
  return {
    baseFeeScalar: Number(bytesToUint(data.subarray(4, 8))),
    blobBaseFeeScalar: Number(bytesToUint(data.subarray(8, 12))),
    sequenceNumber: bytesToUint(data.subarray(12, 20)),
    timestamp: bytesToUint(data.subarray(20, 28)),
    number: bytesToUint(data.subarray(28, 36)),
    baseFee: bytesToUint(data.subarray(36, 68)),
    blobBaseFee: bytesToUint(data.subarray(68, 100)),
    hash: data.slice(100, 132),
    batcherHash: data.slice(132, 164),
  };
}

/** The L1 attributes deposit for `info` (the first transaction of every L2 block). */
export function l1InfoDeposit(info: L1BlockInfo): DepositTx {
  return {
    sourceHash: l1InfoDepositSourceHash(info.hash, info.sequenceNumber),
    from: SYSTEM_ADDRESSES.l1InfoDepositor,
    to: PREDEPLOYS.L1Block,
    mint: 0n,
    value: 0n,
    gas: L1_INFO_DEPOSIT_GAS,
    isSystemTx: false,
    data: encodeL1InfoEcotone(info),
  };
}
