/**
 * Synchronous loader of the `keccak` WASM module (`wasm/assembly/keccak/`): instantiates it from
 * the embedded bytes with `new WebAssembly.Module`, so Bun, Deno and browsers load it the same way
 * with no file access and no `await`. The module's ABI and memory layout are in `wasm/README.md`.
 */
import { wasmBytes } from "./dist/keccak.wasm.ts";

/** The functions and layout constants the `keccak` module exports (see `wasm/README.md`). */
export interface KeccakExports {
  readonly memory: WebAssembly.Memory;
  readonly STATE_PTR: WebAssembly.Global;
  readonly LENS_PTR: WebAssembly.Global;
  readonly OUT_PTR: WebAssembly.Global;
  readonly DATA_PTR: WebAssembly.Global;
  readonly DATA_BYTES: WebAssembly.Global;
  readonly MAX_BATCH: WebAssembly.Global;
  readonly RATE: WebAssembly.Global;
  hash(len: number): void;
  hashMany(count: number): void;
  absorb(len: number): void;
  finish(len: number): void;
  permute(): void;
  heapBase(): number;
}

/**
 * The instantiated `keccak` module: its functions, its buffer offsets as plain numbers, and
 * views of its memory. Views are cached; `bytes()`/`words()` return fresh ones if the memory
 * has grown since (growing detaches the old `ArrayBuffer`, leaving cached views empty).
 */
export interface KeccakWasm {
  readonly exports: KeccakExports;
  readonly statePtr: number;
  readonly lensPtr: number;
  readonly outPtr: number;
  readonly dataPtr: number;
  readonly dataBytes: number;
  readonly maxBatch: number;
  readonly rate: number;
  /** A `Uint8Array` over the whole current memory. */
  bytes(): Uint8Array;
  /** A `Uint32Array` over the whole current memory (for the batch length table). */
  words(): Uint32Array;
}

function instantiate(): KeccakWasm {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes as BufferSource), {});
  const ex = instance.exports as unknown as KeccakExports;
  const num = (g: WebAssembly.Global): number => Number(g.value);
  let u8 = new Uint8Array(ex.memory.buffer);
  let u32 = new Uint32Array(ex.memory.buffer);
  const wasm: KeccakWasm = {
    exports: ex,
    statePtr: num(ex.STATE_PTR),
    lensPtr: num(ex.LENS_PTR),
    outPtr: num(ex.OUT_PTR),
    dataPtr: num(ex.DATA_PTR),
    dataBytes: num(ex.DATA_BYTES),
    maxBatch: num(ex.MAX_BATCH),
    rate: num(ex.RATE),
    bytes() {
      if (u8.byteLength === 0) u8 = new Uint8Array(ex.memory.buffer);
      return u8;
    },
    words() {
      if (u32.byteLength === 0) u32 = new Uint32Array(ex.memory.buffer);
      return u32;
    },
  };
  // The buffers sit at fixed offsets; the module's static data must end below them, and the
  // initial memory must hold them. Both are build-time facts, so a failure is a build bug.
  const end = wasm.dataPtr + wasm.dataBytes;
  if (ex.heapBase() > wasm.statePtr || ex.memory.buffer.byteLength < end) {
    throw new Error(
      `keccak.wasm layout broken: heap base ${ex.heapBase()}, memory ${ex.memory.buffer.byteLength}`,
    );
  }
  return wasm;
}

/** The process-wide instance of the `keccak` module, created on first import. */
export const keccakWasm: KeccakWasm = instantiate();
