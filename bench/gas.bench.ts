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
  stepWitnessHarnessAbi,
  testERC20Abi,
  testERC20Bytecode,
} from "../contracts/artifacts/index.ts";
import { deployStepWitnessHarness, syntheticWitness } from "../contracts/stepWitnessTesting.ts";
import { type L1Fixture, send, setupL1, WithdrawalHarness } from "../contracts/testing.ts";
import { StepMachine } from "../core/proof/machine.ts";
import { blockSample } from "../core/proof/proofFileTesting.ts";
import { decodeWitness } from "../core/proof/witness.ts";
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
    rows.push(...(await stepWitnessRows(f)));
    return rows;
  } finally {
    await f.stop();
  }
}

/** Bytes of `b` that are zero and non-zero (calldata is priced by them). */
function zeroCount(b: Uint8Array): number {
  return b.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);
}

/**
 * `StepWitness.sol` (docs/fault-proof.md §8.2.1): a transaction carrying a witness in calldata to
 * `StepWitnessHarness.load` (decode, hash, compare with the pre-root), for a mean-size and the
 * largest witness of a sample block, the post-step root of the largest (its writes set and the
 * tree rehashed), and two synthetic witnesses of §4.2's worst shapes. The notes give the
 * library's own execution gas, measured inside the call with `gasleft()`.
 */
async function stepWitnessRows(f: L1Fixture): Promise<Row[]> {
  const harness = await deployStepWitnessHarness(f.publicClient, f.deployer);
  const h = { address: harness, abi: stepWitnessHarnessAbi } as const;
  const p = blockSample(20);
  const mean = p.witnesses.reduce((n, w) => n + w.length, 0) / p.witnesses.length;
  const near = p.witnesses.reduce(
    (a, w, i) => (Math.abs(w.length - mean) < Math.abs(p.witnesses[a]!.length - mean) ? i : a),
    0,
  );
  const big = p.witnesses.reduce((a, w, i) => (w.length > p.witnesses[a]!.length ? i : a), 0);
  const hex = (b: Uint8Array): Hex => toHex(b);
  const tx = async (data: Hex): Promise<bigint> => {
    await pinBaseFee(f);
    const hash = await f.user.sendTransaction({ to: harness, data });
    const r = await f.publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error("StepWitnessHarness call reverted");
    return r.gasUsed;
  };
  const exec = async (w: Uint8Array): Promise<bigint> =>
    (await f.publicClient.readContract({ ...h, functionName: "measure", args: [hex(w)] }))[1];
  const shape = (w: Uint8Array): string => {
    const d = decodeWitness(w);
    let inner = 0;
    const walk = (n: typeof d.tree): void => {
      if ("left" in n) {
        inner++;
        walk(n.left);
        walk(n.right);
      }
    };
    walk(d.tree);
    const pre = d.preimages.reduce((n, x) => n + x.length, 0);
    return `${w.length.toLocaleString("en-US")} B (${zeroCount(w).toLocaleString("en-US")} zero), ${inner} SHA-256 compressions, ${pre.toLocaleString("en-US")} preimage B`;
  };
  const load = async (operation: string, w: Uint8Array, root: Uint8Array, what: string): Promise<Row> => ({
    operation,
    gas: await tx(encodeFunctionData({ ...h, functionName: "load", args: [hex(w), hex(root)] })),
    notes: `${what}: ${shape(w)}; library execution ${(await exec(w)).toLocaleString("en-US")} gas`,
  });
  const rows: Row[] = [];
  const steps = `${p.witnesses.length.toLocaleString("en-US")}-step sample block (deposit + 20 transactions)`;
  rows.push(
    await load(
      "step witness: decode + root check (`StepWitness.load`), mean-size witness",
      p.witnesses[near]!,
      p.roots[near]!,
      `step ${near} of a ${steps}, mean ${Math.round(mean).toLocaleString("en-US")} B`,
    ),
  );
  rows.push(
    await load(
      "step witness: decode + root check, largest witness of the sample",
      p.witnesses[big]!,
      p.roots[big]!,
      `step ${big}`,
    ),
  );
  // The post-step root: the values the WASM verifier's step left at every gindex it touched.
  const m = new StepMachine("verifier");
  m.loadWitness(p.witnesses[big]!);
  m.step();
  const sets = p.access[big]!.filter((g) => g >= 2n).sort(
    (a, b) => b.toString(2).length - a.toString(2).length,
  );
  const values = sets.map((g) => hex(m.getLeaf(g)));
  const post = await f.publicClient.readContract({
    ...h,
    functionName: "post",
    args: [hex(p.witnesses[big]!), hex(p.roots[big]!), sets, values],
  });
  if (post !== hex(p.roots[big + 1]!)) throw new Error("StepWitness: post-step root differs from r[n+1]");
  rows.push({
    operation: "step witness: decode + root check + the step's writes + post root, largest witness",
    gas: await tx(
      encodeFunctionData({
        ...h,
        functionName: "post",
        args: [hex(p.witnesses[big]!), hex(p.roots[big]!), sets, values],
      }),
    ),
    notes: `${sets.length} gindices set (every one the step touched, deepest first); equals r[n+1]`,
  });
  const worst = syntheticWitness(283, [6765], 9);
  rows.push(
    await load(
      "step witness: decode + root check, synthetic worst measured step",
      worst.witness,
      worst.root,
      "§11's worst step shape (283 compressions, a 6,765-byte code preimage), random terminal values",
    ),
  );
  const txLoad = syntheticWitness(60, [262_144], 10);
  rows.push(
    await load(
      "step witness: decode + root check, a 262,144-byte transaction preimage",
      txLoad.witness,
      txLoad.root,
      "`TxLoad` bound (§4.2: 60 leaves, the largest preimage), random bytes; under EIP-7825's 16,777,216 cap",
    ),
  );
  return rows;
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
  "The step-witness rows (`contracts/src/fault/StepWitness.sol`, docs/fault-proof.md §8.2.1) are",
  "transactions carrying a witness as calldata to `StepWitnessHarness`, which writes no storage (one",
  "run each); their notes give the library's own execution gas, measured inside the call.",
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
