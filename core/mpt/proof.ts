/**
 * Building Merkle proofs from a node store: the encodings of the nodes on a key's path, root
 * first, down to the node that holds the value or shows the key absent. Embedded nodes (under 32
 * bytes) are included as their own elements after their parent, as @ethereumjs/mpt does; that is
 * also what Solidity verifiers in the Optimism lineage (`MerkleTrie.sol`) expect, and geth-style
 * verifiers ignore them. See `docs/mpt.md`, "Proof format".
 */
import { bytesEqual, toHex } from "../bytes.ts";
import { EMPTY_ROOT } from "./constants.ts";
import { MissingNodeError } from "./errors.ts";
import { commonPrefixLength } from "./nibbles.ts";
import { BranchNode, type ChildRef, decodeNode, ExtensionNode, type TrieNode } from "./node.ts";
import type { NodeStore } from "./nodeStore.ts";

/**
 * Proof for the key whose nibbles are `path` in the trie at `root`. The empty trie's proof is
 * empty. Throws `MissingNodeError` if a node on the path is not in the store (e.g. pruned).
 */
export function proofAlong(store: NodeStore, root: Uint8Array, path: Uint8Array): Uint8Array[] {
  const proof: Uint8Array[] = [];
  if (bytesEqual(root, EMPTY_ROOT)) return proof;
  let ref: ChildRef | null = root;
  let d = 0;
  while (ref !== null) {
    const node = load(store, ref);
    proof.push(node.enc!);
    if (node instanceof BranchNode) {
      if (d === path.length) break;
      ref = node.children[path[d]!]!;
      d++;
    } else if (node instanceof ExtensionNode) {
      if (commonPrefixLength(node.path, 0, path, d) !== node.path.length) break;
      d += node.path.length;
      ref = node.child;
    } else {
      break;
    }
  }
  return proof;
}

function load(store: NodeStore, ref: ChildRef): TrieNode {
  if (!(ref instanceof Uint8Array)) return ref;
  const enc = store.get(ref);
  if (enc === undefined) throw new MissingNodeError(toHex(ref));
  return decodeNode(enc, ref);
}
