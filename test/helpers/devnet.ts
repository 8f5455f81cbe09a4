/**
 * End-to-end helpers around a real devnet (`node/devnet/devnet.ts`): start one in a temporary
 * data directory on free ports with fast chain parameters, viem clients for both layers (with
 * viem's op-stack actions and an L2 chain that names the devnet's portal and oracle), and a
 * polling `waitFor`. Logs are kept in memory and printed only when a test fails;
 * `useTestDevnet` wires all of this into a test file's `beforeAll`/`afterAll`.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  chainConfig,
  publicActionsL1,
  publicActionsL2,
  walletActionsL1,
  walletActionsL2,
} from "viem/op-stack";
import { type Devnet, type DevnetOptions, startDevnet } from "../../node/devnet/devnet.ts";
import { MULTICALL3_ADDRESS } from "../../node/devnet/multicall/multicall3.ts";
import type { DevnetParams } from "../../node/devnet/setup.ts";
import { createLogger } from "../../node/log.ts";

/** Fast parameters for tests: 1 s L1 and L2 blocks, outputs every 10 blocks, 12 s finality. */
export const TEST_PARAMS: Partial<DevnetParams> = {
  l1BlockTime: 1,
  l2BlockTime: 1,
  submissionInterval: 10,
  finalizationPeriodSeconds: 12,
};

/** A devnet with its log buffer and a cleanup that removes its data directory. */
export interface TestDevnet {
  devnet: Devnet;
  datadir: string;
  logs: string[];
  /** Prints the last log lines (call on failure). */
  dumpLogs(lines?: number): void;
  stop(): Promise<void>;
}

/** Starts a devnet in a fresh temporary directory. */
export async function startTestDevnet(
  o: Partial<Omit<DevnetOptions, "log" | "datadir">> & { datadir?: string } = {},
): Promise<TestDevnet> {
  const datadir = o.datadir ?? mkdtempSync(join(tmpdir(), "ore-devnet-"));
  const logs: string[] = [];
  const log = createLogger({
    level: (process.env.ORE_TEST_LOG_LEVEL as "info") ?? "info",
    sink: (l) => {
      logs.push(l);
      if (logs.length > 5000) logs.splice(0, 1000);
      if (process.env.ORE_TEST_LOG) console.error(l);
    },
  });
  const devnet = await startDevnet({
    ports: "any",
    l1SlotsInEpoch: 2,
    // The issue's verifier learns only from L1; tests that want gossip pass `p2p: true`.
    p2p: false,
    ...o,
    params: { ...TEST_PARAMS, ...o.params },
    datadir,
    log,
  });
  return {
    devnet,
    datadir,
    logs,
    dumpLogs(n = 80) {
      console.error(logs.slice(-n).join("\n"));
    },
    async stop() {
      await devnet.stop();
      if (!o.datadir) rmSync(datadir, { recursive: true, force: true });
    },
  };
}

/** What a test file adds to {@link useTestDevnet}'s setup and teardown. */
export interface TestDevnetHooks {
  /** Runs once the devnet is up, before the first test (wait for safe blocks, start traffic…). */
  ready?: (t: TestDevnet) => Promise<void>;
  /** Runs after the last test, before the devnet stops (stop background work, extra nodes…). */
  beforeStop?: () => Promise<void> | void;
  /** How many of the last log lines to print when a test failed (default: `dumpLogs`'s). */
  logLines?: number;
  /** The setup's time limit, `ready` included (default 60 s). */
  setupMs?: number;
}

/** The devnet a test file's tests share, from {@link useTestDevnet}. */
export interface SharedTestDevnet {
  /** The running devnet; only inside tests and hooks (it starts in the file's `beforeAll`). */
  readonly devnet: Devnet;
  /** The devnet and its log buffer, as {@link startTestDevnet} returned them. */
  readonly test: TestDevnet;
  /**
   * Wraps a test body: if it throws, the devnet's last log lines are printed when the file's
   * tests are done (the error is rethrown unchanged).
   */
  guard<A extends unknown[]>(body: (...args: A) => Promise<void>): (...args: A) => Promise<void>;
}

/**
 * Registers the calling test file's devnet: started in a fresh directory by `beforeAll` (60 s
 * unless `hooks.setupMs`, including `hooks.ready`) and stopped by `afterAll` (30 s, after
 * `hooks.beforeStop`), printing its logs first if the setup or a
 * {@link SharedTestDevnet.guard guarded} test failed.
 */
export function useTestDevnet(
  options: Parameters<typeof startTestDevnet>[0] = {},
  hooks: TestDevnetHooks = {},
): SharedTestDevnet {
  let t: TestDevnet | undefined;
  let failed = false;
  const guard =
    <A extends unknown[]>(body: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        await body(...args);
      } catch (e) {
        failed = true;
        throw e;
      }
    };
  beforeAll(
    guard(async () => {
      t = await startTestDevnet(options);
      await hooks.ready?.(t);
    }),
    hooks.setupMs ?? 60_000,
  );
  afterAll(async () => {
    await hooks.beforeStop?.();
    if (failed) t?.dumpLogs(hooks.logLines);
    await t?.stop();
  }, 30_000);
  const started = (): TestDevnet => {
    if (!t) throw new Error("the test devnet is not running: use it inside a test or hook");
    return t;
  };
  return {
    get devnet() {
      return started().devnet;
    },
    get test() {
      return started();
    },
    guard,
  };
}

/** Polls `check` every `everyMs` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`,
      );
    }
    await Bun.sleep(everyMs);
  }
}

/**
 * viem chains and clients for a devnet. The public clients keep no cache (`cacheTime: 0`): viem
 * otherwise answers `getBlockNumber` from its last poll, which can be older than a receipt just
 * returned by `waitForTransactionReceipt`.
 */
export function devnetClients(d: Devnet, accountIndex = 0) {
  const info = d.info;
  const l1: Chain = defineChain({
    id: info.l1.chainId,
    name: "ore-l1",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [info.l1.rpcUrl] } },
    contracts: { multicall3: { address: MULTICALL3_ADDRESS } },
  });
  const l2 = defineChain({
    ...chainConfig,
    id: info.l2.chainId,
    name: "ore-l2",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [info.l2.rpcUrl] } },
    sourceId: info.l1.chainId,
    contracts: {
      ...chainConfig.contracts,
      portal: { [info.l1.chainId]: { address: info.contracts.OptimismPortal } },
      l2OutputOracle: { [info.l1.chainId]: { address: info.contracts.L2OutputOracle } },
    },
  });
  const account = privateKeyToAccount(info.accounts[accountIndex]!.privateKey);
  return {
    l1,
    l2,
    account,
    l1Public: createPublicClient({
      chain: l1,
      transport: http(info.l1.rpcUrl),
      pollingInterval: 250,
      cacheTime: 0,
    }).extend(publicActionsL1()),
    l1Wallet: createWalletClient({ chain: l1, account, transport: http(info.l1.rpcUrl) }).extend(
      walletActionsL1(),
    ),
    l2Public: createPublicClient({
      chain: l2,
      transport: http(info.l2.rpcUrl),
      pollingInterval: 250,
      cacheTime: 0,
    }).extend(publicActionsL2()),
    l2Wallet: createWalletClient({ chain: l2, account, transport: http(info.l2.rpcUrl) }).extend(
      walletActionsL2(),
    ),
    verifierL2: createPublicClient({
      chain: l2,
      transport: http(info.verifier.l2RpcUrl),
      pollingInterval: 250,
      cacheTime: 0,
    }),
  };
}

/** One JSON-RPC call (for rollup RPC and anvil methods viem does not wrap). */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** op-node sync status JSON (the fields tests read). */
export interface SyncStatusJson {
  head_l1: { number: number; hash: Hex };
  current_l1: { number: number; hash: Hex };
  finalized_l1: { number: number };
  unsafe_l2: { number: number; hash: Hex };
  safe_l2: { number: number; hash: Hex };
  finalized_l2: { number: number; hash: Hex };
}

/** `optimism_syncStatus` of a rollup node. */
export function syncStatus(rollupRpcUrl: string): Promise<SyncStatusJson> {
  return rpc<SyncStatusJson>(rollupRpcUrl, "optimism_syncStatus");
}

/** Waits until both nodes' safe heads are at least `n` and agree on the block hash at `n`. */
export async function waitBothSafe(d: Devnet, n: number, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    `both nodes safe at ${n}`,
    async () => {
      const [s, v] = await Promise.all([
        syncStatus(d.info.rollupRpcUrl),
        syncStatus(d.info.verifier.rollupRpcUrl),
      ]);
      return s.safe_l2.number >= n && v.safe_l2.number >= n;
    },
    timeoutMs,
  );
  const a = await rpc<{ hash: Hex; stateRoot: Hex }>(d.info.l2.rpcUrl, "eth_getBlockByNumber", [
    `0x${n.toString(16)}`,
    false,
  ]);
  const b = await rpc<{ hash: Hex; stateRoot: Hex }>(d.info.verifier.l2RpcUrl, "eth_getBlockByNumber", [
    `0x${n.toString(16)}`,
    false,
  ]);
  if (a.hash !== b.hash || a.stateRoot !== b.stateRoot) {
    throw new Error(
      `block ${n} differs: sequencer ${a.hash} (${a.stateRoot}) verifier ${b.hash} (${b.stateRoot}); ${await firstDifference(d, n)}`,
    );
  }
}

/** Describes the first L2 block at or below `upTo` where the two nodes' engines differ. */
export async function firstDifference(d: Devnet, upTo: number): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: diagnostic dump of raw JSON-RPC objects
  type Json = any;
  let lo = 0;
  let hi = upTo;
  const get = (url: string, n: number) =>
    rpc<Json>(url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true]);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const [a, b] = await Promise.all([get(d.info.l2.rpcUrl, mid), get(d.info.verifier.l2RpcUrl, mid)]);
    if (a.hash === b.hash) lo = mid + 1;
    else hi = mid;
  }
  const [a, b] = await Promise.all([get(d.info.l2.rpcUrl, lo), get(d.info.verifier.l2RpcUrl, lo)]);
  if (a.hash === b.hash) return `no difference up to block ${upTo}`;
  const fields = Object.keys(a).filter(
    (k) => k !== "transactions" && JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );
  const txs = (x: Json) => x.transactions.map((t: Json) => `${t.hash.slice(0, 10)}/${t.type}`).join(",");
  return `first difference at block ${lo}: ${fields.map((k) => `${k}=${a[k]}|${b[k]}`).join(" ")}; txs sequencer [${txs(a)}] verifier [${txs(b)}]`;
}

/** The L1 public client type the helpers return. */
export type L1Public = PublicClient;
