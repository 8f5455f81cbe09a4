/**
 * Differential-test helpers for the step machine (tests and benchmarks only): run a frame-mode
 * request on the machine in generator mode, re-verifying every step from its witness alone, and
 * compare it with @ethereumjs/evm opcode by opcode (pc, gas, stack, memory size before every
 * opcode; status, gas left, output, refund, state roots at the end).
 */
import { expect } from "bun:test";
import { bytesToHex } from "@ethereumjs/util";
import { toHex } from "../bytes.ts";
import { fakeBlockHash, type OpState, referenceBlock, runReference } from "./evmReference.ts";
import { type FrameRequest, writeFrameState } from "./frameState.ts";
import { readResult, running } from "./generator.ts";
import { frameG, G, gLog, gLogData, gLogDataLen, Phase, WalkMode } from "./layout.ts";
import { type MachineOptions, StepMachine } from "./machine.ts";
import { verifyStep } from "./verifier.ts";
import { decodeWitness } from "./witness.ts";
import type { WorldAccount } from "./world.ts";

/** A request with a full context (caller, address, origin, value, block) derived from `seed`. */
export function context(
  req: { code: Uint8Array; calldata?: Uint8Array; gas: bigint },
  seed = 1,
): FrameRequest {
  return {
    ...req,
    caller: fakeBlockHash(BigInt(seed)).subarray(0, 20),
    address: fakeBlockHash(BigInt(seed + 1)).subarray(0, 20),
    origin: fakeBlockHash(BigInt(seed + 2)).subarray(0, 20),
    value: 12345n * BigInt(seed),
    gasPrice: 99n,
    blobHashes: [fakeBlockHash(7n), fakeBlockHash(8n)],
    block: referenceBlock(900n, 42n),
  };
}

let skipped = 0;

/** How many programs `agree` ran without a reference (it could not trace them). */
export function skippedByReference(): number {
  return skipped;
}

/** What a machine run left. */
export interface MachineRun {
  ops: OpState[];
  steps: number;
  status: number;
  gasLeft: bigint;
  output: Uint8Array;
  refund: bigint;
  worldRoot: Uint8Array;
  /** The transaction's logs: address, topics, data (hex). */
  logs: string[];
  maxWitness: number;
  maxPreimages: number;
}

/** Runs `req` in generator mode; every step is re-verified from its witness unless `verify` is false. */
export function runMachine(
  req: FrameRequest,
  opts: { memory?: boolean; verify?: boolean; machine?: MachineOptions } = {},
): MachineRun {
  const m = new StepMachine("generator", opts.machine);
  writeFrameState(m, req);
  const ops: OpState[] = [];
  let root = m.root();
  let steps = 0;
  let maxWitness = 0;
  let maxPreimages = 0;
  while (running(m)) {
    const depth = m.getU64(G.depth);
    const f = frameG(depth);
    const atOpcode =
      m.getU64(G.phase) === BigInt(Phase.Exec) &&
      m.getU64(G.walkMode) === BigInt(WalkMode.Idle) &&
      m.getU64(f.cursor) === 0n &&
      m.getU64(f.stage) === 0n;
    if (atOpcode) {
      const n = Number(m.getU64(f.stackLen));
      const stack: bigint[] = [];
      for (let i = 0; i < n; i++) stack.push(BigInt(bytesToHex(m.getLeaf(f.stack(BigInt(i))))));
      const msize = Number(m.getU64(f.memLen));
      let memory: Uint8Array | undefined;
      if (opts.memory) {
        memory = new Uint8Array(msize);
        for (let j = 0; j * 32 < msize; j++) memory.set(m.getLeaf(f.mem(BigInt(j))), j * 32);
      }
      const pc = Number(m.getU64(f.pc));
      // Running off the end of the code is an implicit STOP: the machine takes it as a step (it
      // reads a STOP past the code), the reference stops without a step event.
      if (pc < Number(m.getU64(f.codeLen))) {
        ops.push({ depth: Number(depth), pc, gasLeft: m.getU64(f.gas), stack, msize, memory });
      }
    }
    m.step(steps);
    const post = m.root();
    const w = m.packWitness();
    maxWitness = Math.max(maxWitness, w.length);
    if (opts.verify !== false) {
      maxPreimages = Math.max(maxPreimages, decodeWitness(w).preimages.length);
      const v = verifyStep(root, w, post, opts.machine);
      if (!v.ok) throw new Error(`step ${steps}: ${v.reason}`);
    }
    root = post;
    steps++;
  }
  const r = readResult(m);
  return {
    ops,
    steps,
    status: r.status,
    gasLeft: r.gasLeft,
    output: r.output,
    refund: m.getU64(G.refund),
    worldRoot: m.getLeaf(G.worldRoot),
    logs: readLogs(m),
    maxWitness,
    maxPreimages,
  };
}

/** The logs in the machine's state, each as `address topics.. : data` in hex. */
export function readLogs(m: StepMachine): string[] {
  const out: string[] = [];
  const n = m.getU64(G.logsCount);
  for (let i = 0n; i < n; i++) {
    const address = bytesToHex(m.getLeaf(gLog(i, 0n)).subarray(12));
    const topics: string[] = [];
    for (let t = 0n; t < m.getU64(gLog(i, 1n)); t++) topics.push(bytesToHex(m.getLeaf(gLog(i, 2n + t))));
    const len = Number(m.getU64(gLogDataLen(i)));
    const data = new Uint8Array(len);
    for (let j = 0; j * 32 < len; j++) {
      data.set(m.getLeaf(gLogData(i, BigInt(j))).subarray(0, Math.min(32, len - j * 32)), j * 32);
    }
    out.push(`${address} ${topics.join(" ")} : ${bytesToHex(data)}`);
  }
  return out;
}

/**
 * Runs `req` on the machine and on @ethereumjs/evm (over `opts.accounts`, the world `req.world`
 * was built from) and requires them to agree; returns the machine's run.
 */
export async function agree(
  req: FrameRequest,
  opts: {
    memory?: boolean;
    verify?: boolean;
    accounts?: readonly WorldAccount[];
    machine?: MachineOptions;
  } = {},
): Promise<MachineRun> {
  let ref: Awaited<ReturnType<typeof runReference>>;
  try {
    ref = await runReference(req, { ...opts, kzg: opts.machine?.kzg });
  } catch (e) {
    // @ethereumjs's step hook reads REVERT's memory range before charging for it, and throws on a
    // length of 2^53 or more: the reference cannot trace that program; the machine must still run.
    if (!(e instanceof RangeError)) throw e;
    skipped++;
    return runMachine(req, opts);
  }
  if (req.world) expect(toHex(req.world.root)).toBe(toHex(ref.preStateRoot));
  const got = runMachine(req, opts);
  const n = Math.min(ref.ops.length, got.ops.length);
  for (let i = 0; i < n; i++) {
    const a = got.ops[i];
    const b = ref.ops[i];
    if (
      a.pc !== b.pc ||
      a.gasLeft !== b.gasLeft ||
      a.msize !== b.msize ||
      a.stack.join() !== b.stack.join()
    ) {
      throw new Error(
        `opcode ${i} differs: machine pc ${a.pc} gas ${a.gasLeft} msize ${a.msize} stack [${a.stack.map((x) => x.toString(16))}]` +
          ` vs reference pc ${b.pc} gas ${b.gasLeft} msize ${b.msize} stack [${b.stack.map((x) => x.toString(16))}]` +
          ` (code ${bytesToHex(req.code)})`,
      );
    }
    if (a.memory && b.memory) expect(bytesToHex(a.memory)).toBe(bytesToHex(b.memory));
  }
  expect(got.ops.length).toBe(ref.ops.length);
  expect({ status: got.status, gasLeft: got.gasLeft, output: bytesToHex(got.output) }).toEqual({
    status: ref.status,
    gasLeft: ref.gasLeft,
    output: bytesToHex(ref.output),
  });
  if (got.status === 1) {
    expect(got.refund).toBe(ref.refund);
    expect(got.logs).toEqual(ref.logs);
  }
  if (req.world) expect(toHex(got.worldRoot)).toBe(toHex(ref.postStateRoot));
  return got;
}
