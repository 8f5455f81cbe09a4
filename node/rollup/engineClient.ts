/**
 * The rollup node's client of its execution engine: the Engine API V3 methods over the
 * JWT-authenticated port, and the few `eth_` reads it needs over the engine's user RPC port
 * (Ore's engine serves only `engine_*` on the authenticated port).
 *
 * Specs: https://github.com/ethereum/execution-apis/blob/main/src/engine/cancun.md,
 * https://specs.optimism.io/protocol/exec-engine.html#extended-payloadattributesv3,
 * authentication: https://github.com/ethereum/execution-apis/blob/main/src/engine/authentication.md
 */
import type { Hex } from "viem";
import type { PayloadAttributesJson } from "../../core/derive/payloadAttributes.ts";
import { signJwt } from "../engine/jwt.ts";
import { EngineError } from "./errors.ts";
import type { RpcTransactionJson } from "./l2Transactions.ts";
import { RpcClient } from "./rpcClient.ts";

/** `ExecutionPayloadV3` as JSON. */
export interface ExecutionPayloadJson {
  parentHash: Hex;
  feeRecipient: Hex;
  stateRoot: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  prevRandao: Hex;
  blockNumber: Hex;
  gasLimit: Hex;
  gasUsed: Hex;
  timestamp: Hex;
  extraData: Hex;
  baseFeePerGas: Hex;
  blockHash: Hex;
  transactions: Hex[];
  withdrawals: [];
  blobGasUsed: Hex;
  excessBlobGas: Hex;
}

/** `ForkchoiceStateV1`. */
export interface ForkchoiceState {
  headBlockHash: Hex;
  safeBlockHash: Hex;
  finalizedBlockHash: Hex;
}

/** `PayloadStatusV1`. */
export interface PayloadStatus {
  status: "VALID" | "INVALID" | "SYNCING" | "ACCEPTED" | "INVALID_BLOCK_HASH";
  latestValidHash: Hex | null;
  validationError: string | null;
}

/** What `engine_getPayloadV3` returns (the fields the node uses). */
export interface PayloadEnvelope {
  executionPayload: ExecutionPayloadJson;
  parentBeaconBlockRoot: Hex;
}

/** A block as the user RPC returns it with full transactions (the fields the node reads). */
export interface RpcBlock {
  hash: Hex;
  parentHash: Hex;
  number: Hex;
  timestamp: Hex;
  stateRoot: Hex;
  gasLimit: Hex;
  mixHash: Hex;
  miner: Hex;
  parentBeaconBlockRoot?: Hex;
  transactions: RpcTransactionJson[];
}

/** `eth_getProof`'s answer (the fields the node reads). */
export interface ProofJson {
  storageHash: Hex;
}

/** Where the engine listens and the secret it shares with the node. */
export interface EngineEndpoints {
  /** Engine API URL (JWT). */
  engineUrl: string;
  /** User JSON-RPC URL. */
  rpcUrl: string;
  /** 32-byte JWT secret. */
  jwtSecret: Uint8Array;
}

/** The Engine API's "unknown payload"/"invalid forkchoice"/"invalid attributes" codes. */
export const ENGINE_ERROR_CODES = {
  unknownPayload: -38001,
  invalidForkchoiceState: -38002,
  invalidPayloadAttributes: -38003,
} as const;

/** Engine API and user-RPC client of one engine. */
export class EngineClient {
  private readonly engine: RpcClient;
  private readonly rpc: RpcClient;

  constructor(readonly endpoints: EngineEndpoints) {
    this.engine = new RpcClient(endpoints.engineUrl, {
      headers: () => ({ authorization: `Bearer ${signJwt(endpoints.jwtSecret)}` }),
    });
    this.rpc = new RpcClient(endpoints.rpcUrl);
  }

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/cancun.md#engine_forkchoiceupdatedv3 */
  forkchoiceUpdatedV3(
    state: ForkchoiceState,
    attributes?: PayloadAttributesJson,
  ): Promise<{ payloadStatus: PayloadStatus; payloadId: Hex | null }> {
    return this.engine.call("engine_forkchoiceUpdatedV3", [state, attributes ?? null]);
  }

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/cancun.md#engine_getpayloadv3 */
  getPayloadV3(payloadId: Hex): Promise<PayloadEnvelope> {
    return this.engine.call("engine_getPayloadV3", [payloadId]);
  }

  /** https://github.com/ethereum/execution-apis/blob/main/src/engine/cancun.md#engine_newpayloadv3 */
  newPayloadV3(payload: ExecutionPayloadJson, parentBeaconBlockRoot: Hex): Promise<PayloadStatus> {
    return this.engine.call("engine_newPayloadV3", [payload, [], parentBeaconBlockRoot]);
  }

  /**
   * Builds a block on `parent` from `attributes` and inserts it as the new head:
   * forkchoiceUpdated with attributes → getPayload → newPayload → forkchoiceUpdated.
   * Throws {@link EngineError} when the engine refuses the block it just built.
   */
  async buildAndInsert(state: ForkchoiceState, attributes: PayloadAttributesJson): Promise<PayloadEnvelope> {
    const fcu = await this.forkchoiceUpdatedV3(state, attributes);
    if (fcu.payloadStatus.status !== "VALID" || !fcu.payloadId) {
      throw new EngineError(
        `forkchoiceUpdated with attributes: expected VALID, found ${fcu.payloadStatus.status}`,
        {
          details: { ...fcu.payloadStatus },
        },
      );
    }
    const envelope = await this.getPayloadV3(fcu.payloadId);
    const status = await this.newPayloadV3(envelope.executionPayload, envelope.parentBeaconBlockRoot);
    if (status.status !== "VALID") {
      throw new EngineError(`newPayload of a built block: expected VALID, found ${status.status}`, {
        details: { ...status },
      });
    }
    const hash = envelope.executionPayload.blockHash;
    await this.setForkchoice({ ...state, headBlockHash: hash });
    return envelope;
  }

  /** forkchoiceUpdated without attributes; throws {@link EngineError} unless VALID. */
  async setForkchoice(state: ForkchoiceState): Promise<void> {
    const r = await this.forkchoiceUpdatedV3(state);
    if (r.payloadStatus.status !== "VALID") {
      throw new EngineError(`forkchoiceUpdated: expected VALID, found ${r.payloadStatus.status}`, {
        details: { ...r.payloadStatus, ...state },
      });
    }
  }

  /** A block by number or tag with full transactions, or null. */
  blockByNumber(n: bigint | "latest" | "safe" | "finalized" | "earliest"): Promise<RpcBlock | null> {
    const tag = typeof n === "bigint" ? `0x${n.toString(16)}` : n;
    return this.rpc.call("eth_getBlockByNumber", [tag, true]);
  }

  /** A block by hash with full transactions, or null. */
  blockByHash(hash: Hex): Promise<RpcBlock | null> {
    return this.rpc.call("eth_getBlockByHash", [hash, true]);
  }

  /** `eth_getProof(address, keys, block)`. */
  getProof(address: Hex, keys: Hex[], block: Hex | bigint): Promise<ProofJson> {
    const tag = typeof block === "bigint" ? `0x${block.toString(16)}` : block;
    return this.rpc.call("eth_getProof", [address, keys, tag]);
  }

  /** `eth_sendRawTransaction` into the engine's pool. */
  sendRawTransaction(raw: Hex): Promise<Hex> {
    return this.rpc.call("eth_sendRawTransaction", [raw]);
  }

  /** `eth_chainId`. */
  async chainId(): Promise<bigint> {
    return BigInt(await this.rpc.call<string>("eth_chainId"));
  }
}
