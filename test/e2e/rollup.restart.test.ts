/**
 * End-to-end: each component restarted mid-run while L2 transactions keep flowing — the
 * sequencer's engine killed with SIGKILL, the verifier's engine stopped, each rollup node
 * restarted, the batcher restarted. After every restart no safe block is lost (the block at
 * the old safe height keeps its hash and the safe head does not go back), and the chain goes
 * on: both nodes reach a later safe head together.
 */
import { expect, test } from "bun:test";
import type { Hex } from "viem";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe } from "../helpers/devnet.ts";

let sending = true;
let sent = 0;

const net = useTestDevnet(
  {},
  {
    async ready(t) {
      await waitBothSafe(t.devnet, 3);
      // Background traffic: a transfer every 700 ms from account 7 (errors during restarts are expected).
      const c = devnetClients(t.devnet, 7);
      (async () => {
        while (sending) {
          try {
            await c.l2Wallet.sendTransaction({ to: "0x000000000000000000000000000000000000c0de", value: 1n });
            sent++;
          } catch {
            // The sequencer's engine may be down right now.
          }
          await Bun.sleep(700);
        }
      })();
    },
    beforeStop() {
      sending = false;
    },
    logLines: 150,
  },
);

const steps: [string, () => Promise<void>][] = [
  ["sequencer engine killed (SIGKILL)", () => net.devnet.restartEngine("sequencer", true)],
  ["verifier engine stopped", () => net.devnet.restartEngine("verifier")],
  ["sequencer node", () => net.devnet.restartNode("sequencer")],
  ["verifier node", () => net.devnet.restartNode("verifier")],
  ["batcher", () => net.devnet.restartBatcher()],
];

for (const [name, restart] of steps) {
  test(
    `restart: ${name}`,
    net.guard(async () => {
      const d = net.devnet;
      const before = await syncStatus(d.info.verifier.rollupRpcUrl);
      const seqBefore = await syncStatus(d.info.rollupRpcUrl);
      await restart();
      const block = await rpc<{ hash: Hex }>(d.info.verifier.l2RpcUrl, "eth_getBlockByNumber", [
        `0x${before.safe_l2.number.toString(16)}`,
        false,
      ]);
      expect(block.hash).toBe(before.safe_l2.hash);
      const seqBlock = await rpc<{ hash: Hex }>(d.info.l2.rpcUrl, "eth_getBlockByNumber", [
        `0x${seqBefore.safe_l2.number.toString(16)}`,
        false,
      ]);
      expect(seqBlock.hash).toBe(seqBefore.safe_l2.hash);
      const sentBefore = sent;
      await waitBothSafe(d, seqBefore.unsafe_l2.number + 5, 120_000);
      const after = await syncStatus(d.info.verifier.rollupRpcUrl);
      expect(after.safe_l2.number).toBeGreaterThan(before.safe_l2.number);
      expect(sent).toBeGreaterThanOrEqual(sentBefore);
    }),
    150_000,
  );
}
