/**
 * Reading derivation's view of an L2 block out of the block itself: its L1 origin, sequence
 * number and system config all live in the L1 attributes deposit, the block's first
 * transaction (op-node `derive/l2block_util.go` `L2BlockToBlockRef`, `PayloadToSystemConfig`).
 * The genesis block has no such deposit; the rollup config supplies its values.
 */
import { toHex } from "../bytes.ts";
import { decodeDeposit } from "../engine/depositTx.ts";
import { decodeL1InfoEcotone, type L1BlockInfo } from "../engine/l1Info.ts";
import { PREDEPLOYS } from "../engine/predeploys.ts";
import { InvalidL2BlockError } from "./errors.ts";
import type { RollupGenesis } from "./rollupConfig.ts";
import { ecotoneScalarWord, ZERO32 } from "./systemConfig.ts";
import type { L2BlockInput, L2BlockRef, SystemConfig } from "./types.ts";

/**
 * The `L2BlockRef` of `block`. For the genesis block (number and hash of `genesis.l2`) the
 * origin is `genesis.l1` with sequence number 0; otherwise both come from the L1 attributes
 * deposit. Throws `InvalidL2BlockError` if the first transaction is not one.
 */
export function l2BlockRefFromBlock(block: L2BlockInput, genesis: RollupGenesis): L2BlockRef {
  const base = {
    hash: block.hash,
    number: block.number,
    parentHash: block.parentHash,
    timestamp: block.timestamp,
  };
  if (block.number === genesis.l2.number) {
    if (block.hash !== genesis.l2.hash) {
      throw new InvalidL2BlockError(
        `l2 block ${block.number}: expected genesis hash ${genesis.l2.hash}, found ${block.hash}`,
      );
    }
    return { ...base, l1origin: { ...genesis.l1 }, sequenceNumber: 0 };
  }
  const info = l1InfoOf(block);
  return {
    ...base,
    l1origin: { hash: toHex(info.hash), number: Number(info.number) },
    sequenceNumber: Number(info.sequenceNumber),
  };
}

/**
 * The system config in force after `block`: the batcher and fee scalars from its L1
 * attributes deposit, the gas limit from its header (op-node `PayloadToSystemConfig`). The
 * genesis block gives `genesis.systemConfig`.
 */
export function systemConfigFromL2Block(block: L2BlockInput, genesis: RollupGenesis): SystemConfig {
  if (block.number === genesis.l2.number) return { ...genesis.systemConfig };
  const info = l1InfoOf(block);
  return {
    batcherAddr: toHex(info.batcherHash.subarray(12)),
    overhead: ZERO32,
    scalar: ecotoneScalarWord({
      baseFeeScalar: info.baseFeeScalar,
      blobBaseFeeScalar: info.blobBaseFeeScalar,
    }),
    gasLimit: block.gasLimit,
  };
}

/** The decoded L1 attributes of a non-genesis L2 block; throws `InvalidL2BlockError`. */
export function l1InfoOf(block: L2BlockInput): L1BlockInfo {
  const first = block.transactions[0];
  if (first === undefined)
    throw new InvalidL2BlockError(
      `l2 block ${block.number}: no transactions, expected the L1 attributes deposit`,
    );
  try {
    const dep = decodeDeposit(first);
    if (dep.to === undefined || toHex(dep.to) !== toHex(PREDEPLOYS.L1Block)) {
      throw new InvalidL2BlockError("first transaction is not sent to the L1Block predeploy");
    }
    return decodeL1InfoEcotone(dep.data);
  } catch (cause) {
    throw new InvalidL2BlockError(
      `l2 block ${block.number}: first transaction is not an L1 attributes deposit`,
      { cause },
    );
  }
}
