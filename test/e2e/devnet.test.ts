/**
 * End-to-end: the devnet as `bun run node` starts it (anvil, contracts, two engines, sequencer
 * and verifier nodes, batcher, proposer). A deposit made on L1 appears on L2 in the first
 * block of its epoch; an L2 transfer is batched and the verifier, which reads only L1, reaches
 * the sequencer's safe head with the same state root; the rollup RPC answers as op-node does.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { concat, type Hex, keccak256, parseEther } from "viem";
import { getL2TransactionHashes } from "viem/op-stack";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe, waitFor } from "../helpers/devnet.ts";

const net = useTestDevnet();

describe("devnet", () => {
  test("devnet.json has the documented shape and funded accounts", async () => {
    const info = JSON.parse(readFileSync(net.devnet.infoFile, "utf8"));
    expect(Object.keys(info).sort()).toEqual([
      "accounts",
      "contracts",
      "l1",
      "l2",
      "rollupRpcUrl",
      "verifier",
    ]);
    expect(info.l1.chainId).toBe(900);
    expect(info.l2.chainId).toBe(901);
    expect(Object.keys(info.verifier).sort()).toEqual(["l2RpcUrl", "rollupRpcUrl"]);
    expect(Object.keys(info.contracts).sort()).toEqual([
      "BatchFeed",
      "L1CrossDomainMessenger",
      "L1StandardBridge",
      "L2OutputOracle",
      "OptimismPortal",
      "SystemConfig",
    ]);
    expect(info.accounts[0].address).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    const c = devnetClients(net.devnet, 3);
    expect(await c.l2Public.getBalance({ address: c.account.address })).toBeGreaterThan(parseEther("1000"));
    expect(await c.l1Public.getBalance({ address: c.account.address })).toBeGreaterThan(parseEther("1000"));
  });

  test(
    "a deposit shows up on L2 in the first block of its epoch",
    net.guard(async () => {
      const c = devnetClients(net.devnet, 1);
      const before = await c.l2Public.getBalance({ address: c.account.address });
      const t0 = Date.now();
      const hash = await c.l1Wallet.depositTransaction({
        request: { gas: 100_000n, mint: parseEther("1"), to: c.account.address },
        targetChain: c.l2,
      });
      const l1Receipt = await c.l1Public.waitForTransactionReceipt({ hash });
      const [l2Hash] = getL2TransactionHashes(l1Receipt);
      const l2Receipt = await c.l2Public.waitForTransactionReceipt({ hash: l2Hash!, timeout: 60_000 });
      console.log(`deposit → L2 block: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(l2Receipt.status).toBe("success");
      expect(await c.l2Public.getBalance({ address: c.account.address })).toBe(before + parseEther("1"));
      // The deposit's block opens the epoch of the deposit's L1 block.
      const out = await rpc<{
        blockRef: { l1origin: { number: number; hash: Hex }; sequenceNumber: number };
      }>(net.devnet.info.rollupRpcUrl, "optimism_outputAtBlock", [`0x${l2Receipt.blockNumber.toString(16)}`]);
      expect(out.blockRef.l1origin.number).toBe(Number(l1Receipt.blockNumber));
      expect(out.blockRef.l1origin.hash).toBe(l1Receipt.blockHash);
      expect(out.blockRef.sequenceNumber).toBe(0);
      // The verifier derives the same deposit from L1 alone.
      const v = await c.verifierL2.waitForTransactionReceipt({ hash: l2Hash!, timeout: 90_000 });
      expect(v.blockHash).toBe(l2Receipt.blockHash);
    }),
    120_000,
  );

  test(
    "an L2 transaction is batched; the verifier reaches the same safe head and state root from L1",
    net.guard(async () => {
      const c = devnetClients(net.devnet, 2);
      const t0 = Date.now();
      const hash = await c.l2Wallet.sendTransaction({
        to: "0x000000000000000000000000000000000000bEEF",
        value: parseEther("0.5"),
      });
      const r = await c.l2Public.waitForTransactionReceipt({ hash, timeout: 30_000 });
      const n = Number(r.blockNumber);
      await waitFor("verifier safe past the transfer", async () => {
        const v = await syncStatus(net.devnet.info.verifier.rollupRpcUrl);
        return v.safe_l2.number >= n;
      });
      console.log(`L2 tx → safe on the verifier: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await waitBothSafe(net.devnet, n);
      const vr = await c.verifierL2.getTransactionReceipt({ hash });
      expect(vr.blockHash).toBe(r.blockHash);
      expect(await c.verifierL2.getBalance({ address: "0x000000000000000000000000000000000000bEEF" })).toBe(
        parseEther("0.5"),
      );
    }),
    120_000,
  );

  test(
    "rollup RPC: version, rollup config, output roots, sync status",
    net.guard(async () => {
      const url = net.devnet.info.rollupRpcUrl;
      expect(await rpc<string>(url, "optimism_version")).toMatch(/^v\d/);
      const cfg = await rpc<Record<string, unknown>>(url, "optimism_rollupConfig");
      expect(cfg).toEqual(JSON.parse(readFileSync(`${net.devnet.datadir}/rollup.json`, "utf8")));
      const s = await syncStatus(url);
      expect(s.unsafe_l2.number).toBeGreaterThanOrEqual(s.safe_l2.number);
      expect(s.safe_l2.number).toBeGreaterThanOrEqual(s.finalized_l2.number);
      const n = s.safe_l2.number;
      const out = await rpc<{
        version: Hex;
        outputRoot: Hex;
        stateRoot: Hex;
        withdrawalStorageRoot: Hex;
        blockRef: { hash: Hex; number: number };
      }>(url, "optimism_outputAtBlock", [`0x${n.toString(16)}`]);
      const block = await rpc<{ hash: Hex; stateRoot: Hex }>(
        net.devnet.info.l2.rpcUrl,
        "eth_getBlockByNumber",
        [`0x${n.toString(16)}`, false],
      );
      const proof = await rpc<{ storageHash: Hex }>(net.devnet.info.l2.rpcUrl, "eth_getProof", [
        "0x4200000000000000000000000000000000000016",
        [],
        block.hash,
      ]);
      expect(out.blockRef).toMatchObject({ hash: block.hash, number: n });
      expect(out.stateRoot).toBe(block.stateRoot);
      expect(out.withdrawalStorageRoot).toBe(proof.storageHash);
      expect(out.outputRoot).toBe(
        keccak256(concat([out.version, block.stateRoot, proof.storageHash, block.hash])),
      );
      // The verifier computes the same output for the same block.
      const vout = await rpc<{ outputRoot: Hex }>(
        net.devnet.info.verifier.rollupRpcUrl,
        "optimism_outputAtBlock",
        [`0x${n.toString(16)}`],
      );
      expect(vout.outputRoot).toBe(out.outputRoot);
      await expect(rpc(url, "optimism_outputAtBlock", ["nope"])).rejects.toThrow("hex quantity");
    }),
  );
});
