/**
 * Test and benchmark doubles: an in-memory engine that tracks blocks by hash and checks that a
 * payload's parent is known and its block hash matches, and a node that holds the three heads
 * the applier reads and writes. Not used by production code.
 */
import { toHex } from "../../core/bytes.ts";
import type { BlockId } from "../../core/derive/types.ts";
import { checkBlockHash } from "../../core/p2p/blockHash.ts";
import { type ExecutionPayloadJson, payloadFromJson } from "../../core/p2p/executionPayload.ts";
import type { EnginePayloadStatus, NodeHeads, UnsafeEngine } from "./engineApplier.ts";

const status = (
  s: EnginePayloadStatus["status"],
  h: `0x${string}` | null = null,
  err: string | null = null,
) => ({
  status: s,
  latestValidHash: h,
  validationError: err,
});

/** An engine double: `newPayloadV3` stores blocks, `forkchoiceUpdatedV3` moves the head. */
export class FakeEngine implements UnsafeEngine {
  readonly blocks = new Map<string, { number: number; parentHash: string }>();
  head: BlockId;
  newPayloads = 0;
  forkchoiceUpdates = 0;

  constructor(genesis: BlockId) {
    this.blocks.set(genesis.hash, { number: genesis.number, parentHash: "0x" });
    this.head = genesis;
  }

  async newPayloadV3(
    payload: ExecutionPayloadJson,
    parentBeaconBlockRoot: `0x${string}`,
  ): Promise<EnginePayloadStatus> {
    this.newPayloads++;
    if (!this.blocks.has(payload.parentHash)) return status("SYNCING");
    const env = {
      executionPayload: payloadFromJson(payload),
      parentBeaconBlockRoot: hexBytes(parentBeaconBlockRoot),
    };
    if (!checkBlockHash(env)) return status("INVALID_BLOCK_HASH", null, "block hash mismatch");
    this.blocks.set(payload.blockHash, {
      number: Number(payload.blockNumber),
      parentHash: payload.parentHash,
    });
    return status("VALID", payload.blockHash);
  }

  async forkchoiceUpdatedV3(state: {
    headBlockHash: `0x${string}`;
  }): Promise<{ payloadStatus: EnginePayloadStatus }> {
    this.forkchoiceUpdates++;
    const b = this.blocks.get(state.headBlockHash);
    if (!b) return { payloadStatus: status("SYNCING") };
    this.head = { hash: state.headBlockHash, number: b.number };
    return { payloadStatus: status("VALID", state.headBlockHash) };
  }

  /** Inserts a block directly (what L1 derivation would build). */
  insert(id: BlockId, parentHash: `0x${string}`): void {
    this.blocks.set(id.hash, { number: id.number, parentHash });
  }
}

/** A node double holding heads; `onUnsafeHead` is what the applier calls. */
export class FakeNode {
  heads: NodeHeads;

  constructor(genesis: BlockId) {
    this.heads = { unsafe: genesis, safe: genesis, finalized: genesis };
  }

  onUnsafeHead = (head: BlockId): void => {
    this.heads = { ...this.heads, unsafe: head };
  };
}

/** The `BlockId` of an envelope's payload. */
export function idOf(env: { executionPayload: { blockNumber: bigint; blockHash: Uint8Array } }): BlockId {
  return { hash: toHex(env.executionPayload.blockHash), number: Number(env.executionPayload.blockNumber) };
}

function hexBytes(h: string): Uint8Array {
  const s = h.slice(2);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}
