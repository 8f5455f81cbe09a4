/**
 * Ore's data source: batcher data posted to the BatchFeed contract (where OP reads a batch
 * inbox EOA). A transaction of an L1 block carries batcher data when all of these hold:
 *
 * 1. `to` is `batch_inbox_address` (the BatchFeed) and `from` is the batcher of the system
 *    config in force at that L1 block (updates in the block included);
 * 2. its receipt is successful;
 * 3. its input calls `appendBatch(bytes _data)` (selector 0x96677ca2, ABI-decoded the way
 *    Solidity decodes calldata): the data is `_data`; or `appendBlobBatch()` (0x6551ca72) in a
 *    type-3 transaction: the data is each of its blobs, decoded with OP's blob encoding, in
 *    blob order (at most 16 blobs, as the contract records);
 * 4. its receipt holds the BatchFeed's `BatchAppended` log with the contract's commitment:
 *    `keccak256(_data)`, or `keccak256(versionedHash_0 ‖ … ‖ versionedHash_{n-1})`.
 *
 * Anything else is ignored (and reported). Each data item is then `version_byte ++ frames`.
 */
import { bytesEqual, concatBytes, fromHex, toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { decodeBlob } from "./blob.ts";
import { temporaryError } from "./errors.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import type { Hex, L1BlockRef, L1Receipt, L1Source, L1Transaction } from "./types.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** `bytes4(keccak256("appendBatch(bytes)"))`. */
export const APPEND_BATCH_SELECTOR: Uint8Array = keccak256(utf8("appendBatch(bytes)")).slice(0, 4);

/** `bytes4(keccak256("appendBlobBatch()"))`. */
export const APPEND_BLOB_BATCH_SELECTOR: Uint8Array = keccak256(utf8("appendBlobBatch()")).slice(0, 4);

/** Topic 0 of `BatchAppended(uint256 indexed index, bytes32 indexed commitment, BatchKind kind, bytes32[] blobHashes)`. */
export const BATCH_APPENDED_TOPIC: Hex = toHex(
  keccak256(utf8("BatchAppended(uint256,bytes32,uint8,bytes32[])")),
);

/** Most blobs one `appendBlobBatch` records. */
export const MAX_BLOBS_PER_APPEND = 16;

/** Why a transaction to the BatchFeed was ignored. */
export interface IgnoredBatchTx {
  txHash: Hex;
  reason: string;
}

/**
 * The batcher data of L1 block `ref`, in transaction order (blobs in blob order), and the
 * transactions to the BatchFeed that were ignored. Source failures are temporary errors.
 */
export async function batchFeedData(
  config: RollupConfig,
  l1: L1Source,
  ref: L1BlockRef,
  batcher: Hex,
): Promise<{ data: Uint8Array[]; ignored: IgnoredBatchTx[] }> {
  let txs: readonly L1Transaction[];
  let receipts: readonly L1Receipt[];
  try {
    [txs, receipts] = await Promise.all([l1.transactions(ref.hash), l1.receipts(ref.hash)]);
  } catch (cause) {
    throw temporaryError(`failed to fetch transactions of L1 block ${ref.number}`, cause);
  }
  if (txs.length !== receipts.length) {
    throw temporaryError(
      `L1 block ${ref.number}: ${txs.length} transactions but ${receipts.length} receipts`,
    );
  }
  const data: Uint8Array[] = [];
  const ignored: IgnoredBatchTx[] = [];
  const feed = config.batchInboxAddress;
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]!;
    if (tx.to === null || tx.to.toLowerCase() !== feed) continue;
    const ignore = (reason: string) => ignored.push({ txHash: tx.hash, reason });
    if (tx.from.toLowerCase() !== batcher) {
      ignore(`sender ${tx.from} is not the batcher ${batcher}`);
      continue;
    }
    const receipt = receipts[i]!;
    if (!receipt.status) {
      ignore("transaction reverted");
      continue;
    }
    const appended = receipt.logs.filter(
      (l) =>
        l.address.toLowerCase() === feed &&
        l.topics[0]?.toLowerCase() === BATCH_APPENDED_TOPIC &&
        l.topics.length === 3,
    );
    const committed = (c: Uint8Array) => appended.some((l) => bytesEqual(fromHex(l.topics[2]!), c));
    const selector = tx.input.subarray(0, 4);
    if (bytesEqual(selector, APPEND_BATCH_SELECTOR)) {
      const payload = decodeAbiBytesArg(tx.input);
      if (payload === null) {
        ignore("appendBatch calldata is not a valid ABI bytes argument");
        continue;
      }
      if (!committed(keccak256(payload))) {
        ignore("no BatchAppended log commits to keccak256(_data)");
        continue;
      }
      data.push(payload);
    } else if (bytesEqual(selector, APPEND_BLOB_BATCH_SELECTOR)) {
      const hashes = tx.blobVersionedHashes;
      if (tx.type !== 3 || hashes.length === 0 || hashes.length > MAX_BLOBS_PER_APPEND) {
        ignore(`appendBlobBatch with ${hashes.length} blobs in a type-${tx.type} transaction`);
        continue;
      }
      if (!committed(keccak256(concatBytes(...hashes.map(fromHex))))) {
        ignore("no BatchAppended log commits to the blob versioned hashes");
        continue;
      }
      let blobs: readonly Uint8Array[];
      try {
        blobs = await l1.blobs(ref, hashes);
      } catch (cause) {
        throw temporaryError(
          `failed to fetch ${hashes.length} blobs of ${tx.hash} in L1 block ${ref.number}`,
          cause,
        );
      }
      if (blobs.length !== hashes.length) {
        throw temporaryError(
          `blob source returned ${blobs.length} blobs for ${hashes.length} versioned hashes`,
        );
      }
      blobs.forEach((blob, j) => {
        try {
          data.push(decodeBlob(blob));
        } catch (e) {
          ignore(`blob ${j}: ${(e as Error).message}`);
        }
      });
    } else {
      ignore("input is neither appendBatch(bytes) nor appendBlobBatch()");
    }
  }
  return { data, ignored };
}

/**
 * The `bytes` argument of a one-argument call, decoded as Solidity decodes `bytes calldata`:
 * the head word is an offset (from the end of the selector) to a length word followed by the
 * bytes, all within the input; padding and extra bytes are not checked. Null if out of bounds.
 */
export function decodeAbiBytesArg(input: Uint8Array): Uint8Array | null {
  const args = input.subarray(4);
  const word = (at: number): number | null => {
    if (at + 32 > args.length) return null;
    for (let k = 0; k < 24; k++) if (args[at + k] !== 0) return null;
    const v = new DataView(args.buffer, args.byteOffset + at + 24, 8);
    const n = v.getUint32(0) * 2 ** 32 + v.getUint32(4);
    return Number.isSafeInteger(n) ? n : null;
  };
  const offset = word(0);
  if (offset === null) return null;
  const len = word(offset);
  if (len === null || offset + 32 + len > args.length) return null;
  return args.slice(offset + 32, offset + 32 + len);
}

/** ABI calldata of `appendBatch(data)`: selector, offset 0x20, length, data zero-padded to 32 bytes. */
export function appendBatchCalldata(data: Uint8Array): Uint8Array {
  const padded = Math.ceil(data.length / 32) * 32;
  const out = new Uint8Array(4 + 64 + padded);
  out.set(APPEND_BATCH_SELECTOR, 0);
  out[4 + 31] = 0x20;
  new DataView(out.buffer).setUint32(4 + 60, data.length);
  out.set(data, 4 + 64);
  return out;
}
