/**
 * A rollup node assembled from its parts: the L1 client (with a blob source), the engine
 * client, the driver (with the sequencer when enabled), the p2p service when configured and
 * the RPC server. `startRollupNode` is what `node/rollup/main.ts` and the devnet call.
 *
 * p2p (docs/p2p.md): a sequencer gossips every block it builds, signed with its sequencer key;
 * a verifier applies gossiped blocks as its unsafe head through `UnsafeEngineApplier`, between
 * driver ticks, and derivation later consolidates them with L1 or replaces them. Both check
 * signatures against SystemConfig's unsafe-block signer and serve `payload_by_number` from
 * their engine.
 */
import type { Hex } from "viem";
import type { RollupConfig } from "../../core/derive/rollupConfig.ts";
import { privateKeyToAddress } from "../../core/p2p/signature.ts";
import type { Logger } from "../log.ts";
import { P2PNode, type P2PNodeOptions, UnsafeEngineApplier } from "../p2p/index.ts";
import { BeaconBlobSource, RpcBlobSource } from "./blobs.ts";
import { channelCodec } from "./codec.ts";
import { Driver } from "./driver.ts";
import { EngineClient, type PayloadEnvelope } from "./engineClient.ts";
import { L1Client, type L1Fork } from "./l1Client.ts";
import { enginePayloadSource } from "./payloadSource.ts";
import { rollupMethods, serveRollupRpc } from "./rpc.ts";
import { UnsafeSignerWatch } from "./unsafeSigner.ts";

/** p2p settings of a rollup node (`p2pOptionsFromFlags` gives them from `--p2p.*` flags). */
export type RollupP2PConfig = Pick<
  P2PNodeOptions,
  | "listen"
  | "staticPeers"
  | "bootnodes"
  | "privateKey"
  | "nodeKeyFile"
  | "sequencerKey"
  | "scoring"
  | "heartbeatMs"
> & {
  /** The unsafe-block signer; default SystemConfig's, read from L1 and kept up to date. */
  unsafeBlockSigner?: Hex;
};

/**
 * Peers reject gossiped blocks more than 60 s old (and penalize the sender): a sequencer working
 * through a backlog does not gossip those; verifiers get them by `payload_by_number` or from L1.
 */
const GOSSIP_MAX_AGE_SECONDS = 55;

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
  /** Run the p2p service (omitted: no p2p; the node learns blocks from L1 only). */
  p2p?: RollupP2PConfig;
  log: Logger;
}

/** A running rollup node. */
export interface RollupNode {
  rpcUrl: string;
  driver: Driver;
  engine: EngineClient;
  l1: L1Client;
  /** The p2p service, when configured. */
  p2p?: P2PNode;
  /** Applies gossiped blocks (on a verifier with p2p). */
  applier?: UnsafeEngineApplier;
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
    onSequenced: c.p2p?.sequencerKey ? (env) => publish(env) : undefined,
  });
  let p2p: P2PNode | undefined;
  let applier: UnsafeEngineApplier | undefined;
  let signer: UnsafeSignerWatch | undefined;
  const p2pLog = c.log.child({ module: "p2p" });
  const publish = (env: PayloadEnvelope) => {
    if (!p2p || Number(env.executionPayload.timestamp) < Date.now() / 1000 - GOSSIP_MAX_AGE_SECONDS) return;
    p2p.publish(env).catch((e: Error) =>
      p2pLog.warn("publishing a block failed", {
        number: Number(env.executionPayload.blockNumber),
        err: e.message,
      }),
    );
  };
  if (c.p2p) {
    const { unsafeBlockSigner: fixedSigner, ...options } = c.p2p;
    try {
      if (!fixedSigner)
        signer = await UnsafeSignerWatch.start({
          client: l1.client,
          systemConfig: c.rollup.l1SystemConfigAddress,
          log: p2pLog,
        });
      const expected = fixedSigner ?? signer?.get();
      if (options.sequencerKey instanceof Uint8Array && expected) {
        const own = privateKeyToAddress(options.sequencerKey);
        if (own.toLowerCase() !== expected.toLowerCase())
          p2pLog.warn("the sequencer key is not the unsafe-block signer: peers will reject its blocks", {
            key: own,
            signer: expected,
          });
      }
      if (!c.sequencer) {
        applier = new UnsafeEngineApplier({
          engine,
          heads: () => driver.heads(),
          onUnsafeHead: (h) => driver.adoptUnsafeHead(h),
          lock: (fn) => driver.exclusive(fn),
          log: p2pLog,
        });
      }
      const a = applier;
      p2p = await P2PNode.start({
        chainId: BigInt(c.rollup.l2ChainId),
        ...options,
        unsafeBlockSigner: fixedSigner ?? (() => signer?.get()),
        ...(a
          ? {
              unsafeHead: () => a.unsafeHead(),
              onUnsafePayload: async (env) => {
                await a.apply(env);
              },
            }
          : {}),
        payloadByNumber: enginePayloadSource(engine),
        log: p2pLog,
      });
    } catch (e) {
      signer?.stop();
      throw e;
    }
  }
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
    p2p,
    applier,
    async stop() {
      await p2p?.stop();
      signer?.stop();
      await driver.stop();
      await server.stop();
    },
  };
}
