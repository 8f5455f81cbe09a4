/**
 * The persistent Merkle Patricia Trie: reads and writes over a content-addressed node store.
 * Writes copy the path they change and stay in memory (dirty) until `commit`, which hashes them
 * in batches, writes them to the store in one `batch` and returns the new root. Stored nodes are
 * never changed, so every committed root stays readable (`MerkleTrie.at(store, oldRoot)`) until
 * pruned (see `prune.ts`). Proofs come from `getProof`, any node by hash from `getNode`.
 */
import { assertBytes, bytesEqual, toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { commitNodes } from "./commit.ts";
import { EMPTY_ROOT } from "./constants.ts";
import { MissingNodeError, UncommittedChangesError } from "./errors.ts";
import { bytesToNibbles, commonPrefixLength } from "./nibbles.ts";
import { BranchNode, type ChildRef, decodeNode, ExtensionNode, LeafNode, type TrieNode } from "./node.ts";
import type { NodeStore } from "./nodeStore.ts";
import { proofAlong } from "./proof.ts";

/** Options of a {@link MerkleTrie}. */
export interface MerkleTrieOptions {
  /** Root to open (default: the empty root). Its nodes must be in the store. */
  root?: Uint8Array;
  /** Key every operation by `keccak256(key)` (state and storage tries). Default `false`. */
  secure?: boolean;
}

/**
 * A Merkle Patricia Trie over a {@link NodeStore}. `get`/`put`/`del` see uncommitted writes;
 * `commit` makes them durable and returns the root; `getProof` proves against the committed root.
 * Not safe for concurrent writers (nothing in Ore shares one instance across tasks).
 */
export class MerkleTrie {
  /** The store this trie reads and commits to. */
  readonly store: NodeStore;
  /** Whether keys are hashed with keccak256 before use. */
  readonly secure: boolean;
  // Current root: null (empty), a stored node's hash, or an in-memory node (dirty or loaded).
  private rootRef: ChildRef | null;
  private committed: Uint8Array;
  private changed = false;

  constructor(store: NodeStore, options: MerkleTrieOptions = {}) {
    this.store = store;
    this.secure = options.secure ?? false;
    const root = options.root ?? EMPTY_ROOT;
    assertBytes(root, "options.root");
    if (root.length !== 32) throw new RangeError(`options.root: expected 32 bytes, found ${root.length}`);
    this.committed = root.slice();
    this.rootRef = bytesEqual(root, EMPTY_ROOT) ? null : this.committed;
  }

  /** The trie at `root` over the same store and key mode: how older roots are read. */
  at(root: Uint8Array): MerkleTrie {
    return new MerkleTrie(this.store, { root, secure: this.secure });
  }

  /** Root as of the last `commit` (or the root the trie was opened at). */
  get root(): Uint8Array {
    return this.committed.slice();
  }

  /** True when there are writes since the last commit. */
  get dirty(): boolean {
    return this.changed;
  }

  /** The value under `key`, or `undefined` if absent. Sees uncommitted writes. */
  get(key: Uint8Array): Uint8Array | undefined {
    const path = this.path(key, "key");
    let ref: ChildRef | null = this.rootRef;
    let d = 0;
    while (ref !== null) {
      const node = this.resolve(ref);
      if (node instanceof LeafNode) {
        const n = node.path.length;
        if (d + n === path.length && commonPrefixLength(node.path, 0, path, d) === n) return node.value;
        return undefined;
      }
      if (node instanceof ExtensionNode) {
        const n = node.path.length;
        if (commonPrefixLength(node.path, 0, path, d) !== n) return undefined;
        d += n;
        ref = node.child;
      } else {
        if (d === path.length) return node.value ?? undefined;
        ref = node.children[path[d]!]!;
        d++;
      }
    }
    return undefined;
  }

  /** Sets `key` to `value`; an empty `value` deletes the key, as in Ethereum tries. */
  put(key: Uint8Array, value: Uint8Array): void {
    assertBytes(value, "value");
    if (value.length === 0) {
      this.del(key);
      return;
    }
    const path = this.path(key, "key");
    this.rootRef = this.insert(this.rootRef, path, 0, value.slice());
    this.changed = true;
  }

  /** Removes `key` (no-op when absent). */
  del(key: Uint8Array): void {
    const path = this.path(key, "key");
    if (this.rootRef === null) return;
    const next = this.remove(this.rootRef, path, 0);
    if (next !== this.rootRef) {
      this.rootRef = next;
      this.changed = true;
    }
  }

  /**
   * Hashes every write since the last commit (bottom-up, one `keccak256Many` batch per level),
   * stores the new nodes in one `batch` and returns the new root. Nothing stored is modified or
   * deleted, so earlier roots stay readable.
   */
  commit(): Uint8Array {
    const ref = this.rootRef;
    if (ref === null) {
      this.committed = EMPTY_ROOT.slice();
    } else if (!(ref instanceof Uint8Array)) {
      if (ref.hash === undefined || ref.enc === undefined) {
        const ops = commitNodes(ref);
        if (ref.hash === undefined) {
          // A clean root that was embedded in a parent before has no hash of its own yet.
          ref.hash = keccak256(ref.enc!);
          ops.push({ type: "put", hash: ref.hash, node: ref.enc! });
        }
        if (ops.length > 0) this.store.batch(ops);
      }
      this.committed = ref.hash!.slice();
      // Drop the in-memory tree: memory stays bounded by one commit's writes.
      this.rootRef = this.committed;
    }
    this.changed = false;
    return this.committed.slice();
  }

  /**
   * Proof for `key` against the committed root: the encodings of the nodes on the key's path,
   * root first, the shape of EIP-1186 `accountProof`/`storageProof` (embedded nodes included as
   * their own elements, as @ethereumjs/mpt does). Proves absence too. Throws
   * `UncommittedChangesError` if there are uncommitted writes.
   */
  getProof(key: Uint8Array): Uint8Array[] {
    if (this.dirty) throw new UncommittedChangesError("getProof");
    return proofAlong(this.store, this.committed, this.path(key, "key"));
  }

  /** The stored encoding of the node with hash `hash` (any root, any version), or `undefined`. */
  getNode(hash: Uint8Array): Uint8Array | undefined {
    assertBytes(hash, "hash");
    return this.store.get(hash);
  }

  private path(key: Uint8Array, param: string): Uint8Array {
    assertBytes(key, param);
    return bytesToNibbles(this.secure ? keccak256(key) : key);
  }

  private resolve(ref: ChildRef): TrieNode {
    if (!(ref instanceof Uint8Array)) return ref;
    const enc = this.store.get(ref);
    if (enc === undefined) throw new MissingNodeError(toHex(ref));
    return decodeNode(enc, ref);
  }

  private insert(ref: ChildRef | null, path: Uint8Array, d: number, value: Uint8Array): TrieNode {
    if (ref === null) return new LeafNode(path.slice(d), value);
    const node = this.resolve(ref);
    if (node instanceof BranchNode) {
      if (d === path.length) return new BranchNode(node.children, value);
      const children = node.children.slice();
      children[path[d]!] = this.insert(children[path[d]!]!, path, d + 1, value);
      return new BranchNode(children, node.value);
    }
    const cp = commonPrefixLength(node.path, 0, path, d);
    if (node instanceof LeafNode && cp === node.path.length && d + cp === path.length) {
      return new LeafNode(node.path, value);
    }
    if (node instanceof ExtensionNode && cp === node.path.length) {
      return new ExtensionNode(node.path, this.insert(node.child, path, d + cp, value));
    }
    // The paths diverge after `cp` nibbles: a branch there holds the old node and the new leaf.
    const children: (ChildRef | null)[] = new Array(16).fill(null);
    let branchValue: Uint8Array | null = null;
    if (cp === node.path.length) {
      branchValue = (node as LeafNode).value;
    } else {
      const rest = node.path.subarray(cp + 1);
      const slot = node.path[cp]!;
      if (node instanceof LeafNode) children[slot] = new LeafNode(rest.slice(), node.value);
      else children[slot] = rest.length === 0 ? node.child : new ExtensionNode(rest.slice(), node.child);
    }
    if (d + cp === path.length) branchValue = value;
    else children[path[d + cp]!] = new LeafNode(path.slice(d + cp + 1), value);
    const branch = new BranchNode(children, branchValue);
    return cp === 0 ? branch : new ExtensionNode(node.path.slice(0, cp), branch);
  }

  /** `ref` without the key at `path[d..]`; returns `ref` itself when the key is absent. */
  private remove(ref: ChildRef, path: Uint8Array, d: number): ChildRef | null {
    const node = this.resolve(ref);
    if (node instanceof LeafNode) {
      const n = node.path.length;
      return d + n === path.length && commonPrefixLength(node.path, 0, path, d) === n ? null : ref;
    }
    if (node instanceof ExtensionNode) {
      const n = node.path.length;
      if (commonPrefixLength(node.path, 0, path, d) !== n) return ref;
      const child = this.remove(node.child, path, d + n);
      if (child === node.child) return ref;
      return child === null ? null : this.join(node.path, child);
    }
    let children = node.children;
    let value = node.value;
    if (d === path.length) {
      if (value === null) return ref;
      value = null;
    } else {
      const slot = path[d]!;
      const old = children[slot]!;
      if (old === null) return ref;
      const child = this.remove(old, path, d + 1);
      if (child === old) return ref;
      children = children.slice();
      (children as (ChildRef | null)[])[slot] = child;
    }
    return this.normalize(children, value);
  }

  /** A branch with the given contents, collapsed if it no longer has two things to branch on. */
  private normalize(children: readonly (ChildRef | null)[], value: Uint8Array | null): TrieNode | null {
    let only = -1;
    let count = value === null ? 0 : 1;
    for (let i = 0; i < 16; i++) {
      if (children[i] !== null) {
        count++;
        only = i;
      }
    }
    if (count >= 2) return new BranchNode(children, value);
    if (count === 0) return null;
    if (value !== null) return new LeafNode(new Uint8Array(0), value);
    return this.join(Uint8Array.of(only), children[only]!);
  }

  /** The node for `prefix` followed by `child`: merges the prefix into a leaf or extension child. */
  private join(prefix: Uint8Array, child: ChildRef): TrieNode {
    const node = this.resolve(child);
    if (node instanceof LeafNode) return new LeafNode(concat(prefix, node.path), node.value);
    if (node instanceof ExtensionNode) return new ExtensionNode(concat(prefix, node.path), node.child);
    return new ExtensionNode(prefix.slice(), child);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
