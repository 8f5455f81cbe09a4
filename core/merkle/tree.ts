/**
 * Binary SHA-256 Merkle trees over 32-byte chunks, SSZ style: `merkleize(chunks, limit)` pads
 * the chunks with zero chunks up to the next power of two (of the chunk count, or of `limit`)
 * and hashes pairs up to one root, and `MerkleTree` keeps every node so it can answer
 * `node(gindex)`, branches and multiproofs. The padding is virtual: a subtree of zero chunks is
 * the precomputed zero hash of its height, so a tree with `limit = 2^40` and three chunks costs
 * about 40 hashes. All hashing runs in WASM (`wasm/merkle.ts`), one call per tree.
 * https://github.com/ethereum/consensus-specs/blob/dev/ssz/simple-serialize.md#merkleization
 */

import { levelLayout, merkleLevels, merkleRoot, ZERO_LEVELS, zeroHashTable } from "../../wasm/merkle.ts";
import { assertBytesLength } from "../bytes.ts";
import { depthOf, depthOfSafe, type Gindex, type GindexLike, helperIndices, toGindex } from "./gindex.ts";
import type { Multiproof, ProofNode } from "./multiproof.ts";

/** Chunks as one flat array (`n * 32` bytes) or as a list of 32-byte arrays. */
export type Chunks = Uint8Array | readonly Uint8Array[];

let zeros: Uint8Array | undefined;
const SAFE_GINDEX = BigInt(Number.MAX_SAFE_INTEGER);

/** The zero-hash table, computed in WASM on first use and kept. */
function zeroTable(): Uint8Array {
  zeros ??= zeroHashTable();
  return zeros;
}

/**
 * Root of a tree of `2^level` zero chunks: 32 zero bytes for level 0, then
 * `sha256(zeroHash(l - 1) || zeroHash(l - 1))`. Levels 0..64.
 */
export function zeroHash(level: number): Uint8Array {
  if (!Number.isInteger(level) || level < 0 || level >= ZERO_LEVELS) {
    throw new RangeError(`level: expected an integer in [0, ${ZERO_LEVELS - 1}], found ${level}`);
  }
  return zeroTable().slice(32 * level, 32 * level + 32);
}

/** Validates `chunks` and returns the chunk count. */
function chunkCount(chunks: unknown): number {
  if (chunks instanceof Uint8Array) {
    if (chunks.length % 32 !== 0) {
      throw new RangeError(`chunks: expected a multiple of 32 bytes, found ${chunks.length}`);
    }
    return chunks.length / 32;
  }
  if (Array.isArray(chunks)) {
    for (let i = 0; i < chunks.length; i++) assertBytesLength(chunks[i], 32, `chunks[${i}]`);
    return chunks.length;
  }
  const found = chunks === null ? "null" : typeof chunks;
  throw new TypeError(`chunks: expected a Uint8Array or an array of 32-byte Uint8Arrays, found ${found}`);
}

/**
 * Depth of the tree for `count` chunks: `ceil(log2(limit))` with a `limit`, else of the count
 * (at least one chunk either way, as in SSZ, so empty input gives depth 0).
 */
function treeDepth(count: number, limit: number | undefined): number {
  let width = count;
  if (limit !== undefined) {
    if (typeof limit !== "number") throw new TypeError(`limit: expected a number, found ${typeof limit}`);
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError(`limit: expected a non-negative safe integer, found ${limit}`);
    }
    if (count > limit) throw new RangeError(`limit: ${count} chunks exceed the limit ${limit}`);
    width = limit;
  }
  let depth = 0;
  while (2 ** depth < width) depth++;
  return depth;
}

/**
 * SSZ `merkleize(chunks, limit)`: the root of `chunks` padded with zero chunks to the next power
 * of two of their count, or of `limit` when given. One chunk is its own root; no chunks give the
 * zero chunk (or the zero hash of the limit's depth). Throws `TypeError` for a wrong type,
 * `RangeError` for a byte length that is not a multiple of 32, a chunk that is not 32 bytes, or
 * more chunks than `limit`.
 */
export function merkleize(chunks: Chunks, limit?: number): Uint8Array {
  const count = chunkCount(chunks);
  const depth = treeDepth(count, limit);
  return count === 0 ? zeroHash(depth) : merkleRoot(chunks, count, depth);
}

/**
 * A Merkle tree with every node kept, built in one WASM call. Nodes are stored level by level,
 * only where some chunk lies below them; every other node is a zero hash, so memory is about
 * twice the chunks whatever the `limit`. Nodes are addressed by generalized index (`bigint`,
 * numbers accepted), the root being 1 and chunk i being `2^depth + i`.
 */
export class MerkleTree {
  /** Levels below the root: chunk i sits at gindex `2^depth + i`. */
  readonly depth: number;
  /** Number of chunks the tree was built from (the rest of the bottom level is zero padding). */
  readonly length: number;
  readonly #levels: Uint8Array;
  readonly #counts: readonly number[];
  readonly #offsets: readonly number[];

  private constructor(
    depth: number,
    length: number,
    levels: Uint8Array,
    counts: number[],
    offsets: number[],
  ) {
    this.depth = depth;
    this.length = length;
    this.#levels = levels;
    this.#counts = counts;
    this.#offsets = offsets;
  }

  /**
   * Builds the tree of `chunks` (as for {@link merkleize}, same padding and errors). Chunks are
   * copied; later changes to them do not affect the tree.
   */
  static fromChunks(chunks: Chunks, limit?: number): MerkleTree {
    const count = chunkCount(chunks);
    const depth = treeDepth(count, limit);
    if (count === 0) return new MerkleTree(depth, 0, new Uint8Array(0), new Array(depth + 1).fill(0), []);
    const { counts, offsets } = levelLayout(count, depth);
    return new MerkleTree(depth, count, merkleLevels(chunks, count, depth), counts, offsets);
  }

  /** The root (a fresh copy). */
  get root(): Uint8Array {
    return this.#at(1n).slice();
  }

  /** The node at `gindex` (a fresh copy); `RangeError` if it is not in the tree. */
  node(gindex: GindexLike): Uint8Array {
    return this.#at(this.#check(gindex, "gindex")).slice();
  }

  /**
   * Single-branch proof of the node at `gindex`: its siblings bottom-up, the proof order of
   * consensus-specs `calculate_merkle_root` (check it with `verifyBranch`).
   */
  branch(gindex: GindexLike): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let g = this.#check(gindex, "gindex"); g > 1n; g >>= 1n) out.push(this.#at(g ^ 1n).slice());
    return out;
  }

  /**
   * Multiproof of the nodes at `gindices` (leaves or inner nodes, in any order, ancestors of
   * each other allowed; `RangeError` for a duplicate or a gindex outside the tree). Leaves keep
   * the given order; helpers are the nodes `helperIndices(gindices)` names, in that order.
   */
  multiproof(gindices: readonly GindexLike[]): Multiproof {
    if (!Array.isArray(gindices)) throw new TypeError("gindices: expected an array");
    const seen = new Set<bigint>();
    const leaves: ProofNode[] = gindices.map((value, i) => {
      const gindex = this.#check(value, `gindices[${i}]`);
      if (seen.has(gindex)) throw new RangeError(`gindices[${i}]: duplicate gindex ${gindex}`);
      seen.add(gindex);
      return { gindex, value: this.#at(gindex).slice() };
    });
    const helpers = helperIndices([...seen]).map((gindex) => ({ gindex, value: this.#at(gindex).slice() }));
    return { leaves, helpers };
  }

  /** Validates `value` as a gindex inside this tree. */
  #check(value: GindexLike, param: string): Gindex {
    const g = toGindex(value, param);
    if (depthOf(g) > this.depth) {
      throw new RangeError(`${param}: gindex ${g} is deeper than the tree (depth ${this.depth})`);
    }
    return g;
  }

  /** A view of the node at a gindex already checked to be in the tree. */
  #at(g: Gindex): Uint8Array {
    // Number arithmetic where exact (every tree but a depth-53 one): bigint math allocates.
    if (g <= SAFE_GINDEX) {
      const n = Number(g);
      const d = depthOfSafe(n);
      return this.#stored(this.depth - d, n - 2 ** d);
    }
    const d = depthOf(g);
    return this.#stored(this.depth - d, Number(g - (1n << BigInt(d))));
  }

  /** Node `index` of `level` (0 = chunks): stored if some chunk lies below it, else a zero hash. */
  #stored(level: number, index: number): Uint8Array {
    if (index < this.#counts[level]!) {
      const at = this.#offsets[level]! + 32 * index;
      return this.#levels.subarray(at, at + 32);
    }
    return zeroTable().subarray(32 * level, 32 * level + 32);
  }
}
