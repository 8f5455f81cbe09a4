/**
 * The witness generator (docs/fault-proof.md §8): runs the step machine in generator mode from
 * a starting state, recording every step root and, per step, the packed witness and the
 * gindices it accessed; and lazy mode, which computes only requested roots.
 */
import { MissingPreimageError, ProofFormatError } from "./errors.ts";
import { type FrameRequest, writeFrameState } from "./frameState.ts";
import { frameG, G, Phase } from "./layout.ts";
import { type MachineOptions, StepMachine } from "./machine.ts";

/** How the top frame ended (read from `tx` after the trace). */
export interface FrameResult {
  /** 1 success, 2 reverted, 3 exceptional halt (`TxStatus`). */
  status: number;
  gasLeft: bigint;
  /** RETURN/REVERT data (empty otherwise). */
  output: Uint8Array;
  /** The refund counter when the frame halted (what the transaction's end would cap and pay). */
  refund: bigint;
}

/** A generated trace. */
export interface Trace {
  /** Step roots r[0..steps]. */
  roots: Uint8Array[];
  /** Per step: the witness bytes (§8.2). Empty when generated without witnesses. */
  witnesses: Uint8Array[];
  /** Per step: the gindices read or written, sorted. Empty without witnesses. */
  access: bigint[][];
  /** Per step: the kinds of its witness's preimages (`StepMachine.preimageKinds`). */
  kinds: number[][];
  result: FrameResult;
}

/** Options of a generation run. */
export interface GenerateOptions {
  /** Stop with an error after this many steps (default 10,000,000). */
  maxSteps?: number;
  /** Pack per-step witnesses and access lists (default true). */
  witnesses?: boolean;
  /** The machine's options (a KZG for point evaluation). */
  machine?: MachineOptions;
}

/** The top frame's outcome from a machine whose trace has ended. */
export function readResult(m: StepMachine): FrameResult {
  const status = Number(m.getU64(G.txStatus));
  const gasLeft = m.getU64(G.txGasLeft);
  const off = m.getU64(G.txOutOffset);
  const size = m.getU64(G.txOutSize);
  const output = new Uint8Array(Number(size));
  for (let i = 0n; i < size; ) {
    const p = off + i;
    const w = m.getLeaf(frameG(0n).mem(p >> 5n));
    const s = Number(p & 31n);
    const take = Math.min(32 - s, Number(size - i));
    output.set(w.subarray(s, s + take), Number(i));
    i += BigInt(take);
  }
  return { status, gasLeft, output, refund: m.getU64(G.refund) };
}

/** Whether a frame-mode trace goes on: the top frame has not halted (a child may be returning). */
export function running(m: StepMachine): boolean {
  const phase = Number(m.getU64(G.phase));
  return phase === Phase.Exec || phase === Phase.FrameExit;
}

/** Fetches a preimage the machine misses, asynchronously (an engine's `debug_dbGet`). */
export type AsyncPreimageSource = (hash: Uint8Array) => Promise<Uint8Array | undefined>;

/**
 * One step, yielding the hash of every preimage the machine misses (after `req.world`'s own
 * source had no answer) and retrying with what the caller sends back.
 */
export function* stepOnce(m: StepMachine, n: number): Generator<Uint8Array, void, Uint8Array | undefined> {
  for (;;) {
    try {
      m.step(n);
      return;
    } catch (e) {
      if (!(e instanceof MissingPreimageError)) throw e;
      const bytes = yield e.hash;
      if (bytes === undefined) throw e;
      m.addPreimage(bytes);
    }
  }
}

/** Runs a trace generator, answering no missing preimage (the machine's own source had none). */
export function runSync<T>(g: Generator<Uint8Array, T, Uint8Array | undefined>): T {
  let r = g.next();
  while (!r.done) r = g.next(undefined);
  return r.value;
}

/** Runs a trace generator, fetching every missing preimage with `fetch`. */
export async function runAsync<T>(
  g: Generator<Uint8Array, T, Uint8Array | undefined>,
  fetch: AsyncPreimageSource,
): Promise<T> {
  let r = g.next();
  while (!r.done) r = g.next(await fetch(r.value));
  return r.value;
}

function* traceFrame(
  req: FrameRequest,
  opts: GenerateOptions,
): Generator<Uint8Array, Trace, Uint8Array | undefined> {
  const maxSteps = opts.maxSteps ?? 10_000_000;
  const withWitnesses = opts.witnesses ?? true;
  const m = new StepMachine(withWitnesses ? "generator" : "lazy", opts.machine);
  writeFrameState(m, req);
  const roots = [m.root()];
  const witnesses: Uint8Array[] = [];
  const access: bigint[][] = [];
  const kinds: number[][] = [];
  let n = 0;
  while (running(m)) {
    if (n >= maxSteps) throw new ProofFormatError(`trace longer than maxSteps ${maxSteps}`);
    yield* stepOnce(m, n);
    roots.push(m.root());
    if (withWitnesses) {
      witnesses.push(m.packWitness());
      access.push(m.accessList());
      kinds.push(m.preimageKinds());
    }
    n++;
  }
  return { roots, witnesses, access, kinds, result: readResult(m) };
}

function* rootsAt(
  req: FrameRequest,
  indices: readonly number[],
  opts: { maxSteps?: number; machine?: MachineOptions },
): Generator<Uint8Array, Map<number, Uint8Array>, Uint8Array | undefined> {
  const maxSteps = opts.maxSteps ?? 10_000_000;
  const m = new StepMachine("lazy", opts.machine);
  writeFrameState(m, req);
  return yield* lazyRoots(m, indices, maxSteps, running);
}

/**
 * Lazy mode's loop (§8.4) over a prepared machine: steps `m` while `live(m)`, merkleizing only at
 * the requested indices (sorted, deduplicated; an index past the end gets the final root).
 */
export function* lazyRoots(
  m: StepMachine,
  indices: readonly number[],
  maxSteps: number,
  live: (m: StepMachine) => boolean,
): Generator<Uint8Array, Map<number, Uint8Array>, Uint8Array | undefined> {
  const want = [...new Set(indices)].sort((a, b) => a - b);
  const out = new Map<number, Uint8Array>();
  let n = 0;
  let k = 0;
  let going = live(m);
  while (k < want.length) {
    if (want[k] === n || !going) {
      out.set(want[k++], m.root());
      continue;
    }
    if (n >= maxSteps) throw new ProofFormatError(`trace longer than maxSteps ${maxSteps}`);
    yield* stepOnce(m, n);
    n++;
    going = live(m);
  }
  return out;
}

/** Runs `req` in frame mode with full generation: every root, every witness. */
export function generateFrame(req: FrameRequest, opts: GenerateOptions = {}): Trace {
  return runSync(traceFrame(req, opts));
}

/** {@link generateFrame}, asking `fetch` for the preimages `req.world` does not have. */
export function generateFrameAsync(
  req: FrameRequest,
  fetch: AsyncPreimageSource,
  opts: GenerateOptions = {},
): Promise<Trace> {
  return runAsync(traceFrame(req, opts), fetch);
}

/**
 * Lazy mode (§8.4): the roots r[i] for the requested step indices only (sorted, deduplicated;
 * an index past the end of the trace maps to the final root, as a k-section game treats the
 * padded tail). Merkleizes only at those indices.
 */
export function frameRootsAt(
  req: FrameRequest,
  indices: readonly number[],
  opts: { maxSteps?: number; machine?: MachineOptions } = {},
): Map<number, Uint8Array> {
  return runSync(rootsAt(req, indices, opts));
}

/** {@link frameRootsAt}, asking `fetch` for the preimages `req.world` does not have. */
export function frameRootsAtAsync(
  req: FrameRequest,
  indices: readonly number[],
  fetch: AsyncPreimageSource,
  opts: { maxSteps?: number; machine?: MachineOptions } = {},
): Promise<Map<number, Uint8Array>> {
  return runAsync(rootsAt(req, indices, opts), fetch);
}
