/**
 * `bun node/proposer/main.ts [flags]`: the output proposer as its own process, configured like
 * op-proposer (`ORE_PROPOSER_*` variables). The L2OutputOracle defaults to the rollup config's
 * `l2_output_oracle_address`. SIGINT/SIGTERM stop it.
 */
import type { Hex } from "viem";
import { createLogger, isLogLevel, type LogFormat } from "../log.ts";
import { type FlagSpec, LOG_FLAGS, parseFlags, usage } from "../rollup/flags.ts";
import { Proposer } from "./proposer.ts";

/** The proposer's flags. */
export const PROPOSER_FLAGS: readonly FlagSpec[] = [
  {
    name: "l1-eth-rpc",
    env: "ORE_PROPOSER_L1_ETH_RPC",
    kind: "string",
    required: true,
    help: "L1 JSON-RPC URL",
  },
  {
    name: "rollup-rpc",
    env: "ORE_PROPOSER_ROLLUP_RPC",
    kind: "string",
    required: true,
    help: "a rollup node's RPC",
  },
  {
    name: "private-key",
    env: "ORE_PROPOSER_PRIVATE_KEY",
    kind: "string",
    required: true,
    help: "the proposer key (pays the bonds)",
  },
  {
    name: "l2oo-address",
    env: "ORE_PROPOSER_L2OO_ADDRESS",
    kind: "string",
    help: "L2OutputOracle (default: from the rollup config)",
  },
  {
    name: "allow-non-finalized",
    env: "ORE_PROPOSER_ALLOW_NON_FINALIZED",
    kind: "bool",
    default: true,
    help: "propose safe (not only finalized) blocks",
  },
  {
    name: "poll-interval",
    env: "ORE_PROPOSER_POLL_INTERVAL",
    kind: "number",
    default: 1000,
    help: "milliseconds between checks",
  },
  ...LOG_FLAGS,
];

async function main(): Promise<void> {
  let f: ReturnType<typeof parseFlags>;
  try {
    f = parseFlags(PROPOSER_FLAGS, process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage("bun node/proposer/main.ts", PROPOSER_FLAGS)}`);
    process.exit(2);
  }
  if (f.help) {
    console.log(usage("bun node/proposer/main.ts", PROPOSER_FLAGS));
    return;
  }
  const level = String(f["log.level"]);
  const log = createLogger({
    level: isLogLevel(level) ? level : "info",
    format: f["log.format"] as LogFormat,
  });
  const proposer = new Proposer({
    l1RpcUrl: String(f["l1-eth-rpc"]),
    rollupRpcUrl: String(f["rollup-rpc"]),
    privateKey: String(f["private-key"]) as Hex,
    l2OutputOracle: f["l2oo-address"] as Hex | undefined,
    finalizedOnly: f["allow-non-finalized"] === false,
    pollIntervalMs: Number(f["poll-interval"]),
    log,
  });
  proposer.start();
  log.info("proposer started");
  const shutdown = async () => {
    await proposer.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (import.meta.main) await main();
