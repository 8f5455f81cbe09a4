/**
 * Loader of the `mpt` WASM module (`wasm/assembly/mpt/`): compiles the embedded bytes once,
 * instantiates synchronously (same code path under Bun, Deno and browsers) and hands out the
 * typed exports. The ABI is written down in `docs/mpt.md`, section "WASM module ABI".
 */
import { wasmBytes } from "./dist/mpt.wasm.ts";

/** Typed exports of the `mpt` module. */
export interface MptWasm {
  /** The module's memory; its buffer changes identity whenever it grows. */
  readonly memory: WebAssembly.Memory;
  /** First free byte past static data, 8-aligned: where the input entries go. */
  heapBase(): number;
  /** Root of `count` entries written from `heapBase()` over `inputLen` bytes; returns the root's address. */
  build(inputLen: number, count: number, secure: number): number;
  /** Verifies the proof written from `heapBase()`: 1 value found, 0 valid absence, -1 invalid. */
  verify(count: number, keyLen: number): number;
  /** Address of the value the last successful `verify` found. */
  valuePtr(): number;
  /** Length of the value the last successful `verify` found. */
  valueLen(): number;
}

let compiled: WebAssembly.Module | undefined;
let instance: MptWasm | undefined;

/** The shared instance, created on first use. */
export function mptWasm(): MptWasm {
  if (instance === undefined) {
    compiled ??= new WebAssembly.Module(wasmBytes as Uint8Array<ArrayBuffer>);
    // Built with --noAssert and the stub runtime: the module imports nothing.
    instance = new WebAssembly.Instance(compiled, {}).exports as unknown as MptWasm;
  }
  return instance;
}

/**
 * Drops the shared instance when its memory has grown past `keepBytes`, so a one-off huge build
 * does not pin that memory for the life of the process (WASM memory never shrinks); the next call
 * to {@link mptWasm} instantiates afresh from the compiled module, which is cheap.
 */
export function releaseMptWasm(keepBytes: number): void {
  if (instance !== undefined && instance.memory.buffer.byteLength > keepBytes) instance = undefined;
}
