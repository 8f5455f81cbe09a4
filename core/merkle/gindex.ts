/**
 * Generalized indices (consensus-specs `ssz/merkle-proofs.md`): the root of a binary tree is 1
 * and the children of node `g` are `2g` (left) and `2g + 1` (right), so node `i` of the level at
 * depth `d` is `2^d + i` and the bits of `g` below its top bit spell the path from the root.
 *
 * Gindices are `bigint`, deliberately: nested SSZ paths (a list of limit 2^40 inside a few
 * containers) pass 2^53 quickly, and a `number` would silently lose bits there. Every function
 * also accepts a `number` (a safe integer) for convenience and returns `bigint`. Ore bounds
 * gindices to `1 <= g < 2^64` (paths of at most {@link MAX_GINDEX_DEPTH} steps), which is what
 * the WASM verifier handles as `u64`; anything else throws `RangeError`.
 * https://github.com/ethereum/consensus-specs/blob/dev/ssz/merkle-proofs.md#generalized-merkle-tree-index
 */

/** A generalized index, `1 <= g < 2^64`. */
export type Gindex = bigint;

/** What gindex parameters accept: a `bigint`, or a `number` that is a safe integer. */
export type GindexLike = bigint | number;

/** Longest path a gindex may spell: gindices stay below `2^64`. */
export const MAX_GINDEX_DEPTH = 63;

const LIMIT = 1n << 64n;
/** Largest gindex that `number` arithmetic handles exactly. */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Validates `value` as a gindex and returns it as a `bigint`: `TypeError` unless it is a bigint
 * or number, `RangeError` unless it is an integer with `1 <= value < 2^64`. `param` names the
 * argument in the message.
 */
export function toGindex(value: unknown, param: string): Gindex {
  let g: bigint;
  if (typeof value === "bigint") g = value;
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value))
      throw new RangeError(`${param}: expected a safe integer, found ${value}`);
    g = BigInt(value);
  } else {
    throw new TypeError(
      `${param}: expected a bigint or number gindex, found ${value === null ? "null" : typeof value}`,
    );
  }
  if (g < 1n || g >= LIMIT) throw new RangeError(`${param}: expected a gindex in [1, 2^64), found ${g}`);
  return g;
}

/** Depth of a valid gindex (its bit length minus one); `g` must already be validated. */
export function depthOf(g: Gindex): number {
  // Number arithmetic where exact: bigint shifts allocate, and this runs for every node lookup.
  if (g <= SAFE) return depthOfSafe(Number(g));
  return 63 - Math.clz32(Number(g >> 32n));
}

/** Depth of a gindex given as a safe integer `>= 1`. */
export function depthOfSafe(g: number): number {
  return g < 2 ** 32 ? 31 - Math.clz32(g) : 63 - Math.clz32(Math.floor(g / 2 ** 32));
}

/** Depth of `gindex` in its tree: `floor(log2(gindex))`, 0 for the root (spec `get_generalized_index_length`). */
export function gindexDepth(gindex: GindexLike): number {
  return depthOf(toGindex(gindex, "gindex"));
}

/** Gindex of node `index` of the level at `depth`: `2^depth + index`, `RangeError` unless `index < 2^depth`. */
export function gindexAt(depth: number, index: GindexLike): Gindex {
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_GINDEX_DEPTH) {
    throw new RangeError(`depth: expected an integer in [0, ${MAX_GINDEX_DEPTH}], found ${depth}`);
  }
  let i: bigint;
  if (typeof index === "bigint") i = index;
  else if (typeof index === "number") {
    if (!Number.isSafeInteger(index)) throw new RangeError(`index: expected a safe integer, found ${index}`);
    i = BigInt(index);
  } else {
    throw new TypeError(
      `index: expected a bigint or number, found ${index === null ? "null" : typeof index}`,
    );
  }
  if (i < 0n || i >= 1n << BigInt(depth)) {
    throw new RangeError(`index: expected 0 <= index < 2^${depth}, found ${i}`);
  }
  return (1n << BigInt(depth)) + i;
}

/** Parent of `gindex` (spec `generalized_index_parent`); `RangeError` for the root, which has none. */
export function gindexParent(gindex: GindexLike): Gindex {
  const g = toGindex(gindex, "gindex");
  if (g === 1n) throw new RangeError("gindex: the root (1) has no parent");
  return g >> 1n;
}

/** Sibling of `gindex` (spec `generalized_index_sibling`); `RangeError` for the root, which has none. */
export function gindexSibling(gindex: GindexLike): Gindex {
  const g = toGindex(gindex, "gindex");
  if (g === 1n) throw new RangeError("gindex: the root (1) has no sibling");
  return g ^ 1n;
}

/** Left (`right = false`) or right child of `gindex` (spec `generalized_index_child`). */
export function gindexChild(gindex: GindexLike, right: boolean): Gindex {
  const g = toGindex(gindex, "gindex");
  const child = 2n * g + (right ? 1n : 0n);
  if (child >= LIMIT) throw new RangeError(`gindex: child of ${g} is beyond 2^64`);
  return child;
}

/** Bit `position` of `gindex` (spec `get_generalized_index_bit`): bit i is the step taken i levels above the node. */
export function gindexBit(gindex: GindexLike, position: number): boolean {
  const g = toGindex(gindex, "gindex");
  if (!Number.isInteger(position) || position < 0) {
    throw new RangeError(`position: expected a non-negative integer, found ${position}`);
  }
  return ((g >> BigInt(position)) & 1n) === 1n;
}

/**
 * Gindex of the path `A -> Z` given gindices `A -> B`, `B -> C`, ..., `Y -> Z`, each relative to
 * the subtree the previous one reaches (spec `concat_generalized_indices`). No arguments give 1.
 */
export function concatGindices(...gindices: GindexLike[]): Gindex {
  let out = 1n;
  gindices.forEach((value, i) => {
    const g = toGindex(value, `gindices[${i}]`);
    const d = BigInt(depthOf(g));
    out = (out << d) | (g - (1n << d));
    if (out >= LIMIT) throw new RangeError(`gindices: concatenation is beyond 2^64 at position ${i}`);
  });
  return out;
}

/** Gindices on the path from `gindex` up to, but excluding, the root (spec `get_path_indices`). */
export function pathIndices(gindex: GindexLike): Gindex[] {
  const out: Gindex[] = [];
  for (let g = toGindex(gindex, "gindex"); g > 1n; g >>= 1n) out.push(g);
  return out;
}

/**
 * Siblings of the path from `gindex` to the root, bottom-up: the gindices of a single-branch
 * proof, in proof order (spec `get_branch_indices`).
 */
export function branchIndices(gindex: GindexLike): Gindex[] {
  const out: Gindex[] = [];
  for (let g = toGindex(gindex, "gindex"); g > 1n; g >>= 1n) out.push(g ^ 1n);
  return out;
}

/**
 * Gindices of the helper nodes a multiproof of `gindices` needs, in decreasing order (spec
 * `get_helper_indices`): the siblings along every path, minus the nodes on the paths
 * themselves, which the proof computes. Inner nodes and ancestors of other gindices are allowed.
 */
export function helperIndices(gindices: readonly GindexLike[]): Gindex[] {
  const gs = gindices.map((value, i) => toGindex(value, `gindices[${i}]`));
  return gs.every((g) => g <= SAFE) ? helpersSafe(gs.map(Number)) : helpersBig(gs);
}

/** {@link helperIndices} in `number` arithmetic, for gindices below 2^53 (the common case, ~5x faster). */
function helpersSafe(gs: number[]): Gindex[] {
  const paths = new Set<number>();
  const siblings: number[] = [];
  for (let g of gs) {
    // Paths merge: once a node is known to be on a path, so is everything above it.
    for (; g > 1 && !paths.has(g); g = Math.floor(g / 2)) {
      paths.add(g);
      siblings.push(g % 2 === 0 ? g + 1 : g - 1);
    }
  }
  const helpers = Float64Array.from(new Set(siblings.filter((s) => !paths.has(s)))).sort();
  const out: Gindex[] = new Array(helpers.length);
  for (let i = 0; i < helpers.length; i++) out[i] = BigInt(helpers[helpers.length - 1 - i]!);
  return out;
}

/** {@link helperIndices} in `bigint` arithmetic, for any gindex below 2^64. */
function helpersBig(gs: bigint[]): Gindex[] {
  const paths = new Set<bigint>();
  const siblings: bigint[] = [];
  for (let g of gs) {
    for (; g > 1n && !paths.has(g); g >>= 1n) {
      paths.add(g);
      siblings.push(g ^ 1n);
    }
  }
  return [...new Set(siblings.filter((s) => !paths.has(s)))].sort(descending);
}

/** Comparator for sorting gindices in decreasing order. */
export function descending(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}
