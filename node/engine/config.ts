/**
 * The engine's config file (JSON). Relative paths resolve against the config file's folder.
 *
 * ```json
 * { "dataDir": "./data", "genesis": "./genesis.json", "jwtSecret": "./jwt.hex",
 *   "engine": { "host": "127.0.0.1", "port": 8551 },
 *   "rpc": { "host": "127.0.0.1", "port": 8545, "maxBodyBytes": 5242880, "maxBatch": 100 } }
 * ```
 * A port of 0 picks a free one; the chosen ports are printed on the `ready` line.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { OreError } from "../../core/errors.ts";

/** A listening address. */
export interface Listen {
  host: string;
  port: number;
}

/** Parsed engine config. */
export interface EngineConfig {
  dataDir: string;
  genesis: string;
  jwtSecret: string;
  engine: Listen & { maxBodyBytes: number };
  rpc: Listen & { maxBodyBytes: number; maxBatch: number };
}

/** The config file is missing a field or has a wrong one. */
export class InvalidConfigError extends OreError {
  override name = "InvalidConfigError";
}

/** Reads and validates a config file. */
export function loadConfig(path: string): EngineConfig {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new InvalidConfigError(`config ${path}: not readable JSON`, { cause });
  }
  const base = dirname(resolve(path));
  const str = (v: unknown, name: string) => {
    if (typeof v !== "string" || v === "")
      throw new InvalidConfigError(`config: ${name} must be a non-empty string`);
    return resolve(base, v);
  };
  const listen = (v: unknown, name: string, port: number) => {
    const o = (v ?? {}) as Record<string, unknown>;
    const p = o.port ?? port;
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 65535) {
      throw new InvalidConfigError(`config: ${name}.port must be 0..65535`);
    }
    return { host: typeof o.host === "string" ? o.host : "127.0.0.1", port: p, o };
  };
  const e = listen(raw.engine, "engine", 8551);
  const r = listen(raw.rpc, "rpc", 8545);
  return {
    dataDir: str(raw.dataDir, "dataDir"),
    genesis: str(raw.genesis, "genesis"),
    jwtSecret: str(raw.jwtSecret, "jwtSecret"),
    engine: { host: e.host, port: e.port, maxBodyBytes: Number(e.o.maxBodyBytes ?? 64 * 1024 * 1024) },
    rpc: {
      host: r.host,
      port: r.port,
      maxBodyBytes: Number(r.o.maxBodyBytes ?? 5 * 1024 * 1024),
      maxBatch: Number(r.o.maxBatch ?? 100),
    },
  };
}
