/**
 * `bun run bench proofFile`: the proof file (docs/fault-proof.md §8.3) on three workloads: the
 * proof bench's compute-and-memory loop in frame mode, its storage-and-calls loop (MPT nodes and
 * code as preimages), and a block in block mode (a deposit, then user transactions: transfers and
 * calls that store and log). For each: bytes per step of the raw witnesses and of versions 1, 2
 * and 3, and the time to write and read versions 2 and 3 (reading rebuilds every witness; v3's are
 * checked byte for byte). `ORE_BENCH_PF_ITER`, `ORE_BENCH_PF_WORLD_ITER`, `ORE_BENCH_PF_TXS` scale
 * them.
 */
import { fromHex } from "../core/bytes.ts";
import { referenceBlock } from "../core/proof/evmReference.ts";
import { generateFrame } from "../core/proof/generator.ts";
import type { Proof } from "../core/proof/proofFile.ts";
import { blockSample } from "../core/proof/proofFileTesting.ts";
import { buildWorld } from "../core/proof/world.ts";
import { type Measurement, report } from "./harness.ts";
import { proofFileFigures, proofFileNote, proofFileRows } from "./proofFileSizes.ts";

const hex = (s: string) => s.replace(/\s+/g, "");
const rows: Measurement[] = [];
const notes: string[] = [];
const measure = (group: string, name: string, p: Proof) => {
  const f = proofFileFigures(p);
  rows.push(...proofFileRows(group, f));
  notes.push(proofFileNote(name, f));
};

// ---- the compute loop (bench/proof.bench.ts's first workload) ----
const ITER = Number(process.env.ORE_BENCH_PF_ITER ?? 500);
const body = hex(
  `5b 80 6005 02 81 6020 02 52 6040 6000 20 6000 52 6105dc 6000 610140 37 6001 90 03 80 610003 57 00`,
);
const loop = generateFrame({
  code: fromHex(`0x61${ITER.toString(16).padStart(4, "0")}${body}`),
  calldata: new Uint8Array(1500).map((_, i) => i & 0xff),
  gas: 29_000_000n,
  block: referenceBlock(1000n, 42n),
});
measure("compute loop", `compute loop (${ITER} iterations, frame mode)`, {
  mode: "frame",
  request: {},
  ...loop,
});

// ---- storage and calls (the second workload) ----
const WORLD_ITER = Number(process.env.ORE_BENCH_PF_WORLD_ITER ?? 300);
const calleeAddr = new Uint8Array(20).fill(0x42);
const callee = fromHex(hex("0x6000 54 6001 01 80 6000 55 6000 52 6077 6020 6000 a1 6020 6000 f3"));
const worldCode = fromHex(
  hex(
    `0x61${WORLD_ITER.toString(16).padStart(4, "0")} 5b 80 80 611eef 02 55 6001 81 03 611eef 02 54 50 80 600a 90 06 603f 57` +
      ` 6020 6000 6000 6000 6000 73${Buffer.from(calleeAddr).toString("hex")} 5a f1 50` +
      ` 5b 6001 90 03 80 6003 57 00`,
  ),
);
const self = new Uint8Array(20).fill(0x11);
const world = generateFrame({
  code: worldCode,
  address: self,
  gas: 29_000_000n,
  block: referenceBlock(1000n, 42n),
  world: buildWorld([
    { address: self, code: worldCode, balance: 1n },
    { address: calleeAddr, code: callee, storage: new Map([[0n, 1n]]) },
  ]),
});
measure("storage and calls", `storage and calls (${WORLD_ITER} iterations, frame mode)`, {
  mode: "frame",
  request: {},
  ...world,
});

// ---- a block with user transactions (block mode) ----
const TXS = Number(process.env.ORE_BENCH_PF_TXS ?? 100);
measure("block", `block (a deposit and ${TXS} user transactions, block mode)`, blockSample(TXS));

report("proofFile", rows, notes);
