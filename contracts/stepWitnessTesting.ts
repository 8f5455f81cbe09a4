/**
 * Test kit for `contracts/src/fault/StepWitness.sol`, shared by its end-to-end test and the gas
 * benchmark: deploys `StepWitnessHarness`, and builds step witnesses (docs/fault-proof.md §8.2)
 * the TypeScript way — synthetic ones of a given shape, and a partial tree's values after
 * writes — for the contract's answers to be compared with. Not used in production code.
 */
import type { Address, PublicClient } from "viem";
import { encodeWitness, type WitnessNode, witnessRoot } from "../core/proof/witness.ts";
import { randomBytes, seededRandom } from "../core/testing/random.ts";
import { stepWitnessHarnessAbi, stepWitnessHarnessBytecode } from "./artifacts/index.ts";
import type { L1Wallet } from "./testing.ts";

/** Deploys a `StepWitnessHarness` from `wallet` and returns its address. */
export async function deployStepWitnessHarness(
  publicClient: PublicClient,
  wallet: L1Wallet,
): Promise<Address> {
  const hash = await wallet.deployContract({
    abi: stepWitnessHarnessAbi,
    bytecode: stepWitnessHarnessBytecode,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error("StepWitnessHarness: deployment failed");
  return receipt.contractAddress;
}

/**
 * A random witness tree with exactly `inner` inner nodes (so `inner + 1` terminals of random
 * 32-byte values and `inner` SHA-256 compressions to hash it), no deeper than `maxDepth`.
 */
export function randomTree(inner: number, seed: number, maxDepth = 45): WitnessNode {
  const rand = seededRandom(seed);
  const build = (n: number, depth: number): WitnessNode => {
    if (n === 0) return { value: Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256)) };
    if (n > 2 ** (maxDepth - depth) - 1)
      throw new Error(`randomTree: ${n} inner nodes do not fit below depth ${depth}`);
    // Split the other n - 1 inner nodes between the two subtrees, each within its height.
    const cap = 2 ** (maxDepth - depth - 1) - 1;
    const lo = Math.max(0, n - 1 - cap);
    const hi = Math.min(n - 1, cap);
    const left = lo + Math.floor(rand() * (hi - lo + 1));
    return { left: build(left, depth + 1), right: build(n - 1 - left, depth + 1) };
  };
  return build(inner, 0);
}

/**
 * A synthetic witness with `inner` inner nodes of random values and preimages of the given
 * lengths (random bytes), and its root.
 */
export function syntheticWitness(
  inner: number,
  preimageLengths: readonly number[],
  seed = 1,
): { witness: Uint8Array; root: Uint8Array } {
  const tree = randomTree(inner, seed);
  const preimages = preimageLengths.map((len, i) => randomBytes(seededRandom(seed * 31 + i), len));
  return { witness: encodeWitness({ tree, preimages }), root: witnessRoot(tree) };
}

/** A walk to `g` met a terminal above it (the TypeScript side of `MissingNode`). */
export class MissingNodeError extends Error {
  constructor(readonly gindex: bigint) {
    super(`missing node at gindex ${gindex}`);
  }
}

/**
 * Depth of gindex `g`: floor(log2 g). A witness tree may be 64 deep, so `g` may reach 2^65 − 1,
 * past what `core/merkle/gindex.ts`'s `depthOf` takes (gindices of the state, below 2^64).
 */
export function depthOf(g: bigint): number {
  return g.toString(2).length - 1;
}

/** The node at gindex `g` of `tree`; throws {@link MissingNodeError} past a terminal. */
export function nodeAt(tree: WitnessNode, g: bigint): WitnessNode {
  let n = tree;
  for (let i = depthOf(g) - 1; i >= 0; i--) {
    if ("value" in n) throw new MissingNodeError(g);
    n = (g >> BigInt(i)) & 1n ? n.right : n.left;
  }
  return n;
}

/** A copy of `tree` with the node at `g` (depth ≥ 1) replaced by the terminal `value`. */
export function withValue(tree: WitnessNode, g: bigint, value: Uint8Array): WitnessNode {
  const go = (n: WitnessNode, i: number): WitnessNode => {
    if (i < 0) return { value };
    if ("value" in n) throw new MissingNodeError(g);
    return (g >> BigInt(i)) & 1n
      ? { left: n.left, right: go(n.right, i - 1) }
      : { left: go(n.left, i - 1), right: n.right };
  };
  return go(tree, depthOf(g) - 1);
}

/** The value (a terminal's chunk, an inner node's hash) at gindex `g` of `tree`. */
export function valueAt(tree: WitnessNode, g: bigint): Uint8Array {
  return witnessRoot(nodeAt(tree, g));
}
