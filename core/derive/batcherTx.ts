/**
 * What the batcher posts to the BatchFeed for a frame: calldata for `appendBatch(bytes)`, or a
 * blob for an `appendBlobBatch()` type-3 transaction. Either way the payload is batcher data:
 * `0x00 ++ frame`. One frame per payload keeps every frame independently retryable.
 */
import { APPEND_BLOB_BATCH_SELECTOR, appendBatchCalldata } from "./batchFeed.ts";
import { encodeBlob, MAX_BLOB_DATA_SIZE } from "./blob.ts";
import { encodeBatcherData, type Frame } from "./frame.ts";

/** Frame size (overhead included) that fills one blob: the blob capacity minus the version byte. */
export const MAX_BLOB_FRAME_SIZE = MAX_BLOB_DATA_SIZE - 1;

/** Frame size for calldata batches: op-batcher's 120,000-byte default minus the version byte. */
export const DEFAULT_CALLDATA_FRAME_SIZE = 120_000 - 1;

/** Calldata of `appendBatch(0x00 ++ frames)` (the transaction's `to` is the BatchFeed). */
export function batchCalldata(frames: readonly Frame[]): Uint8Array {
  return appendBatchCalldata(encodeBatcherData(frames));
}

/** Calldata of `appendBlobBatch()`. */
export function blobBatchCalldata(): Uint8Array {
  return APPEND_BLOB_BATCH_SELECTOR.slice();
}

/** The blob carrying `0x00 ++ frames` (131072 bytes); throws if it does not fit. */
export function batchBlob(frames: readonly Frame[]): Uint8Array {
  return encodeBlob(encodeBatcherData(frames));
}
