/**
 * The local devnet, one call: anvil as L1 (state in the data directory), the L1 contracts, the
 * L2 genesis and rollup config (first run only), two engines as child processes, a sequencer
 * node with its batcher and proposer, and a verifier node with its own engine that derives from
 * L1 and follows the sequencer's unsafe blocks over p2p (gossip and `payload_by_number`, signed
 * by the unsafe-block signer account). A second run with the same data directory resumes every
 * chain where it stopped.
 *
 * Data directory layout (default `.ore/`):
 *   devnet.json          what clients need (the shape; rewritten every run)
 *   devnet-state.json    chain parameters and the L1 deployment (written once)
 *   l1/state.json        anvil's state
 *   genesis.json, rollup.json, jwt.hex
 *   sequencer/, verifier/ engine config and chain data, p2p network key (p2p-node-key.txt)
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createPublicClient, type Hex, hexToBytes, http } from "viem";
import { deploymentToJson, type L1Deployment } from "../../contracts/deploy.ts";
import { parseRollupConfig, type RollupConfig, rollupConfigToJson } from "../../core/derive/rollupConfig.ts";
import { Batcher } from "../batcher/batcher.ts";
import { readJwtSecret } from "../engine/jwt.ts";
import type { Logger } from "../log.ts";
import { NODE_KEY_FILE } from "../p2p/nodeKey.ts";
import { Proposer } from "../proposer/proposer.ts";
import { EngineClient } from "../rollup/engineClient.ts";
import { type RollupNode, type RollupP2PConfig, startRollupNode } from "../rollup/node.ts";
import { ANVIL_ACCOUNTS, devAccount, ROLES, userAccounts } from "./accounts.ts";
import { freePort, type RunningL1, startL1 } from "./anvil.ts";
import { type EngineProcess, startEngineProcess } from "./engineProcess.ts";
import { DevnetError } from "./errors.ts";
import {
  DEFAULT_PARAMS,
  type DevnetParams,
  deployDevnetContracts,
  devnetRollupConfig,
  writeL2Genesis,
} from "./setup.ts";

/** devnet.json, exactly the shape the issue fixes. */
export interface DevnetInfo {
  l1: { rpcUrl: string; chainId: number };
  l2: { rpcUrl: string; chainId: number };
  rollupRpcUrl: string;
  verifier: { l2RpcUrl: string; rollupRpcUrl: string };
  contracts: {
    OptimismPortal: Hex;
    L2OutputOracle: Hex;
    BatchFeed: Hex;
    L1CrossDomainMessenger: Hex;
    L1StandardBridge: Hex;
    SystemConfig: Hex;
  };
  accounts: { address: Hex; privateKey: Hex }[];
}

/** Options of {@link startDevnet}. */
export interface DevnetOptions {
  datadir: string;
  log: Logger;
  /** Chain parameters for a first run (ignored when resuming). */
  params?: Partial<DevnetParams>;
  /** `fixed`: the usual ports (L1 8545, L2 9545/9546, rollup 7545/7546, engines 8551/8552) when free; `any`: free ports. */
  ports?: "fixed" | "any";
  /** Delete the data directory first. */
  fresh?: boolean;
  /** anvil's slots per epoch (L1 finalized = head − 2 × this; default 2). */
  l1SlotsInEpoch?: number;
  /** Sequencer origin confirmations (default 1). */
  sequencerL1Confs?: number;
  /** Start the batcher and proposer (default true for both); tests may run their own. */
  services?: { batcher?: boolean; proposer?: boolean };
  /** How the batcher posts (default calldata). */
  da?: "calldata" | "blobs";
  /** The batcher posts one span batch per channel (default: singular batches). */
  spanBatches?: boolean;
  /** Connect the sequencer and the verifier over p2p (default true); false: the verifier learns from L1 only. */
  p2p?: boolean;
  /** IP the nodes' libp2p listens on (default 127.0.0.1; 0.0.0.0 lets verifiers on other hosts join). */
  p2pListenIp?: string;
}

/** A rollup node and its engine. */
export interface DevnetNode {
  engine: EngineProcess;
  node: RollupNode;
}

/** Saved at first run; everything needed to resume. */
interface DevnetState {
  version: 1;
  params: DevnetParams;
  deployment: unknown;
}

/** A running devnet. */
export interface Devnet {
  info: DevnetInfo;
  infoFile: string;
  datadir: string;
  params: DevnetParams;
  rollupConfig: RollupConfig;
  deployment: L1Deployment;
  l1: RunningL1;
  sequencer: DevnetNode;
  verifier: DevnetNode;
  batcher: Batcher | undefined;
  proposer: Proposer | undefined;
  /** A batcher for this devnet (not started), e.g. to replace the running one. */
  newBatcher(): Batcher;
  /** Stops the batcher and starts a fresh one (what a batcher restart looks like). */
  restartBatcher(): Promise<void>;
  /** Restarts one engine (SIGKILL with `crash`), then its node so it reconnects. */
  restartEngine(which: "sequencer" | "verifier", crash?: boolean): Promise<void>;
  /** Restarts one rollup node (its engine keeps running). */
  restartNode(which: "sequencer" | "verifier"): Promise<void>;
  /** Stops everything; anvil writes its state. */
  stop(): Promise<void>;
}

const FIXED_PORTS = {
  l1: 8545,
  seqRpc: 9545,
  verRpc: 9546,
  seqRollup: 7545,
  verRollup: 7546,
  seqEngine: 8551,
  verEngine: 8552,
  seqP2P: 9222,
  verP2P: 9223,
};

/**
 * Takes `datadir/devnet.lock` (holding this process's pid), refusing when a live process holds
 * it: two devnets sharing a data directory would corrupt both. Returns the release function.
 */
function lockDatadir(datadir: string): () => void {
  mkdirSync(datadir, { recursive: true });
  const file = join(datadir, "devnet.lock");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    let alive = false;
    try {
      if (pid > 0 && pid !== process.pid) {
        process.kill(pid, 0);
        alive = true;
      }
    } catch {
      // No such process: a stale lock.
    }
    if (alive)
      throw new DevnetError(`${datadir} is in use by another devnet (pid ${pid}); stop it or use --datadir`);
  }
  writeFileSync(file, `${process.pid}\n`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    rmSync(file, { force: true });
  };
}

async function portFor(preferred: number, mode: "fixed" | "any"): Promise<number> {
  if (mode === "any") return freePort();
  const free = await new Promise<boolean>((resolve) => {
    const srv = Bun.listen({ hostname: "127.0.0.1", port: preferred, socket: { data() {} } });
    srv.stop(true);
    resolve(true);
  }).catch(() => false);
  return free ? preferred : freePort();
}

function parseDeployment(raw: unknown): L1Deployment {
  const d = raw as L1Deployment;
  const c = d.config as unknown as Record<string, string>;
  return {
    ...d,
    startBlock: BigInt(d.startBlock),
    config: {
      ...(c as unknown as L1Deployment["config"]),
      l2GasLimit: BigInt(c.l2GasLimit),
      submissionInterval: BigInt(c.submissionInterval),
      l2BlockTime: BigInt(c.l2BlockTime),
      startingBlockNumber: BigInt(c.startingBlockNumber),
      startingTimestamp: BigInt(c.startingTimestamp),
      finalizationPeriodSeconds: BigInt(c.finalizationPeriodSeconds),
      proposalBond: BigInt(c.proposalBond),
    },
  };
}

/** Starts (or resumes) the devnet in `o.datadir`. */
export async function startDevnet(o: DevnetOptions): Promise<Devnet> {
  const datadir = resolve(o.datadir);
  const log = o.log;
  const release = lockDatadir(datadir);
  if (o.fresh) {
    for (const f of readdirSync(datadir))
      if (f !== "devnet.lock") rmSync(join(datadir, f), { recursive: true, force: true });
  }
  mkdirSync(join(datadir, "l1"), { recursive: true });
  const stateFile = join(datadir, "devnet-state.json");
  const l1StateFile = join(datadir, "l1", "state.json");
  const resuming = existsSync(stateFile);
  if (resuming && !existsSync(l1StateFile)) {
    throw new DevnetError(
      `${datadir} has a devnet but no L1 state (${l1StateFile}); start over with --fresh or another --datadir`,
    );
  }
  const saved: DevnetState | undefined = resuming ? JSON.parse(readFileSync(stateFile, "utf8")) : undefined;
  const params: DevnetParams = saved?.params ?? { ...DEFAULT_PARAMS, ...o.params };
  const mode = o.ports ?? "fixed";
  const started: { stop(): Promise<void> }[] = [{ stop: async () => release() }];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
  };

  try {
    const l1 = await startL1({
      chainId: params.l1ChainId,
      blockTime: params.l1BlockTime,
      stateFile: l1StateFile,
      port: await portFor(FIXED_PORTS.l1, mode),
      slotsInAnEpoch: o.l1SlotsInEpoch ?? 2,
      accounts: ANVIL_ACCOUNTS,
    });
    started.push(l1);
    log.info(resuming ? "L1 resumed" : "L1 started", { rpc: l1.rpcUrl });

    const genesisFile = join(datadir, "genesis.json");
    const rollupFile = join(datadir, "rollup.json");
    const jwtFile = join(datadir, "jwt.hex");
    let deployment: L1Deployment;
    let pendingGenesis: Awaited<ReturnType<typeof deployDevnetContracts>> | undefined;
    if (saved) {
      deployment = parseDeployment(saved.deployment);
      const pc = createPublicClient({ transport: http(l1.rpcUrl) });
      const code = await pc.getCode({ address: deployment.addresses.SystemConfig });
      if (!code || code === "0x") {
        throw new DevnetError(
          `the L1 in ${l1StateFile} has no SystemConfig at ${deployment.addresses.SystemConfig}; start over with --fresh`,
        );
      }
    } else {
      log.info("deploying L1 contracts");
      pendingGenesis = await deployDevnetContracts(l1.rpcUrl, params);
      deployment = pendingGenesis.deployment;
      writeL2Genesis(genesisFile, pendingGenesis, params);
      writeFileSync(jwtFile, `0x${randomBytes(32).toString("hex")}\n`);
    }
    const jwtSecret = readJwtSecret(jwtFile);

    const startEngine = async (which: "sequencer" | "verifier", ports?: { engine: number; rpc: number }) => {
      const dir = join(datadir, which);
      mkdirSync(dir, { recursive: true });
      return startEngineProcess({
        dir,
        genesisFile,
        jwtFile,
        enginePort:
          ports?.engine ??
          (await portFor(which === "sequencer" ? FIXED_PORTS.seqEngine : FIXED_PORTS.verEngine, mode)),
        rpcPort:
          ports?.rpc ??
          (await portFor(which === "sequencer" ? FIXED_PORTS.seqRpc : FIXED_PORTS.verRpc, mode)),
        log: log.child({ service: `${which}-engine` }),
      });
    };
    const seqEngine = await startEngine("sequencer");
    started.push(seqEngine);
    const verEngine = await startEngine("verifier");
    started.push(verEngine);

    if (pendingGenesis) {
      const g = await new EngineClient({
        engineUrl: seqEngine.engineUrl,
        rpcUrl: seqEngine.rpcUrl,
        jwtSecret,
      }).blockByNumber(0n);
      const cfg = devnetRollupConfig(pendingGenesis, g!.hash, params);
      writeFileSync(rollupFile, `${JSON.stringify(rollupConfigToJson(cfg), null, 2)}\n`);
      writeFileSync(join(datadir, "l1", "deployment.json"), deploymentToJson(deployment));
      const state: DevnetState = { version: 1, params, deployment: JSON.parse(deploymentToJson(deployment)) };
      writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
    }
    const rollupConfig = parseRollupConfig(JSON.parse(readFileSync(rollupFile, "utf8")));

    // p2p ports are picked once, so a restarted node is found where its peers knew it.
    const p2pPorts: Partial<Record<"sequencer" | "verifier", number>> = {};
    const p2pConfig = async (which: "sequencer" | "verifier"): Promise<RollupP2PConfig | undefined> => {
      if (o.p2p === false) return undefined;
      const port =
        p2pPorts[which] ??
        (await portFor(which === "sequencer" ? FIXED_PORTS.seqP2P : FIXED_PORTS.verP2P, mode));
      p2pPorts[which] = port;
      return {
        listen: [`/ip4/${o.p2pListenIp ?? "127.0.0.1"}/tcp/${port}`],
        nodeKeyFile: join(datadir, which, NODE_KEY_FILE),
        // The signer address comes from SystemConfig, which setup.ts gave this account.
        ...(which === "sequencer"
          ? { sequencerKey: hexToBytes(devAccount(ROLES.unsafeSigner).privateKey) }
          : { staticPeers: sequencer.node.p2p?.multiaddrs() ?? [] }),
      };
    };
    const startNode = async (which: "sequencer" | "verifier", engine: EngineProcess, port?: number) =>
      startRollupNode({
        rollup: rollupConfig,
        l1RpcUrl: l1.rpcUrl,
        engineUrl: engine.engineUrl,
        engineRpcUrl: engine.rpcUrl,
        jwtSecret,
        rpcPort:
          port ??
          (await portFor(which === "sequencer" ? FIXED_PORTS.seqRollup : FIXED_PORTS.verRollup, mode)),
        sequencer: which === "sequencer",
        sequencerL1Confs: o.sequencerL1Confs ?? 1,
        p2p: await p2pConfig(which),
        log: log.child({ service: which }),
      });
    const sequencer: DevnetNode = { engine: seqEngine, node: await startNode("sequencer", seqEngine) };
    started.push({ stop: () => sequencer.node.stop() });
    const verifier: DevnetNode = { engine: verEngine, node: await startNode("verifier", verEngine) };
    started.push({ stop: () => verifier.node.stop() });

    const newBatcher = () =>
      new Batcher({
        l1RpcUrl: l1.rpcUrl,
        l2RpcUrl: sequencer.engine.rpcUrl,
        rollupRpcUrl: sequencer.node.rpcUrl,
        privateKey: devAccount(ROLES.batcher).privateKey,
        da: o.da ?? "calldata",
        spanBatches: o.spanBatches,
        // Blob KZG commitments and proofs take about a second of CPU each in TypeScript:
        // gather a few L1 blocks of L2 blocks per blob.
        maxChannelDuration: o.da === "blobs" ? 4 : 1,
        log: log.child({ service: "batcher" }),
      });
    await sequencer.node.driver.waitReady();
    await verifier.node.driver.waitReady();
    let batcher: Batcher | undefined;
    if (o.services?.batcher !== false) {
      batcher = newBatcher();
      batcher.start();
      started.push({ stop: () => batcher!.stop() });
    }
    let proposer: Proposer | undefined;
    if (o.services?.proposer !== false) {
      proposer = new Proposer({
        l1RpcUrl: l1.rpcUrl,
        rollupRpcUrl: sequencer.node.rpcUrl,
        privateKey: devAccount(ROLES.proposer).privateKey,
        log: log.child({ service: "proposer" }),
      });
      proposer.start();
      started.push({ stop: () => proposer!.stop() });
    }

    const info: DevnetInfo = {
      l1: { rpcUrl: l1.rpcUrl, chainId: params.l1ChainId },
      l2: { rpcUrl: seqEngine.rpcUrl, chainId: params.l2ChainId },
      rollupRpcUrl: sequencer.node.rpcUrl,
      verifier: { l2RpcUrl: verEngine.rpcUrl, rollupRpcUrl: verifier.node.rpcUrl },
      contracts: {
        OptimismPortal: deployment.addresses.OptimismPortal,
        L2OutputOracle: deployment.addresses.L2OutputOracle,
        BatchFeed: deployment.addresses.BatchFeed,
        L1CrossDomainMessenger: deployment.addresses.L1CrossDomainMessenger,
        L1StandardBridge: deployment.addresses.L1StandardBridge,
        SystemConfig: deployment.addresses.SystemConfig,
      },
      accounts: userAccounts(),
    };
    const infoFile = join(datadir, "devnet.json");
    writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);

    const nodes = { sequencer, verifier };
    const devnet: Devnet = {
      info,
      infoFile,
      datadir,
      params,
      rollupConfig,
      deployment,
      l1,
      sequencer,
      verifier,
      batcher,
      proposer,
      newBatcher,
      async restartBatcher() {
        await devnet.batcher?.stop();
        devnet.batcher = newBatcher();
        devnet.batcher.start();
      },
      async restartEngine(which, crash = false) {
        const n = nodes[which];
        const url = new URL(n.engine.engineUrl);
        const rpcUrl = new URL(n.engine.rpcUrl);
        await n.node.stop();
        await (crash ? n.engine.kill() : n.engine.stop());
        n.engine = await startEngine(which, { engine: Number(url.port), rpc: Number(rpcUrl.port) });
        n.node = await startNode(which, n.engine, Number(new URL(n.node.rpcUrl).port));
        await n.node.driver.waitReady();
      },
      async restartNode(which) {
        const n = nodes[which];
        const port = Number(new URL(n.node.rpcUrl).port);
        await n.node.stop();
        n.node = await startNode(which, n.engine, port);
        await n.node.driver.waitReady();
      },
      async stop() {
        await devnet.proposer?.stop();
        await devnet.batcher?.stop();
        await verifier.node.stop();
        await sequencer.node.stop();
        await verifier.engine.stop();
        await sequencer.engine.stop();
        await l1.stop();
        release();
      },
    };
    return devnet;
  } catch (e) {
    await stopAll();
    throw e;
  }
}
