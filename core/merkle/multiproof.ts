/**
 * Merkle multiproofs (consensus-specs `ssz/merkle-proofs.md`, "Merkle multiproofs"): the nodes
 * at a set of gindices plus the helper nodes needed to recompute the root. Each node carries its
 * gindex, so a proof is self-describing; helpers are in the spec's order (decreasing gindex), so
 * `helpers.map((h) => h.value)` is the spec's `proof` list.
 * https://github.com/ethereum/consensus-specs/blob/dev/ssz/merkle-proofs.md#merkle-multiproofs
 */

import { multiRoot, type WasmNode } from "../../wasm/merkle.ts";
import { assertBytesLength, bytesEqual } from "../bytes.ts";
import { MultiproofConflictError, MultiproofShapeError } from "./errors.ts";
import { descending, type Gindex, helperIndices, toGindex } from "./gindex.ts";

/** One node of a proof: its generalized index and its 32-byte value. */
export interface ProofNode {
  readonly gindex: Gindex;
  readonly value: Uint8Array;
}

/**
 * A multiproof: the proven nodes (`leaves`, any order, leaves or inner nodes) and the `helpers`
 * that `helperIndices(leaf gindices)` names, in that (decreasing) order.
 */
export interface Multiproof {
  readonly leaves: readonly ProofNode[];
  readonly helpers: readonly ProofNode[];
}

/** Validates one node list of a proof, returning its nodes with gindices as `bigint`. */
function nodes(list: unknown, param: string, leaf: boolean): WasmNode[] {
  if (!Array.isArray(list)) throw new TypeError(`${param}: expected an array of proof nodes`);
  return list.map((node: unknown, i) => {
    if (typeof node !== "object" || node === null)
      throw new TypeError(`${param}[${i}]: expected a proof node`);
    const { gindex, value } = node as { gindex: unknown; value: unknown };
    assertBytesLength(value, 32, `${param}[${i}].value`);
    return { gindex: toGindex(gindex, `${param}[${i}].gindex`), value, leaf };
  });
}

/** The shape failure, naming the helpers the leaves needed (computed only on this error path). */
function shapeError(
  leaves: readonly WasmNode[],
  helpers: readonly WasmNode[],
  why: string,
): MultiproofShapeError {
  const expected = helperIndices(leaves.map((l) => l.gindex));
  const found = helpers.map((h) => h.gindex);
  return new MultiproofShapeError(
    `multiproof: ${why}; expected helpers at [${expected.join(", ")}], found [${found.join(", ")}]`,
    { details: { expected, found } },
  );
}

/**
 * The root `proof` proves (spec `calculate_multi_merkle_root`), computed in one WASM call.
 * Throws `TypeError` / `RangeError` for a malformed proof (wrong types, values that are not
 * 32 bytes, gindices outside `[1, 2^64)`), `MultiproofShapeError` when the helpers are not
 * exactly those the leaves need (`helperIndices(leaves)`, in that order), and
 * `MultiproofConflictError` when a proven inner node disagrees with the proven nodes below it
 * (where the spec would silently keep the inner node).
 */
export function multiproofRoot(proof: Multiproof): Uint8Array {
  if (typeof proof !== "object" || proof === null) throw new TypeError("proof: expected a multiproof object");
  const leaves = nodes(proof.leaves, "proof.leaves", true);
  const helpers = nodes(proof.helpers, "proof.helpers", false);
  if (leaves.length === 0) throw shapeError(leaves, helpers, "no leaves");
  for (let i = 1; i < helpers.length; i++) {
    if (helpers[i]!.gindex >= helpers[i - 1]!.gindex)
      throw shapeError(leaves, helpers, "helpers out of order");
  }
  const sorted = leaves.length === 1 ? leaves : [...leaves].sort((a, b) => descending(a.gindex, b.gindex));
  // Merge the sorted leaves into the helpers: the WASM walk needs strictly decreasing gindices,
  // and checks there that the helpers are exactly the ones the leaves need.
  const merged: WasmNode[] = [];
  let h = 0;
  for (const leaf of sorted) {
    while (h < helpers.length && helpers[h]!.gindex > leaf.gindex) merged.push(helpers[h++]!);
    merged.push(leaf);
  }
  while (h < helpers.length) merged.push(helpers[h++]!);
  for (let i = 1; i < merged.length; i++) {
    if (merged[i]!.gindex === merged[i - 1]!.gindex) {
      throw shapeError(leaves, helpers, `gindex ${merged[i]!.gindex} given twice`);
    }
  }
  const root = multiRoot(merged);
  if (root === "shape") throw shapeError(leaves, helpers, "helpers are not exactly those the leaves need");
  if (root === "conflict") {
    throw new MultiproofConflictError(
      "multiproof: a proven inner node differs from the hash of the nodes below it",
    );
  }
  return root;
}

/**
 * True when `proof` proves its leaves against `root` (spec `verify_merkle_multiproof`). A wrong
 * shape, a conflict or a different root give `false`; malformed arguments still throw
 * `TypeError` / `RangeError` (including a `root` that is not 32 bytes).
 */
export function verifyMultiproof(root: Uint8Array, proof: Multiproof): boolean {
  assertBytesLength(root, 32, "root");
  try {
    return bytesEqual(multiproofRoot(proof), root);
  } catch (e) {
    if (e instanceof MultiproofShapeError || e instanceof MultiproofConflictError) return false;
    throw e;
  }
}
