/**
 * A step machine: one instance of the `step` WASM module (docs/fault-proof.md §9) with typed,
 * checked access from JS. In generator mode it holds the whole state tree and logs accesses;
 * in verifier mode its tree comes from a witness. WASM traps are turned into the errors of
 * `errors.ts`; a machine that trapped in generator mode must be rebuilt (`empty()`).
 */
import { createStepWasm, type StepWasm } from "../../wasm/step.ts";
import { InvalidWitnessError, MachineError, type ProofError, UnsupportedStepError } from "./errors.ts";
import { Phase, ZERO_SUBTREES, zeroLeaves } from "./layout.ts";

const PHASE_NAMES = Object.fromEntries(Object.entries(Phase).map(([k, v]) => [v, k]));

// Error codes of wasm/assembly/step/layout.ts.
const ERR = {
  missingNode: 1,
  unsupportedOpcode: 2,
  unsupportedPhase: 3,
  badEncoding: 4,
  logFull: 5,
  witnessFull: 6,
  overlap: 7,
  badState: 8,
} as const;

const EMPTY_LEAVES = zeroLeaves();
const ZERO_CHUNK = new Uint8Array(32);

/** One step machine (one WASM instance, one state tree). */
export class StepMachine {
  readonly wasm: StepWasm;
  /** Generator mode: complete tree, accesses logged. */
  readonly generator: boolean;

  constructor(mode: "generator" | "verifier" | "lazy") {
    this.wasm = createStepWasm();
    // Lazy mode is a generator that logs nothing (no witnesses), only roots on request.
    this.generator = mode === "generator";
    this.wasm.exports.reset(this.generator ? 1 : 0);
  }

  /** Resets the tree to the empty step state (§2: every field zero). */
  empty(): void {
    const ex = this.wasm.exports;
    this.call(() => ex.reset(this.generator ? 1 : 0));
    for (const [g, h] of ZERO_SUBTREES) this.call(() => ex.zeroAt(g, h));
    for (const g of EMPTY_LEAVES) this.setLeaf(g, ZERO_CHUNK);
  }

  /** Writes a 32-byte chunk at gindex `g` (building a state; not logged). */
  setLeaf(g: bigint, chunk: Uint8Array): void {
    if (chunk.length !== 32) throw new MachineError(`chunk must be 32 bytes, found ${chunk.length}`);
    this.wasm.bytes().set(chunk, this.wasm.ioPtr);
    this.call(() => this.wasm.exports.setLeaf(g));
  }

  /** Writes a uint64 chunk at gindex `g`. */
  setU64(g: bigint, v: bigint): void {
    const c = new Uint8Array(32);
    new DataView(c.buffer).setBigUint64(0, v, true);
    this.setLeaf(g, c);
  }

  /** Writes a big-endian word at gindex `g`. */
  setWord(g: bigint, v: bigint): void {
    const c = new Uint8Array(32);
    for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) c[i] = Number(v & 0xffn);
    this.setLeaf(g, c);
  }

  /** The chunk (or subtree root) at gindex `g` (not logged). */
  getLeaf(g: bigint): Uint8Array {
    this.call(() => this.wasm.exports.getLeaf(g));
    const p = this.wasm.ioPtr;
    return this.wasm.bytes().slice(p, p + 32);
  }

  /** The uint64 at gindex `g`. */
  getU64(g: bigint): bigint {
    return new DataView(this.getLeaf(g).buffer).getBigUint64(0, true);
  }

  /** The state root (32 bytes). */
  root(): Uint8Array {
    this.call(() => this.wasm.exports.root());
    const p = this.wasm.ioPtr;
    return this.wasm.bytes().slice(p, p + 32);
  }

  /** Executes one step; `index` only labels errors. */
  step(index = -1): void {
    this.call(() => this.wasm.exports.step(), index);
  }

  /** The last step's witness bytes (generator mode). */
  packWitness(): Uint8Array {
    const len = this.call(() => this.wasm.exports.packWitness());
    const p = this.wasm.witPtr;
    return this.wasm.bytes().slice(p, p + len);
  }

  /** The gindices the last step read or wrote, sorted and unique (generator mode). */
  accessList(): bigint[] {
    const ex = this.wasm.exports;
    const n = ex.accessCount();
    const set = new Set<bigint>();
    for (let i = 0; i < n; i++) set.add(ex.accessAt(i));
    return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Verifier mode: replaces the tree with the witness's partial tree. */
  loadWitness(witness: Uint8Array): void {
    if (witness.length > this.wasm.witBytes) {
      throw new InvalidWitnessError(`invalid witness: ${witness.length} bytes > limit ${this.wasm.witBytes}`);
    }
    this.wasm.bytes().set(witness, this.wasm.witPtr);
    this.call(() => this.wasm.exports.loadWitness(witness.length));
  }

  private call<T>(fn: () => T, index = -1): T {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      throw this.translate(e, index);
    }
  }

  private translate(cause: unknown, index: number): ProofError {
    const code = this.wasm.exports.errorCode();
    const arg = this.wasm.exports.errorArg();
    const at = index >= 0 ? ` at step ${index}` : "";
    const details = { code, arg: arg.toString(), step: index };
    switch (code) {
      case ERR.missingNode:
        return new InvalidWitnessError(`invalid witness: missing node at gindex ${arg}${at}`, {
          details,
          cause,
        });
      case ERR.badEncoding:
        return new InvalidWitnessError(`invalid witness: malformed encoding at byte ${arg}`, {
          details,
          cause,
        });
      case ERR.unsupportedOpcode:
        return new UnsupportedStepError(`unsupported opcode 0x${arg.toString(16).padStart(2, "0")}${at}`, {
          details,
          cause,
        });
      case ERR.unsupportedPhase:
        return new UnsupportedStepError(`unsupported phase ${PHASE_NAMES[Number(arg)] ?? arg}${at}`, {
          details,
          cause,
        });
      case ERR.logFull:
        return new MachineError(`access log full: ${arg} entries${at}`, { details, cause });
      case ERR.witnessFull:
        return new MachineError(`witness too large: over ${arg} bytes${at}`, { details, cause });
      case ERR.overlap:
        return new MachineError(`step wrote a subtree it also read inside: gindex ${arg}${at}`, {
          details,
          cause,
        });
      case ERR.badState:
        return new InvalidWitnessError(
          `invalid witness: state holds an impossible value at gindex ${arg}${at}`,
          {
            details,
            cause,
          },
        );
      default:
        return new MachineError(`step machine trapped${at}: ${(cause as Error).message}`, { details, cause });
    }
  }
}
