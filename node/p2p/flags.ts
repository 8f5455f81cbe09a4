/**
 * The p2p flags of the rollup node, named like op-node's (`--p2p.listen.tcp`, `--p2p.static`,
 * `--p2p.bootnodes`, `--p2p.priv.path`, `--p2p.sequencer.key`, `--p2p.ban.*`), and their
 * translation into {@link P2PNodeOptions}. The node appends `P2P_FLAGS` to its own table.
 */
import { join } from "node:path";
import { fromHex } from "../../core/bytes.ts";
import type { FlagSpec, FlagValues } from "../rollup/flags.ts";
import type { P2PNodeOptions } from "./index.ts";
import { NODE_KEY_FILE } from "./nodeKey.ts";

/** Flag specs of the p2p service. */
export const P2P_FLAGS: readonly FlagSpec[] = [
  {
    name: "p2p.disable",
    env: "ORE_P2P_DISABLE",
    kind: "bool",
    default: false,
    help: "turn the p2p service off",
  },
  {
    name: "p2p.listen.ip",
    env: "ORE_P2P_LISTEN_IP",
    kind: "string",
    default: "0.0.0.0",
    help: "IP to listen on for libp2p",
  },
  {
    name: "p2p.listen.tcp",
    env: "ORE_P2P_LISTEN_TCP_PORT",
    kind: "number",
    default: 9222,
    help: "TCP port for libp2p (0 picks a free one)",
  },
  {
    name: "p2p.static",
    env: "ORE_P2P_STATIC",
    kind: "string",
    default: "",
    help: "comma-separated multiaddrs (with /p2p/<id>) to stay connected to",
  },
  {
    name: "p2p.bootnodes",
    env: "ORE_P2P_BOOTNODES",
    kind: "string",
    default: "",
    help: "comma-separated multiaddrs (with /p2p/<id>) to dial at start",
  },
  {
    name: "p2p.priv.path",
    env: "ORE_P2P_PRIV_PATH",
    kind: "string",
    help: `file of the network key (default <datadir>/${NODE_KEY_FILE}; created if missing)`,
  },
  {
    name: "p2p.sequencer.key",
    env: "ORE_P2P_SEQUENCER_KEY",
    kind: "string",
    help: "hex private key that signs gossiped blocks (sequencer only)",
  },
  {
    name: "p2p.ban.threshold",
    env: "ORE_P2P_BAN_THRESHOLD",
    kind: "number",
    default: -100,
    help: "peer score below which a peer is banned",
  },
  {
    name: "p2p.ban.duration",
    env: "ORE_P2P_BAN_DURATION",
    kind: "number",
    default: 3600,
    help: "seconds a ban lasts",
  },
];

/** Options from parsed flags; the node adds the signer, callbacks and logger. */
export function p2pOptionsFromFlags(
  v: FlagValues,
  datadir: string,
): Pick<P2PNodeOptions, "listen" | "staticPeers" | "bootnodes" | "nodeKeyFile" | "sequencerKey" | "scoring"> {
  const list = (s: unknown) =>
    String(s ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  const ip = String(v["p2p.listen.ip"] ?? "0.0.0.0");
  const family = ip.includes(":") ? "ip6" : "ip4";
  const key = v["p2p.sequencer.key"];
  return {
    listen: [`/${family}/${ip}/tcp/${Number(v["p2p.listen.tcp"] ?? 9222)}`],
    staticPeers: list(v["p2p.static"]),
    bootnodes: list(v["p2p.bootnodes"]),
    nodeKeyFile: typeof v["p2p.priv.path"] === "string" ? v["p2p.priv.path"] : join(datadir, NODE_KEY_FILE),
    ...(typeof key === "string" && key !== "" ? { sequencerKey: fromHex(key) } : {}),
    scoring: {
      banThreshold: Number(v["p2p.ban.threshold"] ?? -100),
      banDurationMs: Number(v["p2p.ban.duration"] ?? 3600) * 1000,
    },
  };
}
