/**
 * End-to-end: a batch with an invalid transaction gives a deposits-only block, and the fault-proof
 * machine proves the same block from the batch's transactions.
 *
 * With the batcher stopped, the batcher's key posts, as one valid channel, the sequencer's
 * unsafe blocks as they are and then, for one block, a batch holding an invalid transaction.
 * Deriving that block, both nodes ask their engine for it; the engine refuses it (-38003) and the
 * driver builds it again from the attributes' deposits alone (docs/rollup-node.md, driver step 3;
 * OP's rule since Holocene: an invalid payload is replaced by its deposits-only version). Both
 * nodes must hold the same block; in block mode the step machine, given the attributes'
 * transactions, meets the invalid one, restarts the block with its deposits only
 * (docs/fault-proof.md §3.3) and must end at the block's hash, state root, receipts root and the
 * node's output root. Then the batcher, started again, carries the chain on.
 *
 * 1. Block D holds an L1 deposit (the first of its epoch); its batch is a valid transfer (never
 *    sent to the pool) then a transaction with a nonce from the future. D keeps the deposit and
 *    loses the transfer; here the sequencer's own D was deposits-only, so its hash is unchanged,
 *    and the sequencer's D + 1, posted after D's batch in the same channel, is taken as well.
 * 2. Block E held a user transaction from the pool; its batch instead holds a transaction from a
 *    key without funds. The sequencer drops its E (and what followed) for the deposits-only E,
 *    and sequences the dropped transaction again in a later block, which the verifier derives.
 * 3. One channel of consecutive blocks, each batch holding one invalid transaction of another
 *    kind (undecodable bytes, an unknown type, the blob type, a wrong chain id, fee caps below
 *    the base fee, gas below intrinsic, gas over the block's limit): the engine and the step
 *    machine refuse each alike.
 */
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { createWalletClient, type Hex, http, keccak256, parseEther, parseGwei, toHex as viemHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getL2TransactionHashes } from "viem/op-stack";
import { fromHex } from "../../core/bytes.ts";
import { appendBatchCalldata } from "../../core/derive/batchFeed.ts";
import { batchFromBlock, ChannelOut } from "../../core/derive/channelOut.ts";
import { encodeBatcherData, type Frame } from "../../core/derive/frame.ts";
import { devAccount, ROLES } from "../../node/devnet/accounts.ts";
import type { Devnet } from "../../node/devnet/devnet.ts";
import { channelCodec } from "../../node/rollup/codec.ts";
import type { RpcBlock } from "../../node/rollup/engineClient.ts";
import { fullL2BlockInput } from "../../node/rollup/l2Source.ts";
import { rawTransaction } from "../../node/rollup/l2Transactions.ts";
import { proveDevnetBlock } from "../helpers/blockProof.ts";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitBothSafe, waitFor } from "../helpers/devnet.ts";

const net = useTestDevnet({}, { ready: (t) => waitBothSafe(t.devnet, 3), logLines: 150, setupMs: 90_000 });

const getBlock = (url: string, n: number) =>
  rpc<RpcBlock>(url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true]);

const fees = { maxFeePerGas: parseGwei("3"), maxPriorityFeePerGas: parseGwei("1") };

/** Stops the batcher and waits until both nodes have derived all it posted; returns the safe head. */
async function stopBatcherAndSettle(d: Devnet): Promise<number> {
  const c = devnetClients(d);
  const batcher = devAccount(ROLES.batcher).address;
  await d.batcher!.stop();
  await waitFor("the batcher's transactions to be mined", async () => {
    const [latest, pending] = await Promise.all([
      c.l1Public.getTransactionCount({ address: batcher, blockTag: "latest" }),
      c.l1Public.getTransactionCount({ address: batcher, blockTag: "pending" }),
    ]);
    return latest === pending;
  });
  return waitFor("derivation to take what the batcher posted", async () => {
    const [s, v] = await Promise.all([
      syncStatus(d.info.rollupRpcUrl),
      syncStatus(d.info.verifier.rollupRpcUrl),
    ]);
    const l1 = Number(await rpc<Hex>(d.info.l1.rpcUrl, "eth_blockNumber"));
    return s.current_l1.number >= l1 && v.current_l1.number >= l1 && s.safe_l2.number === v.safe_l2.number
      ? s.safe_l2.number
      : undefined;
  });
}

/**
 * Posts from the batcher's key, as one valid single-frame channel, the batches of the
 * sequencer's blocks `from … to`: each as it is, except that a block in `replace` gets the
 * transactions given there (its parent, origin and timestamp kept). Returns each node's
 * deposits-only retry count before the post.
 */
async function postChannel(
  d: Devnet,
  from: number,
  to: number,
  replace: Map<number, Hex[]>,
): Promise<number[]> {
  const c = devnetClients(d);
  const out = new ChannelOut({ compressor: channelCodec, algo: "zlib", id: new Uint8Array(randomBytes(16)) });
  for (let m = from; m <= to; m++) {
    const batch = batchFromBlock(fullL2BlockInput(await getBlock(d.info.l2.rpcUrl, m)));
    const txs = replace.get(m);
    out.addBatch(txs ? { ...batch, transactions: txs.map(fromHex) } : batch);
  }
  out.close();
  const frames = out.outputFrames(100_000) as Frame[];
  expect(frames.length).toBe(1);
  const wallet = createWalletClient({
    chain: c.l1,
    account: privateKeyToAccount(devAccount(ROLES.batcher).privateKey),
    transport: http(d.info.l1.rpcUrl),
  });
  const before = [d.verifier, d.sequencer].map((x) => x.node.driver.stats.depositOnlyRetries);
  const posted = await wallet.sendTransaction({
    to: d.info.contracts.BatchFeed,
    data: viemHex(appendBatchCalldata(encodeBatcherData(frames))),
  });
  expect((await c.l1Public.waitForTransactionReceipt({ hash: posted })).status).toBe("success");
  return before;
}

/**
 * Proves block `n` (from the verifier's engine) in block mode twice: from the transactions the
 * derived attributes held (`attributesTxs`, deposits first) and from the block's own; both must
 * end at the block and the verifier node's output root. Returns the first trace's restart index.
 */
async function proveDepositsOnly(d: Devnet, n: number, attributesTxs: Hex[]) {
  const restarted = await proveDevnetBlock(d, n, { node: "verifier", txs: attributesTxs.map(fromHex) });
  const plain = await proveDevnetBlock(d, n, { node: "verifier" });
  expect(plain.trace.restartedAt).toBeUndefined();
  console.log(
    `block ${n}: batch of ${attributesTxs.length} transactions restarted at ${restarted.trace.restartedAt} ` +
      `(${restarted.trace.roots.length - 1} steps; ${plain.trace.roots.length - 1} from the deposits alone), hash ${plain.block.hash}`,
  );
  return {
    restartedAt: restarted.trace.restartedAt,
    depositCount: (plain.block.transactions as unknown[]).length,
  };
}

test(
  "a derived batch with an invalid transaction becomes its deposits-only block, on both nodes and in the step machine",
  net.guard(async () => {
    const d = net.devnet;
    const c = devnetClients(d);
    const safe = await stopBatcherAndSettle(d);

    // An L1 deposit, sequenced into block D (unsafe: nothing posts it).
    const depositor = devnetClients(d, 6);
    const recipient = viemHex(new Uint8Array(randomBytes(20)));
    const depositHash = await depositor.l1Wallet.depositTransaction({
      request: { gas: 100_000n, mint: parseEther("2"), to: recipient },
      targetChain: depositor.l2,
    });
    const [l2Deposit] = getL2TransactionHashes(
      await depositor.l1Public.waitForTransactionReceipt({ hash: depositHash }),
    );
    const seqDeposit = await c.l2Public.waitForTransactionReceipt({ hash: l2Deposit!, timeout: 30_000 });
    const D = Number(seqDeposit.blockNumber);
    expect(D).toBeGreaterThan(safe);
    const sequenced = await getBlock(d.info.l2.rpcUrl, D);
    // The sequencer's D holds only deposits (nobody else sends transactions here).
    expect(sequenced.transactions.every((tx) => Number(tx.type) === 0x7e)).toBe(true);

    // D's batch: a valid transfer (never sent to the pool), then a transaction whose nonce is one
    // ahead of its sender's.
    const chainId = d.info.l2.chainId;
    const alice = privateKeyToAccount(devAccount(7).privateKey);
    const bob = privateKeyToAccount(devAccount(8).privateKey);
    const [aliceNonce, bobNonce] = await Promise.all([
      c.l2Public.getTransactionCount({ address: alice.address, blockTag: "pending" }),
      c.l2Public.getTransactionCount({ address: bob.address, blockTag: "pending" }),
    ]);
    const good = await alice.signTransaction({
      chainId,
      type: "eip1559",
      nonce: aliceNonce,
      to: recipient,
      value: parseEther("0.5"),
      gas: 21_000n,
      ...fees,
    });
    const bad = await bob.signTransaction({
      chainId,
      type: "eip1559",
      nonce: bobNonce + 1,
      to: recipient,
      value: 1n,
      gas: 21_000n,
      ...fees,
    });
    // The sequencer's D + 1 follows D's batch in the channel: it builds on the deposits-only D
    // (here the sequencer's own D), so it is taken (Holocene would flush it; Ore keeps it).
    await waitFor(
      "the sequencer's block D + 1",
      async () => (await syncStatus(d.info.rollupRpcUrl)).unsafe_l2.number > D,
    );
    const next = await getBlock(d.info.l2.rpcUrl, D + 1);
    const retriesBefore = await postChannel(d, safe + 1, D + 1, new Map([[D, [good, bad]]]));

    // Both nodes derive D from the deposits alone, and agree on it and on everything before.
    await waitBothSafe(d, D + 1, 60_000);
    expect((await getBlock(d.info.verifier.l2RpcUrl, D + 1)).hash).toBe(next.hash);
    expect(retriesBefore).toEqual([0, 0]);
    expect(d.verifier.node.driver.stats.depositOnlyRetries).toBeGreaterThanOrEqual(1);
    expect(d.sequencer.node.driver.stats.depositOnlyRetries).toBeGreaterThanOrEqual(1);
    const [derived, seqD] = await Promise.all([
      getBlock(d.info.verifier.l2RpcUrl, D),
      getBlock(d.info.l2.rpcUrl, D),
    ]);
    const depositsOnly = sequenced.transactions.map((tx) => tx.hash);
    expect(derived.transactions.map((tx) => tx.hash)).toEqual(depositsOnly);
    expect(depositsOnly).toContain(l2Deposit!);
    expect(derived.hash).toBe(seqD.hash);
    for (let n = safe + 1; n < D; n++) {
      expect((await getBlock(d.info.verifier.l2RpcUrl, n)).hash).toBe(
        (await getBlock(d.info.l2.rpcUrl, n)).hash,
      );
    }
    // The deposit landed; the batch's transfer did not (on either node).
    expect(await c.verifierL2.getBalance({ address: recipient, blockNumber: BigInt(D) })).toBe(
      parseEther("2"),
    );
    expect(await rpc(d.info.verifier.l2RpcUrl, "eth_getTransactionByHash", [keccak256(good)])).toBeNull();
    expect(await rpc(d.info.l2.rpcUrl, "eth_getTransactionByHash", [keccak256(good)])).toBeNull();

    // Block mode: from the attributes' transactions the machine runs the transfer, meets the bad
    // transaction, and restarts D with its deposits only.
    const deposits = sequenced.transactions.map((tx) => viemHex(rawTransaction(tx)));
    const p = await proveDepositsOnly(d, D, [...deposits, good, bad]);
    expect(p.restartedAt).toBe(deposits.length + 1);
    expect(p.depositCount).toBe(deposits.length);

    // The batcher, back, carries the chain on from D; both nodes keep agreeing.
    await d.restartBatcher();
    const s = await syncStatus(d.info.rollupRpcUrl);
    await waitBothSafe(d, s.unsafe_l2.number + 2, 90_000);
    expect(d.verifier.node.driver.haltReason()).toBeUndefined();
    expect(d.sequencer.node.driver.haltReason()).toBeUndefined();
  }),
  180_000,
);

test(
  "a sequenced block replaced by its deposits-only version: the sequencer reorgs to it and sequences the dropped transaction again",
  net.guard(async () => {
    const d = net.devnet;
    const c = devnetClients(d);
    const safe = await stopBatcherAndSettle(d);

    // A user transaction through the pool lands in the sequencer's block E.
    const carol = devnetClients(d, 9);
    const to = viemHex(new Uint8Array(randomBytes(20)));
    const sent = await carol.l2Wallet.sendTransaction({ to, value: parseEther("0.25") });
    const first = await c.l2Public.waitForTransactionReceipt({ hash: sent, timeout: 30_000 });
    const E = Number(first.blockNumber);
    expect(E).toBeGreaterThan(safe);
    const original = await getBlock(d.info.l2.rpcUrl, E);
    const deposits = original.transactions.filter((tx) => Number(tx.type) === 0x7e);
    expect(original.transactions.length).toBeGreaterThan(deposits.length);

    // E's batch instead holds a transaction from a key with no funds at all.
    const broke = privateKeyToAccount(viemHex(new Uint8Array(randomBytes(32))));
    const bad = await broke.signTransaction({
      chainId: d.info.l2.chainId,
      type: "eip1559",
      nonce: 0,
      to,
      value: 0n,
      gas: 21_000n,
      ...fees,
    });
    const before = await postChannel(d, safe + 1, E, new Map([[E, [bad]]]));

    // Both nodes end with E = its deposits alone: the sequencer dropped its own E for it.
    await waitBothSafe(d, E, 60_000);
    expect(d.verifier.node.driver.stats.depositOnlyRetries).toBeGreaterThan(before[0]!);
    expect(d.sequencer.node.driver.stats.depositOnlyRetries).toBeGreaterThan(before[1]!);
    const [derived, seqE] = await Promise.all([
      getBlock(d.info.verifier.l2RpcUrl, E),
      getBlock(d.info.l2.rpcUrl, E),
    ]);
    expect(derived.hash).toBe(seqE.hash);
    expect(derived.hash).not.toBe(original.hash);
    expect(derived.transactions.map((tx) => tx.hash)).toEqual(deposits.map((tx) => tx.hash));

    const p = await proveDepositsOnly(d, E, [...deposits.map((tx) => viemHex(rawTransaction(tx))), bad]);
    expect(p.restartedAt).toBe(deposits.length);

    // The sequencer puts the dropped transaction in a later block; the verifier follows.
    const again = await waitFor(
      "the dropped transaction sequenced again",
      async () => {
        const r = await c.l2Public.getTransactionReceipt({ hash: sent }).catch(() => undefined);
        return r && Number(r.blockNumber) > E ? r : undefined;
      },
      30_000,
    );
    expect(again.status).toBe("success");
    await d.restartBatcher();
    await waitBothSafe(d, Number(again.blockNumber), 90_000);
    const v = await c.verifierL2.getTransactionReceipt({ hash: sent });
    expect(v.blockHash).toBe(again.blockHash);
    expect(d.verifier.node.driver.haltReason()).toBeUndefined();
  }),
  180_000,
);

test(
  "every kind of invalid batch transaction (undecodable, unknown or blob type, wrong chain, fees below the base fee, gas over the block) gives the deposits-only block, proved alike",
  net.guard(async () => {
    const d = net.devnet;
    const c = devnetClients(d);
    const safe = await stopBatcherAndSettle(d);
    const dave = privateKeyToAccount(devAccount(5).privateKey);
    const nonce = await c.l2Public.getTransactionCount({ address: dave.address, blockTag: "pending" });
    const to = viemHex(new Uint8Array(randomBytes(20)));
    const chainId = d.info.l2.chainId;
    const kinds: [string, Hex][] = [
      ["undecodable", "0x02c3010203"],
      ["unknown type", "0x05c0"],
      ["blob type", "0x03c0"],
      [
        "wrong chain id",
        await dave.signTransaction({
          chainId: chainId + 1,
          type: "eip1559",
          nonce,
          to,
          gas: 21_000n,
          ...fees,
        }),
      ],
      [
        "fee cap below the base fee",
        await dave.signTransaction({
          chainId,
          type: "eip1559",
          nonce,
          to,
          gas: 21_000n,
          maxFeePerGas: 1n,
          maxPriorityFeePerGas: 0n,
        }),
      ],
      [
        "legacy gas price below the base fee",
        await dave.signTransaction({ chainId, type: "legacy", nonce, to, gas: 21_000n, gasPrice: 1n }),
      ],
      [
        "gas below intrinsic",
        await dave.signTransaction({
          chainId,
          type: "eip2930",
          nonce,
          to,
          gas: 20_000n,
          gasPrice: fees.maxFeePerGas,
        }),
      ],
      [
        "gas over the block's limit",
        await dave.signTransaction({ chainId, type: "eip1559", nonce, to, gas: 50_000_000n, ...fees }),
      ],
    ];

    // As many sequenced blocks after the safe head, all of deposits only (nothing else is sent).
    const last = safe + kinds.length;
    await waitFor(
      "enough unsafe blocks",
      async () => (await syncStatus(d.info.rollupRpcUrl)).unsafe_l2.number >= last,
    );
    const sequenced = await Promise.all(kinds.map((_, i) => getBlock(d.info.l2.rpcUrl, safe + 1 + i)));
    for (const b of sequenced) expect(b.transactions.every((tx) => Number(tx.type) === 0x7e)).toBe(true);
    const before = await postChannel(
      d,
      safe + 1,
      last,
      new Map(kinds.map(([, tx], i) => [safe + 1 + i, [tx]])),
    );

    // Each is refused and replaced by its deposits alone, which here is the sequenced block.
    await waitBothSafe(d, last, 60_000);
    expect(d.verifier.node.driver.stats.depositOnlyRetries - before[0]!).toBeGreaterThanOrEqual(kinds.length);
    for (const [i, b] of sequenced.entries()) {
      const n = safe + 1 + i;
      expect({ kind: kinds[i]![0], hash: (await getBlock(d.info.verifier.l2RpcUrl, n)).hash }).toEqual({
        kind: kinds[i]![0],
        hash: b.hash,
      });
      const deposits = b.transactions.map((tx) => viemHex(rawTransaction(tx)));
      const p = await proveDepositsOnly(d, n, [...deposits, kinds[i]![1]]);
      expect({ kind: kinds[i]![0], restartedAt: p.restartedAt }).toEqual({
        kind: kinds[i]![0],
        restartedAt: deposits.length,
      });
    }

    await d.restartBatcher();
    const s = await syncStatus(d.info.rollupRpcUrl);
    await waitBothSafe(d, s.unsafe_l2.number + 2, 90_000);
    expect(d.verifier.node.driver.haltReason()).toBeUndefined();
  }),
  180_000,
);
