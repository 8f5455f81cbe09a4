/**
 * End-to-end: `bun run prove --engine <l2 rpc> --block n --tx i` against a live devnet engine.
 * Contracts are deployed on L2 and called by ordinary transactions; the prover builds the
 * transaction's top frame from the engine's JSON-RPC, fetches the parent state's trie nodes and
 * code lazily with `debug_dbGet`, runs it (storage reads and writes, logs, a nested call), and
 * must agree with the engine's receipt (status and gas used, refunds capped); `bun run verify`
 * then accepts the proof file. Block mode proves whole blocks, and every block from the first to
 * the head (one holding an L1 deposit) must end at the engine's block (state root, gas, receipts
 * root, bloom, hash) and at the rollup node's output root.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Hex, parseEther } from "viem";
import { getL2TransactionHashes } from "viem/op-stack";
import { toHex } from "../../core/bytes.ts";
import { decodeProof } from "../../core/proof/proofFile.ts";
import { deployer, proveDevnetBlock } from "../helpers/blockProof.ts";
import { devnetClients, useTestDevnet } from "../helpers/devnet.ts";

const ROOT = join(import.meta.dir, "..", "..");
const BUN = join(ROOT, "node_modules", ".bin", "bun");
const dir = mkdtempSync(join(tmpdir(), "ore-proof-engine-"));

const net = useTestDevnet({}, { beforeStop: () => rmSync(dir, { recursive: true, force: true }) });

/** Runs `node/prove/main.ts --engine <the devnet's engine> --block <block> ...args`. */
function proveCli(block: bigint | string, ...args: string[]) {
  const p = Bun.spawnSync(
    [BUN, "node/prove/main.ts", "--engine", net.devnet.info.l2.rpcUrl, "--block", block.toString(), ...args],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** Proves transaction `index` of `block` into `out`. */
const prove = (block: bigint, index: number, out: string) =>
  proveCli(block, "--tx", String(index), "--out", out);

/** Proves `block` (a number or a range `a..b`) in block mode into `out`. */
const proveBlock = (block: bigint | string, out: string) => proveCli(block, "--out", out);

/** `scripts/verify.ts` on the proof file `out`: it must accept it, checking `steps` steps. */
function expectVerifies(out: string, steps: number): void {
  const v = Bun.spawnSync([BUN, "scripts/verify.ts", out], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  expect(v.exitCode).toBe(0);
  expect(JSON.parse(v.stdout.toString())).toMatchObject({ valid: true, checked: steps });
}

describe("prove --engine against a live engine", () => {
  test(
    "block mode: a block of deposits (the L1 attributes deposit) ends at the engine's state root",
    net.guard(async () => {
      const c = devnetClients(net.devnet);
      // Blocks past the first few have run the L1 attributes deposit against a warm L1Block.
      let head = await c.l2Public.getBlockNumber();
      while (head < 3n) {
        await Bun.sleep(500);
        head = await c.l2Public.getBlockNumber();
      }
      let proven = 0;
      for (const n of [1n, 2n, head]) {
        const block = await c.l2Public.getBlock({ blockNumber: n });
        if (block.transactions.length !== 1) continue;
        proven++;
        const out = join(dir, `block${n}.json`);
        const p = proveBlock(n, out);
        if (p.code !== 0) console.error(p.stderr);
        expect(p.code).toBe(0);
        const summary = JSON.parse(p.stdout);
        expect(summary).toMatchObject({
          mode: "block",
          engineAgrees: true,
          stateRoot: block.stateRoot,
          receiptsRoot: block.receiptsRoot,
        });
        expectVerifies(out, summary.steps);
        console.log(`block ${n}: ${summary.steps} steps, state root ${summary.stateRoot}, ${summary.ms} ms`);
      }
      expect(proven).toBeGreaterThan(0);
    }),
    120_000,
  );

  test(
    "a range of blocks gives one agreeing proof file per block; lazy mode gives the same roots",
    net.guard(async () => {
      const c = devnetClients(net.devnet);
      while ((await c.l2Public.getBlockNumber()) < 3n) await Bun.sleep(500);
      const out = join(dir, "range");
      const p = proveBlock("1..3", out);
      if (p.code !== 0) console.error(p.stderr);
      expect(p.code).toBe(0);
      const lines = p.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.out)).toEqual([1, 2, 3].map((n) => join(out, `${n}.proof`)));
      expect(lines.every((l) => l.engineAgrees === true)).toBe(true);
      // Block 2 lazily, at its first, a middle and its last root, and past the end.
      const steps: number = lines[1].steps;
      const want = [0, steps >> 1, steps, steps + 50];
      const lazy = proveCli("2", "--lazy", want.join(","));
      expect(lazy.code).toBe(0);
      const roots = JSON.parse(lazy.stdout).roots as Record<string, string>;
      const file = decodeProof(readFileSync(join(out, "2.proof")));
      expect(want.map((i) => roots[i])).toEqual(want.map((i) => toHex(file.root(Math.min(i, steps)))));
      // A backwards range is a usage error.
      expect(proveBlock("3..1", out).code).toBe(2);
    }),
    120_000,
  );

  test(
    "a contract call with storage writes, a log and a nested call agrees with the receipt",
    net.guard(async () => {
      const c = devnetClients(net.devnet);
      // Callee: sstore(7, calldataload(0) + sload(7)); return 32 bytes of it.
      const callee = "600035 6007 54 01 80 6007 55 6000 52 6020 6000 f3".replace(/\s/g, "");
      const h1 = await c.l2Wallet.sendTransaction({ data: deployer(callee) });
      const calleeAddr = (await c.l2Public.waitForTransactionReceipt({ hash: h1 })).contractAddress!;
      // Caller: sstore(1, x = calldataload(0)); sstore(2, sload(1) * 2); LOG1; sstore(3, x == 5)
      // (the second call clears it: a refund); call the callee with x; store what it returned.
      const caller =
        "600035 6001 55 6001 54 6002 02 6002 55 6001 54 6000 52 60aa 6020 6000 a1 6005 600035 14 6003 55 " +
        `6020 6040 6020 6000 6000 73${calleeAddr.slice(2)} 5a f1 50 6040 51 6004 55 00`;
      const h2 = await c.l2Wallet.sendTransaction({ data: deployer(caller.replace(/\s/g, "")) });
      const callerAddr = (await c.l2Public.waitForTransactionReceipt({ hash: h2 })).contractAddress!;
      // Give slot 3 a value first so the call's clear earns a refund.
      const arg = (v: number): Hex => `0x${v.toString(16).padStart(64, "0")}`;
      const h3 = await c.l2Wallet.sendTransaction({ to: callerAddr, data: arg(5) });
      await c.l2Public.waitForTransactionReceipt({ hash: h3 });
      const h4 = await c.l2Wallet.sendTransaction({ to: callerAddr, data: arg(9), gas: 300_000n });
      const r = await c.l2Public.waitForTransactionReceipt({ hash: h4 });
      expect(r.status).toBe("success");
      const out = join(dir, "call.json");
      const p = prove(r.blockNumber, r.transactionIndex, out);
      if (p.code !== 0) console.error(p.stderr);
      expect(p.code).toBe(0);
      const summary = JSON.parse(p.stdout);
      expect(summary.engineAgrees).toBe(true);
      expect(summary.status).toBe(1);
      expect(summary.steps).toBeGreaterThan(50);
      expectVerifies(out, summary.steps);
      // The whole block (its L1 attributes deposit and this user transaction) in block mode.
      const blockOut = join(dir, "user.json");
      const whole = proveBlock(r.blockNumber, blockOut);
      if (whole.code !== 0) console.error(whole.stderr);
      expect(whole.code).toBe(0);
      const ws = JSON.parse(whole.stdout);
      expect(ws.engineAgrees).toBe(true);
      expectVerifies(blockOut, ws.steps);
      console.log(`block ${r.blockNumber} with a user transaction: ${ws.steps} steps, ${ws.ms} ms`);
    }),
    120_000,
  );

  test(
    "every block from the first to the head, one with an L1 deposit, ends at the engine's block and the rollup node's output root",
    net.guard(async () => {
      const c = devnetClients(net.devnet, 1);
      const hash = await c.l1Wallet.depositTransaction({
        request: { gas: 100_000n, mint: parseEther("1"), to: "0x000000000000000000000000000000000000dEaD" },
        targetChain: c.l2,
      });
      const l1Receipt = await c.l1Public.waitForTransactionReceipt({ hash });
      const l2Hashes = getL2TransactionHashes(l1Receipt);
      expect({ status: l1Receipt.status, deposits: l2Hashes.length }).toEqual({
        status: "success",
        deposits: 1,
      });
      const r = await c.l2Public.waitForTransactionReceipt({ hash: l2Hashes[0]!, timeout: 60_000 });
      const head = await c.l2Public.getBlockNumber();
      let steps = 0;
      for (let n = 1n; n <= head; n++) {
        const { trace } = await proveDevnetBlock(net.devnet, n);
        steps += trace.roots.length - 1;
      }
      console.log(`blocks 1..${head} (the deposit in block ${r.blockNumber}): ${steps} steps, all agree`);
      expect(r.blockNumber).toBeLessThanOrEqual(head);
    }),
    180_000,
  );
});
