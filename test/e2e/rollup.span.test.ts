/**
 * End-to-end: the batcher posts span batches (batch version 1, one per channel) and the verifier
 * derives the sequencer's chain from them, with L2 transactions of every type a span batch carries.
 */
import { expect, test } from "bun:test";
import { fromHex, type Hex, parseEther } from "viem";
import { readBatchBytes, SPAN_BATCH_TYPE } from "../../core/derive/batch.ts";
import { decodeAbiBytesArg } from "../../core/derive/batchFeed.ts";
import { channelCompression } from "../../core/derive/compression.ts";
import { decodeFrames } from "../../core/derive/frame.ts";
import { nodeCodec } from "../../core/derive/testing/nodeCodec.ts";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe, waitFor } from "../helpers/devnet.ts";

const net = useTestDevnet({ spanBatches: true }, { logLines: 100 });

test(
  "span batches carry legacy, EIP-2930 and EIP-1559 transactions to the verifier",
  net.guard(async () => {
    const d = net.devnet;
    const c = devnetClients(d, 9);
    const to = "0x000000000000000000000000000000000000b10b";
    const value = parseEther("1");
    const send = [
      () => c.l2Wallet.sendTransaction({ to, value, type: "legacy" }),
      () => c.l2Wallet.sendTransaction({ to, value, type: "eip2930", accessList: [] }),
      () => c.l2Wallet.sendTransaction({ to, value, type: "eip1559" }),
    ];
    let last = 0;
    // One at a time: each takes the next nonce.
    for (const s of send) {
      const r = await c.l2Public.waitForTransactionReceipt({ hash: await s() });
      expect(r.status).toBe("success");
      last = Math.max(last, Number(r.blockNumber));
    }
    await waitFor(
      "verifier safe past the transactions",
      async () => (await syncStatus(d.info.verifier.rollupRpcUrl)).safe_l2.number >= last,
      120_000,
    );
    await waitBothSafe(d, last);
    const m = d.verifier.node.driver.derivationMetrics();
    expect(m.get("batch-queue:batch-dropped") ?? 0).toBe(0);
    expect(m.get("channel-reader:batch-skipped") ?? 0).toBe(0);
    expect(m.get("channel-reader:channel-rest-dropped") ?? 0).toBe(0);

    // The batches on L1 really are span batches: read the last append's first batch.
    const logs = await rpc<{ transactionHash: Hex }[]>(d.info.l1.rpcUrl, "eth_getLogs", [
      { address: d.info.contracts.BatchFeed, fromBlock: "0x0", toBlock: "latest" },
    ]);
    expect(logs.length).toBeGreaterThan(0);
    const tx = await rpc<{ input: Hex }>(d.info.l1.rpcUrl, "eth_getTransactionByHash", [
      logs.at(-1)!.transactionHash,
    ]);
    const data = decodeAbiBytesArg(fromHex(tx.input, "bytes"))!;
    const frames = decodeFrames(data);
    expect(frames[0]!.frameNumber).toBe(0);
    expect(frames[0]!.isLast).toBe(true);
    const ch = channelCompression(frames[0]!.data)!;
    const stream = nodeCodec.decompress(ch.algo, ch.body, 10_000_000);
    expect(readBatchBytes(stream, 0)!.data[0]).toBe(SPAN_BATCH_TYPE);
  }),
  180_000,
);
