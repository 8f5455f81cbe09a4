/**
 * An execution engine as a child process (`bun node/engine/main.ts --config …`), so the two
 * engines of the devnet run beside the nodes on other cores and can be killed and restarted
 * like the real thing. Resolves once the engine prints its `ready` line.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import { DevnetError } from "./errors.ts";

/** Where an engine keeps its data and which ports it takes (0 = any). */
export interface EngineProcessOptions {
  /** Folder for `engine.json` and the chain data. */
  dir: string;
  genesisFile: string;
  jwtFile: string;
  enginePort: number;
  rpcPort: number;
  log: Logger;
}

/** A running engine process. */
export interface EngineProcess {
  engineUrl: string;
  rpcUrl: string;
  pid: number;
  /** SIGTERM (clean close of the database) and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait (what a crash looks like). */
  kill(): Promise<void>;
}

/** Writes the engine's config file into `o.dir` and starts the engine. */
export async function startEngineProcess(o: EngineProcessOptions): Promise<EngineProcess> {
  const configFile = join(o.dir, "engine.json");
  writeFileSync(
    configFile,
    `${JSON.stringify(
      {
        dataDir: join(o.dir, "data"),
        genesis: o.genesisFile,
        jwtSecret: o.jwtFile,
        engine: { host: "127.0.0.1", port: o.enginePort },
        rpc: { host: "127.0.0.1", port: o.rpcPort },
      },
      null,
      2,
    )}\n`,
  );
  const entry = join(import.meta.dir, "..", "engine", "main.ts");
  const child = spawn(process.execPath, [entry, "--config", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  let done = false;
  exited.then(() => {
    done = true;
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    const s = c.toString();
    stderr = (stderr + s).slice(-4000);
    for (const line of s.split("\n")) if (line.trim()) o.log.warn("engine stderr", { line });
  });
  const ready = await new Promise<{ engine: string; rpc: string }>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new DevnetError(`engine in ${o.dir} not ready within 60 s`)),
      60_000,
    );
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out.slice(0, nl)));
        } catch (e) {
          reject(
            new DevnetError(`engine printed ${out.slice(0, nl)} instead of its ready line`, { cause: e }),
          );
        }
      }
    });
    exited.then(() => {
      clearTimeout(timer);
      reject(new DevnetError(`engine in ${o.dir} exited before it was ready: ${stderr.slice(-1500)}`));
    });
  });
  const wait = async (signal: NodeJS.Signals) => {
    if (done) return;
    child.kill(signal);
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };
  return {
    engineUrl: ready.engine,
    rpcUrl: ready.rpc,
    pid: child.pid!,
    stop: () => wait("SIGTERM"),
    kill: () => wait("SIGKILL"),
  };
}
