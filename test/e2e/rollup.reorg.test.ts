/**
 * End-to-end: L1 reorgs (`anvil_reorg`) of depth 1 to 10 under a running devnet, with batch
 * transactions in the reorged blocks (the batcher must re-broadcast them) and without (the
 * batcher paused first), and with a deposit in the reorged blocks (the sequencer's unsafe
 * blocks that included it must be replaced). After each reorg both nodes must re-derive and
 * agree again: same safe blocks and state roots, every L1 origin canonical, the dropped
 * deposit gone from L2. `ORE_SOAK=1` runs every depth with both variants.
 */
import { describe, expect, test } from "bun:test";
import { type Hex, parseEther } from "viem";
import { getL2TransactionHashes } from "viem/op-stack";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe, waitFor } from "../helpers/devnet.ts";

const net = useTestDevnet(
  { params: { seqWindowSize: 20, channelTimeout: 10 } },
  { ready: (t) => waitBothSafe(t.devnet, 5), logLines: 150 },
);

const soak = process.env.ORE_SOAK === "1";
const cases: { depth: number; batches: boolean; deposit?: boolean }[] = soak
  ? Array.from({ length: 10 }, (_, i) => [
      { depth: i + 1, batches: true, deposit: i % 3 === 2 },
      { depth: i + 1, batches: false },
    ]).flat()
  : [
      { depth: 1, batches: true },
      { depth: 3, batches: false },
      { depth: 5, batches: true, deposit: true },
      { depth: 10, batches: true },
    ];

async function l1Head(): Promise<number> {
  return Number(await rpc<Hex>(net.devnet.info.l1.rpcUrl, "eth_blockNumber"));
}

async function waitL1Blocks(n: number): Promise<void> {
  const start = await l1Head();
  await waitFor(`${n} L1 blocks`, async () => (await l1Head()) >= start + n, 30_000);
}

describe("L1 reorgs", () => {
  for (const c of cases) {
    test(
      `depth ${c.depth}, ${c.batches ? "with" : "without"} batch transactions${c.deposit ? ", with a deposit" : ""}`,
      net.guard(async () => {
        const d = net.devnet;
        if (!c.batches) {
          await d.batcher!.stop();
          await waitL1Blocks(c.depth + 2);
        }
        let depositL2: Hex | undefined;
        let depth = c.depth;
        if (c.deposit) {
          const cl = devnetClients(d, 5);
          const hash = await cl.l1Wallet.depositTransaction({
            request: { gas: 100_000n, mint: parseEther("1"), to: cl.account.address },
            targetChain: cl.l2,
          });
          const r = await cl.l1Public.waitForTransactionReceipt({ hash });
          [depositL2] = getL2TransactionHashes(r);
          // Let the sequencer take the deposit's block as an origin before L1 forgets it.
          await cl.l2Public.waitForTransactionReceipt({ hash: depositL2!, timeout: 30_000 });
          // Reorg deep enough to drop the deposit's block.
          depth = Math.max(depth, (await l1Head()) - Number(r.blockNumber) + 1);
        }
        const before = await syncStatus(d.info.rollupRpcUrl);
        await rpc(d.info.l1.rpcUrl, "anvil_reorg", [depth, []]);
        if (!c.batches) await d.restartBatcher();
        const target = before.unsafe_l2.number + 4;
        await waitBothSafe(d, target, 120_000);
        // Every L1 origin of the agreed chain is canonical on L1.
        const out = await rpc<{ blockRef: { l1origin: { hash: Hex; number: number } } }>(
          d.info.verifier.rollupRpcUrl,
          "optimism_outputAtBlock",
          [`0x${target.toString(16)}`],
        );
        const l1 = await rpc<{ hash: Hex }>(d.info.l1.rpcUrl, "eth_getBlockByNumber", [
          `0x${out.blockRef.l1origin.number.toString(16)}`,
          false,
        ]);
        expect(l1.hash).toBe(out.blockRef.l1origin.hash);
        if (depositL2) {
          // The deposit's L1 transaction was dropped with its block: it must be gone from L2.
          expect(await rpc(d.info.l2.rpcUrl, "eth_getTransactionReceipt", [depositL2])).toBeNull();
          expect(await rpc(d.info.verifier.l2RpcUrl, "eth_getTransactionReceipt", [depositL2])).toBeNull();
        }
      }),
      180_000,
    );
  }
});
