/**
 * End-to-end: a batch with an invalid transaction gives a deposits-only block, and the fault-proof
 * machine proves the same block from the batch's transactions.
 *
 * With the batcher stopped, an L1 deposit is sequenced into block D (the first of its epoch).
 * The batcher's key then posts, as one valid channel, the sequencer's blocks up to D − 1 and, for
 * D, a batch holding a valid transfer (signed, never sent to the pool) followed by a transaction
 * with a nonce from the future. Deriving D, both nodes ask their engine for a block of
 * [L1 attributes deposit, user deposit, transfer, bad transaction]; the engine refuses it
 * (-38003) and the driver builds D again from the deposits alone (docs/rollup-node.md, driver
 * step 3; OP's rule since Holocene: the invalid payload is replaced by its deposits-only
 * version). Both nodes hold the same D, without the transfer; in block mode the step machine,
 * given D's attributes' transactions, meets the bad transaction, restarts the block with its
 * deposits only (docs/fault-proof.md §3.3) and ends at D's hash, state root and the node's output
 * root. The batcher, started again, carries the chain on from D.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { createWalletClient, type Hex, http, keccak256, parseEther, parseGwei, toHex as viemHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getL2TransactionHashes } from "viem/op-stack";
import { fromHex, toHex } from "../../core/bytes.ts";
import { appendBatchCalldata } from "../../core/derive/batchFeed.ts";
import { batchFromBlock, ChannelOut } from "../../core/derive/channelOut.ts";
import { encodeBatcherData, type Frame } from "../../core/derive/frame.ts";
import { generateBlockAsync } from "../../core/proof/txs.ts";
import { devAccount, ROLES } from "../../node/devnet/accounts.ts";
import { engineBlock } from "../../node/prove/engineBlock.ts";
import { channelCodec } from "../../node/rollup/codec.ts";
import type { RpcBlock } from "../../node/rollup/engineClient.ts";
import { fullL2BlockInput } from "../../node/rollup/l2Source.ts";
import {
  devnetClients,
  rpc,
  startTestDevnet,
  syncStatus,
  type TestDevnet,
  waitBothSafe,
  waitFor,
} from "../helpers/devnet.ts";

let t: TestDevnet;
let failed = false;

beforeAll(async () => {
  t = await startTestDevnet();
  await waitBothSafe(t.devnet, 3);
}, 90_000);

afterAll(async () => {
  if (failed) t?.dumpLogs(150);
  await t?.stop();
}, 30_000);

const getBlock = (url: string, n: number) =>
  rpc<RpcBlock>(url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true]);

test("a derived batch with an invalid transaction becomes its deposits-only block, on both nodes and in the step machine", async () => {
  try {
    const d = t.devnet;
    const c = devnetClients(d);
    const batcherKey = devAccount(ROLES.batcher);

    // Stop the batcher and let derivation take everything it posted: the safe head S.
    await d.batcher!.stop();
    await waitFor("the batcher's transactions to be mined", async () => {
      const [latest, pending] = await Promise.all([
        c.l1Public.getTransactionCount({ address: batcherKey.address, blockTag: "latest" }),
        c.l1Public.getTransactionCount({ address: batcherKey.address, blockTag: "pending" }),
      ]);
      return latest === pending;
    });
    const safe = await waitFor("derivation to take what the batcher posted", async () => {
      const [s, v] = await Promise.all([
        syncStatus(d.info.rollupRpcUrl),
        syncStatus(d.info.verifier.rollupRpcUrl),
      ]);
      const l1 = Number(await rpc<Hex>(d.info.l1.rpcUrl, "eth_blockNumber"));
      return s.current_l1.number >= l1 && v.current_l1.number >= l1 && s.safe_l2.number === v.safe_l2.number
        ? s.safe_l2.number
        : undefined;
    });

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

    // D's batch: a valid transfer, then a transaction whose nonce is one ahead of its sender's.
    const chainId = d.info.l2.chainId;
    const fees = { maxFeePerGas: parseGwei("3"), maxPriorityFeePerGas: parseGwei("1") };
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

    // One channel: the sequencer's blocks S+1 … D−1 as they are, and D with the two transactions.
    const out = new ChannelOut({
      compressor: channelCodec,
      algo: "zlib",
      id: new Uint8Array(randomBytes(16)),
    });
    for (let n = safe + 1; n < D; n++) out.addBlock(fullL2BlockInput(await getBlock(d.info.l2.rpcUrl, n)));
    const batchD = batchFromBlock(fullL2BlockInput(sequenced));
    expect(batchD.transactions.length).toBe(0);
    out.addBatch({ ...batchD, transactions: [fromHex(good), fromHex(bad)] });
    out.close();
    const frames = out.outputFrames(100_000) as Frame[];
    expect(frames.length).toBe(1);
    const wallet = createWalletClient({
      chain: c.l1,
      account: privateKeyToAccount(batcherKey.privateKey),
      transport: http(d.info.l1.rpcUrl),
    });
    const retriesBefore = [d.verifier, d.sequencer].map((x) => x.node.driver.stats.depositOnlyRetries);
    const posted = await wallet.sendTransaction({
      to: d.info.contracts.BatchFeed,
      data: viemHex(appendBatchCalldata(encodeBatcherData(frames))),
    });
    expect((await c.l1Public.waitForTransactionReceipt({ hash: posted })).status).toBe("success");

    // Both nodes derive D from the deposits alone, and agree on it and on everything before.
    await waitBothSafe(d, D, 60_000);
    expect(retriesBefore).toEqual([0, 0]);
    expect(d.verifier.node.driver.stats.depositOnlyRetries).toBeGreaterThanOrEqual(1);
    expect(d.sequencer.node.driver.stats.depositOnlyRetries).toBeGreaterThanOrEqual(1);
    const [derived, seqD] = await Promise.all([
      getBlock(d.info.verifier.l2RpcUrl, D),
      getBlock(d.info.l2.rpcUrl, D),
    ]);
    const depositsOnly = sequenced.transactions.map((tx) => tx.hash);
    expect(derived.transactions.map((tx) => tx.hash)).toEqual(depositsOnly);
    expect(derived.transactions.map((tx) => tx.hash)).toContain(l2Deposit!);
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
    const goodHash = keccak256(good);
    expect(await rpc(d.info.verifier.l2RpcUrl, "eth_getTransactionByHash", [goodHash])).toBeNull();
    expect(await rpc(d.info.l2.rpcUrl, "eth_getTransactionByHash", [goodHash])).toBeNull();

    // Block mode: from the attributes' transactions, the machine restarts D with its deposits only.
    const b = await engineBlock(d.info.verifier.l2RpcUrl, BigInt(D));
    const attributesTxs = [...b.req.txs, fromHex(good), fromHex(bad)];
    const restarted = await generateBlockAsync({ ...b.req, txs: attributesTxs }, b.fetch, { verify: true });
    const plain = await generateBlockAsync(b.req, b.fetch, { verify: true });
    const output = await rpc<{ outputRoot: Hex }>(d.info.verifier.rollupRpcUrl, "optimism_outputAtBlock", [
      `0x${D.toString(16)}`,
    ]);
    const summary = (tr: typeof plain) => ({
      hash: toHex(tr.blockHash),
      stateRoot: toHex(tr.worldRoot),
      receiptsRoot: toHex(tr.receiptsRoot),
      logsBloom: toHex(tr.logsBloom),
      gasUsed: tr.blockGasUsed,
      outputRoot: toHex(tr.outputRoot),
      txs: tr.outcomes.length,
    });
    const expected = {
      hash: derived.hash,
      stateRoot: b.block.stateRoot as Hex,
      receiptsRoot: b.block.receiptsRoot as Hex,
      logsBloom: b.block.logsBloom as Hex,
      gasUsed: BigInt(b.block.gasUsed as string),
      outputRoot: output.outputRoot,
      txs: depositsOnly.length,
    };
    expect(summary(restarted)).toEqual(expected);
    expect(summary(plain)).toEqual(expected);
    // The restart happened at the bad transaction, after the transfer had run.
    expect(restarted.restartedAt).toBe(b.req.txs.length + 1);
    expect(plain.restartedAt).toBeUndefined();
    console.log(
      `block ${D}: batch of ${attributesTxs.length} transactions restarted at ${restarted.restartedAt} ` +
        `(${restarted.roots.length - 1} steps; ${plain.roots.length - 1} from the deposits alone), hash ${derived.hash}`,
    );

    // The batcher, back, carries the chain on from D; both nodes keep agreeing.
    await d.restartBatcher();
    const s = await syncStatus(d.info.rollupRpcUrl);
    await waitBothSafe(d, s.unsafe_l2.number + 2, 90_000);
    expect(d.verifier.node.driver.haltReason()).toBeUndefined();
    expect(d.sequencer.node.driver.haltReason()).toBeUndefined();
  } catch (e) {
    failed = true;
    throw e;
  }
}, 240_000);
