/**
 * Validity of a span batch against the safe head (op-node `derive/batches.go` `checkSpanBatch`,
 * Delta rules, before Holocene). The rules, in order; the first that applies decides. `next` is
 * `safe.timestamp + block_time`, `epoch` the first buffered L1 block, `start`/`end` the first
 * and last block's L1 origin numbers, `parent` the block the span batch builds on.
 *
 * | rule | verdict |
 * | --- | --- |
 * | `start == epoch.number + 1` and the next L1 block is not buffered yet | undecided |
 * | first block's timestamp `> next` | future |
 * | last block's timestamp `< next` (nothing new) | drop |
 * | first timestamp `< next` and `> safe.timestamp`, or not a whole number of blocks before it | drop |
 * | first timestamp `< next`: the L2 block it builds on is before genesis | drop |
 * | first timestamp `< next`: the L2 block it builds on (by number) cannot be read | undecided |
 * | `parent_check` is not the start of `parent.hash` | drop |
 * | `start + seq_window_size < inclusion_block.number` | drop |
 * | `start > parent.l1origin.number + 1` | drop |
 * | `end` is a buffered L1 block whose hash does not start with `l1_origin_check` | drop |
 * | `end` is not buffered yet | undecided |
 * | `start < parent.l1origin.number` | drop |
 * | for each block after the safe head: its L1 origin is not buffered (older than `epoch`) | drop |
 * | … its timestamp `<` its L1 origin's | drop |
 * | … past the origin's timestamp + `max_sequencer_drift` with transactions | drop |
 * | … past the drift, empty, not moving the origin, the next L1 block not buffered | undecided |
 * | … past the drift, empty, not moving the origin, timestamp `>=` the next L1 block's | drop |
 * | … an empty transaction, or a deposit (type 0x7E) | drop |
 * | … Ore: a transaction over `MAX_TX_BYTES` (262,144) bytes | drop |
 * | for each block up to the safe head (overlap): the safe block cannot be read | undecided |
 * | … its non-deposit transactions or its L1 origin number differ from the batch's block | drop |
 * | otherwise | accept |
 *
 * Two rules are Ore's readings of corner cases op-node does not decide: a block whose L1 origin
 * is not buffered (op-node checks nothing, then fails critically expanding the batch) is dropped
 * as the singular batch's "epoch too old" rule drops it, and a batch building on a block before
 * genesis (op-node: undecided for ever) is dropped.
 * Spec: https://specs.optimism.io/protocol/delta/span-batches.html#span-batch-validation-rules
 */
import { toHex } from "../bytes.ts";
import { DEPOSIT_TX_TYPE } from "../engine/depositTx.ts";
import { MAX_TX_BYTES } from "../engine/provableLimits.ts";
import type { BatchValidity } from "./checkBatch.ts";
import { l2BlockRefFromBlock } from "./l2BlockRef.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { hashCheck, type SpanBatch } from "./spanBatch.ts";
import type { L1BlockRef, L2BlockRef, L2Source } from "./types.ts";

/**
 * The verdict on span batch `batch`, read in L1 block `inclusion`, on top of `safeHead`, given
 * the buffered L1 blocks `l1Blocks` (`l1Blocks[0]` is the current epoch). `l2` is read only
 * when the batch overlaps the safe chain; a failed read makes the verdict undecided.
 */
export async function checkSpanBatch(
  config: RollupConfig,
  l1Blocks: readonly L1BlockRef[],
  safeHead: L2BlockRef,
  batch: SpanBatch,
  inclusion: L1BlockRef,
  l2: L2Source,
): Promise<{ validity: BatchValidity; reason?: string }> {
  const blocks = batch.blocks;
  const first = blocks[0]!;
  const last = blocks.at(-1)!;
  const epoch = l1Blocks[0]!;
  const start = first.epochNum;
  if (start === epoch.number + 1 && l1Blocks.length < 2)
    return { validity: "undecided", reason: "span batch advances the epoch: next L1 block not known yet" };
  const next = safeHead.timestamp + config.blockTime;
  if (first.timestamp > next)
    return { validity: "future", reason: `timestamp ${first.timestamp} > next ${next}` };
  if (last.timestamp < next)
    return drop(`last block's timestamp ${last.timestamp} < next ${next}: no new blocks`);

  let parent = safeHead;
  if (first.timestamp < next) {
    if (first.timestamp > safeHead.timestamp)
      return drop(
        `timestamp ${first.timestamp} is between the safe head's ${safeHead.timestamp} and ${next}`,
      );
    const behind = safeHead.timestamp - first.timestamp;
    if (behind % config.blockTime !== 0)
      return drop(`timestamp ${first.timestamp} is not a whole number of blocks before the safe head's`);
    const parentNum = safeHead.number - behind / config.blockTime - 1;
    if (parentNum < config.genesis.l2.number)
      return drop(`span batch builds on L2 block ${parentNum}, before genesis`);
    try {
      parent = await l2.l2BlockRefByNumber(parentNum);
    } catch (e) {
      return { validity: "undecided", reason: `L2 block ${parentNum} unavailable: ${(e as Error)?.message}` };
    }
  }
  if (toHex(batch.parentCheck) !== hashCheck(parent.hash))
    return drop(
      `parent check ${toHex(batch.parentCheck)} does not match L2 block ${parent.number} ${parent.hash}`,
    );
  if (start + config.seqWindowSize < inclusion.number) {
    return drop(
      `epoch ${start} + window ${config.seqWindowSize} < inclusion block ${inclusion.number}: included too late`,
    );
  }
  if (start > parent.l1origin.number + 1) {
    return drop(
      `epoch ${start} > ${parent.l1origin.number + 1}: an L2 block may advance its L1 origin by at most one`,
    );
  }
  const endOrigin = l1Blocks.find((b) => b.number === last.epochNum);
  if (endOrigin === undefined)
    return { validity: "undecided", reason: `L1 origin ${last.epochNum} of the last block not known yet` };
  if (toHex(batch.l1OriginCheck) !== hashCheck(endOrigin.hash))
    return drop(
      `L1 origin check ${toHex(batch.l1OriginCheck)} does not match L1 block ${endOrigin.number} ${endOrigin.hash}`,
    );
  if (start < parent.l1origin.number)
    return drop(`epoch ${start} < the parent's L1 origin ${parent.l1origin.number}: too old`);

  let originIdx = 0;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.timestamp <= safeHead.timestamp) continue;
    const j = l1Blocks.findIndex((o, k) => k >= originIdx && o.number === b.epochNum);
    if (j < 0) return drop(`block ${i}: L1 origin ${b.epochNum} < current epoch ${epoch.number}: too old`);
    originIdx = j;
    const origin = l1Blocks[j]!;
    const advanced = i === 0 ? start === parent.l1origin.number + 1 : b.epochNum > blocks[i - 1]!.epochNum;
    if (b.timestamp < origin.timestamp)
      return drop(`block ${i}: timestamp ${b.timestamp} < L1 origin timestamp ${origin.timestamp}`);
    if (b.timestamp > origin.timestamp + config.maxSequencerDrift) {
      if (b.transactions.length > 0) {
        return drop(
          `block ${i}: timestamp ${b.timestamp} > L1 origin ${origin.timestamp} + max drift ${config.maxSequencerDrift} with transactions`,
        );
      }
      if (!advanced) {
        const nextL1 = l1Blocks[j + 1];
        if (nextL1 === undefined)
          return { validity: "undecided", reason: `block ${i} past the drift: next L1 block not known yet` };
        if (b.timestamp >= nextL1.timestamp) {
          return drop(
            `block ${i}: past the drift without adopting the next L1 origin ${nextL1.number} (timestamp ${nextL1.timestamp})`,
          );
        }
      }
    }
    for (let k = 0; k < b.transactions.length; k++) {
      const tx = b.transactions[k]!;
      if (tx.length === 0) return drop(`block ${i}: transaction ${k} is empty`);
      if (tx[0] === DEPOSIT_TX_TYPE) return drop(`block ${i}: transaction ${k} is a deposit`);
      if (tx.length > MAX_TX_BYTES) {
        return drop(
          `block ${i}: transaction ${k} too large: ${tx.length} bytes > limit ${MAX_TX_BYTES} (unprovable in one step)`,
        );
      }
    }
  }

  // Blocks up to the safe head must be the safe chain's, transaction for transaction.
  for (let n = parent.number + 1, i = 0; n <= safeHead.number; n++, i++) {
    let ref: L2BlockRef;
    let txs: readonly Uint8Array[];
    try {
      const block = await l2.l2BlockByNumber(n);
      ref = l2BlockRefFromBlock(block, config.genesis);
      txs = block.transactions.filter((tx) => tx[0] !== DEPOSIT_TX_TYPE);
    } catch (e) {
      return { validity: "undecided", reason: `safe L2 block ${n} unavailable: ${(e as Error)?.message}` };
    }
    const b = blocks[i]!;
    if (txs.length !== b.transactions.length)
      return drop(`overlapped block ${n} has ${txs.length} transactions, the batch ${b.transactions.length}`);
    for (let k = 0; k < txs.length; k++) {
      if (toHex(txs[k]!) !== toHex(b.transactions[k]!))
        return drop(`overlapped block ${n}: transaction ${k} differs from the safe chain's`);
    }
    if (ref.l1origin.number !== b.epochNum)
      return drop(`overlapped block ${n}: L1 origin ${ref.l1origin.number}, the batch ${b.epochNum}`);
  }
  return { validity: "accept" };
}

function drop(reason: string): { validity: "drop"; reason: string } {
  return { validity: "drop", reason };
}
