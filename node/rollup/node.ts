/**
 * A rollup node assembled from its parts: the L1 client (with a blob source), the engine
 * client, the driver (with the sequencer when enabled) and the RPC server. `startRollupNode`
 * is what `node/rollup/main.ts` and the devnet call.
 */
import type { RollupConfig } from "../../core/derive/rollupConfig.ts";
import type { Logger } from "../log.ts";
import { BeaconBlobSource, RpcBlobSource } from "./blobs.ts";
import { channelCodec } from "./codec.ts";
import { Driver } from "./driver.ts";
import { EngineClient } from "./engineClient.ts";
import { L1Client, type L1Fork } from "./l1Client.ts";
import { rollupMethods, serveRollupRpc } from "./rpc.ts";

/** Everything a rollup node needs to run. */
export interface RollupNodeConfig {
  rollup: RollupConfig;
  l1RpcUrl: string;
  /** Beacon node URL for blobs; without it blobs come from the L1 RPC (`anvil_getBlobByHash`). */
  l1BeaconUrl?: string;
  l1Fork?: L1Fork;
  engineUrl: string;
  engineRpcUrl: string;
  jwtSecret: Uint8Array;
  rpcHost?: string;
  /** 0 picks a free port. */
  rpcPort?: number;
  sequencer?: boolean;
  sequencerStopped?: boolean;
  sequencerL1Confs?: number;
  verifierL1Confs?: number;
  pollIntervalMs?: number;
  log: Logger;
}

/** A running rollup node. */
export interface RollupNode {
  rpcUrl: string;
  driver: Driver;
  engine: EngineClient;
  l1: L1Client;
  stop(): Promise<void>;
}

/** Starts the driver loop and the RPC server. */
export async function startRollupNode(c: RollupNodeConfig): Promise<RollupNode> {
  const blobs = c.l1BeaconUrl ? new BeaconBlobSource(c.l1BeaconUrl) : new RpcBlobSource(c.l1RpcUrl);
  const l1 = new L1Client(c.l1RpcUrl, { blobs, fork: c.l1Fork });
  const engine = new EngineClient({ engineUrl: c.engineUrl, rpcUrl: c.engineRpcUrl, jwtSecret: c.jwtSecret });
  const chainId = Number(await engine.chainId());
  if (chainId !== c.rollup.l2ChainId) {
    throw new Error(
      `engine chain id ${chainId} does not match rollup config l2_chain_id ${c.rollup.l2ChainId}`,
    );
  }
  const driver = new Driver({
    config: c.rollup,
    l1,
    engine,
    decompressor: channelCodec,
    log: c.log,
    sequencer: c.sequencer,
    sequencerStopped: c.sequencerStopped,
    sequencerL1Confs: c.sequencerL1Confs,
    verifierL1Confs: c.verifierL1Confs,
    pollIntervalMs: c.pollIntervalMs,
  });
  const server = serveRollupRpc(
    rollupMethods(driver, engine, c.rollup),
    c.rpcHost ?? "127.0.0.1",
    c.rpcPort ?? 0,
  );
  driver.start();
  c.log.info("rollup node started", { rpc: server.url, sequencer: !!c.sequencer });
  return {
    rpcUrl: server.url,
    driver,
    engine,
    l1,
    async stop() {
      await driver.stop();
      await server.stop();
    },
  };
}
