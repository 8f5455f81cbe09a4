/**
 * Pruning by root set (mark and sweep): every node reachable from the roots to keep is marked,
 * every other node in the store is deleted in one batch. Nodes are content-addressed and shared
 * between versions and between tries (two accounts with equal storage share it), so a node may
 * only go when no kept root reaches it; marking from the kept roots is the simple way to know.
 * Cost is proportional to the kept tries plus the store; the engine, which prunes often, may keep
 * reference counts instead (see `docs/mpt.md`, "Pruning").
 */
import { bytesEqual } from "../bytes.ts";
import { decodeAccount } from "./account.ts";
import { EMPTY_ROOT } from "./constants.ts";
import { BranchNode, type ChildRef, decodeNode, ExtensionNode, LeafNode, type TrieNode } from "./node.ts";
import type { IterableNodeStore, NodeStore } from "./nodeStore.ts";

/** Options of {@link reachableNodes} and {@link pruneNodes}. */
export interface PruneOptions {
  /**
   * Roots of further tries a leaf value refers to, walked as well: for a state trie pass
   * {@link accountStorageRoots} so storage tries survive with their accounts.
   */
  leafRoots?: (value: Uint8Array) => readonly Uint8Array[];
}

/** The storage root of an account value, unless empty: the `leafRoots` for a state trie. */
export function accountStorageRoots(value: Uint8Array): Uint8Array[] {
  const { storageRoot } = decodeAccount(value);
  return bytesEqual(storageRoot, EMPTY_ROOT) ? [] : [storageRoot];
}

/**
 * The set of stored nodes reachable from `roots` (as 32-char binary strings of their hashes).
 * Shared subtrees are walked once. Missing nodes are skipped: pruning must not fail on a store
 * that was already partly pruned.
 */
export function reachableNodes(
  store: NodeStore,
  roots: Iterable<Uint8Array>,
  options: PruneOptions = {},
): Set<string> {
  const seen = new Set<string>();
  const stack: Uint8Array[] = [...roots];
  const visit = (node: TrieNode): void => {
    const refs: (ChildRef | null)[] =
      node instanceof BranchNode ? [...node.children] : node instanceof ExtensionNode ? [node.child] : [];
    for (const c of refs) {
      if (c === null) continue;
      if (c instanceof Uint8Array) stack.push(c);
      else visit(c);
    }
    const value = node instanceof LeafNode ? node.value : node instanceof BranchNode ? node.value : null;
    if (value !== null && options.leafRoots) stack.push(...options.leafRoots(value));
  };
  while (stack.length > 0) {
    const hash = stack.pop()!;
    const key = binKey(hash);
    if (seen.has(key)) continue;
    const enc = store.get(hash);
    if (enc === undefined) continue;
    seen.add(key);
    visit(decodeNode(enc, hash));
  }
  return seen;
}

/**
 * Deletes every node of `store` not reachable from `keepRoots` and returns how many were deleted.
 * Roots not kept become unreadable; kept roots and everything they reach stay intact.
 */
export function pruneNodes(
  store: IterableNodeStore,
  keepRoots: Iterable<Uint8Array>,
  options: PruneOptions = {},
): number {
  const keep = reachableNodes(store, keepRoots, options);
  const ops: { type: "del"; hash: Uint8Array }[] = [];
  for (const hash of store.hashes()) if (!keep.has(binKey(hash))) ops.push({ type: "del", hash });
  store.batch(ops);
  return ops.length;
}

function binKey(hash: Uint8Array): string {
  return String.fromCharCode.apply(null, hash as unknown as number[]);
}
