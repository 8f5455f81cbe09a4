/**
 * `bun run node` (also `bun node/devnet/main.ts`): starts or resumes the local devnet and
 * prints its status every few seconds until Ctrl-C, which stops every component cleanly (anvil
 * writes its state, the engines close their databases).
 *
 * Flags: `--datadir DIR` (default `.ore`), `--fresh` (wipe DIR first), `--ports fixed|any`,
 * `--da calldata|blobs` (how the batcher posts), `--status-interval SECONDS` (0 = off),
 * `--p2p.disable` (verifier from L1 only), `--p2p.listen.ip IP` (default 127.0.0.1),
 * `--log.level`, `--log.format`; each has an `ORE_DEVNET_*` / `ORE_LOG_*` variable.
 */
import { createLogger, isLogLevel, type LogFormat } from "../log.ts";
import { type FlagSpec, LOG_FLAGS, parseFlags, usage } from "../rollup/flags.ts";
import { startDevnet } from "./devnet.ts";
import { statusLine } from "./status.ts";

/** The devnet's flags. */
export const DEVNET_FLAGS: readonly FlagSpec[] = [
  { name: "datadir", env: "ORE_DEVNET_DATADIR", kind: "string", default: ".ore", help: "data directory" },
  {
    name: "fresh",
    env: "ORE_DEVNET_FRESH",
    kind: "bool",
    default: false,
    help: "delete the data directory first",
  },
  {
    name: "ports",
    env: "ORE_DEVNET_PORTS",
    kind: "string",
    default: "fixed",
    help: "fixed (8545, 9545, 7545, …) or any",
  },
  {
    name: "da",
    env: "ORE_DEVNET_DA",
    kind: "string",
    default: "calldata",
    help: "batcher data availability: calldata|blobs",
  },
  {
    name: "status-interval",
    env: "ORE_DEVNET_STATUS_INTERVAL",
    kind: "number",
    default: 5,
    help: "seconds between status lines (0 = none)",
  },
  {
    name: "p2p.disable",
    env: "ORE_DEVNET_P2P_DISABLE",
    kind: "bool",
    default: false,
    help: "no p2p: the verifier learns blocks from L1 only",
  },
  {
    name: "p2p.listen.ip",
    env: "ORE_DEVNET_P2P_LISTEN_IP",
    kind: "string",
    default: "127.0.0.1",
    help: "IP the nodes' libp2p listens on (0.0.0.0 lets verifiers on other hosts join)",
  },
  { ...LOG_FLAGS[0]!, default: "warn" },
  LOG_FLAGS[1]!,
];

/** Runs the devnet until SIGINT/SIGTERM. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let f: ReturnType<typeof parseFlags>;
  try {
    f = parseFlags(DEVNET_FLAGS, argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage("bun run node", DEVNET_FLAGS)}`);
    process.exit(2);
  }
  if (f.help) {
    console.log(usage("bun run node", DEVNET_FLAGS));
    return;
  }
  const level = String(f["log.level"]);
  // Ctrl-C reaches anvil and the engines too (same process group), so the services see them
  // vanish while they stop: nothing worth printing then.
  let quiet = false;
  const log = createLogger({
    level: isLogLevel(level) ? level : "warn",
    format: f["log.format"] as LogFormat,
    sink: (line) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    },
  });
  const ports = f.ports === "any" ? "any" : "fixed";
  console.log(`ore devnet: starting in ${f.datadir}…`);
  const t0 = Date.now();
  const da = f.da === "blobs" ? "blobs" : "calldata";
  const devnet = await startDevnet({
    datadir: String(f.datadir),
    fresh: f.fresh === true,
    ports,
    da,
    p2p: f["p2p.disable"] !== true,
    p2pListenIp: String(f["p2p.listen.ip"]),
    log,
  });
  console.log(`ore devnet: up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`  L1        ${devnet.info.l1.rpcUrl} (chain ${devnet.info.l1.chainId})`);
  console.log(
    `  L2        ${devnet.info.l2.rpcUrl} (chain ${devnet.info.l2.chainId}), rollup RPC ${devnet.info.rollupRpcUrl}`,
  );
  console.log(
    `  verifier  ${devnet.info.verifier.l2RpcUrl}, rollup RPC ${devnet.info.verifier.rollupRpcUrl}`,
  );
  const p2p = devnet.sequencer.node.p2p;
  // With --p2p.listen.ip 0.0.0.0 the address other hosts can dial is the non-loopback one.
  const addrs = p2p?.multiaddrs() ?? [];
  const addr = addrs.find((a) => !a.startsWith("/ip4/127.")) ?? addrs[0];
  if (addr) console.log(`  p2p       ${addr} (sequencer; other verifiers: --p2p.bootnodes)`);
  console.log(
    `  accounts  ${devnet.info.accounts[0]!.address} … (anvil's test mnemonic, funded on L1 and L2)`,
  );
  console.log(`devnet.json: ${devnet.infoFile}`);
  console.log("Ctrl-C stops it; run again to resume.");

  const every = Number(f["status-interval"]);
  const timer = every > 0 ? setInterval(() => console.log(statusLine(devnet)), every * 1000) : undefined;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    quiet = true;
    if (timer) clearInterval(timer);
    console.log("ore devnet: stopping…");
    await devnet.stop();
    console.log("ore devnet: stopped; state kept in", devnet.datadir);
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (import.meta.main) await main();
