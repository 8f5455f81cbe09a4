/**
 * `bun node/rollup/main.ts [flags]`: a rollup node (verifier, or sequencer with
 * `--sequencer.enabled`), configured like op-node: `--rollup.config rollup.json`, the L1 RPC,
 * the engine's authenticated URL with its JWT secret file, and Ore's one addition, the
 * engine's user RPC (`--l2.rpc`). Every flag has an `ORE_NODE_*` environment variable. The p2p
 * service runs unless `--p2p.disable` (flags `--p2p.*`, docs/p2p.md; the network key defaults to
 * `./p2p-node-key.txt`). Prints `{"ready":true,"rpc":"http://…"}` once serving; SIGINT/SIGTERM
 * stop it cleanly.
 */
import { readFileSync } from "node:fs";
import { parseRollupConfig } from "../../core/derive/rollupConfig.ts";
import { readJwtSecret } from "../engine/jwt.ts";
import { createLogger, isLogLevel, type LogFormat } from "../log.ts";
import { P2P_FLAGS, p2pOptionsFromFlags } from "../p2p/index.ts";
import { RollupConfigError } from "./errors.ts";
import { type FlagSpec, LOG_FLAGS, parseFlags, usage } from "./flags.ts";
import type { L1Fork } from "./l1Client.ts";
import { startRollupNode } from "./node.ts";

/** The rollup node's flags. */
export const ROLLUP_NODE_FLAGS: readonly FlagSpec[] = [
  { name: "l1", env: "ORE_NODE_L1_ETH_RPC", kind: "string", required: true, help: "L1 JSON-RPC URL" },
  {
    name: "l1.beacon",
    env: "ORE_NODE_L1_BEACON",
    kind: "string",
    help: "beacon node URL for blobs (default: the L1 RPC's anvil_getBlobByHash)",
  },
  {
    name: "l1.fork",
    env: "ORE_NODE_L1_FORK",
    kind: "string",
    default: "prague",
    help: "L1 fork for the blob fee: cancun|prague",
  },
  { name: "l2", env: "ORE_NODE_L2_ENGINE_RPC", kind: "string", required: true, help: "engine API URL (JWT)" },
  {
    name: "l2.rpc",
    env: "ORE_NODE_L2_RPC",
    kind: "string",
    required: true,
    help: "the engine's user JSON-RPC URL",
  },
  {
    name: "l2.jwt-secret",
    env: "ORE_NODE_L2_ENGINE_AUTH",
    kind: "string",
    required: true,
    help: "file with the 32-byte hex JWT secret",
  },
  {
    name: "rollup.config",
    env: "ORE_NODE_ROLLUP_CONFIG",
    kind: "string",
    required: true,
    help: "rollup.json",
  },
  {
    name: "rpc.addr",
    env: "ORE_NODE_RPC_ADDR",
    kind: "string",
    default: "127.0.0.1",
    help: "RPC listen address",
  },
  {
    name: "rpc.port",
    env: "ORE_NODE_RPC_PORT",
    kind: "number",
    default: 9545,
    help: "RPC port (0 = any free port)",
  },
  {
    name: "sequencer.enabled",
    env: "ORE_NODE_SEQUENCER_ENABLED",
    kind: "bool",
    default: false,
    help: "produce blocks",
  },
  {
    name: "sequencer.stopped",
    env: "ORE_NODE_SEQUENCER_STOPPED",
    kind: "bool",
    default: false,
    help: "start with the sequencer paused",
  },
  {
    name: "sequencer.l1-confs",
    env: "ORE_NODE_SEQUENCER_L1_CONFS",
    kind: "number",
    default: 4,
    help: "confirmations before an L1 block becomes an origin",
  },
  {
    name: "verifier.l1-confs",
    env: "ORE_NODE_VERIFIER_L1_CONFS",
    kind: "number",
    default: 0,
    help: "confirmations before derivation reads an L1 block",
  },
  {
    name: "l1.poll-interval",
    env: "ORE_NODE_L1_POLL_INTERVAL",
    kind: "number",
    default: 250,
    help: "milliseconds between idle driver ticks",
  },
  ...P2P_FLAGS,
  ...LOG_FLAGS,
];

async function main(): Promise<void> {
  let f: ReturnType<typeof parseFlags>;
  try {
    f = parseFlags(ROLLUP_NODE_FLAGS, process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage("bun node/rollup/main.ts", ROLLUP_NODE_FLAGS)}`);
    process.exit(2);
  }
  if (f.help) {
    console.log(usage("bun node/rollup/main.ts", ROLLUP_NODE_FLAGS));
    return;
  }
  const level = String(f["log.level"]);
  if (!isLogLevel(level))
    throw new RollupConfigError(`--log.level: expected debug|info|warn|error|silent, found ${level}`);
  const log = createLogger({ level, format: f["log.format"] as LogFormat });
  const fork = String(f["l1.fork"]);
  if (fork !== "cancun" && fork !== "prague")
    throw new RollupConfigError(`--l1.fork: expected cancun|prague, found ${fork}`);
  const rollup = parseRollupConfig(JSON.parse(readFileSync(String(f["rollup.config"]), "utf8")));
  const node = await startRollupNode({
    rollup,
    l1RpcUrl: String(f.l1),
    l1BeaconUrl: f["l1.beacon"] as string | undefined,
    l1Fork: fork as L1Fork,
    engineUrl: String(f.l2),
    engineRpcUrl: String(f["l2.rpc"]),
    jwtSecret: readJwtSecret(String(f["l2.jwt-secret"])),
    rpcHost: String(f["rpc.addr"]),
    rpcPort: Number(f["rpc.port"]),
    sequencer: f["sequencer.enabled"] === true,
    sequencerStopped: f["sequencer.stopped"] === true,
    sequencerL1Confs: Number(f["sequencer.l1-confs"]),
    verifierL1Confs: Number(f["verifier.l1-confs"]),
    pollIntervalMs: Number(f["l1.poll-interval"]),
    p2p: f["p2p.disable"] === true ? undefined : p2pOptionsFromFlags(f, process.cwd()),
    log,
  });
  console.log(JSON.stringify({ ready: true, rpc: node.rpcUrl }));
  const shutdown = async () => {
    await node.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (import.meta.main) await main();
