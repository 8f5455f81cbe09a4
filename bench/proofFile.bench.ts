/**
 * `bun run bench proofFile`: the proof file (docs/fault-proof.md §8.3) on three workloads: the
 * proof bench's compute-and-memory loop in frame mode, its storage-and-calls loop (MPT nodes and
 * code as preimages), and a block in block mode (a deposit, then user transactions: transfers and
 * calls that store and log). For each: bytes per step of the raw witnesses and of versions 1, 2
 * and 3, and the time to write and read versions 2 and 3 (reading rebuilds every witness; v3's are
 * checked byte for byte). `ORE_BENCH_PF_ITER`, `ORE_BENCH_PF_WORLD_ITER`, `ORE_BENCH_PF_TXS` scale
 * them.
 */
import { createTx } from "@ethereumjs/tx";
import { Address, privateToAddress } from "@ethereumjs/util";
import { fromHex } from "../core/bytes.ts";
import { encodeDeposit } from "../core/engine/depositTx.ts";
import { keccak256 } from "../core/hash/keccak.ts";
import { referenceBlock } from "../core/proof/evmReference.ts";
import { generateFrame } from "../core/proof/generator.ts";
import type { Proof } from "../core/proof/proofFile.ts";
import { generateBlock } from "../core/proof/txs.ts";
import { buildWorld } from "../core/proof/world.ts";
import { oreCommon } from "../node/engine/vm.ts";
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
const common = oreCommon(901n);
const key = keccak256(Uint8Array.of(1));
const parent = buildWorld([
  { address: privateToAddress(key), balance: 10n ** 20n },
  { address: calleeAddr, code: callee, nonce: 1n },
]);
const txs: Uint8Array[] = [
  encodeDeposit({
    sourceHash: keccak256(Uint8Array.of(9)),
    from: new Uint8Array(20).fill(0xdd),
    to: calleeAddr,
    mint: 10n ** 18n,
    value: 0n,
    gas: 100_000n,
    isSystemTx: false,
    data: new Uint8Array(0),
  }),
];
for (let i = 0; i < TXS; i++) {
  const call = i % 2 === 1;
  const to = call ? calleeAddr : new Uint8Array(20).fill(0x77);
  const tx = { type: 2, nonce: BigInt(i), to: new Address(to), value: call ? 0n : 1000n, gasLimit: 100_000n };
  const fees = { maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 1n };
  txs.push(
    createTx({ ...tx, ...fees }, { common })
      .sign(key)
      .serialize(),
  );
}
const block = generateBlock({
  parentHash: new Uint8Array(32),
  number: 2n,
  timestamp: 1_700_000_000n,
  prevRandao: new Uint8Array(32),
  feeRecipient: new Uint8Array(20).fill(0xc0),
  gasLimit: 30_000_000n,
  baseFee: 1000n,
  parentBeaconRoot: new Uint8Array(32),
  parentStateRoot: parent.root,
  txs,
  chainId: 901n,
  blobBaseFee: 1n,
  preimages: parent.preimages,
});
measure("block", `block (a deposit and ${TXS} user transactions, block mode)`, {
  mode: "block",
  request: {},
  ...block,
  result: {
    worldRoot: block.worldRoot,
    gasUsed: block.blockGasUsed,
    receiptsRoot: block.receiptsRoot,
    logsBloom: block.logsBloom,
    blockHash: block.blockHash,
    outputRoot: block.outputRoot,
  },
});

report("proofFile", rows, notes);
