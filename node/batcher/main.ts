/**
 * `bun node/batcher/main.ts [flags]`: the batch submitter as its own process, configured like
 * op-batcher (`ORE_BATCHER_*` variables). It reads the sequencer's unsafe blocks from the
 * engine's user RPC and its safe head from the rollup node, and posts to the BatchFeed named in
 * the node's rollup config. SIGINT/SIGTERM stop it; transactions in flight stay in the L1 pool
 * and are waited for by the next run.
 */
import type { Hex } from "viem";
import { createLogger, isLogLevel, type LogFormat } from "../log.ts";
import { type FlagSpec, LOG_FLAGS, parseFlags, usage } from "../rollup/flags.ts";
import { Batcher } from "./batcher.ts";

/** The batcher's flags. */
export const BATCHER_FLAGS: readonly FlagSpec[] = [
  {
    name: "l1-eth-rpc",
    env: "ORE_BATCHER_L1_ETH_RPC",
    kind: "string",
    required: true,
    help: "L1 JSON-RPC URL",
  },
  {
    name: "l2-eth-rpc",
    env: "ORE_BATCHER_L2_ETH_RPC",
    kind: "string",
    required: true,
    help: "the sequencer engine's user RPC",
  },
  {
    name: "rollup-rpc",
    env: "ORE_BATCHER_ROLLUP_RPC",
    kind: "string",
    required: true,
    help: "the sequencer node's rollup RPC",
  },
  {
    name: "private-key",
    env: "ORE_BATCHER_PRIVATE_KEY",
    kind: "string",
    required: true,
    help: "the batcher key (SystemConfig batcher)",
  },
  {
    name: "data-availability-type",
    env: "ORE_BATCHER_DATA_AVAILABILITY_TYPE",
    kind: "string",
    default: "calldata",
    help: "calldata|blobs",
  },
  {
    name: "compression-algo",
    env: "ORE_BATCHER_COMPRESSION_ALGO",
    kind: "string",
    default: "zlib",
    help: "zlib|brotli",
  },
  {
    name: "batch-type",
    env: "ORE_BATCHER_BATCH_TYPE",
    kind: "number",
    default: 0,
    help: "0: a singular batch per block, 1: a span batch per channel (OP Delta)",
  },
  {
    name: "target-num-frames",
    env: "ORE_BATCHER_TARGET_NUM_FRAMES",
    kind: "number",
    default: 1,
    help: "frames a channel fills, by its compressed size",
  },
  {
    name: "max-channel-duration",
    env: "ORE_BATCHER_MAX_CHANNEL_DURATION",
    kind: "number",
    default: 1,
    help: "L1 blocks a channel stays open",
  },
  {
    name: "poll-interval",
    env: "ORE_BATCHER_POLL_INTERVAL",
    kind: "number",
    default: 500,
    help: "milliseconds between rounds",
  },
  {
    name: "resubmission-timeout",
    env: "ORE_BATCHER_RESUBMISSION_TIMEOUT",
    kind: "number",
    default: 12_000,
    help: "milliseconds before a fee bump",
  },
  ...LOG_FLAGS,
];

async function main(): Promise<void> {
  let f: ReturnType<typeof parseFlags>;
  try {
    f = parseFlags(BATCHER_FLAGS, process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage("bun node/batcher/main.ts", BATCHER_FLAGS)}`);
    process.exit(2);
  }
  if (f.help) {
    console.log(usage("bun node/batcher/main.ts", BATCHER_FLAGS));
    return;
  }
  const batchType = Number(f["batch-type"]);
  if (batchType !== 0 && batchType !== 1) {
    console.error(`--batch-type: expected 0 or 1, found ${f["batch-type"]}`);
    process.exit(2);
  }
  const targetNumFrames = Number(f["target-num-frames"]);
  if (!Number.isInteger(targetNumFrames) || targetNumFrames < 1 || targetNumFrames > 65_536) {
    console.error(
      `--target-num-frames: expected an integer from 1 to 65536, found ${f["target-num-frames"]}`,
    );
    process.exit(2);
  }
  const level = String(f["log.level"]);
  const log = createLogger({
    level: isLogLevel(level) ? level : "info",
    format: f["log.format"] as LogFormat,
  });
  const batcher = new Batcher({
    l1RpcUrl: String(f["l1-eth-rpc"]),
    l2RpcUrl: String(f["l2-eth-rpc"]),
    rollupRpcUrl: String(f["rollup-rpc"]),
    privateKey: String(f["private-key"]) as Hex,
    da: f["data-availability-type"] === "blobs" ? "blobs" : "calldata",
    algo: f["compression-algo"] === "brotli" ? "brotli" : "zlib",
    spanBatches: batchType === 1,
    targetNumFrames,
    maxChannelDuration: Number(f["max-channel-duration"]),
    pollIntervalMs: Number(f["poll-interval"]),
    resubmitAfterMs: Number(f["resubmission-timeout"]),
    log,
  });
  batcher.start();
  log.info("batcher started");
  const shutdown = async () => {
    await batcher.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (import.meta.main) await main();
