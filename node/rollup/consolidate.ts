/**
 * Consolidation: does an existing (unsafe) L2 block equal what derivation says the block at its
 * height must be? If so the node only moves its safe head; if not, the block is replaced by
 * one built from the derived attributes (op-node `AttributesMatchBlock`). Transactions are
 * compared by hash (keccak256 of the raw envelope), which is what the block commits to.
 * Spec: https://specs.optimism.io/protocol/derivation.html#engine-queue
 */
import { keccak256, toHex } from "viem";
import type { L2BlockRef, PayloadAttributes } from "../../core/derive/types.ts";
import type { RpcBlock } from "./engineClient.ts";

const ZERO32 = `0x${"00".repeat(32)}`;

/** Null when `block` matches `attrs` built on `parent`, else the first difference found. */
export function attributesMismatch(
  attrs: PayloadAttributes,
  parent: L2BlockRef,
  block: RpcBlock,
): string | null {
  const eq = (a: string | undefined, b: string | undefined) =>
    (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
  if (!eq(block.parentHash, parent.hash)) return `parent hash ${block.parentHash} != ${parent.hash}`;
  if (Number(block.timestamp) !== attrs.timestamp)
    return `timestamp ${Number(block.timestamp)} != ${attrs.timestamp}`;
  if (!eq(block.mixHash, attrs.prevRandao)) return `prevRandao ${block.mixHash} != ${attrs.prevRandao}`;
  if (!eq(block.miner, attrs.suggestedFeeRecipient))
    return `fee recipient ${block.miner} != ${attrs.suggestedFeeRecipient}`;
  if (BigInt(block.gasLimit) !== attrs.gasLimit)
    return `gas limit ${BigInt(block.gasLimit)} != ${attrs.gasLimit}`;
  if (!eq(block.parentBeaconBlockRoot ?? ZERO32, attrs.parentBeaconBlockRoot))
    return `parent beacon root ${block.parentBeaconBlockRoot} != ${attrs.parentBeaconBlockRoot}`;
  if (block.transactions.length !== attrs.transactions.length)
    return `transaction count ${block.transactions.length} != ${attrs.transactions.length}`;
  for (let i = 0; i < attrs.transactions.length; i++) {
    const want = keccak256(toHex(attrs.transactions[i]!));
    if (!eq(block.transactions[i]!.hash, want))
      return `transaction ${i}: ${block.transactions[i]!.hash} != ${want}`;
  }
  return null;
}
