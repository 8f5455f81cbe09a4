/**
 * `bun run bench derive`: derivation figures, execution excluded.
 *   - L2 blocks (and transactions) derived per second from a generated L1 range: a simulated
 *     sequencer and batcher (core/derive/testing/simulate.ts) fill in-memory L1 blocks with
 *     BatchFeed calldata or blob transactions and portal deposits; a fresh pipeline then derives
 *     the whole range into a fake engine that only hashes the attributes. zlib and brotli,
 *     calldata and blobs.
 *   - Channel compression ratio, zlib and brotli, against the raw RLP batch stream, on a realistic
 *     transaction mix signed with viem: ETH transfers, ERC-20 transfers, DEX swaps and larger
 *     contract calls, from 64 accounts with increasing nonces.
 *   - Channel filling, the batcher's two policies on the same L2 blocks (the tx mix, 20 txs a
 *     block): closing a channel when its uncompressed batches reach one frame (Ore before) or
 *     filling it by compressed size to one frame (`maxCompressedBytes`, as op-batcher): frames and
 *     L1 bytes per L2 block and per L2 transaction byte, how full channels are, compressions per
 *     channel and batcher time per block. Calldata frames and blob frames, zlib and brotli.
 *   - A verifier's sync speed from genesis (blocks/s, Mgas/s) through a real engine: a test
 *     devnet fills L2 blocks with a transaction mix, then a fresh verifier engine and node derive
 *     them from L1 (`verifierSync` below; needs anvil; `ORE_BENCH_SYNC=0` skips it).
 * `ORE_BENCH_QUICK=1` shrinks every case.
 */
import { encodeFunctionData, type Hex, parseAbi, parseEther, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { fromHex } from "../core/bytes.ts";
import { encodeBatchStream, encodeSingularBatch, type SingularBatch } from "../core/derive/batch.ts";
import { batchCalldata, DEFAULT_CALLDATA_FRAME_SIZE, MAX_BLOB_FRAME_SIZE } from "../core/derive/batcherTx.ts";
import { BLOB_SIZE } from "../core/derive/blob.ts";
import { ChannelOut } from "../core/derive/channelOut.ts";
import type { CompressionAlgo } from "../core/derive/compression.ts";
import { FRAME_OVERHEAD } from "../core/derive/frame.ts";
import { DerivationPipeline } from "../core/derive/pipeline.ts";
import { FakeL1, FakeL2, seededRandom, testConfig } from "../core/derive/testing/fakes.ts";
import { nodeCodec } from "../core/derive/testing/nodeCodec.ts";
import { simulate } from "../core/derive/testing/simulate.ts";
import { type Measurement, report } from "./harness.ts";

const QUICK = !!process.env.ORE_BENCH_QUICK;
const rows: Measurement[] = [];
const notes: string[] = [];
const rand = seededRandom(2024);

// A realistic transaction mix, signed once and reused.
const erc20 = parseAbi(["function transfer(address to, uint256 amount) returns (bool)"]);
const router = parseAbi([
  "function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline) returns (uint256[])",
]);
const multicall = parseAbi(["function multicall(bytes[] data) returns (bytes[])"]);
const randAddr = (): Hex =>
  `0x${Array.from({ length: 20 }, () =>
    Math.floor(rand() * 256)
      .toString(16)
      .padStart(2, "0"),
  ).join("")}`;
const tokens = Array.from({ length: 12 }, randAddr);
const dexRouter = randAddr();
const nft = randAddr();
const recipients = Array.from({ length: 400 }, randAddr);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

async function txMix(n: number): Promise<{ txs: Uint8Array[]; kinds: Record<string, number> }> {
  const accounts = Array.from({ length: 64 }, (_, i) =>
    privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, "0")}` as Hex),
  );
  const nonces = new Array(accounts.length).fill(0);
  const kinds: Record<string, number> = { eth: 0, erc20: 0, swap: 0, call: 0 };
  const txs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rand() * accounts.length);
    const base = {
      chainId: 901,
      nonce: nonces[a]++,
      maxFeePerGas: parseGwei((0.01 + rand()).toFixed(4)),
      maxPriorityFeePerGas: parseGwei((rand() * 0.01).toFixed(6)),
      type: "eip1559" as const,
    };
    const r = rand();
    let tx: Parameters<(typeof accounts)[0]["signTransaction"]>[0];
    if (r < 0.5) {
      kinds.eth!++;
      tx = { ...base, to: pick(recipients), value: parseEther((rand() * 2).toFixed(6)), gas: 21_000n };
    } else if (r < 0.8) {
      kinds.erc20!++;
      const amount = BigInt(Math.floor(rand() * 1e9)) * 10n ** 12n;
      const data = encodeFunctionData({
        abi: erc20,
        functionName: "transfer",
        args: [pick(recipients), amount],
      });
      tx = { ...base, to: pick(tokens), data, gas: 65_000n };
    } else if (r < 0.95) {
      kinds.swap!++;
      const data = encodeFunctionData({
        abi: router,
        functionName: "swapExactTokensForTokens",
        args: [
          BigInt(Math.floor(rand() * 1e12)) * 10n ** 6n,
          BigInt(Math.floor(rand() * 1e12)) * 10n ** 5n,
          [pick(tokens), pick(tokens)],
          accounts[a]!.address,
          1_700_000_000n + BigInt(i),
        ],
      });
      tx = { ...base, to: dexRouter, data, gas: 180_000n };
    } else {
      kinds.call!++;
      const inner = Array.from({ length: 2 + Math.floor(rand() * 4) }, () =>
        encodeFunctionData({
          abi: erc20,
          functionName: "transfer",
          args: [pick(recipients), BigInt(Math.floor(rand() * 1e15))],
        }),
      );
      const data = encodeFunctionData({ abi: multicall, functionName: "multicall", args: [inner] });
      tx = { ...base, to: nft, data, gas: 400_000n };
    }
    txs.push(fromHex(await accounts[a]!.signTransaction(tx)));
  }
  return { txs, kinds };
}

const TXS_PER_BLOCK = 20;
const t0 = performance.now();
const pool = await txMix(QUICK ? 1200 : 4000);
notes.push(
  `tx mix: ${pool.txs.length} signed EIP-1559 txs (${Object.entries(pool.kinds)
    .map(([k, v]) => `${k} ${((100 * v) / pool.txs.length).toFixed(0)}%`)
    .join(
      ", ",
    )}), mean ${(pool.txs.reduce((n, t) => n + t.length, 0) / pool.txs.length).toFixed(0)} bytes, signed in ${(
    (performance.now() - t0) / 1000
  ).toFixed(1)} s`,
);

// 1. Compression ratio: channels of consecutive blocks, each transaction used once.
{
  const h = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;
  for (const blocks of QUICK ? [10, 50] : [10, 50, 200]) {
    if (blocks * TXS_PER_BLOCK > pool.txs.length) continue;
    const batches: SingularBatch[] = Array.from({ length: blocks }, (_, i) => ({
      parentHash: h(1000 + i),
      epochNum: 100 + Math.floor(i / 6),
      epochHash: h(100 + Math.floor(i / 6)),
      timestamp: 1_700_000_000 + 2 * i,
      transactions: pool.txs.slice(i * TXS_PER_BLOCK, (i + 1) * TXS_PER_BLOCK),
    }));
    const raw = encodeBatchStream(batches.map(encodeSingularBatch));
    for (const algo of ["zlib", "brotli"] as CompressionAlgo[]) {
      const ch = new ChannelOut({ compressor: nodeCodec, algo, id: new Uint8Array(16) });
      for (const b of batches) ch.addBatch(b);
      const t = performance.now();
      ch.close();
      const ms = performance.now() - t;
      const size = ch.compressedBytes().length;
      rows.push({
        group: "compression (channel / raw RLP)",
        name: `${algo}, ${blocks} blocks × ${TXS_PER_BLOCK} txs`,
        opsPerSec: 1000 / ms,
        bytesPerSec: (raw.length * 1000) / ms,
        extra: { rawBytes: raw.length, channelBytes: size, ratio: Number((size / raw.length).toFixed(4)) },
      });
      notes.push(
        `${algo.padEnd(6)} ${String(blocks).padStart(3)} blocks: raw RLP ${raw.length} B → ${size} B = ${((100 * size) / raw.length).toFixed(1)}% (${(raw.length / size).toFixed(2)}x smaller)`,
      );
    }
  }
}

// 1b. Channel filling: uncompressed-size cut (before) against compressed-size fill (after).
{
  const h = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;
  for (const da of ["calldata", "blob"] as const) {
    const frameSize = da === "blob" ? MAX_BLOB_FRAME_SIZE : DEFAULT_CALLDATA_FRAME_SIZE;
    const room = frameSize - FRAME_OVERHEAD;
    for (const algo of ["zlib", "brotli"] as CompressionAlgo[]) {
      // Each transaction of the pool once per pass; a channel (~300 KB raw) never sees a repeat.
      const n = QUICK ? 120 : algo === "brotli" ? 300 : 600;
      const batches: SingularBatch[] = Array.from({ length: n }, (_, i) => ({
        parentHash: h(1000 + i),
        epochNum: 100 + Math.floor(i / 6),
        epochHash: h(100 + Math.floor(i / 6)),
        timestamp: 1_700_000_000 + 2 * i,
        transactions: Array.from(
          { length: TXS_PER_BLOCK },
          (_, j) => pool.txs[(i * TXS_PER_BLOCK + j) % pool.txs.length]!,
        ),
      }));
      const l2Bytes = batches.reduce((a, b) => a + b.transactions.reduce((c, t) => c + t.length, 0), 0);
      for (const policy of ["uncompressed size (before)", "compressed size (after)"] as const) {
        const byRlp = policy.startsWith("uncompressed");
        const channels: ChannelOut[] = [];
        let open: ChannelOut | null = null;
        const fresh = () =>
          new ChannelOut({
            compressor: nodeCodec,
            algo,
            id: new Uint8Array(16),
            maxCompressedBytes: byRlp ? undefined : room,
          });
        const t = performance.now();
        // The batcher's loop: add, a refused block closes the channel and opens the next one;
        // blocks a close hands back go first into the next channel.
        const queue = [...batches];
        let inOpen: SingularBatch[] = [];
        while (queue.length > 0) {
          const b = queue.shift()!;
          open ??= fresh();
          try {
            open.addBatch(b);
            inOpen.push(b);
          } catch {
            const left = open.close();
            channels.push(open);
            queue.unshift(...inOpen.slice(inOpen.length - left, left > 0 ? undefined : 0), b);
            open = null;
            inOpen = [];
            continue;
          }
          if (byRlp ? open.rlpBytes() >= room - 256 : open.isFull()) {
            const left = open.close();
            channels.push(open);
            queue.unshift(...inOpen.slice(inOpen.length - left, left > 0 ? undefined : 0));
            open = null;
            inOpen = [];
          }
        }
        // The last channel is cut short by the end of the run; it is left out of the figures.
        const ms = performance.now() - t;
        const closed = channels.slice(0, -1);
        const blocks = closed.reduce((a, c) => a + c.blockCount(), 0);
        const blockBytes = batches
          .slice(0, blocks)
          .reduce((a, b) => a + b.transactions.reduce((c, x) => c + x.length, 0), 0);
        let frames = 0;
        let l1Bytes = 0;
        let fill = 0;
        let compressions = 0;
        for (const c of closed) {
          fill += c.compressedBytes().length / room;
          compressions += c.compressionCount() || 1;
          for (const f of c.outputFrames(frameSize)) {
            frames++;
            l1Bytes += da === "blob" ? BLOB_SIZE : batchCalldata([f]).length;
          }
        }
        const extra = {
          channels: closed.length,
          l2Blocks: blocks,
          framesPerL2Block: Number((frames / blocks).toFixed(4)),
          l1BytesPerL2Block: Math.round(l1Bytes / blocks),
          l1BytesPerL2TxByte: Number((l1Bytes / blockBytes).toFixed(4)),
          meanFill: Number((fill / closed.length).toFixed(4)),
          compressionsPerChannel: Number((compressions / closed.length).toFixed(2)),
          msPerBlock: Number((ms / n).toFixed(2)),
        };
        rows.push({
          group: "channel filling (batcher, one frame per channel)",
          name: `${da}, ${algo}: ${policy}`,
          opsPerSec: (n * 1000) / ms,
          extra,
        });
        notes.push(
          `fill ${da.padEnd(8)} ${algo.padEnd(6)} ${policy.padEnd(26)}: ${closed.length} channels of ${blocks} blocks (${l2Bytes} tx bytes in all), ${extra.framesPerL2Block} frames and ${extra.l1BytesPerL2Block} L1 bytes per L2 block, ${extra.l1BytesPerL2TxByte} L1 bytes per L2 tx byte, channels ${(100 * extra.meanFill).toFixed(1)}% full, ${extra.compressionsPerChannel} compressions per channel, ${extra.msPerBlock} ms per block`,
        );
      }
    }
  }
}

// 2. Derivation throughput from a generated L1 range.
{
  const l1Blocks = QUICK ? 40 : 150;
  let next = 0;
  const makeTx = () => pool.txs[next++ % pool.txs.length]!;
  for (const mode of ["calldata", "blob"] as const) {
    for (const algo of ["zlib", "brotli"] as CompressionAlgo[]) {
      const config = testConfig({ seqWindowSize: 20, channelTimeout: 10 });
      const l1 = new FakeL1();
      const sim = await simulate({
        config,
        l1,
        codec: nodeCodec,
        algo,
        rand: seededRandom(7),
        l1Blocks,
        txsPerBlock: TXS_PER_BLOCK,
        makeTx,
        blocksPerChannel: 30,
        maxFrameSize: mode === "blob" ? 130_043 : 119_999,
        mode,
        depositsEvery: 2,
      });
      // Best of 5 runs; the fake engine's time (hashing each block's attributes) is left out.
      let best = Number.POSITIVE_INFINITY;
      let derived = 0;
      let txs = 0;
      for (let run = 0; run < 5; run++) {
        const verifier = new FakeL2(config);
        const pipeline = new DerivationPipeline(config, l1, verifier, { decompressor: nodeCodec });
        let engine = 0;
        derived = 0;
        txs = 0;
        const t = performance.now();
        await pipeline.reset(verifier.head());
        for (;;) {
          const a = await pipeline.nextAttributes(verifier.head());
          if (a === null) break;
          derived++;
          txs += a.attributes.transactions.length;
          const e = performance.now();
          verifier.execute(a.parent, a.attributes);
          engine += performance.now() - e;
        }
        best = Math.min(best, performance.now() - t - engine);
      }
      rows.push({
        group: "derivation (execution excluded)",
        name: `${mode}, ${algo}: ${derived} L2 blocks from ${l1Blocks} L1 blocks`,
        opsPerSec: (derived * 1000) / best,
        extra: {
          l2Blocks: derived,
          txs,
          ms: Number(best.toFixed(1)),
          txsPerSec: Math.round((txs * 1000) / best),
          channels: sim.channels,
        },
      });
      notes.push(
        `derive ${mode.padEnd(8)} ${algo.padEnd(6)}: ${derived} blocks, ${txs} txs in ${best.toFixed(0)} ms = ${((derived * 1000) / best).toFixed(0)} blocks/s, ${((txs * 1000) / best / 1000).toFixed(1)}k txs/s`,
      );
    }
  }
}

// 3. A verifier's sync speed from genesis, through a real engine.
if (process.env.ORE_BENCH_SYNC !== "0") {
  try {
    await verifierSync(QUICK ? 30 : 90);
  } catch (e) {
    notes.push(`verifier sync: not measured (${(e as Error).message})`);
  }
}
report("derive", rows, notes);

/**
 * Runs a test devnet (anvil, contracts, sequencer engine and node, batcher; p2p off) with its
 * verifier stopped, fills `l2Blocks` L2 blocks with a transaction mix (ETH transfers, ERC-20
 * transfers and mints to fresh addresses on a TestERC20), waits until the sequencer's safe head
 * covers them, then starts a fresh verifier engine and node in an empty directory and times it
 * from start to the sequencer's safe head: blocks/s and Mgas/s, L1 reading, derivation and
 * execution included.
 */
async function verifierSync(l2Blocks: number): Promise<void> {
  const { startTestDevnet, rpc, syncStatus, waitFor } = await import("../test/helpers/devnet.ts");
  const { startEngineProcess } = await import("../node/devnet/engineProcess.ts");
  const { startRollupNode } = await import("../node/rollup/node.ts");
  const { freePort } = await import("../node/devnet/anvil.ts");
  const { readJwtSecret } = await import("../node/engine/jwt.ts");
  const { createLogger } = await import("../node/log.ts");
  const { testERC20Abi, testERC20Bytecode } = await import("../contracts/artifacts/TestERC20.ts");
  const { join } = await import("node:path");
  const { mkdirSync } = await import("node:fs");
  const { encodeDeployData, getContractAddress } = await import("viem");

  const t = await startTestDevnet({ services: { proposer: false } });
  const d = t.devnet;
  try {
    await d.verifier.node.stop();
    await d.verifier.engine.stop();
    const url = d.info.l2.rpcUrl;
    const chainId = d.info.l2.chainId;
    const accounts = d.info.accounts.map((a) => privateKeyToAccount(a.privateKey));
    const nonces = await Promise.all(
      accounts.map(async (a) =>
        Number(await rpc<Hex>(url, "eth_getTransactionCount", [a.address, "pending"])),
      ),
    );
    const fees = {
      maxFeePerGas: parseGwei("5"),
      maxPriorityFeePerGas: parseGwei("0.001"),
      type: "eip1559" as const,
    };
    const send = async (a: number, tx: { to?: Hex; data?: Hex; value?: bigint; gas: bigint }) => {
      const raw = await accounts[a]!.signTransaction({ ...fees, ...tx, chainId, nonce: nonces[a]++ });
      return rpc<Hex>(url, "eth_sendRawTransaction", [raw]);
    };
    const token = getContractAddress({ from: accounts[0]!.address, nonce: BigInt(nonces[0]!) });
    await send(0, {
      data: encodeDeployData({ abi: testERC20Abi, bytecode: testERC20Bytecode, args: ["Bench", "BNCH"] }),
      gas: 2_000_000n,
    });
    const mint = (to: Hex, amount: bigint) =>
      encodeFunctionData({ abi: testERC20Abi, functionName: "mint", args: [to, amount] });
    for (let a = 0; a < accounts.length; a++)
      await send(a, { to: token, data: mint(accounts[a]!.address, 10n ** 30n), gas: 120_000n });
    // ~20 transactions per 1 s block until `l2Blocks` blocks are out.
    const start = (await syncStatus(d.info.rollupRpcUrl)).unsafe_l2.number;
    const kinds: Record<string, number> = { eth: 0, erc20: 0, mint: 0 };
    let head = start;
    while (head < start + l2Blocks) {
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < TXS_PER_BLOCK; i++) {
        const a = Math.floor(rand() * accounts.length);
        const r = rand();
        if (r < 0.5) {
          kinds.eth!++;
          sends.push(
            send(a, { to: pick(recipients), value: BigInt(Math.floor(rand() * 1e15)), gas: 21_000n }),
          );
        } else if (r < 0.85) {
          kinds.erc20!++;
          const data = encodeFunctionData({
            abi: erc20,
            functionName: "transfer",
            args: [pick(recipients), BigInt(Math.floor(rand() * 1e15))],
          });
          sends.push(send(a, { to: token, data, gas: 80_000n }));
        } else {
          kinds.mint!++;
          sends.push(
            send(a, { to: token, data: mint(randAddr(), BigInt(Math.floor(rand() * 1e15))), gas: 80_000n }),
          );
        }
      }
      await Promise.all(sends);
      await waitFor(
        "next L2 block",
        async () => {
          const n = (await syncStatus(d.info.rollupRpcUrl)).unsafe_l2.number;
          return n > head ? n : false;
        },
        30_000,
        100,
      ).then((n) => {
        head = n;
      });
    }
    const target = await waitFor(
      "sequencer safe head past the filled blocks",
      async () => {
        const s = await syncStatus(d.info.rollupRpcUrl);
        return s.safe_l2.number >= head ? s.safe_l2.number : false;
      },
      120_000,
      250,
    );

    // A fresh verifier from genesis.
    const dir = join(d.datadir, "bench-verifier");
    mkdirSync(dir, { recursive: true });
    const log = createLogger({ level: "warn", sink: (l) => t.logs.push(l) });
    const t0 = performance.now();
    const engine = await startEngineProcess({
      dir,
      genesisFile: join(d.datadir, "genesis.json"),
      jwtFile: join(d.datadir, "jwt.hex"),
      enginePort: await freePort(),
      rpcPort: await freePort(),
      log,
    });
    const node = await startRollupNode({
      rollup: d.rollupConfig,
      l1RpcUrl: d.l1.rpcUrl,
      engineUrl: engine.engineUrl,
      engineRpcUrl: engine.rpcUrl,
      jwtSecret: readJwtSecret(join(d.datadir, "jwt.hex")),
      rpcPort: await freePort(),
      log,
    });
    const tNode = performance.now();
    try {
      await waitFor(
        "verifier synced",
        async () => (await syncStatus(node.rpcUrl)).safe_l2.number >= target,
        150_000,
        50,
      );
      const ms = performance.now() - tNode;
      const startMs = tNode - t0;
      let gas = 0n;
      let txs = 0;
      for (let n = 1; n <= target; n++) {
        const b = await rpc<{ gasUsed: Hex; transactions: Hex[]; hash: Hex }>(
          engine.rpcUrl,
          "eth_getBlockByNumber",
          [`0x${n.toString(16)}`, false],
        );
        gas += BigInt(b.gasUsed);
        txs += b.transactions.length;
      }
      const seq = await rpc<{ hash: Hex }>(url, "eth_getBlockByNumber", [`0x${target.toString(16)}`, false]);
      const ours = await rpc<{ hash: Hex }>(engine.rpcUrl, "eth_getBlockByNumber", [
        `0x${target.toString(16)}`,
        false,
      ]);
      const mgas = Number(gas) / 1e6;
      rows.push({
        group: "verifier sync from genesis (real engine, L1 from anvil)",
        name: `${target} L2 blocks, ${txs} txs, ${mgas.toFixed(1)} Mgas`,
        opsPerSec: (target * 1000) / ms,
        extra: {
          l2Blocks: target,
          txs,
          mgas: Number(mgas.toFixed(2)),
          ms: Math.round(ms),
          mgasPerSec: Number(((mgas * 1000) / ms).toFixed(2)),
          txsPerSec: Math.round((txs * 1000) / ms),
          engineStartMs: Math.round(startMs),
          sameHead: String(seq.hash === ours.hash),
        },
      });
      notes.push(
        `verifier sync: ${target} L2 blocks (${txs} txs incl. deposits; user mix ${Object.entries(kinds)
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ", ",
          )}; ${mgas.toFixed(1)} Mgas) from genesis in ${(ms / 1000).toFixed(1)} s = ${((target * 1000) / ms).toFixed(1)} blocks/s, ${((mgas * 1000) / ms).toFixed(2)} Mgas/s (engine start ${(startMs / 1000).toFixed(1)} s not counted); head hash matches the sequencer: ${seq.hash === ours.hash}`,
      );
    } finally {
      await node.stop();
      await engine.stop();
    }
  } finally {
    await t.stop();
  }
}
