/**
 * viem's OP-stack actions drive Ore's L1 contracts with nothing but a chain definition: a
 * deposit, reading outputs, and a withdrawal through every status from "waiting-to-prove" to
 * "finalized", proven with a hand-built L2 state (Ore's MPT). viem takes the legacy
 * (portal < 3, L2OutputOracle) path because the portal reports version 2.x.
 */
import { afterAll, beforeAll, expect, setSystemTime, test } from "bun:test";
import { createPublicClient, defineChain, getAddress, http, keccak256, parseEther, toHex } from "viem";
import {
  extractTransactionDepositedLogs,
  getL2TransactionHashes,
  opaqueDataToDepositData,
  publicActionsL1,
  walletActionsL1,
} from "viem/op-stack";
import { l2OutputOracleAbi, optimismPortalAbi } from "../../contracts/artifacts/index.ts";
import { increaseTime, type L1Fixture, send, setupL1 } from "../../contracts/testing.ts";
import { MessagePasserState } from "../../contracts/withdrawals.ts";

let f: L1Fixture;
const PERIOD = 3600n;

beforeAll(async () => {
  f = await setupL1({
    submissionInterval: 100n,
    l2BlockTime: 2n,
    startingTimestamp: BigInt(Math.floor(Date.now() / 1000)) - 100_000n,
    finalizationPeriodSeconds: PERIOD,
    proposalBond: parseEther("0.01"),
  });
});

afterAll(async () => {
  setSystemTime();
  await f?.stop();
});

/** The L2 as viem knows it: only a chain definition naming the L1 contracts. */
const oreL2 = () =>
  defineChain({
    id: 4207,
    name: "Ore test L2",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: ["http://127.0.0.1:1"] } },
    sourceId: f.chain.id,
    contracts: {
      portal: { [f.chain.id]: { address: f.deployment.addresses.OptimismPortal } },
      l2OutputOracle: { [f.chain.id]: { address: f.deployment.addresses.L2OutputOracle } },
    },
  });

/** viem computes time-to-finalize from the wall clock: align it with anvil's clock. */
async function alignClock() {
  const block = await f.publicClient.getBlock();
  setSystemTime(new Date(Number(block.timestamp) * 1000));
}

test("depositTransaction, getL2Output, proveWithdrawal, finalizeWithdrawal and getWithdrawalStatus", async () => {
  const targetChain = oreL2();
  // Deployless multicall: getTimeToFinalize batches its reads, and anvil has no Multicall3.
  const l1 = createPublicClient({
    chain: f.chain,
    transport: http(f.anvil.rpcUrl),
    batch: { multicall: { deployless: true } },
    pollingInterval: 10,
  }).extend(publicActionsL1());
  const wallet = f.user.extend(walletActionsL1());

  expect(await l1.getPortalVersion({ targetChain })).toEqual({ major: 2, minor: 0, patch: 0 });

  // Deposit: viem builds the call and its TransactionDeposited log parses back.
  const to = getAddress("0x000000000000000000000000000000000000beef");
  const depositHash = await wallet.depositTransaction({
    request: { gas: 50_000n, to, mint: 123n, value: 100n, data: "0x1234" },
    targetChain,
  });
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash: depositHash });
  const [log] = extractTransactionDepositedLogs(receipt);
  expect(log?.args.from).toBe(f.user.account.address);
  expect(log?.args.to).toBe(to);
  expect(opaqueDataToDepositData(log!.args.opaqueData!)).toEqual({
    mint: 123n,
    value: 100n,
    gas: 50_000n,
    isCreation: false,
    data: "0x1234",
  });
  expect(getL2TransactionHashes(receipt)).toHaveLength(1);

  // A withdrawal recorded on the hand-built L2 at block 100.
  const recipient = getAddress("0x000000000000000000000000000000000000f00d");
  const sender = getAddress("0x00000000000000000000000000000000000a11ce");
  const l2 = new MessagePasserState();
  for (let i = 0; i < 10; i++) {
    l2.add({ nonce: BigInt(i), sender, target: sender, value: 0n, gasLimit: 1n, data: toHex(i) });
  }
  const withdrawal = {
    nonce: (1n << 240n) | 10n,
    sender,
    target: recipient,
    value: 5000n,
    gasLimit: 21_000n,
    data: "0x" as const,
  };
  const withdrawalHash = l2.add(withdrawal);
  const l2BlockNumber = 100n;
  const statusArgs = { l2BlockNumber, sender, withdrawalHash, targetChain } as const;

  await alignClock();
  expect(await l1.getWithdrawalStatus(statusArgs)).toBe("waiting-to-prove");

  // Fund the portal with a deposit, then propose the output of block 100.
  await send(f.publicClient, f.deployer, {
    address: f.deployment.addresses.OptimismPortal,
    abi: optimismPortalAbi,
    functionName: "donateETH",
    value: 10_000n,
  });
  const snap = l2.snapshot(keccak256("0xb10c"));
  await send(f.publicClient, f.proposer, {
    address: f.deployment.addresses.L2OutputOracle,
    abi: l2OutputOracleAbi,
    functionName: "proposeL2Output",
    args: [snap.outputRoot, l2BlockNumber, `0x${"00".repeat(32)}`, 0n],
    value: parseEther("0.01"),
  });

  const output = await l1.getL2Output({ l2BlockNumber, targetChain });
  expect(output.outputIndex).toBe(0n);
  expect(output.outputRoot).toBe(snap.outputRoot);
  expect(output.l2BlockNumber).toBe(l2BlockNumber);
  await alignClock();
  expect(await l1.getWithdrawalStatus(statusArgs)).toBe("ready-to-prove");

  const proveHash = await wallet.proveWithdrawal({
    withdrawal,
    l2OutputIndex: output.outputIndex,
    outputRootProof: snap.outputRootProof,
    withdrawalProof: snap.proveWithdrawal(withdrawalHash),
    targetChain,
  });
  expect((await f.publicClient.waitForTransactionReceipt({ hash: proveHash })).status).toBe("success");
  await alignClock();
  expect(await l1.getWithdrawalStatus(statusArgs)).toBe("waiting-to-finalize");
  const wait = await l1.getTimeToFinalize({ withdrawalHash, targetChain });
  expect(wait.period).toBe(Number(PERIOD));
  expect(wait.seconds).toBeGreaterThan(0);

  await increaseTime(f.testClient, PERIOD + 1n);
  await alignClock();
  expect(await l1.getWithdrawalStatus(statusArgs)).toBe("ready-to-finalize");

  const finalizeHash = await wallet.finalizeWithdrawal({
    withdrawal: { ...withdrawal, withdrawalHash },
    targetChain,
  });
  expect((await f.publicClient.waitForTransactionReceipt({ hash: finalizeHash })).status).toBe("success");
  expect(await l1.getWithdrawalStatus(statusArgs)).toBe("finalized");
  expect(await f.publicClient.getBalance({ address: recipient })).toBe(5000n);
});
