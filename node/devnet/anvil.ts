/**
 * The devnet's L1: an anvil from the `@foundry-rs/anvil` npm package, run as a child process
 * with interval mining, a fixed chain id and its state kept in a file of the data directory
 * (`--state`: loaded at start when present, written on exit and every few seconds), so that a
 * second run resumes the same L1 chain. The finalized tag trails the head by
 * `2 × slotsInAnEpoch` blocks, which sets how fast L2 blocks become finalized.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { DevnetError } from "./errors.ts";

/** Options of {@link startL1}. */
export interface L1Options {
  chainId: number;
  /** Seconds between blocks. */
  blockTime: number;
  /** File holding the chain state across runs (omit for a throwaway chain). */
  stateFile?: string;
  /** Seconds between state dumps while running (default 5). */
  stateInterval?: number;
  /** Port to listen on (0 = a free one). */
  port?: number;
  /** anvil's `--slots-in-an-epoch` (finalized = head − 2 × this). */
  slotsInAnEpoch?: number;
  /** Funded dev accounts (default 10). */
  accounts?: number;
  /** Hardfork (default prague). */
  hardfork?: string;
  /** Called with each line anvil prints. */
  onLog?: (line: string) => void;
}

/** A running L1 node. */
export interface RunningL1 {
  rpcUrl: string;
  port: number;
  pid: number;
  /** Stops anvil with SIGTERM (it writes its state file) and waits for it to exit. */
  stop(): Promise<void>;
  /** Resolves when anvil exits for any reason. */
  exited: Promise<number | null>;
}

/** Path of the anvil binary from node_modules (the platform package, else the npm shim). */
export function anvilPath(root = join(import.meta.dir, "..", "..")): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  const direct = join(root, "node_modules", "@foundry-rs", `anvil-${process.platform}-${arch}`, "bin", exe);
  if (existsSync(direct)) return direct;
  const shim = join(root, "node_modules", ".bin", "anvil");
  if (existsSync(shim)) return shim;
  throw new DevnetError(`anvil not found: expected ${direct}; run npm install`);
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts anvil and resolves once it answers `eth_chainId` with `options.chainId`. */
export async function startL1(options: L1Options): Promise<RunningL1> {
  const port = options.port || (await freePort());
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--chain-id",
    String(options.chainId),
    "--block-time",
    String(options.blockTime),
    "--hardfork",
    options.hardfork ?? "prague",
    "--slots-in-an-epoch",
    String(options.slotsInAnEpoch ?? 2),
  ];
  if (options.accounts !== undefined) args.push("--accounts", String(options.accounts));
  if (options.stateFile) {
    args.push("--state", options.stateFile, "--state-interval", String(options.stateInterval ?? 5));
  }
  const child: ChildProcess = spawn(anvilPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const onData = (chunk: Buffer) => {
    const s = chunk.toString();
    tail = (tail + s).slice(-4000);
    if (options.onLog) for (const line of s.split("\n")) if (line.trim()) options.onLog(line);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let done = false;
  exited.then(() => {
    done = true;
  });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (done) throw new DevnetError(`anvil exited before it was ready: ${tail.slice(-1000)}`);
    try {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      const body = (await res.json()) as { result?: string };
      if (Number(body.result) === options.chainId) break;
      throw new DevnetError(`anvil on port ${port} has chain id ${body.result}, expected ${options.chainId}`);
    } catch (e) {
      if (e instanceof DevnetError) {
        child.kill("SIGKILL");
        throw e;
      }
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new DevnetError(`anvil did not answer on port ${port} within 30 s`);
    }
    await Bun.sleep(50);
  }
  return {
    rpcUrl,
    port,
    pid: child.pid!,
    exited,
    async stop() {
      if (done) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
