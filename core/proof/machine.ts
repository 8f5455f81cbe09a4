/**
 * A step machine: one instance of the `step` WASM module (docs/fault-proof.md §9) with typed,
 * checked access from JS. In generator mode it holds the whole state tree and logs accesses;
 * in verifier mode its tree comes from a witness. WASM traps are turned into the errors of
 * `errors.ts`; a machine that trapped in generator mode must be rebuilt (`empty()`).
 */
import { createStepWasm, type StepHost, type StepWasm } from "../../wasm/step.ts";
import { toHex } from "../bytes.ts";
import {
  InvalidWitnessError,
  MachineError,
  MissingPreimageError,
  type ProofError,
  UnsupportedStepError,
} from "./errors.ts";
import { Phase, type Shape, STATE_SHAPE, shapeWrites } from "./layout.ts";
import { cancunPrecompiles, type KzgVerifier, type PrecompileHost } from "./precompiles.ts";

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
  missingPreimage: 9,
  fetchAfterWrite: 10,
  badNode: 11,
  unsupportedPrecompile: 12,
  precompileTooLarge: 13,
  unsupportedTx: 14,
  emptyAccount: 15,
} as const;

let defaultPrecompiles: PrecompileHost | undefined;

/** The machine's `host` imports over a precompile runner. */
function hostOf(run: PrecompileHost): (wasm: StepWasm) => StepHost {
  return (wasm) => ({
    precompile(id, inPtr, inLen, gas, outPtr, outCap) {
      const input = wasm.bytes().slice(inPtr, inPtr + inLen);
      const r = run(id, input, gas);
      if (r.ok === "unsupported") return -2n;
      if (!r.ok) return -1n;
      if (r.output.length > outCap) return -2n;
      wasm.bytes().set(r.output, outPtr);
      return (r.gasUsed << 32n) | BigInt(r.output.length);
    },
  });
}

/** Options of a {@link StepMachine}. */
export interface MachineOptions {
  /** KZG for precompile 0x0a (point evaluation); without it such a call is refused by name. */
  kzg?: KzgVerifier;
}

const ZERO_CHUNK = new Uint8Array(32);
const EMPTY_STATE = shapeWrites(STATE_SHAPE, 1n);

/**
 * Where a generator finds the keccak preimages (MPT nodes, code) its steps need: by hash,
 * `undefined` when unknown (the step then fails with {@link MissingPreimageError}).
 */
export type PreimageSource = (hash: Uint8Array) => Uint8Array | undefined;

/** One step machine (one WASM instance, one state tree). */
export class StepMachine {
  readonly wasm: StepWasm;
  /** Generator mode: complete tree, accesses logged. */
  readonly generator: boolean;
  /** Verifier mode: the tree and preimages come from one witness at a time. */
  readonly verifier: boolean;
  /** Where missing preimages are looked up (generator and lazy modes). */
  preimageSource: PreimageSource | undefined;

  constructor(mode: "generator" | "verifier" | "lazy", opts: MachineOptions = {}) {
    defaultPrecompiles ??= cancunPrecompiles();
    const run = opts.kzg ? cancunPrecompiles(opts.kzg) : defaultPrecompiles;
    this.wasm = createStepWasm(hostOf(run));
    // Lazy mode is a generator that logs nothing (no witnesses), only roots on request.
    this.generator = mode === "generator";
    this.verifier = mode === "verifier";
    this.wasm.exports.reset(this.generator ? 1 : 0);
  }

  /** Resets the tree to the empty step state (§2: every field zero) and drops all preimages. */
  empty(): void {
    this.call(() => this.wasm.exports.reset(this.generator ? 1 : 0));
    this.writeShape(EMPTY_STATE);
  }

  /** Gives the subtree at gindex `g` the shape `s` (all zero; not logged). */
  setShape(s: Shape, g: bigint): void {
    this.writeShape(shapeWrites(s, g));
  }

  private writeShape(w: { zeros: [bigint, number][]; leaves: bigint[] }): void {
    const ex = this.wasm.exports;
    for (const [g, h] of w.zeros) this.call(() => ex.zeroAt(g, h));
    for (const g of w.leaves) this.setLeaf(g, ZERO_CHUNK);
  }

  /** Adds a keccak preimage (an MPT node, contract code or a transaction, at most 262,144 bytes). */
  addPreimage(bytes: Uint8Array): void {
    if (bytes.length === 0 || bytes.length > 262144) {
      throw new MachineError(`preimage must be 1..262144 bytes, found ${bytes.length}`);
    }
    this.wasm.bytes().set(bytes, Number(this.wasm.exports.PREIMAGE_PTR.value));
    this.call(() => this.wasm.exports.addPreimage(bytes.length));
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

  /** The big-endian word at gindex `g`. */
  getWord(g: bigint): bigint {
    let v = 0n;
    for (const b of this.getLeaf(g)) v = (v << 8n) | BigInt(b);
    return v;
  }

  /** The state root (32 bytes). */
  root(): Uint8Array {
    this.call(() => this.wasm.exports.root());
    const p = this.wasm.ioPtr;
    return this.wasm.bytes().slice(p, p + 32);
  }

  /**
   * Executes one step; `index` only labels errors. Outside verifier mode, a preimage the step
   * misses is asked of `preimageSource` and the step run again (it wrote nothing before).
   */
  step(index = -1): void {
    for (let tries = 0; ; tries++) {
      try {
        this.call(() => this.wasm.exports.step(), index);
        return;
      } catch (e) {
        if (!(e instanceof MissingPreimageError) || this.verifier || tries >= 8) throw e;
        const bytes = this.preimageSource?.(e.hash);
        if (bytes === undefined) throw e;
        this.addPreimage(bytes);
      }
    }
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
  /**
   * The kinds of the preimages the last step read, in its witness's order: 0 an MPT node, 1
   * contract code, 2 a transaction (the proof file's dicts, docs/fault-proof.md §8.3).
   */
  preimageKinds(): number[] {
    const ex = this.wasm.exports;
    return Array.from({ length: ex.fetchCount() }, (_, i) => ex.fetchKind(i));
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
      case ERR.missingPreimage: {
        const p = this.wasm.exports.MISS_PTR.value as number;
        const hash = this.wasm.bytes().slice(p, p + 32);
        if (this.verifier) {
          return new InvalidWitnessError(`invalid witness: missing preimage ${toHex(hash)}${at}`, {
            details,
            cause,
          });
        }
        return new MissingPreimageError(`missing preimage ${toHex(hash)}${at}`, hash, { details, cause });
      }
      case ERR.fetchAfterWrite:
        return new MachineError(`step fetched a preimage after writing the tree${at}`, { details, cause });
      case ERR.badNode:
        if (this.verifier) {
          return new InvalidWitnessError(`invalid witness: malformed MPT node reached${at}`, {
            details,
            cause,
          });
        }
        return new MachineError(`malformed MPT node reached${at} (byte ${arg})`, { details, cause });
      case ERR.unsupportedPrecompile:
        return new UnsupportedStepError(
          `unsupported precompile 0x${arg.toString(16).padStart(2, "0")}${at}`,
          {
            details,
            cause,
          },
        );
      case ERR.precompileTooLarge:
        return new UnsupportedStepError(
          `precompile input or output of ${arg} bytes is over the machine's one-step limit 262144${at}`,
          { details, cause },
        );
      case ERR.unsupportedTx:
        return new UnsupportedStepError(
          `unsupported transaction: ${arg === 0x100n ? "a malformed deposit" : arg === 0x200n ? "a deposit over the block's remaining gas" : `type ${arg}`}${at}`,
          { details, cause },
        );
      case ERR.emptyAccount:
        return new UnsupportedStepError(
          `unsupported state: an empty account (EIP-161), which the machine does not model${at}`,
          { details, cause },
        );
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
