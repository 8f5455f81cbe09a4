/**
 * Validity of a singular batch against the safe head (op-node `derive/batches.go`
 * `checkSingularBatch`). The rules, in order; the first that applies decides:
 *
 * | rule | verdict |
 * | --- | --- |
 * | `timestamp > next_timestamp` (= safe.timestamp + block_time) | future |
 * | `timestamp < next_timestamp` | drop |
 * | `parent_hash != safe.hash` | drop |
 * | `epoch_num + seq_window_size < inclusion_block.number` | drop |
 * | `epoch_num < epoch.number` (epoch = first buffered L1 block) | drop |
 * | `epoch_num == epoch.number + 1` and the next L1 block is not buffered yet | undecided |
 * | `epoch_num > epoch.number + 1` | drop |
 * | `epoch_hash != batch_origin.hash` | drop |
 * | `timestamp < batch_origin.timestamp` | drop |
 * | `timestamp > batch_origin.timestamp + max_sequencer_drift` with transactions | drop |
 * | … without transactions, not advancing the epoch, next L1 block not buffered | undecided |
 * | … without transactions, not advancing the epoch, `timestamp >= next_l1.timestamp` | drop |
 * | an empty transaction, or a deposit (type 0x7E) | drop |
 * | Ore: a transaction over `MAX_TX_BYTES` (262,144) bytes | drop |
 * | otherwise | accept |
 *
 * The last drop rule is Ore's: the fault-proof step machine loads a transaction as one preimage
 * of at most `MAX_TX_BYTES` bytes, so a block holding a longer one could not be disputed
 * (docs/derivation.md#deviations-from-op, docs/fault-proof.md §7).
 *
 * Spec: https://specs.optimism.io/protocol/derivation.html#batch-queue
 */
import { DEPOSIT_TX_TYPE } from "../engine/depositTx.ts";
import { MAX_TX_BYTES } from "../engine/provableLimits.ts";
import type { SingularBatch } from "./batch.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import type { L1BlockRef, L2BlockRef } from "./types.ts";

/** A batch's verdict. */
export type BatchValidity = "accept" | "drop" | "future" | "undecided";

/** A batch with the L1 block in which it was fully read. */
export interface BatchWithInclusion {
  batch: SingularBatch;
  inclusionBlock: L1BlockRef;
}

/**
 * The verdict on `b` as the block after `safeHead`, given the buffered L1 blocks `l1Blocks`
 * (`l1Blocks[0]` is the current epoch; `l1Blocks[1]`, if present, the next), with a reason for
 * every verdict but accept.
 */
export function checkBatch(
  config: RollupConfig,
  l1Blocks: readonly L1BlockRef[],
  safeHead: L2BlockRef,
  b: BatchWithInclusion,
): { validity: BatchValidity; reason?: string } {
  const batch = b.batch;
  const epoch = l1Blocks[0]!;
  const nextTimestamp = safeHead.timestamp + config.blockTime;
  if (batch.timestamp > nextTimestamp)
    return { validity: "future", reason: `timestamp ${batch.timestamp} > next ${nextTimestamp}` };
  if (batch.timestamp < nextTimestamp)
    return drop(`timestamp ${batch.timestamp} < next ${nextTimestamp}: too old`);
  if (batch.parentHash !== safeHead.hash)
    return drop(`parent hash ${batch.parentHash} is not the safe head ${safeHead.hash}`);
  if (batch.epochNum + config.seqWindowSize < b.inclusionBlock.number) {
    return drop(
      `epoch ${batch.epochNum} + window ${config.seqWindowSize} < inclusion block ${b.inclusionBlock.number}: included too late`,
    );
  }
  let origin = epoch;
  if (batch.epochNum < epoch.number)
    return drop(`epoch ${batch.epochNum} < current epoch ${epoch.number}: too old`);
  if (batch.epochNum === epoch.number + 1) {
    if (l1Blocks.length < 2) return { validity: "undecided", reason: "next L1 block not known yet" };
    origin = l1Blocks[1]!;
  } else if (batch.epochNum > epoch.number + 1) {
    return drop(
      `epoch ${batch.epochNum} > ${epoch.number + 1}: an L2 block may advance its L1 origin by at most one`,
    );
  }
  if (batch.epochHash !== origin.hash)
    return drop(`epoch hash ${batch.epochHash} is not L1 block ${origin.number}'s ${origin.hash}`);
  if (batch.timestamp < origin.timestamp)
    return drop(`timestamp ${batch.timestamp} < L1 origin timestamp ${origin.timestamp}`);
  if (batch.timestamp > origin.timestamp + config.maxSequencerDrift) {
    if (batch.transactions.length > 0) {
      return drop(
        `timestamp ${batch.timestamp} > L1 origin ${origin.timestamp} + max drift ${config.maxSequencerDrift} with transactions`,
      );
    }
    // An empty batch past the drift is fine only if it could not have adopted the next origin.
    if (epoch.number === origin.number) {
      if (l1Blocks.length < 2)
        return { validity: "undecided", reason: "past the drift: next L1 block not known yet" };
      const next = l1Blocks[1]!;
      if (batch.timestamp >= next.timestamp) {
        return drop(
          `past the drift without adopting the next L1 origin ${next.number} (timestamp ${next.timestamp})`,
        );
      }
    }
  }
  for (let i = 0; i < batch.transactions.length; i++) {
    const tx = batch.transactions[i]!;
    if (tx.length === 0) return drop(`transaction ${i} is empty`);
    if (tx[0] === DEPOSIT_TX_TYPE) return drop(`transaction ${i} is a deposit`);
    if (tx.length > MAX_TX_BYTES) {
      return drop(
        `transaction ${i} too large: ${tx.length} bytes > limit ${MAX_TX_BYTES} (unprovable in one step)`,
      );
    }
  }
  return { validity: "accept" };
}

function drop(reason: string): { validity: "drop"; reason: string } {
  return { validity: "drop", reason };
}
