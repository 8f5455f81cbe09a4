/**
 * The node DB of the binary proof file (version 3, docs/fault-proof.md §8.3) as a DAG: every
 * inner node of every step's witness tree stored once, each child a reference to an earlier node
 * or to a 32-byte chunk (a leaf value or the root of a subtree no witness opens), so a node costs
 * two small varints instead of 64 bytes. Hashes are not stored: the reader recomputes them.
 *
 * Writing: {@link NodeDagWriter.addWitness} interns each witness's inner nodes by content (a
 * SHA-256 only for contents not seen before), {@link NodeDagWriter.finish} emits the nodes
 * children first, resolving every child hash that is some node's hash to that node, so a subtree
 * one step leaves closed and another opens is the same node. Reading: {@link NodeDag} parses the
 * two sections and {@link NodeDag.witness} rebuilds a step's witness bytes (§8.2) from its root
 * node and its accessed gindices, hashing only the nodes that witness needs (lazily, once each).
 */
import { digest64Into } from "@chainsafe/as-sha256";
import { type ByteReader, ByteWriter } from "./binaryCodec.ts";
import { ProofFormatError } from "./errors.ts";
import { KeyTable } from "./keyTable.ts";
import { MAX_PREIMAGE, MAX_WITNESS_PREIMAGES, WITNESS_VERSION } from "./witness.ts";

/**
 * Largest witness a step can have: the step function's witness buffer (`WIT_BYTES`, §9). A file
 * whose AccessData would rebuild a larger one is malformed (and cannot make the reader allocate
 * without bound).
 */
export const MAX_WITNESS_BYTES = 2 * 1024 * 1024;

/** Copies 32 bytes (a loop: cheaper than `set(subarray(..))` for one chunk). */
function copy32(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  for (let i = 0; i < 32; i++) dst[to + i] = src[from + i];
}

/** Writes a 32-byte chunk compactly: a header `h` then `h ≤ 32`: bytes 0..h; `h > 32`: the last h − 32. */
export function writeChunk(out: ByteWriter, src: Uint8Array, off: number): void {
  let head = 32;
  while (head > 0 && src[off + head - 1] === 0) head--;
  let lead = 0;
  while (lead < 32 && src[off + lead] === 0) lead++;
  const tail = 32 - lead;
  if (head <= tail) {
    out.u8(head);
    out.bytes(src.subarray(off, off + head));
  } else {
    out.u8(32 + tail);
    out.bytes(src.subarray(off + lead, off + 32));
  }
}

/** Reads a chunk written by {@link writeChunk} into `dst[at, at + 32)` (zero-filled). */
export function readChunk(r: ByteReader, dst: Uint8Array, at: number, field: string): void {
  const h = r.u8(field);
  if (h > 64) r.fail(`${field}: chunk header ${h} > 64`);
  if (h <= 32) dst.set(r.bytesView(h, field), at);
  else dst.set(r.bytesView(h - 32, field), at + 64 - h);
}

/** One step's witness as the writer split it: its root node and its preimages. */
export interface WitnessParts {
  /** Writer index of the witness's root node. */
  root: number;
  preimages: Uint8Array[];
}

/** Builds the DAG from witnesses (§8.2 bytes), then writes its chunk and node sections. */
export class NodeDagWriter {
  /** Inner nodes by content `left ‖ right`; `hashes` holds their SHA-256 under the same index. */
  private readonly content = new KeyTable(64);
  private readonly hashes = new KeyTable(32);
  private readonly scratch = new Uint8Array(64);
  private readonly digest = new Uint8Array(32);
  /** SHA-256 compressions done (contents seen for the first time). */
  hashed = 0;

  /** Interns witness `w`'s inner nodes; returns its root node and preimages. */
  addWitness(w: Uint8Array, step: number): WitnessParts {
    const bad = (msg: string): never => {
      throw new ProofFormatError(`step ${step}: witness ${msg}`);
    };
    if (w.length < 9 || w[0] !== WITNESS_VERSION) bad("is not version 1 witness bytes");
    const view = new DataView(w.buffer, w.byteOffset, w.length);
    const treeEnd = 5 + view.getUint32(1, true);
    if (treeEnd + 4 > w.length) bad("tree length overruns it");
    let pos = 5;
    // A child: a node index (≥ 0) or -1 - the offset of a terminal's 32 bytes in `w`.
    const node = (depth: number): number => {
      if (depth > 64 || pos >= treeEnd) bad(`malformed at byte ${pos}`);
      const tag = w[pos++];
      if (tag === 0) {
        if (pos + 32 > treeEnd) bad(`truncated at byte ${pos}`);
        pos += 32;
        return -1 - (pos - 32);
      }
      if (tag !== 1) bad(`has tag ${tag} at byte ${pos - 1}`);
      const l = node(depth + 1);
      const r = node(depth + 1);
      const s = this.scratch;
      const hk = this.hashes.keys;
      if (l >= 0) copy32(hk, 32 * l, s, 0);
      else copy32(w, -1 - l, s, 0);
      if (r >= 0) copy32(hk, 32 * r, s, 32);
      else copy32(w, -1 - r, s, 32);
      const i = this.content.find(s);
      if (i >= 0) return i;
      digest64Into(s, this.digest);
      this.hashed++;
      this.hashes.insert(this.digest);
      return this.content.insertMissed(s);
    };
    const root = node(0);
    if (root < 0) bad("root is not an inner node");
    if (pos !== treeEnd) bad(`has ${treeEnd - pos} trailing tree bytes`);
    const count = view.getUint32(pos, true);
    pos += 4;
    if (count > MAX_WITNESS_PREIMAGES) bad(`has ${count} preimages`);
    const preimages: Uint8Array[] = [];
    for (let k = 0; k < count; k++) {
      if (pos + 4 > w.length) bad(`truncated at byte ${pos}`);
      const len = view.getUint32(pos, true);
      if (len === 0 || len > MAX_PREIMAGE || len > w.length - pos - 4) bad(`preimage ${k} of ${len} bytes`);
      preimages.push(w.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    if (pos !== w.length) bad(`has ${w.length - pos} trailing bytes`);
    return { root, preimages };
  }

  /** Distinct inner nodes so far. */
  get nodeCount(): number {
    return this.content.count;
  }

  /**
   * Emits the nodes reachable from `roots` (writer indices, in step order) children first, and
   * returns the chunk section, the node section and each root's index in the node section.
   */
  finish(roots: readonly number[]): { chunks: Uint8Array; nodes: Uint8Array; roots: number[] } {
    const pairs = this.content.keys;
    const chunks = new KeyTable(32);
    const fileIndex = new Int32Array(this.content.count).fill(-1);
    const out = new ByteWriter();
    // Each child resolved once: the node with its hash (≥ 0) or none (-1, a chunk).
    const child = new Int32Array(2 * this.content.count).fill(-2);
    let emitted = 0;
    const emit = (x: number): void => {
      fileIndex[x] = -2;
      for (let side = 0; side < 2; side++) {
        const c = this.hashes.find(pairs, 64 * x + 32 * side);
        child[2 * x + side] = c;
        if (c >= 0 && fileIndex[c] === -1) emit(c);
        else if (c >= 0 && fileIndex[c] === -2) throw new ProofFormatError("node DB: a node contains itself");
      }
      for (let side = 0; side < 2; side++) {
        const c = child[2 * x + side];
        if (c >= 0) out.varint(2 * (emitted - 1 - fileIndex[c]));
        else out.varint(2 * chunks.intern(pairs, 64 * x + 32 * side) + 1);
      }
      fileIndex[x] = emitted++;
    };
    for (const r of roots) if (fileIndex[r] === -1) emit(r);
    const head = new ByteWriter();
    head.varint(chunks.count);
    for (let c = 0; c < chunks.count; c++) writeChunk(head, chunks.keys, 32 * c);
    const nodes = new ByteWriter();
    nodes.varint(emitted);
    nodes.bytes(out.view());
    return {
      chunks: head.view().slice(),
      nodes: nodes.view().slice(),
      roots: roots.map((r) => fileIndex[r]),
    };
  }
}

/** Accessed gindices in pre-order: the path bits left-aligned in 64 bits (`hi`, `lo`), and depth. */
interface Paths {
  hi: number[];
  lo: number[];
  depth: number[];
}

/**
 * Sorts the gindices into pre-order. Below 2^53 (every gindex of state version 1 but the deepest
 * memory and stack leaves) in float arithmetic, which is exact here: the path `g − 2^d` has at
 * most 53 bits and is only scaled by powers of two; above, with bigints.
 */
function paths(gindices: readonly bigint[]): Paths {
  const n = gindices.length;
  const his: number[] = new Array(n);
  const los: number[] = new Array(n);
  const ds: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const g = gindices[i];
    if (g < 2n ** 53n) {
      const x = Number(g);
      const top = Math.floor(x / 2 ** 32);
      const d = top > 0 ? 63 - Math.clz32(top) : 31 - Math.clz32(x >>> 0);
      const v = (x - 2 ** d) * 2 ** (64 - d);
      his[i] = Math.floor(v / 2 ** 32);
      los[i] = v - his[i] * 2 ** 32;
      ds[i] = d;
    } else {
      const d = g.toString(2).length - 1;
      const k = (g - (1n << BigInt(d))) << BigInt(64 - d);
      his[i] = Number(k >> 32n);
      los[i] = Number(k & 0xffffffffn);
      ds[i] = d;
    }
  }
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => his[a] - his[b] || los[a] - los[b] || ds[a] - ds[b]);
  const hi: number[] = new Array(n);
  const lo: number[] = new Array(n);
  const depth: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    hi[i] = his[order[i]];
    lo[i] = los[order[i]];
    depth[i] = ds[order[i]];
  }
  return { hi, lo, depth };
}

/**
 * The node DB read back: chunks, nodes (children as references), and node hashes computed on
 * demand. A witness needs the hash of each node it leaves closed, and that only: hashing is lazy
 * (each node at most once, then kept), so rebuilding one step's witness hashes the nodes below its
 * terminals, not the whole DAG (§8.3).
 */
export class NodeDag {
  /** Chunk `c` at `[32c, 32c + 32)`. */
  readonly chunks: Uint8Array;
  /** Node `i`'s children: `≥ 0` a node index, `< 0` chunk `-1 - ref`. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Node `i`'s SHA-256 at `[32i, 32i + 32)` once `known[i]` is 1. */
  private readonly hashes: Uint8Array;
  private readonly known: Uint8Array;
  /** Nodes hashed so far. */
  hashed = 0;
  private stack = new Int32Array(64);
  private readonly pair = new Uint8Array(64);
  private readonly digest = new Uint8Array(32);
  private out = new Uint8Array(1 << 16);

  /** Parses the chunk and node sections (bounds-checked: {@link ProofFormatError}). */
  constructor(chunkSection: ByteReader, nodeSection: ByteReader) {
    const nc = chunkSection.varint("chunk count", chunkSection.left);
    this.chunks = new Uint8Array(32 * nc);
    for (let c = 0; c < nc; c++) readChunk(chunkSection, this.chunks, 32 * c, `chunk ${c}`);
    if (chunkSection.left !== 0) chunkSection.fail(`${chunkSection.left} bytes after the last chunk`);
    const n = nodeSection.varint("node count", nodeSection.left / 2);
    this.left = new Int32Array(n);
    this.right = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let side = 0; side < 2; side++) {
        let v = nodeSection.tryVarint(2 ** 32);
        if (v < 0) v = nodeSection.varint(`node ${i}`, 2 ** 32);
        const ref = v % 2 === 0 ? i - 1 - v / 2 : -1 - (v - 1) / 2;
        if (v % 2 === 0 && ref < 0) nodeSection.fail(`node ${i}: reference to node ${ref} (none before it)`);
        if (v % 2 === 1 && -1 - ref >= nc) nodeSection.fail(`node ${i}: chunk ${-1 - ref} of ${nc}`);
        (side === 0 ? this.left : this.right)[i] = ref;
      }
    }
    if (nodeSection.left !== 0) nodeSection.fail(`${nodeSection.left} bytes after the last node`);
    // Zero-filled and written only as nodes are hashed: pages never touched cost no memory.
    this.hashes = new Uint8Array(32 * n);
    this.known = new Uint8Array(n);
  }

  /** Node `i`'s SHA-256 (a copy), hashing it and the unhashed nodes below it first. */
  hash(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.left.length) {
      throw new RangeError(`no node ${i}: the DAG has ${this.left.length}`);
    }
    this.ensure(i);
    return this.hashes.slice(32 * i, 32 * i + 32);
  }

  /**
   * Hashes node `i` if it is not yet, children first, with an explicit stack: children are
   * earlier nodes, so the stack is a path of decreasing indices, as deep as a forged file's chain
   * of nodes may be (no recursion to overflow).
   */
  private ensure(i: number): void {
    const known = this.known;
    if (known[i] === 1) return;
    let stack = this.stack;
    let sp = 0;
    stack[sp++] = i;
    while (sp > 0) {
      const x = stack[sp - 1];
      const l = this.left[x];
      const r = this.right[x];
      const next = l >= 0 && known[l] === 0 ? l : r >= 0 && known[r] === 0 ? r : -1;
      if (next >= 0) {
        if (sp === stack.length) {
          const grown = new Int32Array(2 * sp);
          grown.set(stack);
          this.stack = stack = grown;
        }
        stack[sp++] = next;
        continue;
      }
      sp--;
      this.valueInto(l, this.pair, 0);
      this.valueInto(r, this.pair, 32);
      digest64Into(this.pair, this.digest);
      copy32(this.digest, 0, this.hashes, 32 * x);
      known[x] = 1;
      this.hashed++;
    }
  }

  /** A child's value (a node's hash, computed if needed, or a chunk) into `dst[at, at + 32)`. */
  private valueInto(ref: number, dst: Uint8Array, at: number): void {
    if (ref >= 0) {
      if (this.known[ref] === 0) this.ensure(ref);
      copy32(this.hashes, 32 * ref, dst, at);
    } else copy32(this.chunks, -32 - 32 * ref, dst, at);
  }

  private room(n: number): void {
    if (n <= this.out.length) return;
    const next = new Uint8Array(Math.max(n, 2 * this.out.length));
    next.set(this.out);
    this.out = next;
  }

  /**
   * Step `step`'s witness bytes (§8.2): from node `root`, a node is opened iff an accessed gindex
   * lies strictly below it, else it is a terminal with its hash or chunk; then the preimages.
   */
  witness(
    step: number,
    root: number,
    gindices: readonly bigint[],
    preimages: readonly Uint8Array[],
  ): Uint8Array {
    if (root < 0 || root >= this.left.length) {
      throw new ProofFormatError(`step ${step}: root node ${root} of ${this.left.length}`);
    }
    const p = paths(gindices);
    const tooBig = (): never => {
      throw new ProofFormatError(
        `step ${step}: rebuilt witness over ${MAX_WITNESS_BYTES} bytes (the verifier's buffer)`,
      );
    };
    let pos = 5;
    const walk = (ref: number, depth: number, lo: number, hi: number): void => {
      while (lo < hi && p.depth[lo] <= depth) lo++;
      if (pos + 33 > MAX_WITNESS_BYTES) tooBig();
      this.room(pos + 33);
      if (lo === hi) {
        this.out[pos] = 0;
        this.valueInto(ref, this.out, pos + 1);
        pos += 33;
        return;
      }
      if (ref < 0) {
        throw new ProofFormatError(`step ${step}: the node DB holds a chunk where an inner node is needed`);
      }
      this.out[pos++] = 1;
      let m = lo;
      if (depth < 32) while (m < hi && ((p.hi[m] >>> (31 - depth)) & 1) === 0) m++;
      else while (m < hi && ((p.lo[m] >>> (63 - depth)) & 1) === 0) m++;
      walk(this.left[ref], depth + 1, lo, m);
      walk(this.right[ref], depth + 1, m, hi);
    };
    walk(root, 0, 0, gindices.length);
    const treeLen = pos - 5;
    let size = pos + 4;
    for (const b of preimages) size += 4 + b.length;
    if (size > MAX_WITNESS_BYTES) tooBig();
    const w = new Uint8Array(size);
    w.set(this.out.subarray(0, pos));
    const view = new DataView(w.buffer);
    w[0] = WITNESS_VERSION;
    view.setUint32(1, treeLen, true);
    view.setUint32(pos, preimages.length, true);
    pos += 4;
    for (const b of preimages) {
      view.setUint32(pos, b.length, true);
      w.set(b, pos + 4);
      pos += 4 + b.length;
    }
    return w;
  }
}
