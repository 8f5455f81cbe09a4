/**
 * Loader of the `step` WASM module (`wasm/assembly/step/`, the fault-proof step function):
 * compiles the embedded bytes once and instantiates synchronously, so Bun, Deno and browsers
 * load it the same way. Each call to {@link createStepWasm} gives an independent instance
 * (its own state tree): a generator and a verifier never share one. ABI: `docs/fault-proof.md`,
 * §9 "ABI of `wasm/dist/step.wasm`"; semantics: the rest of that document.
 */
import { wasmBytes } from "./dist/step.wasm.ts";

/** Raw exports of the `step` module. Gindices are `bigint` (wasm i64). */
export interface StepExports {
  readonly memory: WebAssembly.Memory;
  readonly IO_PTR: WebAssembly.Global;
  readonly WIT_PTR: WebAssembly.Global;
  readonly WIT_BYTES: WebAssembly.Global;
  readonly STATE_VERSION: WebAssembly.Global;
  readonly MISS_PTR: WebAssembly.Global;
  readonly PREIMAGE_PTR: WebAssembly.Global;
  reset(generator: number): void;
  setLeaf(g: bigint): void;
  zeroAt(g: bigint, h: number): void;
  getLeaf(g: bigint): void;
  root(): void;
  addPreimage(len: number): void;
  step(): void;
  packWitness(): number;
  loadWitness(len: number): void;
  accessCount(): number;
  accessAt(i: number): bigint;
  fetchCount(): number;
  fetchKind(i: number): number;
  errorCode(): number;
  errorArg(): bigint;
  opcodeSupported(op: number): number;
}

/** One instance of the `step` module with its buffer offsets and a fresh-view accessor. */
export interface StepWasm {
  readonly exports: StepExports;
  readonly ioPtr: number;
  readonly witPtr: number;
  readonly witBytes: number;
  readonly stateVersion: number;
  /** A `Uint8Array` over the whole current memory (recreated after growth). */
  bytes(): Uint8Array;
}

/** The functions the `step` module imports (module `host`). */
export interface StepHost {
  /**
   * Runs precompile `id` on `inLen` bytes at `inPtr` with `gas`, writing at most `outCap` bytes
   * at `outPtr`; returns `gasUsed · 2^32 + outLength`, -1 on failure, -2 if it cannot.
   */
  precompile(id: number, inPtr: number, inLen: number, gas: bigint, outPtr: number, outCap: number): bigint;
}

let compiled: WebAssembly.Module | undefined;

/**
 * A new, independent instance of the `step` module; `host(wasm)` builds its imports once the
 * instance (and so its memory) exists.
 */
export function createStepWasm(host?: (wasm: StepWasm) => StepHost): StepWasm {
  compiled ??= new WebAssembly.Module(wasmBytes as Uint8Array<ArrayBuffer>);
  let impl: StepHost | undefined;
  const imports = {
    host: {
      precompile: (id: number, inPtr: number, inLen: number, gas: bigint, outPtr: number, outCap: number) =>
        impl ? impl.precompile(id, inPtr, inLen, gas, outPtr, outCap) : -2n,
    },
  };
  const ex = new WebAssembly.Instance(compiled, imports).exports as unknown as StepExports;
  let u8 = new Uint8Array(ex.memory.buffer);
  const wasm: StepWasm = {
    exports: ex,
    ioPtr: Number(ex.IO_PTR.value),
    witPtr: Number(ex.WIT_PTR.value),
    witBytes: Number(ex.WIT_BYTES.value),
    stateVersion: Number(ex.STATE_VERSION.value),
    bytes() {
      if (u8.byteLength === 0 || u8.buffer !== ex.memory.buffer) u8 = new Uint8Array(ex.memory.buffer);
      return u8;
    },
  };
  impl = host?.(wasm);
  return wasm;
}
