/**
 * Derivation's public face: what the node (driver, sequencer, batcher) imports. Everything here
 * is pure; L1, L2 and compression come in through interfaces. Formats and rules:
 * docs/derivation.md.
 */
export { buildAttributes } from "./attributes.ts";
export {
  decodeBatch,
  encodeBatchStream,
  encodeSingularBatch,
  MAX_RLP_BYTES_PER_CHANNEL,
  type SingularBatch,
} from "./batch.ts";
export {
  batchBlob,
  batchCalldata,
  blobBatchCalldata,
  DEFAULT_CALLDATA_FRAME_SIZE,
  MAX_BLOB_FRAME_SIZE,
} from "./batcherTx.ts";
export {
  APPEND_BATCH_SELECTOR,
  APPEND_BLOB_BATCH_SELECTOR,
  appendBatchCalldata,
  BATCH_APPENDED_TOPIC,
  batchFeedData,
  decodeAbiBytesArg,
} from "./batchFeed.ts";
export { BLOB_SIZE, decodeBlob, encodeBlob, MAX_BLOB_DATA_SIZE } from "./blob.ts";
export { BLOB_BASE_FEE_UPDATE_FRACTION, blobBaseFee } from "./blobBaseFee.ts";
export { batchFromBlock, ChannelOut, type ChannelOutOptions } from "./channelOut.ts";
export { type BatchValidity, checkBatch } from "./checkBatch.ts";
export { checkSpanBatch } from "./checkSpanBatch.ts";
export {
  CHANNEL_VERSION_BROTLI,
  type ChannelCodec,
  type CompressionAlgo,
  type Compressor,
  channelCompression,
  type Decompressor,
} from "./compression.ts";
export { deriveDeposits } from "./deposits.ts";
export {
  ChannelOutError,
  criticalError,
  DecodeError,
  InvalidL2BlockError,
  InvalidRollupConfigError,
  resetError,
  temporaryError,
} from "./errors.ts";
export {
  decodeFrame,
  decodeFrames,
  encodeBatcherData,
  encodeFrame,
  FRAME_OVERHEAD,
  type Frame,
  MAX_FRAME_LEN,
} from "./frame.ts";
export { l1InfoOf, l2BlockRefFromBlock, systemConfigFromL2Block } from "./l2BlockRef.ts";
export {
  encodePayloadAttributes,
  type PayloadAttributesJson,
  payloadAttributesToJson,
} from "./payloadAttributes.ts";
export { DerivationPipeline, type PipelineOptions, type StepResult } from "./pipeline.ts";
export {
  parseRollupConfig,
  type RollupConfig,
  type RollupGenesis,
  rollupConfigToJson,
  validateRollupConfig,
} from "./rollupConfig.ts";
export {
  decodeSpanBatch,
  encodeSpanBatch,
  MAX_SPAN_BATCH_ELEMENT_COUNT,
  type SpanBatch,
  type SpanBatchBlock,
  SpanBatchBuilder,
  type SpanBatchParams,
} from "./spanBatch.ts";
export type { DerivationEvent, EventSink } from "./stage.ts";
export {
  applySystemConfigUpdates,
  CONFIG_UPDATE_TOPIC,
  ecotoneScalars,
  ecotoneScalarWord,
  systemConfigEqual,
} from "./systemConfig.ts";
export type * from "./types.ts";
