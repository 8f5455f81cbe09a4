/**
 * End-to-end: L2 p2p wired into the real nodes of a devnet (anvil, real engines, sequencer and
 * verifier rollup nodes, batcher). The verifier's unsafe head follows the sequencer's over
 * gossip while L1 has not caught up; blocks it got from gossip become safe by consolidation; a
 * verifier that joins late, with derivation held back, catches up through `payload_by_number`;
 * and a block signed by the unsafe-block signer that the batcher never posts (a second
 * "sequencer" gossiping its own block on the sequencer's head) is applied as unsafe and then
 * reorganized away when L1-derived data says otherwise. Last, a new unsafe-block signer set in
 * SystemConfig is picked up from its `ConfigUpdate`. Every wait is on a condition, bounded.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createWalletClient, type Hex, hexToBytes, http, parseEther, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { systemConfigAbi } from "../../contracts/artifacts/index.ts";
import { buildAttributes } from "../../core/derive/attributes.ts";
import { payloadAttributesToJson } from "../../core/derive/payloadAttributes.ts";
import { devAccount, ROLES } from "../../node/devnet/accounts.ts";
import { freePort } from "../../node/devnet/anvil.ts";
import { type EngineProcess, startEngineProcess } from "../../node/devnet/engineProcess.ts";
import { readJwtSecret } from "../../node/engine/jwt.ts";
import { createLogger, type Logger } from "../../node/log.ts";
import { P2PNode } from "../../node/p2p/index.ts";
import { type RollupNode, startRollupNode } from "../../node/rollup/node.ts";
import { devnetClients, rpc, syncStatus, useTestDevnet, waitFor } from "../helpers/devnet.ts";

const extra: { stop(): Promise<void> }[] = [];
const net = useTestDevnet(
  { p2p: true },
  {
    ready: async (t) => {
      await waitFor("the verifier connected to the sequencer over p2p", () =>
        t.devnet.sequencer.node.p2p!.topicPeers().includes(t.devnet.verifier.node.p2p!.peerId),
      );
    },
    beforeStop: async () => {
      for (const s of extra.reverse()) await s.stop().catch(() => {});
    },
    logLines: 150,
  },
);

/** A logger for the late verifier, into the devnet's log buffer. */
function lateLog(): Logger {
  return createLogger({ level: "info", sink: (l) => net.test.logs.push(`[late] ${l}`) });
}

async function blockHash(url: string, n: number): Promise<Hex | undefined> {
  const b = await rpc<{ hash: Hex } | null>(url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]);
  return b?.hash;
}

/** Waits until `rollupRpcUrl`'s unsafe head is on the sequencer's chain, at least `min` and `ahead` past its safe head. */
async function waitUnsafeOnSequencerChain(rollupRpcUrl: string, l2RpcUrl: string, min: number, ahead = 1) {
  const d = net.devnet;
  return waitFor(
    `unsafe head ≥ ${min}, ${ahead} ahead of safe, on the sequencer's chain`,
    async () => {
      const v = await syncStatus(rollupRpcUrl);
      if (v.unsafe_l2.number < min || v.unsafe_l2.number < v.safe_l2.number + ahead) return false;
      const [mine, seq] = await Promise.all([
        blockHash(l2RpcUrl, v.unsafe_l2.number),
        blockHash(d.info.l2.rpcUrl, v.unsafe_l2.number),
      ]);
      return mine === v.unsafe_l2.hash && seq === mine ? v : false;
    },
    60_000,
  );
}

describe("p2p in the devnet", () => {
  test(
    "the verifier's unsafe head follows the sequencer's over gossip, ahead of its safe head; gossiped blocks are consolidated with L1",
    net.guard(async () => {
      const d = net.devnet;
      const verifier = d.verifier.node;
      // Without batches the verifier's safe head cannot move: only gossip moves its unsafe head.
      await d.batcher!.stop();
      const safeBefore = (await syncStatus(d.info.verifier.rollupRpcUrl)).safe_l2.number;
      const seqHead = (await syncStatus(d.info.rollupRpcUrl)).unsafe_l2.number;
      const v = await waitUnsafeOnSequencerChain(
        d.info.verifier.rollupRpcUrl,
        d.info.verifier.l2RpcUrl,
        Math.max(seqHead, safeBefore) + 5,
        5,
      );
      expect(v.unsafe_l2.number).toBeGreaterThan(v.safe_l2.number);
      expect(verifier.applier!.stats.applied).toBeGreaterThan(0);
      expect(verifier.p2p!.stats.rejected).toEqual({});
      // Batches resume: the gossiped blocks become safe as they are (consolidated, not replaced).
      const replaced = verifier.driver.stats.replaced;
      const consolidated = verifier.driver.stats.consolidated;
      await d.restartBatcher();
      await waitFor(
        "the verifier's safe head past the gossiped head",
        async () => (await syncStatus(d.info.verifier.rollupRpcUrl)).safe_l2.number >= v.unsafe_l2.number,
        60_000,
      );
      expect(await blockHash(d.info.verifier.l2RpcUrl, v.unsafe_l2.number)).toBe(v.unsafe_l2.hash);
      expect(verifier.driver.stats.consolidated).toBeGreaterThan(consolidated);
      expect(verifier.driver.stats.replaced).toBe(replaced);
    }),
    90_000,
  );

  test(
    "a late-joining verifier, derivation held back, catches up through payload_by_number",
    net.guard(async () => {
      const d = net.devnet;
      // A gap worth filling: the late node joins with only the genesis block.
      await waitFor(
        "the sequencer past block 15",
        async () => (await syncStatus(d.info.rollupRpcUrl)).unsafe_l2.number >= 15,
      );
      const dir = join(d.datadir, "late");
      mkdirSync(dir, { recursive: true });
      const engine: EngineProcess = await startEngineProcess({
        dir,
        genesisFile: join(d.datadir, "genesis.json"),
        jwtFile: join(d.datadir, "jwt.hex"),
        enginePort: await freePort(),
        rpcPort: await freePort(),
        log: lateLog(),
      });
      extra.push(engine);
      const late: RollupNode = await startRollupNode({
        rollup: d.rollupConfig,
        l1RpcUrl: d.info.l1.rpcUrl,
        engineUrl: engine.engineUrl,
        engineRpcUrl: engine.rpcUrl,
        jwtSecret: readJwtSecret(join(d.datadir, "jwt.hex")),
        rpcPort: 0,
        // Derivation sees no L1 block at all: every block must come over p2p.
        verifierL1Confs: 1_000_000,
        p2p: {
          listen: ["/ip4/127.0.0.1/tcp/0"],
          staticPeers: [...d.sequencer.node.p2p!.multiaddrs(), ...d.verifier.node.p2p!.multiaddrs()],
        },
        log: lateLog(),
      });
      extra.push(late);
      const target = (await syncStatus(d.info.rollupRpcUrl)).unsafe_l2.number + 2;
      const s = await waitUnsafeOnSequencerChain(late.rpcUrl, engine.rpcUrl, target);
      expect(s.safe_l2.number).toBe(0);
      // Everything below the first gossiped block came by request (served from the engines).
      expect(late.p2p!.stats.fetched).toBeGreaterThanOrEqual(target - 5);
      expect(late.applier!.stats.applied).toBeGreaterThanOrEqual(target);
      expect(late.p2p!.stats.rejected).toEqual({});
      // It could never let L1 correct it (derivation held back): leave the network.
      extra.splice(extra.indexOf(late), 1);
      await late.stop();
    }),
    90_000,
  );

  test(
    "a batch on L1 that conflicts with gossiped blocks reorganizes the verifier onto the L1 chain",
    net.guard(async () => {
      const d = net.devnet;
      const seq = d.sequencer.node;
      const verifier = d.verifier.node;
      const head = await seq.driver.stopSequencer();
      await waitFor(
        "the verifier at the sequencer's head",
        async () => (await syncStatus(d.info.verifier.rollupRpcUrl)).unsafe_l2.hash === head,
      );
      // The rogue block: on the sequencer's head, with a transfer the sequencer never included,
      // built by the sequencer's engine without making it the head, signed by the unsafe signer.
      const c = devnetClients(d, 7);
      const parent = await seq.driver.l2.l2BlockRefByHash(head);
      const block = await c.l2Public.getBlock({ blockHash: head });
      const rogueTx = await c.account.signTransaction({
        chainId: d.info.l2.chainId,
        type: "eip1559",
        nonce: await c.l2Public.getTransactionCount({ address: c.account.address }),
        to: "0x000000000000000000000000000000000000dEaD",
        value: parseEther("1"),
        gas: 21_000n,
        maxFeePerGas: block.baseFeePerGas! * 2n + parseGwei("1"),
        maxPriorityFeePerGas: parseGwei("1"),
      });
      const envelope = await seq.driver.exclusive(async () => {
        const attrs = await buildAttributes(d.rollupConfig, seq.l1, seq.driver.l2, parent, parent.l1origin);
        attrs.transactions.push(hexToBytes(rogueTx));
        attrs.noTxPool = true;
        const h = seq.driver.heads();
        const fcu = await seq.engine.forkchoiceUpdatedV3(
          { headBlockHash: head, safeBlockHash: h.safe.hash, finalizedBlockHash: h.finalized.hash },
          payloadAttributesToJson(attrs),
        );
        return seq.engine.getPayloadV3(fcu.payloadId!);
      });
      const rogueHash = envelope.executionPayload.blockHash;
      const n = Number(envelope.executionPayload.blockNumber);
      const rogue = await P2PNode.start({
        chainId: BigInt(d.info.l2.chainId),
        listen: ["/ip4/127.0.0.1/tcp/0"],
        staticPeers: verifier.p2p!.multiaddrs(),
        unsafeBlockSigner: devAccount(ROLES.unsafeSigner).address,
        sequencerKey: hexToBytes(devAccount(ROLES.unsafeSigner).privateKey),
        heartbeatMs: 200,
      });
      extra.push(rogue);
      await waitFor("the rogue sees the verifier subscribed", () =>
        rogue.topicPeers().includes(verifier.p2p!.peerId),
      );
      await rogue.publish(envelope);
      await waitFor(
        "the verifier on the rogue block",
        async () => (await syncStatus(d.info.verifier.rollupRpcUrl)).unsafe_l2.hash === rogueHash,
      );
      const rogueTxHash = await waitFor("the rogue transfer on the verifier", async () => {
        const b = await rpc<{ transactions: Hex[] }>(d.info.verifier.l2RpcUrl, "eth_getBlockByHash", [
          rogueHash,
          false,
        ]);
        return b.transactions.at(-1);
      });
      const replaced = verifier.driver.stats.replaced;

      // The sequencer goes on with its own block n; the batcher posts its chain; L1 wins.
      seq.driver.startSequencer();
      await waitFor(
        `the verifier's safe head past ${n}`,
        async () => (await syncStatus(d.info.verifier.rollupRpcUrl)).safe_l2.number >= n + 2,
        60_000,
      );
      const canonical = await blockHash(d.info.l2.rpcUrl, n);
      expect(canonical).not.toBe(rogueHash);
      expect(await blockHash(d.info.verifier.l2RpcUrl, n)).toBe(canonical);
      expect(verifier.driver.stats.replaced).toBeGreaterThan(replaced);
      expect(await rpc(d.info.verifier.l2RpcUrl, "eth_getTransactionReceipt", [rogueTxHash])).toBeNull();
      const dead = "0x000000000000000000000000000000000000dEaD";
      expect(await c.verifierL2.getBalance({ address: dead, blockNumber: BigInt(n) })).toBe(
        await c.l2Public.getBalance({ address: dead, blockNumber: BigInt(n) }),
      );
      // And gossip carries the verifier's unsafe head past its safe head again.
      const s = await syncStatus(d.info.verifier.rollupRpcUrl);
      await waitUnsafeOnSequencerChain(
        d.info.verifier.rollupRpcUrl,
        d.info.verifier.l2RpcUrl,
        s.safe_l2.number + 1,
      );
      expect(rogue.stats.published).toBe(1);
    }),
    90_000,
  );

  // Last: afterwards the verifier refuses the sequencer's blocks (and soon the sequencer).
  test(
    "a new unsafe-block signer set in SystemConfig is picked up: the old key's blocks are then rejected",
    net.guard(async () => {
      const d = net.devnet;
      const verifier = d.verifier.node;
      const c = devnetClients(d);
      expect(verifier.p2p!.stats.rejected["wrong-signer"] ?? 0).toBe(0);
      const owner = createWalletClient({
        chain: c.l1,
        account: privateKeyToAccount(devAccount(ROLES.deployer).privateKey),
        transport: http(d.info.l1.rpcUrl),
      });
      const hash = await owner.writeContract({
        address: d.info.contracts.SystemConfig,
        abi: systemConfigAbi,
        functionName: "setUnsafeBlockSigner",
        args: [devAccount(ROLES.unsafeSigner + 1).address],
      });
      expect((await c.l1Public.waitForTransactionReceipt({ hash })).status).toBe("success");
      await waitFor(
        "the verifier rejecting blocks signed by the old signer",
        () => (verifier.p2p!.stats.rejected["wrong-signer"] ?? 0) > 0,
        30_000,
      );
    }),
    60_000,
  );
});
