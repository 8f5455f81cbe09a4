/**
 * The block hash a payload claims, recomputed from its contents: the Cancun header OP Ecotone
 * uses (no ommers, difficulty 0, nonce 0, empty withdrawals root, the envelope's beacon root)
 * with the transactions root of the payload's transactions. op-node's
 * `ExecutionPayload.CheckBlockHash`; gossip rejects a payload whose hash does not match.
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#block-validation
 */
import { RLP } from "@ethereumjs/rlp";
import { bytesEqual } from "../bytes.ts";
import { EMPTY_OMMERS_HASH, EMPTY_TRIE_ROOT, headerHash } from "../engine/header.ts";
import { trieRoot } from "../mpt/trieRoot.ts";
import type { ExecutionPayloadEnvelope } from "./executionPayload.ts";

/** The hash of the block `env` describes, computed from its fields (not its `blockHash`). */
export function computeBlockHash(env: ExecutionPayloadEnvelope): Uint8Array {
  const p = env.executionPayload;
  return headerHash({
    parentHash: p.parentHash,
    ommersHash: EMPTY_OMMERS_HASH,
    coinbase: p.feeRecipient,
    stateRoot: p.stateRoot,
    transactionsRoot: trieRoot(p.transactions.map((tx, i) => [RLP.encode(i), tx] as const)),
    receiptsRoot: p.receiptsRoot,
    logsBloom: p.logsBloom,
    difficulty: 0n,
    number: p.blockNumber,
    gasLimit: p.gasLimit,
    gasUsed: p.gasUsed,
    timestamp: p.timestamp,
    extraData: p.extraData,
    mixHash: p.prevRandao,
    nonce: new Uint8Array(8),
    baseFeePerGas: p.baseFeePerGas,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: p.blobGasUsed,
    excessBlobGas: p.excessBlobGas,
    parentBeaconBlockRoot: env.parentBeaconBlockRoot,
  });
}

/** True when `env.executionPayload.blockHash` is the hash of its contents. */
export function checkBlockHash(env: ExecutionPayloadEnvelope): boolean {
  return bytesEqual(computeBlockHash(env), env.executionPayload.blockHash);
}
