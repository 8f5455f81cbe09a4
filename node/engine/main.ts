/**
 * `bun run engine --config <file>`: the L2 execution engine. Opens (or creates) the chain in
 * `dataDir/engine.sqlite`, then serves the Engine API (JWT) and the user JSON-RPC on their own
 * ports, and prints one line `{"ready":true,"engine":"http://…","rpc":"http://…"}` when both
 * listen. SIGINT/SIGTERM close the servers and the database.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Address } from "@ethereumjs/util";
import { Hono } from "hono";
import { parseGenesis } from "../../core/engine/genesis.ts";
import { Chain } from "./chain.ts";
import { type EngineConfig, loadConfig } from "./config.ts";
import { engineMethods } from "./engineApi.ts";
import { mountJsonRpc } from "./jsonRpc.ts";
import { checkJwt, readJwtSecret } from "./jwt.ts";
import { predeployCode } from "./predeployCode.ts";
import { rpcMethods } from "./rpc.ts";
import { Store } from "./store.ts";
import { TxPool } from "./txPool.ts";

/** A running engine. */
export interface RunningEngine {
  engineUrl: string;
  rpcUrl: string;
  stop(): Promise<void>;
}

/** Starts an engine from a parsed config (what the devnet calls in-process). */
export async function startEngine(config: EngineConfig): Promise<RunningEngine> {
  mkdirSync(config.dataDir, { recursive: true });
  const secret = readJwtSecret(config.jwtSecret);
  const genesis = parseGenesis(JSON.parse(readFileSync(config.genesis, "utf8")));
  const store = new Store(join(config.dataDir, "engine.sqlite"));
  const chain = await Chain.open(store, genesis, predeployCode());
  const pool = new TxPool(
    chain.common,
    store,
    async (sender) => {
      const head = chain.headBlock();
      return chain.withState(head.header.stateRoot, async (sm) => {
        const acc = await sm.getAccount(new Address(sender));
        return { nonce: acc?.nonce ?? 0n, balance: acc?.balance ?? 0n };
      });
    },
    { maxGas: genesis.gasLimit > 30_000_000n ? genesis.gasLimit : 30_000_000n },
  );
  await pool.load();

  const engineApp = new Hono();
  mountJsonRpc(
    engineApp,
    engineMethods(chain, pool),
    { maxBodyBytes: config.engine.maxBodyBytes, maxBatch: 16 },
    (c) => {
      const reason = checkJwt(c.req.header("authorization"), secret);
      return reason ? { code: -32000, message: `unauthorized: ${reason}` } : undefined;
    },
  );
  const rpcApp = new Hono();
  mountJsonRpc(rpcApp, rpcMethods(chain, pool), config.rpc);

  const engineServer = Bun.serve({
    hostname: config.engine.host,
    port: config.engine.port,
    fetch: engineApp.fetch,
  });
  const rpcServer = Bun.serve({ hostname: config.rpc.host, port: config.rpc.port, fetch: rpcApp.fetch });
  return {
    engineUrl: `http://${config.engine.host}:${engineServer.port}`,
    rpcUrl: `http://${config.rpc.host}:${rpcServer.port}`,
    async stop() {
      await engineServer.stop(true);
      await rpcServer.stop(true);
      await chain.lock.run(async () => store.close());
    },
  };
}

if (import.meta.main) {
  const i = process.argv.indexOf("--config");
  const path = i > 0 ? process.argv[i + 1] : undefined;
  if (!path) {
    console.error("usage: bun run engine --config <file>");
    process.exit(2);
  }
  const engine = await startEngine(loadConfig(path));
  console.log(JSON.stringify({ ready: true, engine: engine.engineUrl, rpc: engine.rpcUrl }));
  const shutdown = async () => {
    await engine.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
