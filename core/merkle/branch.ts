/**
 * Single-branch Merkle proofs (consensus-specs `calculate_merkle_root` / `verify_merkle_proof`):
 * one node and its siblings bottom-up. The walk runs in WASM, one call per proof.
 * https://github.com/ethereum/consensus-specs/blob/dev/ssz/merkle-proofs.md#static-multiproofs
 */

import { branchRoot as wasmBranchRoot } from "../../wasm/merkle.ts";
import { assertBytesLength, bytesEqual } from "../bytes.ts";
import { depthOf, type GindexLike, toGindex } from "./gindex.ts";

/**
 * Root implied by `leaf` at `gindex` and its `branch` (siblings bottom-up, one per level, so
 * `branch.length` must equal the depth of `gindex`). Throws `TypeError` / `RangeError` naming
 * the parameter for wrong types, lengths or gindices.
 */
export function branchRoot(leaf: Uint8Array, branch: readonly Uint8Array[], gindex: GindexLike): Uint8Array {
  assertBytesLength(leaf, 32, "leaf");
  const g = toGindex(gindex, "gindex");
  if (!Array.isArray(branch)) throw new TypeError("branch: expected an array of 32-byte Uint8Arrays");
  const depth = depthOf(g);
  if (branch.length !== depth) {
    throw new RangeError(`branch: expected ${depth} siblings for gindex ${g}, found ${branch.length}`);
  }
  for (let i = 0; i < branch.length; i++) assertBytesLength(branch[i], 32, `branch[${i}]`);
  return wasmBranchRoot(leaf, branch, g);
}

/** True when `leaf` at `gindex` with `branch` hashes to `root` (spec `verify_merkle_proof`). */
export function verifyBranch(
  root: Uint8Array,
  leaf: Uint8Array,
  branch: readonly Uint8Array[],
  gindex: GindexLike,
): boolean {
  assertBytesLength(root, 32, "root");
  return bytesEqual(branchRoot(leaf, branch, gindex), root);
}
