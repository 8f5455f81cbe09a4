/**
 * Synchronous loader of the `merkle` WASM module (`wasm/assembly/merkle/`), which runs Ore's
 * Merkle hashing loops on top of ChainSafe's as-sha256. Both modules are compiled once from
 * embedded bytes with `new WebAssembly.Module`, so Bun, Deno and browsers load them the same way
 * with no file access and no `await`. An instance pair is: one as-sha256 instance (SIMD build
 * when the engine validates it), and one merkle instance importing that instance's memory and
 * its `digest64` / `batchHash4UintArray64s` functions, so hashing is wasm-to-wasm.
 *
 * Memory layout of the shared memory (details in `wasm/README.md`):
 *   [0, base)              as-sha256: static data and the heap its start function allocated
 *   [base, base + 4096)    merkle: zero-hash table, levels 0..64 (2080 bytes)
 *   [base + 4096, ...)     merkle: working area, grown on demand for each call
 * `base` is the memory size right after as-sha256 is instantiated. as-sha256 allocates only in
 * its start function, and the merkle module has no data segments, so the regions never overlap.
 *
 * The functions below take already-validated input (the checks live in `core/merkle/`); each
 * makes one JS-to-WASM call. Memory never shrinks, so after a call that left the memory above
 * {@link RETAIN_BYTES} the instance pair is dropped and recreated on the next call: a one-off
 * 2^22-chunk tree does not pin hundreds of MiB for the life of the process.
 */
import { wasmCode } from "@chainsafe/as-sha256/lib/wasmCode.js";
import { wasmSimdCode } from "@chainsafe/as-sha256/lib/wasmSimdCode.js";
import { wasmBytes } from "./dist/merkle.wasm.ts";

/** The functions the `merkle` module exports (see `wasm/README.md`). */
export interface MerkleExports {
  setup(shaInput: number, zeroTable: number): void;
  merkleize(ptr: number, count: number, depth: number, keep: number): number;
  multiRoot(
    gindices: number,
    values: number,
    leafFlags: number,
    count: number,
    queueG: number,
    queueV: number,
  ): number;
  branchRoot(leaf: number, branch: number, depth: number, gindex: bigint, out: number): number;
}

/** The as-sha256 exports the merkle module imports or the loader reads. */
interface ShaExports {
  readonly memory: WebAssembly.Memory;
  readonly input: WebAssembly.Global;
  digest64(inPtr: number, outPtr: number): void;
  batchHash4UintArray64s(outPtr: number): void;
}

/** Memory above this size (bytes) is released after the call that grew it. */
export const RETAIN_BYTES: number = 64 * 2 ** 20;

/** Number of zero-hash levels in the table: 0..64, enough for any tree Ore accepts. */
export const ZERO_LEVELS = 65;

const PAGE = 65536;
const WORK_OFFSET = 4096;

/** True when the engine runs as-sha256's SIMD build (four hashes per batch call in parallel). */
export const simd: boolean = WebAssembly.validate(wasmSimdCode as BufferSource);
const shaModule = new WebAssembly.Module((simd ? wasmSimdCode : wasmCode) as BufferSource);
const merkleModule = new WebAssembly.Module(wasmBytes as BufferSource);

/** One as-sha256 + merkle instance pair: the shared memory, the merkle exports and the layout. */
export interface MerkleInstance {
  readonly memory: WebAssembly.Memory;
  readonly ex: MerkleExports;
  /** Address of the zero-hash table. */
  readonly zeros: number;
  /** Start of the working area. */
  readonly work: number;
}

let current: MerkleInstance | undefined;

/**
 * Instantiates a fresh pair over as-sha256's SIMD build (`useSimd`, the default when the engine
 * supports it) or its scalar build, and fills the zero-hash table. Ore's functions share one
 * lazily created pair; this is exported for tests and for callers that want an isolated one.
 */
export function instantiateMerkle(useSimd: boolean = simd): MerkleInstance {
  const module =
    useSimd === simd
      ? shaModule
      : new WebAssembly.Module((useSimd ? wasmSimdCode : wasmCode) as BufferSource);
  const sha = new WebAssembly.Instance(module, {
    env: {
      abort(): never {
        throw new Error("as-sha256 aborted");
      },
    },
  }).exports as unknown as ShaExports;
  const base = sha.memory.buffer.byteLength;
  const merkle = new WebAssembly.Instance(merkleModule, {
    env: { memory: sha.memory },
    sha256: { digest64: sha.digest64, batchHash4UintArray64s: sha.batchHash4UintArray64s },
  }).exports as unknown as MerkleExports;
  sha.memory.grow(1);
  merkle.setup(Number(sha.input.value), base);
  return { memory: sha.memory, ex: merkle, zeros: base, work: base + WORK_OFFSET };
}

/** The live instance pair, with its working area grown to hold at least `bytes` bytes. */
function acquire(bytes: number): MerkleInstance {
  current ??= instantiateMerkle();
  const have = current.memory.buffer.byteLength;
  const need = current.work + bytes;
  if (need > have) {
    try {
      current.memory.grow(Math.ceil((need - have) / PAGE));
    } catch (cause) {
      throw new RangeError(`merkle: cannot grow WASM memory to ${need} bytes`, { cause });
    }
  }
  return current;
}

/** Drops the instance pair once its memory exceeds {@link RETAIN_BYTES}. */
function release(inst: MerkleInstance): void {
  if (inst.memory.buffer.byteLength > RETAIN_BYTES) current = undefined;
}

/** Copies `count` chunks (a flat `count * 32`-byte array or a list of 32-byte arrays) to `at`. */
function writeChunks(mem: Uint8Array, at: number, chunks: Uint8Array | readonly Uint8Array[]): void {
  if (chunks instanceof Uint8Array) {
    mem.set(chunks, at);
    return;
  }
  for (let i = 0; i < chunks.length; i++) mem.set(chunks[i]!, at + 32 * i);
}

/**
 * Node counts per level of a tree of `count > 0` chunks and `depth` levels as the module lays it
 * out with `keep`: `counts[l]` real nodes at level l (0 = chunks) and `offsets[l]` their byte
 * offset in the levels buffer; every level but the root's is padded to an even count.
 */
export function levelLayout(
  count: number,
  depth: number,
): { counts: number[]; offsets: number[]; bytes: number } {
  const counts: number[] = [];
  const offsets: number[] = [];
  let c = count;
  let off = 0;
  for (let l = 0; l <= depth; l++) {
    counts.push(c);
    offsets.push(off);
    const padded = l < depth ? c + (c & 1) : c;
    off += 32 * padded;
    c = padded / 2;
  }
  return { counts, offsets, bytes: off };
}

/** The zero-hash table: `zeroHash(l)` (root of 2^l zero chunks) at bytes `[32l, 32l + 32)`. */
export function zeroHashTable(): Uint8Array {
  const inst = acquire(0);
  return new Uint8Array(inst.memory.buffer, inst.zeros, 32 * ZERO_LEVELS).slice();
}

/** SSZ root of `count > 0` chunks padded with zero chunks to `2^depth` (`count <= 2^depth`). */
export function merkleRoot(
  chunks: Uint8Array | readonly Uint8Array[],
  count: number,
  depth: number,
): Uint8Array {
  const inst = acquire(32 * (count + 1));
  writeChunks(new Uint8Array(inst.memory.buffer), inst.work, chunks);
  // Addresses come back as i32: read them unsigned, memory may pass 2 GiB.
  const at = inst.ex.merkleize(inst.work, count, depth, 0) >>> 0;
  const root = new Uint8Array(inst.memory.buffer, at, 32).slice();
  release(inst);
  return root;
}

/**
 * Every level of the tree of `count > 0` chunks and `depth` levels, in the layout of
 * {@link levelLayout}: chunks first, root last.
 */
export function merkleLevels(
  chunks: Uint8Array | readonly Uint8Array[],
  count: number,
  depth: number,
): Uint8Array {
  const { bytes } = levelLayout(count, depth);
  const inst = acquire(bytes + 32);
  writeChunks(new Uint8Array(inst.memory.buffer), inst.work, chunks);
  inst.ex.merkleize(inst.work, count, depth, 1);
  const levels = new Uint8Array(inst.memory.buffer, inst.work, bytes).slice();
  release(inst);
  return levels;
}

/** A node handed to {@link multiRoot}: gindex below 2^64, 32-byte value, leaf or helper. */
export interface WasmNode {
  readonly gindex: bigint;
  readonly value: Uint8Array;
  readonly leaf: boolean;
}

/**
 * Root implied by `nodes` (sorted by strictly decreasing gindex), or `"shape"` when they are not
 * exactly a minimal multiproof of their leaves (a sibling missing, a helper that is not needed),
 * or `"conflict"` when a given leaf differs from the hash of the given nodes below it.
 */
export function multiRoot(nodes: readonly WasmNode[]): Uint8Array | "shape" | "conflict" {
  const n = nodes.length;
  // Given: gindices (8n) | values (32n) | leaf flags (n, padded to 8). Queue: gindices | values.
  const gG = 0;
  const gV = 8 * n;
  const gF = 40 * n;
  const qG = gF + 8 * Math.ceil(n / 8);
  const qV = qG + 8 * n;
  const inst = acquire(qV + 32 * (n + 3));
  const buf = inst.memory.buffer;
  const mem = new Uint8Array(buf);
  const gindices = new BigUint64Array(buf, inst.work, n);
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    gindices[i] = node.gindex;
    mem.set(node.value, inst.work + gV + 32 * i);
    mem[inst.work + gF + i] = node.leaf ? 1 : 0;
  }
  const w = inst.work;
  const at = inst.ex.multiRoot(w + gG, w + gV, w + gF, n, w + qG, w + qV) >>> 0;
  const result = at === 0 ? "shape" : at === 1 ? "conflict" : new Uint8Array(buf, at, 32).slice();
  release(inst);
  return result;
}

/**
 * Root of the single-branch proof `branch` (siblings bottom-up) for `leaf` at `gindex`
 * (`branch.length` = depth of `gindex`).
 */
export function branchRoot(leaf: Uint8Array, branch: readonly Uint8Array[], gindex: bigint): Uint8Array {
  const inst = acquire(32 * (branch.length + 1));
  const mem = new Uint8Array(inst.memory.buffer);
  mem.set(leaf, inst.work);
  for (let i = 0; i < branch.length; i++) mem.set(branch[i]!, inst.work + 32 * (i + 1));
  inst.ex.branchRoot(inst.work, inst.work + 32, branch.length, BigInt.asIntN(64, gindex), inst.work);
  const root = new Uint8Array(inst.memory.buffer, inst.work, 32).slice();
  release(inst);
  return root;
}
