/**
 * End-to-end: bad batcher data on L1 does not stall derivation. With the batcher paused, the
 * batcher's key appends to the BatchFeed: data with an unknown version byte, random bytes, a
 * truncated frame, a lone middle frame of a channel that never completes, then a valid frame
 * for the next unsafe blocks posted twice (a duplicate). Both nodes must take the valid frame,
 * ignore the rest (and count it), agree, and go on once the batcher is back.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { createWalletClient, type Hex, http, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { appendBatchCalldata } from "../../core/derive/batchFeed.ts";
import { ChannelOut } from "../../core/derive/channelOut.ts";
import { encodeBatcherData, type Frame } from "../../core/derive/frame.ts";
import { devAccount, ROLES } from "../../node/devnet/accounts.ts";
import { channelCodec } from "../../node/rollup/codec.ts";
import type { RpcBlock } from "../../node/rollup/engineClient.ts";
import { fullL2BlockInput } from "../../node/rollup/l2Source.ts";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe, waitFor } from "../helpers/devnet.ts";

const net = useTestDevnet({}, { ready: (t) => waitBothSafe(t.devnet, 3), logLines: 120 });

test(
  "garbage, truncated, incomplete and duplicate frames are ignored without stalling",
  net.guard(async () => {
    const d = net.devnet;
    const c = devnetClients(d);
    const batcherKey = devAccount(ROLES.batcher);
    await d.batcher!.stop();
    await waitFor("the batcher's transactions to be mined", async () => {
      const [latest, pending] = await Promise.all([
        c.l1Public.getTransactionCount({ address: batcherKey.address, blockTag: "latest" }),
        c.l1Public.getTransactionCount({ address: batcherKey.address, blockTag: "pending" }),
      ]);
      return latest === pending;
    });
    const safe = await waitFor("derivation to take what the batcher posted", async () => {
      const s = await syncStatus(d.info.rollupRpcUrl);
      const l1 = Number(await rpc<Hex>(d.info.l1.rpcUrl, "eth_blockNumber"));
      return s.current_l1.number >= l1 ? s.safe_l2.number : undefined;
    });
    await waitFor(
      "three unposted blocks",
      async () => (await syncStatus(d.info.rollupRpcUrl)).unsafe_l2.number >= safe + 3,
    );

    // A valid single-frame channel for blocks safe+1 … safe+3, built as the batcher would.
    const out = new ChannelOut({
      compressor: channelCodec,
      algo: "zlib",
      id: new Uint8Array(randomBytes(16)),
    });
    for (let n = safe + 1; n <= safe + 3; n++) {
      const b = await rpc<RpcBlock>(d.info.l2.rpcUrl, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true]);
      out.addBlock(fullL2BlockInput(b));
    }
    out.close();
    const [frame] = out.outputFrames(100_000) as [Frame];
    const good = encodeBatcherData([frame]);
    const lonely = encodeBatcherData([
      { id: new Uint8Array(randomBytes(16)), frameNumber: 1, data: frame.data, isLast: false },
    ]);

    const wallet = createWalletClient({
      chain: c.l1,
      account: privateKeyToAccount(batcherKey.privateKey),
      transport: http(d.info.l1.rpcUrl),
    });
    const post = async (data: Uint8Array) => {
      const hash = await wallet.sendTransaction({
        to: d.info.contracts.BatchFeed,
        data: toHex(appendBatchCalldata(data)),
      });
      const r = await c.l1Public.waitForTransactionReceipt({ hash });
      expect(r.status).toBe("success");
    };
    await post(Uint8Array.of(0x07, ...randomBytes(64))); // unknown derivation version
    await post(Uint8Array.of(0x00, ...randomBytes(300))); // garbage frame
    await post(good.slice(0, Math.floor(good.length / 2))); // truncated frame
    await post(lonely); // a middle frame of a channel that never completes
    await post(good);
    await post(good); // duplicate

    await waitBothSafe(d, safe + 3);
    const m = d.verifier.node.driver.derivationMetrics();
    const dropped = [...m.values()].reduce((a, b) => a + b, 0);
    expect(dropped).toBeGreaterThanOrEqual(3);

    await d.restartBatcher();
    const s = await syncStatus(d.info.rollupRpcUrl);
    await waitBothSafe(d, s.unsafe_l2.number + 3, 90_000);
    expect(d.verifier.node.driver.haltReason()).toBeUndefined();
  }),
  180_000,
);
