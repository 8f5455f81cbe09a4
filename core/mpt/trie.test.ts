import { describe, expect, test } from "bun:test";
import { createMerkleProof, createMPT, type MerklePatriciaTrie } from "@ethereumjs/mpt";
import { toHex } from "../bytes.ts";
import { keccak256 as keccak } from "../hash/keccak.ts";
import { EMPTY_ROOT } from "./constants.ts";
import { MissingNodeError, UncommittedChangesError } from "./errors.ts";
import { MemoryNodeStore } from "./nodeStore.ts";
import { pruneNodes, reachableNodes } from "./prune.ts";
import { randomBytes, randomOps, seededRandom, type TrieOp } from "./testing.ts";
import { MerkleTrie } from "./trie.ts";
import { secureTrieRoot, trieRoot } from "./trieRoot.ts";
import { verifyProof } from "./verifyProof.ts";

// ORE_SOAK=1 runs thousands of sequences; the default run stays quick.
const SEQUENCES = process.env.ORE_SOAK ? 3000 : 150;

/** Applies `ops` to a model map (empty value = delete) and returns the final entries. */
function model(ops: readonly TrieOp[]): Map<string, [Uint8Array, Uint8Array]> {
  const map = new Map<string, [Uint8Array, Uint8Array]>();
  for (const o of ops) {
    if (o.op === "put" && o.value.length > 0) map.set(toHex(o.key), [o.key, o.value]);
    else map.delete(toHex(o.key));
  }
  return map;
}

/**
 * The reference trie holding `entries`, built by inserts only. @ethereumjs/mpt 10.1.3's delete
 * is history-dependent (put 0x42, 0x4241, 0x425f, delete 0x425f: its root differs from a fresh
 * trie of {0x42, 0x4241}, which geth, our builder and our trie agree on), so the reference for a
 * sequence with deletes is a fresh build of its final contents.
 */
async function reference(
  entries: Iterable<[Uint8Array, Uint8Array]>,
  secure: boolean,
): Promise<MerklePatriciaTrie> {
  const t = await createMPT({ useKeyHashing: secure });
  for (const [k, v] of entries) await t.put(k, v);
  return t;
}

describe("MerkleTrie vs @ethereumjs/mpt", () => {
  for (const secure of [false, true]) {
    test(`${SEQUENCES} random insert/update/delete sequences (${secure ? "secure" : "plain"} keys)`, async () => {
      for (let seed = 1; seed <= SEQUENCES; seed++) {
        const rand = seededRandom(seed * 2 + (secure ? 1 : 0));
        const ops = randomOps(rand, 10 + ((rand() * 60) | 0));
        const trie = new MerkleTrie(new MemoryNodeStore(), { secure });
        for (const o of ops) {
          if (o.op === "put") trie.put(o.key, o.value);
          else trie.del(o.key);
        }
        const root = trie.commit();
        const map = model(ops);
        const ref = await reference(map.values(), secure);
        const ctx = `seed ${seed}`;
        expect(`${ctx} ${toHex(root)}`).toBe(`${ctx} ${toHex(ref.root())}`);
        const built = secure ? secureTrieRoot(map.values()) : trieRoot(map.values());
        expect(`${ctx} ${toHex(built)}`).toBe(`${ctx} ${toHex(root)}`);
        // Every key ever touched: present ones prove inclusion, deleted ones exclusion.
        for (const o of ops) {
          const want = map.get(toHex(o.key))?.[1];
          const got = trie.get(o.key);
          expect(got === undefined ? null : toHex(got)).toBe(want === undefined ? null : toHex(want));
          const proof = trie.getProof(o.key);
          const refProof = await createMerkleProof(ref, o.key);
          expect(proof.map(toHex)).toEqual(refProof.map(toHex));
          const path = secure ? keccak(o.key) : o.key;
          const v = verifyProof(root, path, proof);
          expect(v === null ? null : toHex(v)).toBe(want === undefined ? null : toHex(want));
        }
      }
    }, 600_000);
  }
});

describe("MerkleTrie persistence", () => {
  test("old roots stay readable; commit is idempotent; getProof needs a commit", () => {
    const store = new MemoryNodeStore();
    const trie = new MerkleTrie(store);
    const rand = seededRandom(99);
    const keys = Array.from({ length: 200 }, () => randomBytes(rand, 32));
    for (const k of keys) trie.put(k, randomBytes(rand, 40));
    const root1 = trie.commit();
    expect(toHex(trie.commit())).toBe(toHex(root1));
    const before = new Map(keys.map((k) => [toHex(k), trie.get(k)!]));
    for (const k of keys.slice(0, 100)) trie.put(k, Uint8Array.of(1));
    for (const k of keys.slice(100, 150)) trie.del(k);
    expect(() => trie.getProof(keys[0]!)).toThrow(UncommittedChangesError);
    const root2 = trie.commit();
    expect(toHex(root2)).not.toBe(toHex(root1));
    const old = trie.at(root1);
    for (const k of keys) expect(toHex(old.get(k)!)).toBe(toHex(before.get(toHex(k))!));
    expect(trie.get(keys[120]!)).toBeUndefined();
    // Reopening from the store alone gives the same contents.
    const reopened = new MerkleTrie(store, { root: root2 });
    expect(toHex(reopened.get(keys[0]!)!)).toBe("0x01");
    // Every proof node is servable by hash.
    for (const node of reopened.getProof(keys[3]!)) {
      if (node.length >= 32) expect(toHex(trie.getNode(keccak(node))!)).toBe(toHex(node));
    }
  });

  test("deleting everything returns the empty root", () => {
    const trie = new MerkleTrie(new MemoryNodeStore());
    const keys = [Uint8Array.of(1), Uint8Array.of(1, 2), Uint8Array.of(2)];
    for (const k of keys) trie.put(k, Uint8Array.of(7));
    trie.commit();
    for (const k of keys) trie.del(k);
    expect(trie.dirty).toBe(true);
    expect(toHex(trie.commit())).toBe(toHex(EMPTY_ROOT));
    expect(trie.getProof(keys[0]!)).toEqual([]);
  });

  test("pruning by root set keeps exactly what kept roots reach", () => {
    const store = new MemoryNodeStore();
    const trie = new MerkleTrie(store);
    const rand = seededRandom(5);
    const keys = Array.from({ length: 300 }, () => randomBytes(rand, 32));
    for (const k of keys) trie.put(k, randomBytes(rand, 50));
    const root1 = trie.commit();
    for (const k of keys.slice(0, 30)) trie.put(k, randomBytes(rand, 50));
    const root2 = trie.commit();
    const sizeBefore = store.size;
    const deleted = pruneNodes(store, [root2]);
    expect(deleted).toBeGreaterThan(0);
    expect(store.size).toBe(sizeBefore - deleted);
    expect(reachableNodes(store, [root2]).size).toBe(store.size);
    const current = trie.at(root2);
    for (const k of keys) expect(current.get(k)).toBeDefined();
    expect(() => trie.at(root1).get(keys[0]!)).toThrow(MissingNodeError);
  });
});
