/**
 * End-to-end: forced inclusion. With the sequencer and the batcher stopped, a deposit made on
 * L1 still reaches L2: once its epoch's sequencing window has passed, the verifier derives the
 * empty-batch blocks of that window from L1 alone, and the deposit is in the first of its
 * epoch. The sequencer, started again, takes over from the derived chain and both agree.
 */
import { expect, test } from "bun:test";
import { type Hex, parseEther } from "viem";
import { getL2TransactionHashes } from "viem/op-stack";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe, waitFor } from "../helpers/devnet.ts";

const SEQ_WINDOW = 6;
const net = useTestDevnet(
  { params: { seqWindowSize: SEQ_WINDOW, channelTimeout: 4 } },
  { ready: (t) => waitBothSafe(t.devnet, 3), logLines: 120 },
);

test(
  "a deposit reaches L2 through derivation alone while the sequencer is stopped",
  net.guard(async () => {
    const d = net.devnet;
    const stoppedAt = await rpc<Hex>(d.info.rollupRpcUrl, "admin_stopSequencer");
    expect(await rpc<boolean>(d.info.rollupRpcUrl, "admin_sequencerActive")).toBe(false);
    await d.batcher!.stop();
    const stopped = await syncStatus(d.info.rollupRpcUrl);
    expect(stopped.unsafe_l2.hash).toBe(stoppedAt);

    const c = devnetClients(d, 6);
    const hash = await c.l1Wallet.depositTransaction({
      request: { gas: 100_000n, mint: parseEther("3"), to: c.account.address },
      targetChain: c.l2,
    });
    const l1Receipt = await c.l1Public.waitForTransactionReceipt({ hash });
    const [l2Hash] = getL2TransactionHashes(l1Receipt);

    // Nothing sequences the deposit: the verifier must force it in after the window.
    const r = await c.verifierL2.waitForTransactionReceipt({
      hash: l2Hash!,
      timeout: 90_000,
      pollingInterval: 500,
    });
    const head = Number(await rpc<Hex>(d.info.l1.rpcUrl, "eth_blockNumber"));
    expect(head).toBeGreaterThan(Number(l1Receipt.blockNumber) + SEQ_WINDOW - 1);
    expect(
      await c.verifierL2.getBalance({ address: c.account.address, blockNumber: r.blockNumber }),
    ).toBeGreaterThan(parseEther("10002"));
    const out = await rpc<{ blockRef: { l1origin: { number: number }; sequenceNumber: number } }>(
      d.info.verifier.rollupRpcUrl,
      "optimism_outputAtBlock",
      [`0x${r.blockNumber.toString(16)}`],
    );
    expect(out.blockRef.l1origin.number).toBe(Number(l1Receipt.blockNumber));
    expect(out.blockRef.sequenceNumber).toBe(0);
    // The forced blocks carry no user transactions: only the L1 attributes deposit and ours.
    const block = await c.verifierL2.getBlock({ blockNumber: r.blockNumber });
    expect(block.transactions.length).toBe(2);

    // The sequencer node derived the same; started again, it builds on top and both agree.
    await d.restartBatcher();
    await rpc(d.info.rollupRpcUrl, "admin_startSequencer");
    const seq = await c.l2Public.waitForTransactionReceipt({ hash: l2Hash!, timeout: 60_000 });
    expect(seq.blockHash).toBe(r.blockHash);
    const transfer = await c.l2Wallet.sendTransaction({ to: c.account.address, value: 1n });
    const tr = await c.l2Public.waitForTransactionReceipt({ hash: transfer, timeout: 60_000 });
    await waitBothSafe(d, Number(tr.blockNumber), 120_000);
    await waitFor("verifier has the transfer", () => c.verifierL2.getTransactionReceipt({ hash: transfer }));
  }),
  240_000,
);
