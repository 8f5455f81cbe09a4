/**
 * Starts and stops a real anvil (Foundry's local L1 node, from the `@foundry-rs/anvil` npm
 * package) for end-to-end tests and benchmarks:
 *
 *   const anvil = await startAnvil();             // free port, default chain id 31337
 *   try { ... anvil.rpcUrl ... } finally { await anvil.stop(); }
 *
 * The platform binary is spawned directly (not through the package's Node shim) so that
 * `stop()` ends the node itself. Every started node is also killed when the test process
 * exits, so a failed test never leaves an anvil behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { OreError } from "../../core/errors.ts";
import { anvilPath, freePort } from "../../node/devnet/anvil.ts";

export { anvilPath, freePort };

/** anvil could not be found, did not start, or did not answer in time. */
export class AnvilError extends OreError {
  override name = "AnvilError";
}

/** Options of {@link startAnvil}; each maps to the anvil flag of the same meaning. */
export interface AnvilOptions {
  /** Chain id (default 31337). */
  chainId?: number;
  /** Seconds between automatically mined blocks; omitted means one block per transaction. */
  blockTime?: number;
  /** Hardfork name, e.g. "cancun" or "prague" (default: anvil's latest). */
  hardfork?: string;
  /** Genesis timestamp in seconds (default: now). */
  timestamp?: number | bigint;
  /** Block gas limit (default: anvil's). */
  gasLimit?: bigint;
  /** Number of funded dev accounts (default 10). */
  accounts?: number;
  /** Balance of each dev account in ETH (default 10000). */
  balance?: number;
  /** Extra command-line arguments, passed through verbatim. */
  args?: readonly string[];
  /** Milliseconds to wait for the node to answer (default 20000). */
  readyTimeoutMs?: number;
}

/** A running anvil. */
export interface Anvil {
  /** HTTP JSON-RPC endpoint. */
  readonly rpcUrl: string;
  /** WebSocket JSON-RPC endpoint. */
  readonly wsUrl: string;
  readonly port: number;
  readonly chainId: number;
  /** anvil's log so far (stdout and stderr), for diagnosing a failure. */
  logs(): string;
  /** Stops the node and waits for it to exit. Safe to call more than once. */
  stop(): Promise<void>;
}

/** The well-known private keys of anvil's default dev accounts (mnemonic "test test … junk"). */
export const ANVIL_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
] as const;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // "exit" handlers must be synchronous: a plain SIGKILL is all we can do there.
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/** Starts an anvil on a free port and resolves once it answers `eth_chainId`. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  // The port can be taken between freePort() and anvil's bind; retry a few times.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort(), options);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function startOnce(port: number, o: AnvilOptions): Promise<Anvil> {
  const chainId = o.chainId ?? 31337;
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId)];
  if (o.blockTime !== undefined) args.push("--block-time", String(o.blockTime));
  if (o.hardfork) args.push("--hardfork", o.hardfork);
  if (o.timestamp !== undefined) args.push("--timestamp", String(o.timestamp));
  if (o.gasLimit !== undefined) args.push("--gas-limit", String(o.gasLimit));
  if (o.accounts !== undefined) args.push("--accounts", String(o.accounts));
  if (o.balance !== undefined) args.push("--balance", String(o.balance));
  args.push(...(o.args ?? []));

  installExitHook();
  const child = spawn(anvilPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let log = "";
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    // Keep memory bounded on long runs: the tail is what explains a failure.
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);

  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.on("exit", () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.on("error", (err) =>
      reject(new AnvilError(`could not spawn anvil: ${err.message}`, { cause: err })),
    );
  });

  const rpcUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exitPromise;
    clearTimeout(timer);
  };

  try {
    await Promise.race([waitReady(rpcUrl, chainId, o.readyTimeoutMs ?? 20_000, () => exited), spawnError]);
  } catch (err) {
    await stop();
    throw new AnvilError(`anvil did not start on port ${port}: ${(err as Error).message}`, {
      cause: err,
      details: { log: log.slice(-2000) },
    });
  }

  return { rpcUrl, wsUrl: `ws://127.0.0.1:${port}`, port, chainId, logs: () => log, stop };
}

async function waitReady(url: string, chainId: number, timeoutMs: number, hasExited: () => boolean) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited()) throw new AnvilError("anvil exited before it was ready");
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      const body = (await res.json()) as { result?: string };
      if (body.result !== undefined && Number(body.result) === chainId) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new AnvilError(`no answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
