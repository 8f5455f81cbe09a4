/**
 * `payload_by_number` served from the engine: the canonical L2 block at a number, turned back
 * into the `ExecutionPayload` envelope it was built as. Transactions come back as JSON and are
 * re-encoded with `rawTransaction`, which checks each one against its hash; the requester then
 * checks the block hash, so an imperfect re-encoding is refused, never served as valid.
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#payload_by_number
 */
import { type Hex, toHex } from "viem";
import { type ExecutionPayloadEnvelope, envelopeFromJson } from "../../core/p2p/executionPayload.ts";
import type { PayloadSource } from "../p2p/reqResp.ts";
import type { EngineClient, RpcBlock } from "./engineClient.ts";
import { rawTransaction } from "./l2Transactions.ts";

/** The header fields of an RPC block that a payload has beyond {@link RpcBlock}'s. */
interface FullRpcBlock extends RpcBlock {
  receiptsRoot: Hex;
  logsBloom: Hex;
  gasUsed: Hex;
  extraData: Hex;
  baseFeePerGas: Hex;
  blobGasUsed?: Hex;
  excessBlobGas?: Hex;
}

const ZERO32: Hex = `0x${"00".repeat(32)}`;

/** The envelope of an engine block (with full transactions). */
export function envelopeFromRpcBlock(b: RpcBlock): ExecutionPayloadEnvelope {
  const f = b as FullRpcBlock;
  return envelopeFromJson({
    parentBeaconBlockRoot: f.parentBeaconBlockRoot ?? ZERO32,
    executionPayload: {
      parentHash: f.parentHash,
      feeRecipient: f.miner,
      stateRoot: f.stateRoot,
      receiptsRoot: f.receiptsRoot,
      logsBloom: f.logsBloom,
      prevRandao: f.mixHash,
      blockNumber: f.number,
      gasLimit: f.gasLimit,
      gasUsed: f.gasUsed,
      timestamp: f.timestamp,
      extraData: f.extraData,
      baseFeePerGas: f.baseFeePerGas,
      blockHash: f.hash,
      transactions: f.transactions.map((t) => toHex(rawTransaction(t))),
      withdrawals: [],
      blobGasUsed: f.blobGasUsed ?? "0x0",
      excessBlobGas: f.excessBlobGas ?? "0x0",
    },
  });
}

/** A {@link PayloadSource} reading canonical blocks from `engine`. */
export function enginePayloadSource(engine: EngineClient): PayloadSource {
  return async (n) => {
    const b = await engine.blockByNumber(n);
    return b ? envelopeFromRpcBlock(b) : null;
  };
}
