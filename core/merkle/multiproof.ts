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
function nodes(list: unknown, param: string): WasmNode[] {
  if (!Array.isArray(list)) throw new TypeError(`${param}: expected an array of proof nodes`);
  return list.map((node: unknown, i) => {
    if (typeof node !== "object" || node === null)
      throw new TypeError(`${param}[${i}]: expected a proof node`);
    const { gindex, value } = node as { gindex: unknown; value: unknown };
    assertBytesLength(value, 32, `${param}[${i}].value`);
    return { gindex: toGindex(gindex, `${param}[${i}].gindex`), value };
  });
}

/**
 * The root `proof` proves (spec `calculate_multi_merkle_root`), computed in one WASM call.
 * Throws `TypeError` / `RangeError` for a malformed proof (wrong types, values that are not
 * 32 bytes, gindices outside `[1, 2^64)`), `MultiproofShapeError` when the helpers are not
 * exactly those the leaves need, and `MultiproofConflictError` when a proven inner node
 * disagrees with the proven nodes below it (where the spec would silently keep the inner node).
 */
export function multiproofRoot(proof: Multiproof): Uint8Array {
  if (typeof proof !== "object" || proof === null) throw new TypeError("proof: expected a multiproof object");
  const leaves = nodes(proof.leaves, "proof.leaves");
  const helpers = nodes(proof.helpers, "proof.helpers");
  if (leaves.length === 0)
    throw new MultiproofShapeError("multiproof: expected at least one leaf, found none");
  const all = [...leaves].sort((a, b) => descending(a.gindex, b.gindex));
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.gindex === all[i - 1]!.gindex) {
      throw new MultiproofShapeError(`multiproof: leaf gindex ${all[i]!.gindex} given twice`);
    }
  }
  const expected = helperIndices(leaves.map((l) => l.gindex));
  if (expected.length !== helpers.length || expected.some((g, i) => helpers[i]!.gindex !== g)) {
    throw new MultiproofShapeError(
      `multiproof: expected helpers at [${expected.join(", ")}], found [${helpers.map((h) => h.gindex).join(", ")}]`,
      { details: { expected, found: helpers.map((h) => h.gindex) } },
    );
  }
  // Helpers come sorted and never coincide with a leaf (they are off every leaf's path), so a
  // merge keeps the whole list strictly decreasing, as the WASM verifier requires.
  const merged: WasmNode[] = [];
  let h = 0;
  for (const leaf of all) {
    while (h < helpers.length && helpers[h]!.gindex > leaf.gindex) merged.push(helpers[h++]!);
    merged.push(leaf);
  }
  while (h < helpers.length) merged.push(helpers[h++]!);
  const root = multiRoot(merged);
  if (root === "conflict") {
    throw new MultiproofConflictError(
      "multiproof: a proven inner node differs from the hash of the nodes below it",
    );
  }
  // Unreachable with the exact helper set checked above; kept so a bug cannot yield a root.
  if (root === "missing") throw new MultiproofShapeError("multiproof: nodes do not determine a root");
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
