/**
 * Payload attributes for the L2 block after `l2Parent` with L1 origin `epoch`: the L1
 * attributes deposit first, then, on the first block of an epoch, that L1 block's user
 * deposits (op-node `derive/attributes.go` `PreparePayloadAttributes`). The sequencer calls
 * `buildAttributes` directly and the pipeline's attributes queue calls it before appending a
 * batch's transactions, so both produce the same bytes.
 * Spec: https://specs.optimism.io/protocol/derivation.html#building-individual-payload-attributes
 */
import { fromHex, toHex } from "../bytes.ts";
import { encodeDeposit } from "../engine/depositTx.ts";
import { l1InfoDeposit } from "../engine/l1Info.ts";
import { FEE_VAULTS } from "../engine/predeploys.ts";
import { deriveDeposits } from "./deposits.ts";
import { criticalError, resetError, temporaryError } from "./errors.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { applySystemConfigUpdates, batcherHash, ecotoneScalars, ZERO32 } from "./systemConfig.ts";
import type {
  BlockId,
  L1BlockInfo,
  L1Receipt,
  L1Source,
  L2BlockRef,
  L2Source,
  PayloadAttributes,
  SystemConfig,
} from "./types.ts";

/**
 * Attributes of the block on top of `l2Parent` whose L1 origin is `epoch`, with `noTxPool: true`
 * (a sequencer that wants pool transactions sets it to false while within the drift limit).
 * `epoch` must be the parent's origin or that origin's child; anything else, or a timestamp
 * before the origin's, is a reset error. Source failures are temporary errors; a malformed
 * portal or SystemConfig log is critical.
 */
export async function buildAttributes(
  config: RollupConfig,
  l1: L1Source,
  l2: L2Source,
  l2Parent: L2BlockRef,
  epoch: BlockId,
): Promise<PayloadAttributes> {
  let sysConfig: SystemConfig = await call("system config of l2 parent", () =>
    l2.systemConfigByL2Hash(l2Parent.hash),
  );
  let info: L1BlockInfo;
  let deposits: Uint8Array[] = [];
  let sequenceNumber: number;
  if (l2Parent.l1origin.number !== epoch.number) {
    // First block of a new epoch: the origin must be the child of the parent's origin.
    info = await call("L1 block info", () => l1.blockInfo(epoch.hash));
    if (info.hash !== epoch.hash)
      throw resetError(`L1 block info: asked for ${epoch.hash}, got ${info.hash}`);
    if (info.parentHash !== l2Parent.l1origin.hash) {
      throw resetError(
        `cannot create new block with L1 origin ${epoch.number} (${epoch.hash}, parent ${info.parentHash}) on top of L1 origin ${l2Parent.l1origin.number} (${l2Parent.l1origin.hash})`,
      );
    }
    const receipts: readonly L1Receipt[] = await call("L1 receipts", () => l1.receipts(epoch.hash));
    const d = deriveDeposits(config, epoch.hash, receipts);
    if (d.errors.length > 0)
      throw criticalError(`failed to derive deposits of L1 block ${epoch.number}: ${d.errors.join("; ")}`);
    deposits = d.deposits;
    const u = applySystemConfigUpdates(config, sysConfig, receipts);
    if (u.errors.length > 0)
      throw criticalError(
        `failed to apply system config updates of L1 block ${epoch.number}: ${u.errors.join("; ")}`,
      );
    sysConfig = u.config;
    sequenceNumber = 0;
  } else {
    if (l2Parent.l1origin.hash !== epoch.hash) {
      throw resetError(
        `cannot create new block with L1 origin ${epoch.number} (${epoch.hash}) in conflict with L1 origin ${l2Parent.l1origin.hash}`,
      );
    }
    info = await call("L1 block info", () => l1.blockInfo(epoch.hash));
    if (info.hash !== epoch.hash)
      throw resetError(`L1 block info: asked for ${epoch.hash}, got ${info.hash}`);
    sequenceNumber = l2Parent.sequenceNumber + 1;
  }
  const timestamp = l2Parent.timestamp + config.blockTime;
  if (timestamp < info.timestamp) {
    throw resetError(
      `cannot build L2 block on top of ${l2Parent.number} for time ${timestamp} before L1 origin ${info.number} at time ${info.timestamp}`,
    );
  }
  const scalars = ecotoneScalars(sysConfig);
  if (scalars === null)
    throw criticalError(`system config scalar ${sysConfig.scalar} has an unknown version`);
  const l1InfoTx = encodeDeposit(
    l1InfoDeposit({
      baseFeeScalar: scalars.baseFeeScalar,
      blobBaseFeeScalar: scalars.blobBaseFeeScalar,
      sequenceNumber: BigInt(sequenceNumber),
      timestamp: BigInt(info.timestamp),
      number: BigInt(info.number),
      baseFee: info.baseFeePerGas,
      blobBaseFee: info.blobBaseFee,
      hash: fromHex(info.hash),
      batcherHash: batcherHash(sysConfig),
    }),
  );
  return {
    timestamp,
    prevRandao: info.mixHash,
    suggestedFeeRecipient: toHex(FEE_VAULTS.priority),
    withdrawals: [],
    parentBeaconBlockRoot: info.parentBeaconBlockRoot ?? ZERO32,
    transactions: [l1InfoTx, ...deposits],
    noTxPool: true,
    gasLimit: sysConfig.gasLimit,
  };
}

async function call<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (cause) {
    throw temporaryError(`${what}: source failed: ${(cause as Error)?.message ?? String(cause)}`, cause);
  }
}
