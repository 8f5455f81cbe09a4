/**
 * End-to-end: the full bridge round trip against the devnet with viem's op-stack actions only:
 * deposit ETH on L1, withdraw it on L2 (L2ToL1MessagePasser), wait for the proposer's output
 * covering the withdrawal, prove it on L1 with a proof from the L2 engine's eth_getProof,
 * wait out the finalization period and finalize, receiving the ETH on L1.
 */
import { expect, test } from "bun:test";
import { parseEther } from "viem";
import { getL2TransactionHashes } from "viem/op-stack";
import { l2OutputOracleAbi } from "../../contracts/artifacts/index.ts";
import { devnetClients, useTestDevnet, waitFor } from "../helpers/devnet.ts";

const net = useTestDevnet();

test(
  "deposit → L2 transfer → withdrawal → prove → finalize",
  net.guard(async () => {
    const c = devnetClients(net.devnet, 4);
    const recipient = "0x00000000000000000000000000000000000ab0de";
    const t0 = Date.now();
    const depositHash = await c.l1Wallet.depositTransaction({
      request: { gas: 100_000n, mint: parseEther("2"), to: c.account.address },
      targetChain: c.l2,
    });
    const [l2Deposit] = getL2TransactionHashes(
      await c.l1Public.waitForTransactionReceipt({ hash: depositHash }),
    );
    await c.l2Public.waitForTransactionReceipt({ hash: l2Deposit!, timeout: 60_000 });
    const transfer = await c.l2Wallet.sendTransaction({ to: recipient, value: parseEther("0.1") });
    await c.l2Public.waitForTransactionReceipt({ hash: transfer });

    const withdrawHash = await c.l2Wallet.initiateWithdrawal({
      request: { gas: 100_000n, to: recipient, value: parseEther("1") },
    });
    const receipt = await c.l2Public.waitForTransactionReceipt({ hash: withdrawHash });
    const tWithdraw = Date.now();

    // viem reads latestOutputIndex(), which (as in Bedrock) reverts before the first proposal.
    await waitFor("a first output proposal", async () => {
      const n = await c.l1Public.readContract({
        address: net.devnet.info.contracts.L2OutputOracle,
        abi: l2OutputOracleAbi,
        functionName: "nextOutputIndex",
      });
      return (n as bigint) > 0n;
    });
    const { output, withdrawal } = await c.l1Public.waitToProve({
      receipt,
      targetChain: c.l2,
      pollingInterval: 500,
    });
    expect(output.l2BlockNumber).toBeGreaterThanOrEqual(receipt.blockNumber);
    const proveArgs = await c.l2Public.buildProveWithdrawal({ output, withdrawal });
    const proveHash = await c.l1Wallet.proveWithdrawal(proveArgs);
    expect((await c.l1Public.waitForTransactionReceipt({ hash: proveHash })).status).toBe("success");
    const tProven = Date.now();

    await c.l1Public.waitToFinalize({ targetChain: c.l2, withdrawalHash: withdrawal.withdrawalHash });
    // The portal compares against the latest L1 block's timestamp; give it one more block.
    await Bun.sleep(1500);
    const before = await c.l1Public.getBalance({ address: recipient });
    const finalizeHash = await c.l1Wallet.finalizeWithdrawal({ targetChain: c.l2, withdrawal });
    expect((await c.l1Public.waitForTransactionReceipt({ hash: finalizeHash })).status).toBe("success");
    expect(await c.l1Public.getBalance({ address: recipient })).toBe(before + parseEther("1"));
    console.log(
      `round trip ${((Date.now() - t0) / 1000).toFixed(1)} s (withdrawal → proven ${((tProven - tWithdraw) / 1000).toFixed(1)} s, → finalized ${((Date.now() - tProven) / 1000).toFixed(1)} s)`,
    );
  }),
  180_000,
);
