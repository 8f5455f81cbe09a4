/**
 * Output root version 0, the L2 state commitment the proposer posts and the portal proves
 * withdrawals against: `keccak256(bytes32(0) ‖ stateRoot ‖ messagePasserStorageRoot ‖ blockHash)`
 * (computed by `contracts/withdrawals.ts`, which the portal tests check against Solidity).
 * The message passer's storage root comes from the engine's `eth_getProof` on
 * L2ToL1MessagePasser (0x4200…0016) at that block.
 *
 * Spec: https://specs.optimism.io/protocol/proposals.html#l2-output-commitment-construction
 */
import type { Hex } from "viem";
import { outputRootV0 } from "../../contracts/withdrawals.ts";
import { toHex } from "../../core/bytes.ts";
import { PREDEPLOYS } from "../../core/engine/predeploys.ts";
import type { EngineClient, RpcBlock } from "./engineClient.ts";
import { L2NotFoundError } from "./errors.ts";

/** Output root version 0 (32 zero bytes). */
export const OUTPUT_VERSION_V0: Hex = `0x${"00".repeat(32)}`;

/** The preimage of an output root and the root itself, as `optimism_outputAtBlock` reports them. */
export interface OutputAtBlock {
  version: Hex;
  outputRoot: Hex;
  stateRoot: Hex;
  messagePasserStorageRoot: Hex;
  block: RpcBlock;
}

/** Computes the output of canonical L2 block `number` from `engine`. */
export async function outputAtBlock(engine: EngineClient, number: bigint): Promise<OutputAtBlock> {
  const block = await engine.blockByNumber(number);
  if (!block) throw new L2NotFoundError(`output: L2 block ${number} not found`);
  const proof = await engine.getProof(toHex(PREDEPLOYS.L2ToL1MessagePasser), [], block.hash);
  return {
    version: OUTPUT_VERSION_V0,
    outputRoot: outputRootV0({
      stateRoot: block.stateRoot,
      messagePasserStorageRoot: proof.storageHash,
      latestBlockhash: block.hash,
    }),
    stateRoot: block.stateRoot,
    messagePasserStorageRoot: proof.storageHash,
    block,
  };
}
