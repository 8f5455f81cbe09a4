import { describe, expect, test } from "bun:test";
import { createMerkleProof, createMPT, verifyMerkleProof } from "@ethereumjs/mpt";
import { fromHex, toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { EMPTY_ROOT } from "./constants.ts";
import { InvalidProofError } from "./errors.ts";
import { MemoryNodeStore } from "./nodeStore.ts";
import { randomBytes, seededRandom } from "./testing.ts";
import { MerkleTrie } from "./trie.ts";
import { verifyProof as verifyProofWasm } from "./verifyProof.ts";
import { verifyProofJs } from "./verifyProofJs.ts";

const ROUNDS = process.env.ORE_SOAK ? 2000 : 100;

/** A committed trie of `n` random entries (short keys with prefixes when `plain`), and its keys. */
function randomTrie(seed: number, n: number, plain: boolean) {
  const rand = seededRandom(seed);
  const trie = new MerkleTrie(new MemoryNodeStore(), { secure: !plain });
  const keys: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    let key = randomBytes(rand, plain ? 1 + ((rand() * 4) | 0) : 32);
    if (plain && keys.length > 0 && rand() < 0.3)
      key = keys[(rand() * keys.length) | 0]!.slice(0, 1 + ((rand() * 2) | 0));
    keys.push(key);
    trie.put(key, randomBytes(rand, rand() < 0.5 ? 1 + ((rand() * 3) | 0) : 1 + ((rand() * 100) | 0)));
  }
  return { trie, root: trie.commit(), keys, rand };
}

/** Expects `verifyProof` to throw `InvalidProofError`, or (for a wrong key) to tell the truth. */
function expectRejected(fn: () => unknown): void {
  expect(fn).toThrow(InvalidProofError);
}

for (const [name, verifyProof] of [
  ["verifyProof (WASM)", verifyProofWasm],
  ["verifyProofJs (reference)", verifyProofJs],
] as const) {
  describe(name, () => {
    test("the empty trie: [] proves absence; anything else is rejected", () => {
      expect(verifyProof(EMPTY_ROOT, Uint8Array.of(1), [])).toBeNull();
      expectRejected(() => verifyProof(keccak256(Uint8Array.of(1)), Uint8Array.of(1), []));
    });

    test("agrees with @ethereumjs/mpt's verifier on inclusion and exclusion", async () => {
      const { trie, root, keys, rand } = randomTrie(1, 300, true);
      const ref = await createMPT();
      for (const k of keys) await ref.put(k, trie.get(k) ?? new Uint8Array());
      for (let i = 0; i < 200; i++) {
        const key = i % 2 ? keys[i]! : randomBytes(rand, 1 + (i % 5));
        const proof = await createMerkleProof(ref, key);
        const theirs = await verifyMerkleProof(key, proof, { root: ref.root() } as never);
        const ours = verifyProof(root, key, proof);
        expect(ours === null ? null : toHex(ours)).toBe(theirs === null ? null : toHex(theirs));
      }
    });

    test("accepts geth-style proofs that omit embedded nodes", () => {
      const { trie, root, keys } = randomTrie(2, 200, true);
      let omitted = 0;
      for (const k of keys) {
        const proof = trie.getProof(k);
        // The first element is the root; later short elements are embedded in their parents.
        const geth = proof.filter((n, i) => i === 0 || n.length >= 32);
        omitted += proof.length - geth.length;
        expect(toHex(verifyProof(root, k, geth)!)).toBe(toHex(trie.get(k)!));
      }
      expect(omitted).toBeGreaterThan(0);
    });

    for (const plain of [true, false]) {
      test(`rejects tampered proofs: flipped byte, dropped node, foreign node, extra node (${plain ? "plain" : "secure"})`, () => {
        const { trie, root, keys, rand } = randomTrie(3 + (plain ? 0 : 1), 500, plain);
        const other = randomTrie(7, 500, plain);
        for (let r = 0; r < ROUNDS; r++) {
          const key = keys[(rand() * keys.length) | 0]!;
          const path = plain ? key : keccak256(key);
          const proof = trie.getProof(key);
          expect(toHex(verifyProof(root, path, proof)!)).toBe(toHex(trie.get(key)!));
          // A flipped bit anywhere in any node.
          const flipped = proof.map((n) => n.slice());
          const i = (rand() * flipped.length) | 0;
          flipped[i]![(rand() * flipped[i]!.length) | 0]! ^= 1 << ((rand() * 8) | 0);
          expectRejected(() => verifyProof(root, path, flipped));
          // A dropped node (not an embedded one: those may be omitted, geth-style).
          const hashed = proof.flatMap((n, k) => (k === 0 || n.length >= 32 ? [k] : []));
          const j = hashed[(rand() * hashed.length) | 0]!;
          expectRejected(() => verifyProof(root, path, proof.toSpliced(j, 1)));
          // A node from another trie, in place of one or appended.
          const foreign = other.trie.getProof(other.keys[r % other.keys.length]!);
          const f = foreign[(rand() * foreign.length) | 0]!;
          expectRejected(() => verifyProof(root, path, proof.toSpliced(j, 1, f)));
          expectRejected(() => verifyProof(root, path, [...proof, f]));
          // The whole proof against another root.
          expectRejected(() => verifyProof(other.root, path, proof));
        }
      });
    }

    test("a wrong key never yields another key's value: it throws or gives the truth", () => {
      const { trie, root, keys, rand } = randomTrie(9, 400, true);
      for (let r = 0; r < ROUNDS; r++) {
        const key = keys[(rand() * keys.length) | 0]!;
        const wrong =
          rand() < 0.5 ? keys[(rand() * keys.length) | 0]! : randomBytes(rand, 1 + ((rand() * 4) | 0));
        const proof = trie.getProof(key);
        let got: Uint8Array | null | "threw";
        try {
          got = verifyProof(root, wrong, proof);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidProofError);
          got = "threw";
        }
        if (got !== "threw") {
          const truth = trie.get(wrong);
          expect(got === null ? null : toHex(got)).toBe(truth === undefined ? null : toHex(truth));
        }
      }
    });

    test("errors say what is wrong", () => {
      const { trie, root, keys } = randomTrie(4, 50, false);
      const proof = trie.getProof(keys[0]!);
      const path = keccak256(keys[0]!);
      expect(() => verifyProof(root, path, proof.slice(0, 1))).toThrow(/proof ends after 1 nodes/);
      expect(() => verifyProof(root, path, [...proof, proof[0]!])).toThrow(/extra nodes/);
      expect(() => verifyProof(fromHex(`0x${"11".repeat(32)}`), path, proof)).toThrow(
        /node 0 hashes to 0x.*, expected the root/,
      );
      const badRlp = [Uint8Array.of(0xc2, 0x81, 0x05)];
      expect(() => verifyProof(keccak256(badRlp[0]!), path, badRlp)).toThrow(/bad RLP/);
    });
  });
}

test("the WASM verifier and the reference agree on random mutations of proofs", () => {
  const rounds = process.env.ORE_SOAK ? 20000 : 1500;
  const a = randomTrie(31, 300, true);
  const b = randomTrie(32, 300, false);
  const rand = seededRandom(33);
  const outcome = (f: () => Uint8Array | null): string => {
    try {
      const v = f();
      return v === null ? "null" : toHex(v);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidProofError);
      return "invalid";
    }
  };
  for (let r = 0; r < rounds; r++) {
    const t = r % 2 ? a : b;
    const key =
      rand() < 0.8 ? t.keys[(rand() * t.keys.length) | 0]! : randomBytes(rand, 1 + ((rand() * 4) | 0));
    const path = t === a ? key : keccak256(key);
    const proof = t.trie.getProof(key).map((n) => n.slice());
    // Mutate: flip, truncate, extend, drop, duplicate or swap, at random.
    const kind = (rand() * 6) | 0;
    const i = (rand() * proof.length) | 0;
    if (proof.length > 0) {
      const n = proof[i]!;
      if (kind === 0) n[(rand() * n.length) | 0]! ^= 1 << ((rand() * 8) | 0);
      else if (kind === 1) proof[i] = n.subarray(0, (rand() * n.length) | 0);
      else if (kind === 2) proof[i] = Uint8Array.from([...n, (rand() * 256) | 0]);
      else if (kind === 3) proof.splice(i, 1);
      else if (kind === 4) proof.splice(i, 0, n);
      else if (proof.length > 1) proof.reverse();
    }
    const x = outcome(() => verifyProofWasm(t.root, path, proof));
    const y = outcome(() => verifyProofJs(t.root, path, proof));
    expect(x).toBe(y);
  }
}, 600_000);
