/**
 * `bun run bench gas`: L1 gas of Ore's contract operations, measured from the receipts of real
 * transactions on an anvil this benchmark starts (hardfork pinned, so figures are comparable
 * between runs). Writes the table to `docs/gas.md` and `bench/results/gas.json`, and prints it
 * with the machine and date. Gas is deterministic; the machine is printed only for the record.
 *
 * Figures are whole-transaction gas (intrinsic 21,000 and calldata included). The L1 base fee
 * is pinned at 10 gwei before every measured transaction: the portal's deposit gas market
 * burns L1 gas in proportion to L2 gas bought ÷ L1 base fee, so a lower base fee makes large
 * deposits cost more L1 gas (never less).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeFunctionData, getAddress, type Hex, parseEther, parseGwei, toHex } from "viem";
import {
  batchFeedAbi,
  l1StandardBridgeAbi,
  l2OutputOracleAbi,
  optimismPortalAbi,
  testERC20Abi,
  testERC20Bytecode,
} from "../contracts/artifacts/index.ts";
import { type L1Fixture, send, setupL1, WithdrawalHarness } from "../contracts/testing.ts";
import { machine } from "./harness.ts";

const HARDFORK = "osaka";
const L1_BASE_FEE = parseGwei("10");

interface Row {
  operation: string;
  gas: bigint;
  notes: string;
}

async function pinBaseFee(f: L1Fixture): Promise<void> {
  await f.testClient.setNextBlockBaseFeePerGas({ baseFeePerGas: L1_BASE_FEE });
}

async function measure(): Promise<Row[]> {
  const f = await setupL1(
    {
      submissionInterval: 10n,
      l2BlockTime: 2n,
      startingTimestamp: BigInt(Math.floor(Date.now() / 1000)) - 1_000_000n,
      finalizationPeriodSeconds: 600n,
      proposalBond: parseEther("0.1"),
    },
    { hardfork: HARDFORK },
  );
  try {
    const rows: Row[] = [];
    const a = f.deployment.addresses;
    const portal = { address: a.OptimismPortal, abi: optimismPortalAbi } as const;
    const user = f.user.account.address;

    // The first write to a contract's slots costs more (zero → non-zero): warm each path once
    // and report the steady state, which is what every later user pays.
    const twice = async (op: () => Promise<{ gasUsed: bigint }>) => {
      await pinBaseFee(f);
      await op();
      await pinBaseFee(f);
      return (await op()).gasUsed;
    };

    rows.push({
      operation: "deposit (`depositTransaction`, EOA, ETH, 100k L2 gas)",
      gas: await twice(() =>
        send(f.publicClient, f.user, {
          ...portal,
          functionName: "depositTransaction",
          args: [user, 1n, 100_000n, false, "0x"],
          value: 1n,
        }),
      ),
      notes: "no data; TransactionDeposited + metering update",
    });
    const kib: Hex = toHex(crypto.getRandomValues(new Uint8Array(1024)));
    rows.push({
      operation: "deposit with 1 KiB of data",
      gas: await twice(() =>
        send(f.publicClient, f.user, {
          ...portal,
          functionName: "depositTransaction",
          args: [user, 0n, 200_000n, false, kib],
        }),
      ),
      notes: "random bytes",
    });

    const batch: Hex = toHex(crypto.getRandomValues(new Uint8Array(100 * 1024)));
    rows.push({
      operation: "batch append, 100 KiB calldata (`appendBatch`)",
      gas: await twice(() =>
        send(f.publicClient, f.batcher, {
          address: a.BatchFeed,
          abi: batchFeedAbi,
          functionName: "appendBatch",
          args: [batch],
        }),
      ),
      notes: "random (incompressible) bytes; EIP-7623 calldata floor applies",
    });
    const infinity = () => Uint8Array.from({ length: 48 }, (_, i) => (i === 0 ? 0xc0 : 0));
    rows.push({
      operation: "batch append, 1 blob (`appendBlobBatch`)",
      gas: await twice(async () => {
        const hash = await f.batcher.sendTransaction({
          to: a.BatchFeed,
          data: encodeFunctionData({ abi: batchFeedAbi, functionName: "appendBlobBatch" }),
          blobs: [new Uint8Array(131072)],
          kzg: { blobToKzgCommitment: infinity, computeBlobKzgProof: infinity },
          maxFeePerBlobGas: parseGwei("10"),
          gas: 200_000n,
        });
        return f.publicClient.waitForTransactionReceipt({ hash });
      }),
      notes: "blob gas (131,072 per blob) is charged separately and not included",
    });

    // Withdrawals: a message passer holding 1,000 withdrawals, like a busy L2.
    const h = new WithdrawalHarness(f);
    const sender = getAddress("0x00000000000000000000000000000000000a11ce");
    for (let i = 0; i < 1000; i++) {
      h.add(h.withdrawal({ sender, target: sender, value: 0n, gasLimit: 1n, data: toHex(i) }));
    }
    const w1 = h.withdrawal({ sender, target: user, value: 1000n, gasLimit: 50_000n, data: "0x" });
    const w2 = h.withdrawal({ sender, target: user, value: 1000n, gasLimit: 50_000n, data: "0x" });
    h.add(w1);
    h.add(w2);
    await send(f.publicClient, f.deployer, { ...portal, functionName: "donateETH", value: parseEther("1") });
    await pinBaseFee(f);
    const index = await h.publish();
    await pinBaseFee(f);
    const proposeGas = await (async () => {
      const oracle = { address: a.L2OutputOracle, abi: l2OutputOracleAbi } as const;
      const next = await f.publicClient.readContract({ ...oracle, functionName: "nextBlockNumber" });
      const head = await f.publicClient.getBlock();
      const r = await send(f.publicClient, f.proposer, {
        ...oracle,
        functionName: "proposeL2Output",
        args: [h.l2.snapshot().outputRoot, next, head.hash, head.number],
        value: f.deployment.config.proposalBond,
      });
      return r.gasUsed;
    })();
    rows.push({
      operation: "propose (`proposeL2Output`)",
      gas: proposeGas,
      notes: "with the L1 block-hash check; output + bond record (3 new slots)",
    });
    const proofLen = h.proveArgs(w1, index)[3].length;
    await pinBaseFee(f);
    await h.prove(w1, index);
    await pinBaseFee(f);
    const prove = await h.prove(w2, index);
    rows.push({
      operation: "prove (`proveWithdrawalTransaction`)",
      gas: prove.gasUsed,
      notes: `MPT proof of ${proofLen} nodes (1,002 withdrawals in the message passer)`,
    });
    await h.mature();
    await pinBaseFee(f);
    await h.finalize(w1);
    await pinBaseFee(f);
    const fin = await h.finalize(w2);
    rows.push({
      operation: "finalize (`finalizeWithdrawalTransaction`)",
      gas: fin.gasUsed,
      notes: "ETH to an EOA",
    });

    const bridge = { address: a.L1StandardBridge, abi: l1StandardBridgeAbi } as const;
    rows.push({
      operation: "bridge ETH deposit (`depositETH`)",
      gas: await twice(() =>
        send(f.publicClient, f.user, {
          ...bridge,
          functionName: "depositETH",
          args: [200_000, "0x"],
          value: parseEther("0.01"),
        }),
      ),
      notes: "bridge → messenger → portal",
    });
    const hash = await f.user.deployContract({
      abi: testERC20Abi,
      bytecode: testERC20Bytecode,
      args: ["T", "T"],
    });
    const token = (await f.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    await send(f.publicClient, f.user, {
      address: token,
      abi: testERC20Abi,
      functionName: "mint",
      args: [user, 10n ** 24n],
    });
    await send(f.publicClient, f.user, {
      address: token,
      abi: testERC20Abi,
      functionName: "approve",
      args: [a.L1StandardBridge, 2n ** 256n - 1n],
    });
    const l2Token = getAddress("0x000000000000000000000000000000000000e2c0");
    rows.push({
      operation: "bridge ERC-20 deposit (`depositERC20`)",
      gas: await twice(() =>
        send(f.publicClient, f.user, {
          ...bridge,
          functionName: "depositERC20",
          args: [token, l2Token, 10n ** 18n, 200_000, "0x"],
        }),
      ),
      notes: "test token (plain ERC-20), escrow slot already non-zero",
    });
    return rows;
  } finally {
    await f.stop();
  }
}

function table(rows: Row[]): string {
  const lines = ["| operation | gas | notes |", "| --- | ---: | --- |"];
  for (const r of rows) lines.push(`| ${r.operation} | ${r.gas.toLocaleString("en-US")} | ${r.notes} |`);
  return lines.join("\n");
}

const rows = await measure();
const m = machine();
const md = [
  "# L1 gas",
  "",
  "Gas of Ore's L1 contract operations, regenerated by `bun run bench gas` (`bench/gas.bench.ts`):",
  `real transactions on anvil (hardfork ${HARDFORK}), whole-transaction \`gasUsed\` from the receipts`,
  "(21,000 intrinsic and calldata included), each measured on its second run so one-time",
  "first-write costs are excluded. The L1 base fee is pinned at 10 gwei; below 1 gwei the",
  "portal's deposit gas market would burn more L1 gas for large deposits (see docs/contracts.md).",
  "Contracts are compiled with solc 0.8.37, optimizer on (200 runs), evmVersion cancun.",
  "",
  table(rows),
  "",
  `Measured ${m.date} on ${m.cpu} × ${m.cores}, ${m.platform}, ${m.runtime}.`,
  "",
].join("\n");
writeFileSync(join(import.meta.dir, "..", "docs", "gas.md"), md);
mkdirSync(join(import.meta.dir, "results"), { recursive: true });
writeFileSync(
  join(import.meta.dir, "results", "gas.json"),
  `${JSON.stringify({ suite: "gas", machine: m, hardfork: HARDFORK, rows }, (_, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`,
);
console.log(`\n# bench gas — ${m.date}`);
console.log(`machine: ${m.cpu} × ${m.cores}, ${m.memoryGiB} GiB, ${m.platform}, ${m.runtime}\n`);
console.log(table(rows));
console.log("\nwritten to docs/gas.md and bench/results/gas.json");
