/**
 * End-to-end: the engine as a separate process, spoken to over HTTP only — Engine API with JWT
 * (build, get, re-import, invalid payloads), user RPC through viem clients, a graceful restart
 * that keeps the chain and the pool, and `kill -9` at random moments while blocks are built,
 * after each of which the store must be sound and the head consistent.
 */

import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { createPublicClient, createWalletClient, defineChain, type Hex, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainConfig, publicActionsL2 } from "viem/op-stack";
import { fromHex, toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { headerHash } from "../../core/engine/header.ts";
import { l1InfoDeposit } from "../../core/engine/l1Info.ts";
import { userDepositSourceHash } from "../../core/engine/sourceHash.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { verifyProof } from "../../core/mpt/verifyProof.ts";
import { payloadHeader } from "../../node/engine/engineApi.ts";
import { signJwt } from "../../node/engine/jwt.ts";

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC results are checked field by field below
type Json = any;

const dir = mkdtempSync(join(tmpdir(), "ore-engine-e2e-"));
const secret = new Uint8Array(32).fill(7);
const account = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const builder = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const chainId = 901;
writeFileSync(join(dir, "jwt.hex"), toHex(secret));
writeFileSync(
  join(dir, "genesis.json"),
  JSON.stringify({
    config: { chainId },
    timestamp: "0x1000",
    alloc: {
      [account.address]: { balance: "0x3635c9adc5dea00000" },
      [builder.address]: { balance: "0x3635c9adc5dea00000" },
    },
  }),
);
writeFileSync(
  join(dir, "config.json"),
  JSON.stringify({
    dataDir: "./data",
    genesis: "./genesis.json",
    jwtSecret: "./jwt.hex",
    engine: { port: 0 },
    rpc: { port: 0 },
  }),
);

let proc: Subprocess<"ignore", "pipe", "inherit">;
let engineUrl = "";
let rpcUrl = "";

async function start() {
  proc = Bun.spawn([process.execPath, "node/engine/main.ts", "--config", join(dir, "config.json")], {
    cwd: join(import.meta.dir, "../.."),
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`engine exited: ${text}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const ready = JSON.parse(text.split("\n")[0]!);
  engineUrl = ready.engine;
  rpcUrl = ready.rpc;
}

async function engine(method: string, params: unknown[], token: string | null = signJwt(secret)) {
  const res = await fetch(engineUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { result?: Json; error?: { code: number; message: string } },
  };
}

async function rpc(method: string, params: unknown[]) {
  const res = await fetch(rpcUrl, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await res.json()) as { result?: Json; error?: { code: number; message: string } };
}

const l1Hash = fromHex(`0x${"aa".repeat(32)}`);
function attributes(timestamp: bigint, extra: Uint8Array[] = [], noTxPool = false) {
  const info = l1InfoDeposit({
    baseFeeScalar: 1368,
    blobBaseFeeScalar: 810949,
    sequenceNumber: timestamp,
    timestamp: 5000n,
    number: 9n,
    baseFee: 7_000_000_000n,
    blobBaseFee: 1n,
    hash: l1Hash,
    batcherHash: new Uint8Array(32),
  });
  return {
    timestamp: `0x${timestamp.toString(16)}`,
    prevRandao: toHex(new Uint8Array(32)),
    suggestedFeeRecipient: "0x4200000000000000000000000000000000000011",
    withdrawals: [],
    parentBeaconBlockRoot: toHex(new Uint8Array(32)),
    transactions: [toHex(encodeDeposit(info)), ...extra.map(toHex)],
    noTxPool,
    gasLimit: "0x1c9c380",
  };
}

async function buildOn(head: Hex, attrs: ReturnType<typeof attributes>) {
  const fcu = await engine("engine_forkchoiceUpdatedV3", [
    { headBlockHash: head, safeBlockHash: head, finalizedBlockHash: head },
    attrs,
  ]);
  expect(fcu.body.error).toBeUndefined();
  const got = await engine("engine_getPayloadV3", [fcu.body.result.payloadId]);
  return got.body.result.executionPayload;
}

const ore = defineChain({
  ...chainConfig,
  id: chainId,
  name: "ore-e2e",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1"] } },
});

beforeAll(start);
afterAll(() => {
  proc?.kill(9);
  rmSync(dir, { recursive: true, force: true });
});

describe("engine e2e", () => {
  test("JWT: missing, wrong-key and stale tokens are refused", async () => {
    expect((await engine("engine_exchangeCapabilities", [[]], null)).status).toBe(401);
    expect((await engine("engine_exchangeCapabilities", [[]], signJwt(new Uint8Array(32)))).status).toBe(401);
    expect((await engine("engine_exchangeCapabilities", [[]], signJwt(secret, 1000))).status).toBe(401);
    const ok = await engine("engine_exchangeCapabilities", [[]]);
    expect(ok.body.result).toContain("engine_newPayloadV3");
  });

  test("builds blocks from attributes, includes pool txs, serves them to viem", async () => {
    const client = createPublicClient({ chain: ore, transport: http(rpcUrl) }).extend(publicActionsL2());
    const wallet = createWalletClient({ account, chain: ore, transport: http(rpcUrl) });
    expect(await client.getChainId()).toBe(chainId);
    const genesis = await client.getBlock({ blockTag: "latest" });
    const depositor = "0x00000000000000000000000000000000000000a0";
    const deposit = encodeDeposit({
      sourceHash: userDepositSourceHash(l1Hash, 0),
      from: fromHex(depositor),
      to: fromHex("0x00000000000000000000000000000000000000b0"),
      mint: parseEther("1"),
      value: 0n,
      gas: 100_000n,
      isSystemTx: false,
      data: new Uint8Array(0),
    });
    const p1 = await buildOn(genesis.hash, attributes(genesis.timestamp + 2n, [deposit]));
    expect(p1.transactions.length).toBe(2);
    await engine("engine_forkchoiceUpdatedV3", [
      { headBlockHash: p1.blockHash, safeBlockHash: genesis.hash, finalizedBlockHash: genesis.hash },
      null,
    ]);
    expect(await client.getBalance({ address: depositor })).toBe(parseEther("1"));

    const hash = await wallet.sendTransaction({
      to: "0x00000000000000000000000000000000000000c0",
      value: 1234n,
    });
    const l1Fee = await client.estimateL1Fee({
      account,
      to: "0x00000000000000000000000000000000000000c0",
      value: 1n,
    });
    expect(l1Fee).toBeGreaterThan(0n);
    const p2 = await buildOn(p1.blockHash, attributes(BigInt(p1.timestamp) + 2n));
    expect(p2.transactions.length).toBe(2);
    await engine("engine_forkchoiceUpdatedV3", [
      { headBlockHash: p2.blockHash, safeBlockHash: p1.blockHash, finalizedBlockHash: genesis.hash },
      null,
    ]);
    const receipt = await client.getTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(await client.getBalance({ address: "0x00000000000000000000000000000000000000c0" })).toBe(1234n);
    const full = (await rpc("eth_getTransactionReceipt", [hash])).result;
    expect(BigInt(full.l1Fee)).toBeGreaterThan(0n);
    const depReceipt = (await rpc("eth_getBlockReceipts", [p1.blockNumber])).result[1];
    expect(depReceipt.depositNonce).toBe("0x0");
    expect(depReceipt.depositReceiptVersion).toBe("0x1");
    expect((await client.getBlock({ blockTag: "safe" })).hash).toBe(p1.blockHash);
    const proof = await client.getProof({ address: account.address, storageKeys: [] });
    expect(proof.nonce).toBe(1);
  });

  test("newPayloadV3: known is VALID, tampered is INVALID, orphan is SYNCING; errors have spec codes", async () => {
    const head = (await rpc("eth_getBlockByNumber", ["latest", false])).result;
    const p = await buildOn(head.hash, attributes(BigInt(head.timestamp) + 2n, [], true));
    const zero = toHex(new Uint8Array(32));
    expect((await engine("engine_newPayloadV3", [p, [], zero])).body.result.status).toBe("VALID");
    const bad = { ...p, stateRoot: toHex(new Uint8Array(32).fill(1)) };
    const r = (await engine("engine_newPayloadV3", [bad, [], zero])).body.result;
    expect(r.status).toBe("INVALID");
    // A consistent payload (hash recomputed) on an unknown parent: the engine cannot check it.
    const orphan = { ...p, parentHash: toHex(new Uint8Array(32).fill(9)) };
    orphan.blockHash = toHex(
      headerHash(payloadHeader(orphan, fromHex(zero), orphan.transactions.map(fromHex))),
    );
    expect((await engine("engine_newPayloadV3", [orphan, [], zero])).body.result.status).toBe("SYNCING");
    expect((await engine("engine_getPayloadV3", ["0x0000000000000001"])).body.error?.code).toBe(-38001);
    expect((await engine("engine_newPayloadV2", [p])).body.error?.code).toBe(-38005);
    expect(
      (
        await engine("engine_forkchoiceUpdatedV3", [
          { headBlockHash: head.hash, safeBlockHash: p.blockHash, finalizedBlockHash: zero },
          null,
        ])
      ).body.error?.code,
    ).toBe(-38002);
    const stale = attributes(BigInt(head.timestamp));
    expect(
      (
        await engine("engine_forkchoiceUpdatedV3", [
          { headBlockHash: head.hash, safeBlockHash: zero, finalizedBlockHash: zero },
          stale,
        ])
      ).body.error?.code,
    ).toBe(-38003);
    expect(
      (await engine("engine_newPayloadV3", [{ ...p, blockNumber: "nope" }, [], zero])).body.error?.code,
    ).toBe(-32602);
    // Malformed user RPC never crashes the server.
    expect((await rpc("eth_getBalance", ["0x12", "latest"])).error?.code).toBe(-32602);
    const garbage = await fetch(rpcUrl, { method: "POST", body: "{not json" });
    expect(((await garbage.json()) as { error: { code: number } }).error.code).toBe(-32700);
    expect((await rpc("eth_sendRawTransaction", ["0x03c0"])).error?.code).toBe(-32000);
  });

  test("a graceful restart keeps the chain and the pending pool", async () => {
    const before = (await rpc("eth_getBlockByNumber", ["latest", false])).result;
    const wallet = createWalletClient({ account, chain: ore, transport: http(rpcUrl) });
    const hash = await wallet.sendTransaction({
      to: "0x00000000000000000000000000000000000000d0",
      value: 42n,
    });
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    await start();
    expect((await rpc("eth_getBlockByNumber", ["latest", false])).result.hash).toBe(before.hash);
    const pending = (await rpc("eth_getTransactionByHash", [hash])).result;
    expect(pending.hash).toBe(hash);
    expect(pending.blockHash).toBeNull();
    const p = await buildOn(before.hash, attributes(BigInt(before.timestamp) + 2n));
    expect(p.transactions.length).toBe(2);
    await engine("engine_forkchoiceUpdatedV3", [
      { headBlockHash: p.blockHash, safeBlockHash: p.blockHash, finalizedBlockHash: p.blockHash },
      null,
    ]);
    expect((await rpc("eth_getTransactionReceipt", [hash])).result.status).toBe("0x1");
  }, 60_000);

  test("kill -9 at random moments while blocks are built: restart finds a consistent head", async () => {
    const rounds = process.env.ORE_SOAK ? 30 : 5;
    const base = BigInt((await rpc("eth_getBlockByNumber", ["latest", false])).result.number);
    const startNonce = BigInt((await rpc("eth_getTransactionCount", [builder.address, "latest"])).result);
    let acked = (await rpc("eth_getBlockByNumber", ["latest", false])).result;
    let killedAt = 0;
    for (let round = 0; round < rounds; round++) {
      const timer = setTimeout(() => proc.kill(9), 30 + Math.random() * 300);
      try {
        for (;;) {
          const head = (await rpc("eth_getBlockByNumber", ["latest", false])).result;
          const nonce = BigInt((await rpc("eth_getTransactionCount", [builder.address, "latest"])).result);
          const raw = fromHex(
            await builder.signTransaction({
              chainId,
              type: "eip1559",
              nonce: Number(nonce),
              to: "0x00000000000000000000000000000000000000e0",
              value: 1n,
              gas: 21_000n,
              maxFeePerGas: 10n ** 10n,
              maxPriorityFeePerGas: 1n,
            }),
          );
          const fcu = await engine("engine_forkchoiceUpdatedV3", [
            { headBlockHash: head.hash, safeBlockHash: head.hash, finalizedBlockHash: acked.hash },
            attributes(BigInt(head.timestamp) + 2n, [raw], true),
          ]);
          const got = await engine("engine_getPayloadV3", [fcu.body.result.payloadId]);
          const p = got.body.result.executionPayload;
          const done = await engine("engine_forkchoiceUpdatedV3", [
            { headBlockHash: p.blockHash, safeBlockHash: p.blockHash, finalizedBlockHash: acked.hash },
            null,
          ]);
          if (done.body.result?.payloadStatus.status === "VALID")
            acked = { ...p, hash: p.blockHash, number: p.blockNumber };
        }
      } catch {
        // The engine died under us: expected.
      } finally {
        clearTimeout(timer);
      }
      await proc.exited;
      killedAt = Math.max(killedAt, Number(acked.number));
      // The store is a sound SQLite database…
      const db = new Database(join(dir, "data", "engine.sqlite"));
      expect(db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check).toBe(
        "ok",
      );
      db.close();
      await start();
      // …whose head is the last acknowledged block or the one in flight after it, never older.
      const head = (await rpc("eth_getBlockByNumber", ["latest", false])).result;
      const n = BigInt(head.number);
      expect(n >= BigInt(acked.number) && n <= BigInt(acked.number) + 1n).toBe(true);
      if (n === BigInt(acked.number)) expect(head.hash).toBe(acked.hash);
      // The canonical chain links up, and state matches it: one builder tx per block since base.
      for (let k = n; k > n - 3n && k > 0n; k--) {
        const b = (await rpc("eth_getBlockByNumber", [`0x${k.toString(16)}`, false])).result;
        const parent = (await rpc("eth_getBlockByNumber", [`0x${(k - 1n).toString(16)}`, false])).result;
        expect(b.parentHash).toBe(parent.hash);
      }
      const nonce = BigInt((await rpc("eth_getTransactionCount", [builder.address, "latest"])).result);
      expect(nonce - startNonce).toBe(n - base);
      const proof = (await rpc("eth_getProof", [builder.address, [], "latest"])).result;
      const value = verifyProof(
        fromHex(head.stateRoot),
        keccak256(fromHex(builder.address)),
        proof.accountProof.map(fromHex),
      );
      expect(value).not.toBeNull();
      acked = head;
    }
    expect(killedAt).toBeGreaterThan(Number(base));
  }, 300_000);
});
