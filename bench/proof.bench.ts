/**
 * `bun run bench proof [part…]`: the fault-proof step machine. Parts (all by default):
 *
 * - `block30m`, the headline (`mixedBlockBench.ts`): a ~30M-gas block of mixed transactions
 *   (ETH transfers of three types, ERC-20s, swaps and liquidity through a router, creations by
 *   CREATE and CREATE2, storage writes, precompiles, logs, reverts, deposits) built by Ore's engine
 *   and proved in block mode, in agreement with the engine: steps/s of full generation and of
 *   roots only, a lazy k = 8 game, witness bytes per step, verification time per step and the
 *   worst step by the doc's cost measure, against the engine's `executeBlock`.
 * - `loop`: a compute-and-memory loop in frame mode (arithmetic, MSTORE over a growing memory,
 *   KECCAK256, a 1,500-byte CALLDATACOPY in two sub-steps, JUMPI): steps/s of full generation
 *   (roots + witnesses), of roots only, of lazy mode answering a whole k-section game, the
 *   reference @ethereumjs/evm on the same code, witness bytes per step (mean, max), verification
 *   time per step, and the worst step by the doc's cost measure (leaves accessed; SHA-256
 *   compressions to check its witness).
 * - `world`: new storage slots written in a loop and a contract called that stores and logs every
 *   tenth iteration (MPT walks, frames): the same figures plus preimage bytes per step.
 * - `block`: a small block in block mode (a deposit, then user transactions: transfers and calls
 *   that store and log) against Ore's engine building the same block (`executeBlock`).
 *
 * A run of every part writes `bench/results/proof.json`; a run of some parts writes
 * `proof.<parts>.tmp.json` (not committed).
 */
import { Address, createAccount } from "@ethereumjs/util";
import { fromHex, toHex } from "../core/bytes.ts";
import { nextBaseFee } from "../core/engine/baseFee.ts";
import { MemoryNodeStore } from "../core/mpt/nodeStore.ts";
import { referenceBlock, runReference } from "../core/proof/evmReference.ts";
import type { FrameRequest } from "../core/proof/frameState.ts";
import { frameRootsAt, generateFrame } from "../core/proof/generator.ts";
import { sampleBlockTxs } from "../core/proof/proofFileTesting.ts";
import { generateBlock } from "../core/proof/txs.ts";
import { verifyStep } from "../core/proof/verifier.ts";
import { decodeWitness, type WitnessNode } from "../core/proof/witness.ts";
import { buildWorld, type WorldAccount } from "../core/proof/world.ts";
import { executeBlock } from "../node/engine/blockExecutor.ts";
import { createOreVM, createStateManager, oreCommon } from "../node/engine/vm.ts";
import { type Measurement, report } from "./harness.ts";
import { benchMixedBlock } from "./mixedBlockBench.ts";

const PARTS = ["block30m", "loop", "world", "block"];
const asked = (process.env.ORE_BENCH_PARTS ?? "").split(",").filter((x) => x !== "");
for (const a of asked) {
  if (!PARTS.includes(a)) throw new Error(`unknown part "${a}" of bench proof; known: ${PARTS.join(", ")}`);
}
const want = (part: string) => asked.length === 0 || asked.includes(part);
const rows: Measurement[] = [];
const notes: string[] = [];

if (want("block30m")) {
  const r = await benchMixedBlock();
  rows.push(...r.rows);
  notes.push(...r.notes);
}

const hex = (s: string) => s.replace(/\s+/g, "");
const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const r = fn();
  return [r, (performance.now() - t0) / 1000];
};
const calleeAddr = new Uint8Array(20).fill(0x42);
const callee = fromHex(hex("0x6000 54 6001 01 80 6000 55 6000 52 6077 6020 6000 a1 6020 6000 f3"));

if (want("loop")) {
  const ITER = Number(process.env.ORE_BENCH_ITER ?? 2000);
  const n4 = ITER.toString(16).padStart(4, "0");
  const body = hex(
    `5b 80 6005 02 81 6020 02 52 6040 6000 20 6000 52 6105dc 6000 610140 37 6001 90 03 80 610003 57 00`,
  );
  const req: FrameRequest = {
    code: fromHex(`0x61${n4}${body}`),
    calldata: new Uint8Array(1500).map((_, i) => i & 0xff),
    gas: 29_000_000n,
    block: referenceBlock(1000n, 42n),
  };

  const [full, tFull] = time(() => generateFrame(req));
  const steps = full.witnesses.length;
  if (full.result.status !== 1)
    throw new Error(`bench program did not succeed: status ${full.result.status}`);
  const [, tRoots] = time(() => generateFrame(req, { witnesses: false }));

  // A k-section game with k = 8 over `steps`: each round asks for the 7 inner split points of the
  // current interval; the answering party recomputes them lazily from the start every round.
  let lo = 0;
  let hi = steps;
  let rounds = 0;
  const [, tGame] = time(() => {
    while (hi - lo > 1) {
      const want: number[] = [];
      for (let i = 1; i < 8; i++) want.push(lo + Math.floor(((hi - lo) * i) / 8));
      frameRootsAt(req, want);
      // Pretend the disagreement is in the interval right after the 3rd split point.
      const a = want[2];
      const b = want[3];
      lo = a;
      hi = Math.max(b, a + 1);
      rounds++;
    }
  });
  const [, tLazyOne] = time(() => frameRootsAt(req, [steps >> 1]));

  const t0 = performance.now();
  const ref = await runReference(req);
  const tRef = (performance.now() - t0) / 1000;

  let bytes = 0;
  let maxBytes = 0;
  let maxLeaves = 0;
  let maxLeavesStep = 0;
  let maxInner = 0;
  for (let i = 0; i < steps; i++) {
    const w = full.witnesses[i].length;
    bytes += w;
    maxBytes = Math.max(maxBytes, w);
    if (full.access[i].length > maxLeaves) {
      maxLeaves = full.access[i].length;
      maxLeavesStep = i;
    }
  }
  const inner = (n: WitnessNode): number => ("value" in n ? 0 : 1 + inner(n.left) + inner(n.right));
  for (let i = 0; i < steps; i += Math.max(1, Math.floor(steps / 2000))) {
    maxInner = Math.max(maxInner, inner(decodeWitness(full.witnesses[i]).tree));
  }
  maxInner = Math.max(maxInner, inner(decodeWitness(full.witnesses[maxLeavesStep]).tree));
  const [, tVerify] = time(() => {
    for (let i = 0; i < steps; i++) {
      const v = verifyStep(full.roots[i], full.witnesses[i], full.roots[i + 1]);
      if (!v.ok) throw new Error(`step ${i}: ${v.reason}`);
    }
  });

  rows.push(
    {
      group: "trace",
      name: "@ethereumjs/evm runCode, step listener (opcodes/s)",
      opsPerSec: ref.ops.length / tRef,
    },
    {
      group: "trace",
      name: "full generation (steps/s)",
      opsPerSec: steps / tFull,
      baseline: "@ethereumjs/evm runCode, step listener (opcodes/s)",
    },
    {
      group: "trace",
      name: "roots only, every step (steps/s)",
      opsPerSec: steps / tRoots,
      baseline: "@ethereumjs/evm runCode, step listener (opcodes/s)",
    },
    {
      group: "trace",
      name: "lazy, one root at the middle (steps/s)",
      opsPerSec: steps / 2 / tLazyOne,
      baseline: "@ethereumjs/evm runCode, step listener (opcodes/s)",
    },
    { group: "verify", name: "single-step verification (steps/s)", opsPerSec: steps / tVerify },
  );
  notes.push(
    `program: ${ITER} loop iterations, ${steps} steps (${ref.ops.length} opcodes), ${req.gas - full.result.gasLeft} gas`,
    `full generation ${tFull.toFixed(2)} s; lazy k=8 game: ${rounds} rounds in ${tGame.toFixed(2)} s (${(tGame / tFull).toFixed(2)}x of one full generation)`,
    `witness bytes per step: mean ${(bytes / steps).toFixed(0)}, max ${maxBytes}`,
    `verification: ${((tVerify / steps) * 1e6).toFixed(1)} µs per step (decode, root check, step, root)`,
    `worst step by the doc's measure: ${maxLeaves} leaves accessed (step ${maxLeavesStep}); at most ${maxInner} SHA-256 compressions to check a witness against its pre-root (sampled)`,
  );
}

if (want("world")) {
  // ---- storage and calls ----
  const WORLD_ITER = Number(process.env.ORE_BENCH_WORLD_ITER ?? 600);
  // for i in 1..N: sstore(i * 7919, i); sload(i * 7919 - 7919); every 10th: call the callee.
  const wn = WORLD_ITER.toString(16).padStart(4, "0");
  const worldCode = fromHex(
    hex(
      `0x61${wn} 5b 80 80 611eef 02 55 6001 81 03 611eef 02 54 50 80 600a 90 06 603f 57` +
        ` 6020 6000 6000 6000 6000 73${Buffer.from(calleeAddr).toString("hex")} 5a f1 50` +
        ` 5b 6001 90 03 80 6003 57 00`,
    ),
  );
  const self = new Uint8Array(20).fill(0x11);
  const accounts: WorldAccount[] = [
    { address: self, code: worldCode, balance: 1n },
    { address: calleeAddr, code: callee, storage: new Map([[0n, 1n]]) },
  ];
  const worldReq: FrameRequest = {
    code: worldCode,
    address: self,
    gas: 29_000_000n,
    block: referenceBlock(1000n, 42n),
    world: buildWorld(accounts),
  };
  const [wfull, tWorld] = time(() => generateFrame(worldReq));
  if (wfull.result.status !== 1)
    throw new Error(`world bench did not succeed: status ${wfull.result.status}`);
  const wsteps = wfull.witnesses.length;
  let wbytes = 0;
  let wmax = 0;
  let wpre = 0;
  let wpreMax = 0;
  let wleaves = 0;
  for (let i = 0; i < wsteps; i++) {
    const w = wfull.witnesses[i];
    wbytes += w.length;
    wmax = Math.max(wmax, w.length);
    const pre = decodeWitness(w).preimages.reduce((n, p) => n + p.length, 0);
    wpre += pre;
    wpreMax = Math.max(wpreMax, pre);
    wleaves = Math.max(wleaves, wfull.access[i].length);
  }
  const [, tWorldVerify] = time(() => {
    for (let i = 0; i < wsteps; i++) {
      const v = verifyStep(wfull.roots[i], wfull.witnesses[i], wfull.roots[i + 1]);
      if (!v.ok) throw new Error(`world step ${i}: ${v.reason}`);
    }
  });
  const wt0 = performance.now();
  const wref = await runReference(worldReq, { accounts });
  const tWorldRef = (performance.now() - wt0) / 1000;
  rows.push(
    {
      group: "world",
      name: "@ethereumjs/evm, storage and calls (opcodes/s)",
      opsPerSec: wref.ops.length / tWorldRef,
    },
    {
      group: "world",
      name: "full generation, storage and calls (steps/s)",
      opsPerSec: wsteps / tWorld,
    },
    {
      group: "world",
      name: "single-step verification, storage and calls (steps/s)",
      opsPerSec: wsteps / tWorldVerify,
    },
  );

  notes.push(
    `storage and calls: ${WORLD_ITER} iterations, ${wsteps} steps (${wref.ops.length} opcodes, ${(wsteps / wref.ops.length).toFixed(1)} steps per opcode), ${worldReq.gas - wfull.result.gasLeft} gas`,
    `storage and calls: witness bytes per step mean ${(wbytes / wsteps).toFixed(0)}, max ${wmax}; preimage bytes per step mean ${(wpre / wsteps).toFixed(0)}, max ${wpreMax}; at most ${wleaves} leaves accessed; verification ${((tWorldVerify / wsteps) * 1e6).toFixed(1)} µs per step`,
  );
}

if (want("block")) {
  // ---- a block: block mode against the engine ----
  const BLOCK_TXS = Number(process.env.ORE_BENCH_BLOCK_TXS ?? 200);
  const common = oreCommon(901n);
  const store = new MemoryNodeStore();
  const sm = createStateManager(store);
  const sample = sampleBlockTxs(BLOCK_TXS);
  const sender = new Address(sample.sender);
  await sm.putAccount(sender, createAccount({ nonce: 0n, balance: 10n ** 20n }));
  await sm.putAccount(new Address(sample.callee), createAccount({ nonce: 1n, balance: 0n }));
  await sm.putCode(new Address(sample.callee), sample.code);
  const parentRoot = await sm.getStateRoot();
  const blockTxs = sample.txs;
  const parentHeader = {
    gasLimit: 30_000_000n,
    gasUsed: 5_000_000n,
    baseFeePerGas: 1000n,
  };
  const blockReq = {
    parentHash: new Uint8Array(32),
    number: 2n,
    timestamp: 1_700_000_000n,
    prevRandao: new Uint8Array(32),
    feeRecipient: new Uint8Array(20).fill(0xc0),
    gasLimit: 30_000_000n,
    baseFee: nextBaseFee(parentHeader),
    parentBeaconRoot: new Uint8Array(32),
    parentStateRoot: parentRoot,
    txs: blockTxs,
    chainId: 901n,
    blobBaseFee: 1n,
    preimages: (h: Uint8Array) => store.get(h),
  };
  const [btrace, tBlock] = time(() => generateBlock(blockReq));
  const bsteps = btrace.witnesses.length;
  const vm = await createOreVM(common, sm, () => undefined);
  const be0 = performance.now();
  const engineBlockOut = await executeBlock(
    { vm, stateManager: sm, common },
    {
      header: {
        ...parentHeader,
        parentHash: new Uint8Array(32),
        ommersHash: new Uint8Array(32),
        coinbase: new Uint8Array(20),
        stateRoot: parentRoot,
        transactionsRoot: new Uint8Array(32),
        receiptsRoot: new Uint8Array(32),
        logsBloom: new Uint8Array(256),
        difficulty: 0n,
        number: 1n,
        timestamp: 1_699_999_998n,
        extraData: new Uint8Array(0),
        mixHash: new Uint8Array(32),
        nonce: new Uint8Array(8),
        withdrawalsRoot: new Uint8Array(32),
        blobGasUsed: 0n,
        excessBlobGas: 0n,
        parentBeaconBlockRoot: new Uint8Array(32),
      },
      hash: new Uint8Array(32),
    },
    {
      timestamp: blockReq.timestamp,
      prevRandao: blockReq.prevRandao,
      feeRecipient: blockReq.feeRecipient,
      gasLimit: blockReq.gasLimit,
      parentBeaconBlockRoot: blockReq.parentBeaconRoot,
      extraData: new Uint8Array(0),
    },
    blockTxs,
  );
  const tEngine = (performance.now() - be0) / 1000;
  const agrees =
    toHex(btrace.worldRoot) === toHex(engineBlockOut.header.stateRoot) &&
    toHex(btrace.receiptsRoot) === toHex(engineBlockOut.header.receiptsRoot) &&
    btrace.blockGasUsed === engineBlockOut.header.gasUsed;
  if (!agrees) throw new Error("block bench: the machine and the engine disagree");
  let bbytes = 0;
  for (const w of btrace.witnesses) bbytes += w.length;
  rows.push(
    { group: "block", name: "engine executeBlock (transactions/s)", opsPerSec: blockTxs.length / tEngine },
    {
      group: "block",
      name: "block mode, full generation (transactions/s)",
      opsPerSec: blockTxs.length / tBlock,
      baseline: "engine executeBlock (transactions/s)",
    },
    { group: "block", name: "block mode, full generation (steps/s)", opsPerSec: bsteps / tBlock },
  );

  notes.push(
    `block: a deposit and ${BLOCK_TXS} user transactions (transfers, calls that store and log), ${engineBlockOut.header.gasUsed} gas: ${bsteps} steps (${(bsteps / blockTxs.length).toFixed(0)} per transaction), ${tBlock.toFixed(2)} s with witnesses (engine ${tEngine.toFixed(2)} s); state root, receipts root and gas agree with the engine; witness bytes per step mean ${(bbytes / bsteps).toFixed(0)}`,
  );
}

report(asked.length === 0 ? "proof" : `proof.${asked.join("+")}.tmp`, rows, notes);
