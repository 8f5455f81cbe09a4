/**
 * Committing a trie: encodes and hashes every dirty node, bottom-up in batches, and collects the
 * store writes. Dirty nodes are grouped by height (a node's height is one more than its highest
 * dirty child's), so each height is one `keccak256Many` call over all its nodes: children are
 * always hashed before the parents that embed their hashes.
 */
import { keccak256Many } from "../hash/keccak.ts";
import { BranchNode, ExtensionNode, encodeNode, type TrieNode } from "./node.ts";
import type { NodeStoreOp } from "./nodeStore.ts";

/**
 * Encodes and hashes the dirty nodes under (and including) `root`, filling in their `enc` and
 * `hash`, and returns the puts for every node referenced by hash (encodings of 32 bytes or more,
 * and the root whatever its size). Clean subtrees are not visited.
 */
export function commitNodes(root: TrieNode): NodeStoreOp[] {
  const levels: TrieNode[][] = [];
  heightOf(root, levels);
  const ops: NodeStoreOp[] = [];
  for (const level of levels) {
    const toHash: Uint8Array[] = [];
    const hashed: TrieNode[] = [];
    for (const node of level) {
      const enc = encodeNode(node);
      node.enc = enc;
      if (enc.length >= 32 || node === root) {
        toHash.push(enc);
        hashed.push(node);
      }
    }
    const hashes = keccak256Many(toHash);
    for (let i = 0; i < hashed.length; i++) {
      const node = hashed[i]!;
      node.hash = hashes[i]!;
      ops.push({ type: "put", hash: node.hash, node: node.enc! });
    }
  }
  return ops;
}

/** Height of dirty `node` (0 when no child is dirty), recording it in `levels`; -1 for clean. */
function heightOf(node: TrieNode, levels: TrieNode[][]): number {
  if (node.enc !== undefined) return -1;
  let h = 0;
  if (node instanceof ExtensionNode) {
    if (!(node.child instanceof Uint8Array)) h = heightOf(node.child, levels) + 1;
  } else if (node instanceof BranchNode) {
    for (const c of node.children) {
      if (c !== null && !(c instanceof Uint8Array)) h = Math.max(h, heightOf(c, levels) + 1);
    }
  }
  while (levels.length <= h) levels.push([]);
  levels[h]!.push(node);
  return h;
}
