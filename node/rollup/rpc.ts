/**
 * The rollup node's JSON-RPC, op-node compatible: `optimism_syncStatus`,
 * `optimism_outputAtBlock`, `optimism_rollupConfig`, `optimism_version`, plus op-node's admin
 * methods to pause and resume the sequencer. Block references are op-node's JSON (numbers as
 * JSON numbers, snake_case keys in the sync status).
 * Spec: https://docs.optimism.io/operators/node-operators/json-rpc
 */
import { Hono } from "hono";
import { type RollupConfig, rollupConfigToJson } from "../../core/derive/rollupConfig.ts";
import type { L1BlockRef, L2BlockRef } from "../../core/derive/types.ts";
import { type Handler, mountJsonRpc } from "../engine/jsonRpc.ts";
import { RPC_ERRORS, RpcError } from "../engine/rpcErrors.ts";
import type { Driver, SyncStatus } from "./driver.ts";
import type { EngineClient } from "./engineClient.ts";
import { outputAtBlock } from "./outputRoot.ts";

/** The version `optimism_version` reports. */
export const NODE_VERSION = "v0.1.0-ore";

/** op-node's JSON of an `L1BlockRef`. */
export function l1RefJson(r: L1BlockRef) {
  return { hash: r.hash, number: r.number, parentHash: r.parentHash, timestamp: r.timestamp };
}

/** op-node's JSON of an `L2BlockRef`. */
export function l2RefJson(r: L2BlockRef) {
  return {
    hash: r.hash,
    number: r.number,
    parentHash: r.parentHash,
    timestamp: r.timestamp,
    l1origin: { hash: r.l1origin.hash, number: r.l1origin.number },
    sequenceNumber: r.sequenceNumber,
  };
}

/** op-node's JSON of a `SyncStatus`. */
export function syncStatusJson(s: SyncStatus) {
  return {
    current_l1: l1RefJson(s.currentL1),
    current_l1_finalized: l1RefJson(s.currentL1Finalized),
    head_l1: l1RefJson(s.headL1),
    safe_l1: l1RefJson(s.safeL1),
    finalized_l1: l1RefJson(s.finalizedL1),
    unsafe_l2: l2RefJson(s.unsafeL2),
    safe_l2: l2RefJson(s.safeL2),
    finalized_l2: l2RefJson(s.finalizedL2),
    pending_safe_l2: l2RefJson(s.pendingSafeL2),
    cross_unsafe_l2: l2RefJson(s.unsafeL2),
    local_safe_l2: l2RefJson(s.safeL2),
  };
}

/** The method table over a driver, its engine and its config. */
export function rollupMethods(
  driver: Driver,
  engine: EngineClient,
  config: RollupConfig,
): Record<string, Handler> {
  const status = () => {
    const s = driver.syncStatus();
    if (!s) throw new RpcError(RPC_ERRORS.serverError, "node is starting: no sync status yet");
    return s;
  };
  return {
    optimism_syncStatus: () => syncStatusJson(status()),
    optimism_outputAtBlock: async (p) => {
      const raw = p[0];
      if (typeof raw !== "string" || !/^0x[0-9a-fA-F]{1,16}$/.test(raw)) {
        throw new RpcError(RPC_ERRORS.invalidParams, "blockNumber: expected a hex quantity");
      }
      const s = status();
      let out: Awaited<ReturnType<typeof outputAtBlock>>;
      try {
        out = await outputAtBlock(engine, BigInt(raw));
      } catch (e) {
        throw new RpcError(RPC_ERRORS.serverError, (e as Error).message);
      }
      const ref = await driver.l2.l2BlockRefByHash(out.block.hash);
      return {
        version: out.version,
        outputRoot: out.outputRoot,
        blockRef: l2RefJson(ref),
        withdrawalStorageRoot: out.messagePasserStorageRoot,
        stateRoot: out.stateRoot,
        syncStatus: syncStatusJson(s),
      };
    },
    optimism_rollupConfig: () => rollupConfigToJson(config),
    optimism_version: () => NODE_VERSION,
    admin_sequencerActive: () => driver.isSequencing(),
    admin_startSequencer: () => {
      try {
        driver.startSequencer();
      } catch (e) {
        throw new RpcError(RPC_ERRORS.serverError, (e as Error).message);
      }
      return null;
    },
    admin_stopSequencer: async () => {
      try {
        return await driver.stopSequencer();
      } catch (e) {
        throw new RpcError(RPC_ERRORS.serverError, (e as Error).message);
      }
    },
  };
}

/** A listening rollup RPC server. */
export interface RollupRpcServer {
  url: string;
  stop(): Promise<void>;
}

/** Serves `methods` on `host:port` (port 0 picks a free one). */
export function serveRollupRpc(
  methods: Record<string, Handler>,
  host: string,
  port: number,
): RollupRpcServer {
  const app = new Hono();
  mountJsonRpc(app, methods, { maxBodyBytes: 1024 * 1024, maxBatch: 100 });
  const server = Bun.serve({ hostname: host, port, fetch: app.fetch });
  return {
    url: `http://${host}:${server.port}`,
    async stop() {
      await server.stop(true);
    },
  };
}
