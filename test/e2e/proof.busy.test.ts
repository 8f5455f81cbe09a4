/**
 * End-to-end: the fault-proof machine agrees with a busy devnet. A mixed load runs for a while
 * (ETH transfers of all three transaction types from several accounts to fresh addresses; an
 * ERC-20 deployed, minted, transferred, approved and spent, a call that reverts, small contract
 * creations; L1 deposits through the portal with and without value, one that creates a
 * contract, one whose call reverts on L2; a withdrawal initiated on L2). Then every L2 block
 * from the first to the safe head is proved in block mode (`core/proof/txs.ts`, fetching the
 * parent state from the sequencer's engine) and must end at the engine's block (state root,
 * receipts root, gas used, logs bloom, hash) and at the rollup node's output root, and the
 * verifier, which reads only L1, must hold the same block hash at every height.
 *
 * Default: ~30 s of load. `ORE_SOAK=1`: minutes of load (`ORE_SOAK_LOAD_S`, default 240).
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import {
  type Address,
  encodeFunctionData,
  type Hex,
  parseEther,
  parseGwei,
  type TransactionReceipt,
  toHex as viemHex,
} from "viem";
import { getL2TransactionHashes } from "viem/op-stack";
import { testERC20Abi, testERC20Bytecode } from "../../contracts/artifacts/TestERC20.ts";
import { deployer, proveDevnetBlock } from "../helpers/blockProof.ts";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe, waitFor } from "../helpers/devnet.ts";

const SOAK = process.env.ORE_SOAK === "1";
const LOAD_MS = (SOAK ? Number(process.env.ORE_SOAK_LOAD_S ?? 240) : 30) * 1000;

const net = useTestDevnet({}, { ready: (t) => waitBothSafe(t.devnet, 2), logLines: 150, setupMs: 90_000 });

// Runtime: sstore(calldataload(0), calldataload(32)); LOG1(topic = caller); stop.
const STORE_RUNTIME = "602035 600035 55 33 6000 6000 a1 00".replace(/\s/g, "");

const fresh = (): Address => viemHex(new Uint8Array(randomBytes(20)));

/** A receipt status a sent transaction must end with (`any`: either). */
type Outcome = "success" | "reverted" | "any";

/** What the load sent, to check afterwards. */
interface Sent {
  l2: { hash: Hex; expect: Outcome; what: string }[];
  deposits: { hash: Hex; expect: Outcome; what: string }[];
}

test(
  "every block of a busy devnet proves to the engine's block and the node's output root",
  net.guard(async () => {
    const d = net.devnet;
    const sent: Sent = { l2: [], deposits: [] };
    const owner = devnetClients(d, 0);

    // The ERC-20 first: the load calls it.
    const deployHash = await owner.l2Wallet.deployContract({
      abi: testERC20Abi,
      bytecode: testERC20Bytecode,
      args: ["Busy", "BSY"],
    });
    const token = (await owner.l2Public.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;
    const deadline = Date.now() + LOAD_MS;

    /** Sends from account `i`, with its own nonce counter, until the deadline. */
    async function worker(
      i: number,
      next: (round: number) => { request: Record<string, unknown>; expect: Outcome; what: string },
      everyMs: number,
    ) {
      const c = devnetClients(d, i);
      let nonce = await c.l2Public.getTransactionCount({ address: c.account.address, blockTag: "pending" });
      for (let round = 0; Date.now() < deadline; round++) {
        const n = next(round);
        // The request's shape depends on its type; viem checks it at run time.
        type Send = Parameters<typeof c.l2Wallet.sendTransaction>[0];
        const hash = await c.l2Wallet.sendTransaction({ ...(n.request as unknown as Send), nonce: nonce++ });
        sent.l2.push({ hash, expect: n.expect, what: n.what });
        await Bun.sleep(everyMs);
      }
    }

    const fees = {
      gasPrice: parseGwei("3"),
      maxFeePerGas: parseGwei("3"),
      maxPriorityFeePerGas: parseGwei("1"),
    };
    const transfers = (round: number) => {
      const to = fresh();
      const value = BigInt(1 + round) * 1_000_000_000n;
      const kind = round % 3;
      const request =
        kind === 0
          ? { type: "legacy", to, value, gas: 21_000n, gasPrice: fees.gasPrice }
          : kind === 1
            ? {
                type: "eip2930",
                to,
                value,
                gas: 30_000n,
                gasPrice: fees.gasPrice,
                accessList: [{ address: to, storageKeys: [viemHex(round, { size: 32 })] }],
              }
            : {
                type: "eip1559",
                to,
                value,
                gas: 21_000n,
                maxFeePerGas: fees.maxFeePerGas,
                maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
              };
      return { request, expect: "success" as const, what: `transfer type ${kind}` };
    };
    const tokenCall = (data: Hex, gas = 120_000n) => ({
      type: "eip1559",
      to: token,
      data,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const spender = devnetClients(d, 4).account.address;
    const tokens = (round: number) => {
      const k = round % 6;
      if (k === 0)
        return {
          request: tokenCall(
            encodeFunctionData({
              abi: testERC20Abi,
              functionName: "mint",
              args: [owner.account.address, 10n ** 24n],
            }),
          ),
          expect: "success" as const,
          what: "mint",
        };
      if (k === 1 || k === 2)
        return {
          request: tokenCall(
            encodeFunctionData({
              abi: testERC20Abi,
              functionName: "transfer",
              args: [fresh(), BigInt(round + 1)],
            }),
          ),
          expect: "success" as const,
          what: "token transfer",
        };
      if (k === 3)
        return {
          request: tokenCall(
            encodeFunctionData({ abi: testERC20Abi, functionName: "approve", args: [spender, 10n ** 30n] }),
          ),
          expect: "success" as const,
          what: "approve",
        };
      if (k === 4)
        return {
          // More than anyone holds: the require reverts.
          request: tokenCall(
            encodeFunctionData({
              abi: testERC20Abi,
              functionName: "transfer",
              args: [fresh(), 10n ** 40n],
            }),
          ),
          expect: "reverted" as const,
          what: "token transfer reverting",
        };
      return {
        request: { type: "legacy", data: deployer(STORE_RUNTIME), gas: 120_000n, gasPrice: fees.gasPrice },
        expect: "success" as const,
        what: "contract creation",
      };
    };
    const spends = (round: number) => ({
      request: tokenCall(
        encodeFunctionData({
          abi: testERC20Abi,
          functionName: "transferFrom",
          args: [owner.account.address, fresh(), BigInt(round + 1)],
        }),
      ),
      // The allowance comes with the owner's first rounds; until then transferFrom reverts.
      expect: "any" as const,
      what: "transferFrom",
    });

    async function deposits() {
      const c = devnetClients(d, 5);
      for (let round = 0; Date.now() < deadline; round++) {
        const k = round % 4;
        const request =
          k === 0
            ? { gas: 100_000n, mint: parseEther("1"), value: parseEther("1"), to: fresh() }
            : k === 1
              ? {
                  // A call that reverts on L2 (no tokens); the mint still lands.
                  gas: 200_000n,
                  mint: parseEther("0.5"),
                  value: 0n,
                  to: token,
                  data: encodeFunctionData({
                    abi: testERC20Abi,
                    functionName: "transfer",
                    args: [fresh(), 1n],
                  }),
                }
              : k === 2
                ? { gas: 300_000n, isCreation: true, data: deployer(STORE_RUNTIME) }
                : {
                    gas: 200_000n,
                    mint: parseEther("0.1"),
                    value: 0n,
                    to: token,
                    data: encodeFunctionData({
                      abi: testERC20Abi,
                      functionName: "mint",
                      args: [fresh(), 7n],
                    }),
                  };
        const what = ["deposit with value", "deposit reverting on L2", "deposit creating", "deposit calling"][
          k
        ]!;
        // The request's shape depends on its kind; viem checks it at run time.
        type Deposit = Parameters<typeof c.l1Wallet.depositTransaction>[0]["request"];
        const h = await c.l1Wallet.depositTransaction({
          request: request as unknown as Deposit,
          targetChain: c.l2,
        });
        const r = await c.l1Public.waitForTransactionReceipt({ hash: h });
        expect(r.status).toBe("success");
        const [l2Hash] = getL2TransactionHashes(r);
        sent.deposits.push({ hash: l2Hash!, expect: k === 1 ? "reverted" : "success", what });
        await Bun.sleep(SOAK ? 6000 : 3000);
      }
    }

    async function withdrawal() {
      const c = devnetClients(d, 6);
      const hash = await c.l2Wallet.initiateWithdrawal({
        request: { gas: 100_000n, to: c.account.address, value: parseEther("1") },
      });
      sent.l2.push({ hash, expect: "success", what: "withdrawal" });
    }

    const t0 = Date.now();
    await Promise.all([
      worker(1, transfers, 250),
      worker(2, (r) => transfers(r + 1), 300),
      worker(3, (r) => transfers(r + 2), 350),
      worker(0, tokens, 300),
      worker(4, spends, 700),
      deposits(),
      withdrawal(),
    ]);
    const loadMs = Date.now() - t0;

    // Every transaction lands with the outcome it was meant to have.
    const c = devnetClients(d);
    const wait = (hash: Hex) =>
      c.l2Public.waitForTransactionReceipt({ hash, timeout: 90_000, pollingInterval: 500 });
    let last = 0n;
    const outcome = async (s: { hash: Hex; expect: Outcome; what: string }) => {
      const r: TransactionReceipt = await wait(s.hash);
      if (r.blockNumber > last) last = r.blockNumber;
      if (s.expect !== "any")
        expect({ what: s.what, status: r.status }).toEqual({ what: s.what, status: s.expect });
      return r;
    };
    for (const s of sent.l2) await outcome(s);
    for (const s of sent.deposits) await outcome(s);

    // Both nodes safe past the last of it, then every block from 1 to the safe head.
    await waitBothSafe(d, Number(last), 120_000);
    const safe = (await syncStatus(d.info.rollupRpcUrl)).safe_l2.number;
    await waitFor("the verifier safe at the same height", async () => {
      return (await syncStatus(d.info.verifier.rollupRpcUrl)).safe_l2.number >= safe;
    });
    const p0 = Date.now();
    let steps = 0;
    let txs = 0;
    let restarts = 0;
    const types = new Map<number, number>();
    for (let n = 1n; n <= BigInt(safe); n++) {
      const [{ trace, block }, vb] = await Promise.all([
        proveDevnetBlock(d, n, { verify: !SOAK }),
        rpc<{ hash: Hex }>(d.info.verifier.l2RpcUrl, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]),
      ]);
      expect({ n, verifierHash: vb.hash }).toEqual({ n, verifierHash: block.hash as Hex });
      for (const tx of block.transactions as { type: Hex }[]) {
        types.set(Number(tx.type), (types.get(Number(tx.type)) ?? 0) + 1);
      }
      if (trace.restartedAt !== undefined) restarts++;
      steps += trace.roots.length - 1;
      txs += trace.outcomes.length;
    }
    const proveMs = Date.now() - p0;
    console.log(
      `busy devnet: ${(LOAD_MS / 1000).toFixed(0)} s of load (${loadMs} ms), ${sent.l2.length} L2 transactions, ` +
        `${sent.deposits.length} deposits; blocks 1..${safe}: ${txs} transactions (by type ${JSON.stringify(Object.fromEntries(types))}), ` +
        `${steps} steps proved in ${proveMs} ms ` +
        `(${SOAK ? "no re-verification" : "each step re-verified"}), all agree with the engine, the node and the verifier`,
    );
    expect(restarts).toBe(0);
    // All three user transaction types and deposits (0x7e) were proved.
    expect([...types.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 0x7e]);
    expect(txs).toBeGreaterThan(sent.l2.length);
  }),
  SOAK ? 3_600_000 : 240_000,
);
