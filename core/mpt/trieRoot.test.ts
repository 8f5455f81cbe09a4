import { describe, expect, test } from "bun:test";
import { createMPT } from "@ethereumjs/mpt";
import { fromHex, toHex } from "../bytes.ts";
import { EMPTY_ROOT } from "./constants.ts";
import { MemoryNodeStore } from "./nodeStore.ts";
import { randomBytes, seededRandom } from "./testing.ts";
import { MerkleTrie } from "./trie.ts";
import { secureTrieRoot, type TrieEntry, trieRoot } from "./trieRoot.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const entries = (o: Record<string, string>): TrieEntry[] =>
  Object.entries(o).map(([k, v]) => [
    k.startsWith("0x") ? fromHex(k) : utf8(k),
    v.startsWith("0x") ? fromHex(v) : utf8(v),
  ]);

// Vectors of ethereum/tests TrieTests (trietest.json, trieanyorder.json), reconstructed.
const VECTORS: [string, TrieEntry[], string][] = [
  ["empty", [], "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"],
  [
    "singleItem",
    entries({ A: "a".repeat(50) }),
    "0xd23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab",
  ],
  [
    "dogs",
    entries({ doe: "reindeer", dog: "puppy", dogglesworth: "cat" }),
    "0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3",
  ],
  [
    "puppy",
    entries({ do: "verb", horse: "stallion", doge: "coin", dog: "puppy" }),
    "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84",
  ],
  [
    "foo",
    entries({ foo: "bar", food: "bass" }),
    "0x17beaa1648bafa633cda809c90c04af50fc8aed3cb40d16efbddee6fdf63c4c3",
  ],
  [
    "smallValues",
    entries({ be: "e", dog: "puppy", bed: "d" }),
    "0x3f67c7a47520f79faa29255d2d3c084a7a6df0453116ed7232ff10277a8be68b",
  ],
  [
    "testy",
    entries({ test: "test", te: "testy" }),
    "0x8452568af70d8d140f58d941338542f645fcca50094b20f3c3d8c3df49337928",
  ],
  [
    "hex",
    entries({ "0x0045": "0x0123456789", "0x4500": "0x9876543210" }),
    "0x285505fcabe84badc8aa310e2aae17eddc7d120aabec8a476902c8184b3a3503",
  ],
  [
    // trietest.json "emptyValues": puts and deletes (null values) in order.
    "emptyValues",
    [
      ...entries({ do: "verb", ether: "wookiedoo", horse: "stallion", shaman: "horse", doge: "coin" }),
      [utf8("ether"), new Uint8Array()],
      ...entries({ dog: "puppy" }),
      [utf8("shaman"), new Uint8Array()],
    ],
    "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84",
  ],
];

describe("trieRoot", () => {
  for (const [name, es, root] of VECTORS) {
    test(`ethereum/tests vector: ${name}`, () => {
      expect(toHex(trieRoot(es)) as string).toBe(root);
    });
  }

  test("empty root constant", () => {
    expect(toHex(trieRoot([]))).toBe(toHex(EMPTY_ROOT));
    expect(toHex(secureTrieRoot([[utf8("x"), new Uint8Array()]]))).toBe(toHex(EMPTY_ROOT));
  });

  test("last write wins; empty value removes; iterables work", () => {
    const a = trieRoot(entries({ dog: "puppy", cat: "x" }));
    const b = trieRoot([
      ...entries({ dog: "kitten", cat: "x", bird: "y" }),
      [utf8("bird"), new Uint8Array()],
      ...entries({ dog: "puppy" }),
    ]);
    expect(toHex(b)).toBe(toHex(a));
    function* gen(): Generator<TrieEntry> {
      yield* entries({ dog: "puppy", cat: "x" });
    }
    expect(toHex(trieRoot(gen()))).toBe(toHex(a));
  });

  test("random sets, keys of random lengths with prefixes, match @ethereumjs/mpt", async () => {
    const rand = seededRandom(11);
    for (let round = 0; round < 20; round++) {
      const n = 1 + ((rand() * 300) | 0);
      const es: TrieEntry[] = [];
      for (let i = 0; i < n; i++) {
        let key = randomBytes(rand, 1 + ((rand() * 5) | 0));
        if (es.length > 0 && rand() < 0.3)
          key = es[(rand() * es.length) | 0]![0].slice(0, 1 + ((rand() * 3) | 0));
        const value = randomBytes(rand, rand() < 0.05 ? 10240 : 1 + ((rand() * 70) | 0));
        es.push([key, value]);
      }
      for (const secure of [false, true]) {
        const ref = await createMPT({ useKeyHashing: secure });
        for (const [k, v] of es) await ref.put(k, v);
        expect(toHex(secure ? secureTrieRoot(es) : trieRoot(es))).toBe(toHex(ref.root()));
      }
    }
  });

  test("a 3k-entry secure trie of 32-byte keys and account-sized values matches @ethereumjs/mpt", async () => {
    const rand = seededRandom(3);
    const es: TrieEntry[] = Array.from({ length: 3000 }, () => [
      randomBytes(rand, 32),
      randomBytes(rand, 110),
    ]);
    const ref = await createMPT({ useKeyHashing: true });
    for (const [k, v] of es) await ref.put(k, v);
    expect(toHex(secureTrieRoot(es))).toBe(toHex(ref.root()));
  });

  test("large inputs (bucketed sort) with duplicates, deletions and prefixes match the persistent trie", () => {
    const rand = seededRandom(17);
    for (const secure of [false, true]) {
      const es: TrieEntry[] = [];
      for (let i = 0; i < 12000; i++) {
        const r = rand();
        // Short keys collide often (updates, prefixes, crowded sort buckets); long ones spread.
        let key = randomBytes(rand, r < 0.6 ? 1 + ((rand() * 3) | 0) : 32);
        if (es.length > 0 && rand() < 0.2) key = es[(rand() * es.length) | 0]![0];
        es.push([key, rand() < 0.1 ? new Uint8Array() : randomBytes(rand, 1 + ((rand() * 40) | 0))]);
      }
      const trie = new MerkleTrie(new MemoryNodeStore(), { secure });
      for (const [k, v] of es) trie.put(k, v);
      expect(toHex(secure ? secureTrieRoot(es) : trieRoot(es))).toBe(toHex(trie.commit()));
    }
  });

  test("rejects entries that are not byte arrays, naming them", () => {
    expect(() => trieRoot([[utf8("a"), "b" as unknown as Uint8Array]])).toThrow(
      "entries[0][1]: expected Uint8Array",
    );
  });
});
