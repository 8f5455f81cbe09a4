/**
 * Block-mode runs for the proof benchmark that keep memory flat on traces of millions of steps.
 * `streamBlock` is `generateBlock`'s full generation (per step: the root, the packed witness, the
 * access list and the preimage kinds, as `core/proof/txs.ts` records them) handing the steps to
 * the caller in chunks, with the time spent in the caller's hands left out of the generation time;
 * `blockRootsEvery` is its roots-only run (a lazy machine, a root after every step), as
 * `generateBlock(req, { witnesses: false })` without keeping the roots. `describeStep` names a step
 * from its witness alone (phase, walk, opcode).
 */
import type { Common } from "@ethereumjs/common";
import { getOpcodesForHF } from "@ethereumjs/evm";
import { ProofFormatError } from "../core/proof/errors.ts";
import { frameG, G, Phase, WalkMode } from "../core/proof/layout.ts";
import { StepMachine } from "../core/proof/machine.ts";
import { type BlockRequest, type TxOutcome, txOutcome, writeBlockState } from "../core/proof/txs.ts";

/** A run of consecutive steps: `roots[i]` and `roots[i + 1]` bracket step `start + i`. */
export interface Chunk {
  start: number;
  roots: Uint8Array[];
  witnesses: Uint8Array[];
  /** Per step: how many gindices it read or wrote. */
  leaves: number[];
  /** Per step: what it was, from the state before it (a phase, or the MPT walk). */
  classes: string[];
}

/** What a streamed generation ends with. */
export interface StreamResult {
  steps: number;
  /** Seconds spent generating (the caller's chunk handling left out). */
  seconds: number;
  finalRoot: Uint8Array;
  outcomes: TxOutcome[];
  blockGasUsed: bigint;
  worldRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  /** The roots at the indices asked for in `keepRootsAt`. */
  kept: Map<number, Uint8Array>;
}

const PHASE_NAMES = Object.fromEntries(Object.entries(Phase).map(([k, v]) => [v, k]));
const WALK_NAMES = Object.fromEntries(Object.entries(WalkMode).map(([k, v]) => [v, k]));

function classOf(m: StepMachine, phase: number): string {
  const walk = Number(m.getU64(G.walkMode));
  return walk === WalkMode.Idle ? PHASE_NAMES[phase]! : `walk ${WALK_NAMES[walk]}`;
}

/**
 * Full generation of `req` in block mode, handing every `chunkSteps` steps to `onChunk`. Throws
 * if the block restarts with its deposits only (an invalid transaction) or runs past `maxSteps`.
 */
export function streamBlock(
  req: BlockRequest,
  opts: {
    chunkSteps?: number;
    maxSteps?: number;
    keepRootsAt?: ReadonlySet<number>;
    onChunk: (c: Chunk) => void;
  },
): StreamResult {
  const chunkSteps = opts.chunkSteps ?? 4096;
  const max = opts.maxSteps ?? 20_000_000;
  const m = new StepMachine("generator");
  writeBlockState(m, req);
  const outcomes: TxOutcome[] = [];
  const kept = new Map<number, Uint8Array>();
  let seconds = 0;
  let phase = Number(m.getU64(G.phase));
  let cls = classOf(m, phase);
  let root = m.root();
  if (opts.keepRootsAt?.has(0)) kept.set(0, root);
  let chunk: Chunk = { start: 0, roots: [root], witnesses: [], leaves: [], classes: [] };
  let n = 0;
  let t0 = performance.now();
  for (; phase !== Phase.Done; n++) {
    if (n >= max) throw new ProofFormatError(`trace longer than maxSteps ${max}`);
    const before = phase;
    chunk.classes.push(cls);
    m.step(n);
    root = m.root();
    chunk.roots.push(root);
    chunk.witnesses.push(m.packWitness());
    chunk.leaves.push(m.accessList().length);
    m.preimageKinds();
    phase = Number(m.getU64(G.phase));
    cls = classOf(m, phase);
    if (before === Phase.TxFinalize && phase === Phase.TxLoad) outcomes.push(txOutcome(m));
    if (phase === Phase.BlockStart && before !== Phase.BlockStart) {
      throw new ProofFormatError(`transaction ${m.getU64(G.txIndex)} is invalid: the block restarted`);
    }
    if (opts.keepRootsAt?.has(n + 1)) kept.set(n + 1, root);
    if (chunk.witnesses.length === chunkSteps) {
      seconds += (performance.now() - t0) / 1000;
      opts.onChunk(chunk);
      chunk = { start: n + 1, roots: [root], witnesses: [], leaves: [], classes: [] };
      t0 = performance.now();
    }
  }
  seconds += (performance.now() - t0) / 1000;
  if (chunk.witnesses.length > 0) opts.onChunk(chunk);
  return {
    steps: n,
    seconds,
    finalRoot: root,
    outcomes,
    blockGasUsed: m.getU64(G.blockGasUsed),
    worldRoot: m.getLeaf(G.worldRoot),
    receiptsRoot: m.getLeaf(G.receiptsRoot),
    kept,
  };
}

/** The roots-only run: a lazy machine computing the root after every step. */
export function blockRootsEvery(req: BlockRequest): { steps: number; finalRoot: Uint8Array } {
  const m = new StepMachine("lazy");
  writeBlockState(m, req);
  let root = m.root();
  let n = 0;
  while (Number(m.getU64(G.phase)) !== Phase.Done) {
    m.step(n++);
    root = m.root();
  }
  return { steps: n, finalRoot: root };
}

let reader: StepMachine | undefined;

/**
 * Names the step a witness proves, from the witness's own partial tree: its transaction's index
 * (when the step read it), and the phase (or the MPT walk and its level) and, in `Exec`, the frame depth, the opcode and its
 * stage. Fields the step did not touch are absent from the witness and left out.
 */
export function describeStep(witness: Uint8Array, common: Common): { tx?: number; text: string } {
  reader ??= new StepMachine("verifier");
  const m = reader;
  m.loadWitness(witness);
  const get = (g: bigint): bigint | undefined => {
    try {
      return m.getU64(g);
    } catch {
      return undefined;
    }
  };
  const parts: string[] = [];
  const txIndex = get(G.txIndex);
  const tx = txIndex === undefined ? {} : { tx: Number(txIndex) };
  const walk = get(G.walkMode);
  const phase = get(G.phase);
  if (walk !== undefined && walk !== 0n) {
    parts.push(`MPT walk ${WALK_NAMES[Number(walk)]}, level ${get(G.walkLevel) ?? "?"}`);
    return { ...tx, text: parts.join(", ") };
  }
  if (phase === undefined) return { ...tx, text: "phase not in the witness" };
  parts.push(PHASE_NAMES[Number(phase)] ?? `phase ${phase}`);
  if (Number(phase) === Phase.Exec) {
    const depth = get(G.depth) ?? 0n;
    const f = frameG(depth);
    const pc = get(f.pc);
    parts.push(`depth ${depth}`);
    if (pc !== undefined) {
      try {
        const chunk = m.getLeaf(f.code(pc / 31n));
        const op = chunk[1 + Number(pc % 31n)]!;
        const name = getOpcodesForHF(common).opcodes.get(op)?.name ?? "unknown";
        parts.push(`${name} (0x${op.toString(16).padStart(2, "0")}) at pc ${pc}`);
      } catch {
        parts.push(`pc ${pc}`);
      }
    }
    const stage = get(f.stage);
    if (stage) parts.push(`stage ${stage}`);
  } else {
    const stage = get(G.txStage);
    if (stage !== undefined) parts.push(`stage ${stage}`);
  }
  return { ...tx, text: parts.join(", ") };
}
