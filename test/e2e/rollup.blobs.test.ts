/**
 * End-to-end: the batcher posts blobs (`appendBlobBatch`, EIP-4844 type-3 transactions with
 * KZG commitments and proofs computed in TypeScript; anvil verifies them), and the verifier
 * fetches the blobs, checks each against its versioned hash and derives the same chain.
 */
import { expect, test } from "bun:test";
import { type Hex, parseEther } from "viem";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe, waitFor } from "../helpers/devnet.ts";

const net = useTestDevnet({ da: "blobs" }, { logLines: 100 });

test(
  "blob batches carry L2 transactions to the verifier",
  net.guard(async () => {
    const d = net.devnet;
    const c = devnetClients(d, 8);
    const hash = await c.l2Wallet.sendTransaction({
      to: "0x000000000000000000000000000000000000b10b",
      value: parseEther("1"),
    });
    const r = await c.l2Public.waitForTransactionReceipt({ hash });
    await waitFor(
      "verifier safe past the transfer",
      async () => (await syncStatus(d.info.verifier.rollupRpcUrl)).safe_l2.number >= Number(r.blockNumber),
      120_000,
    );
    await waitBothSafe(d, Number(r.blockNumber));
    // The batches really were blobs: the BatchFeed's last append is of kind BLOBS.
    const logs = await rpc<{ data: Hex; transactionHash: Hex }[]>(d.info.l1.rpcUrl, "eth_getLogs", [
      { address: d.info.contracts.BatchFeed, fromBlock: "0x0", toBlock: "latest" },
    ]);
    expect(logs.length).toBeGreaterThan(0);
    const tx = await rpc<{ type: Hex; blobVersionedHashes?: Hex[] }>(
      d.info.l1.rpcUrl,
      "eth_getTransactionByHash",
      [logs[logs.length - 1]!.transactionHash],
    );
    expect(tx.type).toBe("0x3");
    expect(tx.blobVersionedHashes?.length).toBe(1);
  }),
  180_000,
);
