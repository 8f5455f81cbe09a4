import { describe, expect, test } from "bun:test";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { concatBytes, toHex } from "../bytes.ts";
import { sha256 } from "../hash/sha256.ts";
import { seededBytes as bytes, seededInt } from "../testing/random.ts";
import { gindexAt } from "./gindex.ts";
import { MerkleTree, merkleize, zeroHash } from "./tree.ts";

const rand = seededInt(424242);

// Reference: SSZ merkleize written plainly with @noble/hashes, recursing from the root; a subtree
// lying wholly in the padding is the zero hash of its height (computed here, by noble too).
const refZero: Uint8Array[] = [new Uint8Array(32)];
for (let l = 1; l <= 64; l++) refZero.push(nobleSha256(concatBytes(refZero[l - 1]!, refZero[l - 1]!)));
function refDepth(width: number): number {
  let d = 0;
  while (2 ** d < width) d++;
  return d;
}
function refNode(chunks: Uint8Array, height: number, index: number): Uint8Array {
  const n = chunks.length / 32;
  if (index * 2 ** height >= n) return refZero[height]!;
  if (height === 0) return chunks.subarray(32 * index, 32 * index + 32);
  return nobleSha256(
    concatBytes(refNode(chunks, height - 1, 2 * index), refNode(chunks, height - 1, 2 * index + 1)),
  );
}
function refRoot(chunks: Uint8Array, limit?: number): Uint8Array {
  return refNode(chunks, refDepth(limit ?? chunks.length / 32), 0);
}
const hex = toHex;
const split = (flat: Uint8Array): Uint8Array[] =>
  Array.from({ length: flat.length / 32 }, (_, i) => flat.slice(32 * i, 32 * i + 32));

describe("zeroHash", () => {
  test("matches the noble chain for every level", () => {
    for (let l = 0; l <= 64; l++) expect(hex(zeroHash(l))).toBe(hex(refZero[l]!));
    expect(() => zeroHash(65)).toThrow(RangeError);
    expect(() => zeroHash(-1)).toThrow(/level/);
  });
});

describe("merkleize", () => {
  test("equals the reference for every size 0..70 (flat and list input)", () => {
    for (let n = 0; n <= 70; n++) {
      const flat = bytes(32 * n, n + 7);
      const want = hex(refRoot(flat));
      expect(hex(merkleize(flat))).toBe(want);
      expect(hex(merkleize(split(flat)))).toBe(want);
    }
  });

  test("equals the reference for random sizes up to 1000", () => {
    for (const n of [
      127,
      128,
      129,
      255,
      257,
      511,
      999,
      1000,
      ...Array.from({ length: 12 }, () => 71 + rand(930)),
    ]) {
      const flat = bytes(32 * n, n * 3 + 1);
      expect(hex(merkleize(flat))).toBe(hex(refRoot(flat)));
    }
  });

  test("with limits, including an empty list and a limit of 2^40", () => {
    const cases: [number, number][] = [
      [0, 0],
      [0, 1],
      [0, 5],
      [1, 1],
      [1, 2],
      [3, 4],
      [3, 1024],
      [5, 5],
      [17, 2 ** 20],
      [100, 2 ** 40],
      [1000, 1000],
      [0, 2 ** 53 - 1],
      [2, 2 ** 53 - 1],
    ];
    for (let i = 0; i < 10; i++) {
      const n = rand(300);
      cases.push([n, n + rand(5000)]);
    }
    for (const [n, limit] of cases) {
      const flat = bytes(32 * n, n + limit);
      expect(hex(merkleize(flat, limit))).toBe(hex(refRoot(flat, limit)));
      expect(hex(MerkleTree.fromChunks(flat, limit).root)).toBe(hex(refRoot(flat, limit)));
    }
    expect(hex(merkleize(new Uint8Array(0)))).toBe(hex(new Uint8Array(32)));
    expect(hex(merkleize([], 2 ** 40))).toBe(hex(refZero[40]!));
  });

  test("one chunk is its own root; the input is not modified", () => {
    const c = bytes(32);
    expect(hex(merkleize(c))).toBe(hex(c));
    const flat = bytes(32 * 9);
    const copy = flat.slice();
    merkleize(flat);
    MerkleTree.fromChunks(flat);
    expect(hex(flat)).toBe(hex(copy));
  });

  test("bad input throws TypeError / RangeError naming the parameter", () => {
    expect(() => merkleize(new Uint8Array(33))).toThrow(RangeError);
    expect(() => merkleize(new Uint8Array(33))).toThrow(/chunks/);
    expect(() => merkleize("x" as never)).toThrow(TypeError);
    expect(() => merkleize(null as never)).toThrow(/chunks/);
    expect(() => merkleize([new Uint8Array(32), new Uint8Array(31)])).toThrow(/chunks\[1\]/);
    expect(() => merkleize([new Uint8Array(32), 5 as never])).toThrow(TypeError);
    expect(() => merkleize(new Uint8Array(96), 2)).toThrow(/limit/);
    expect(() => merkleize(new Uint8Array(96), -1)).toThrow(RangeError);
    expect(() => merkleize(new Uint8Array(96), 3.5)).toThrow(RangeError);
    expect(() => merkleize(new Uint8Array(96), "4" as never)).toThrow(TypeError);
    expect(() => MerkleTree.fromChunks(new Uint8Array(31))).toThrow(/chunks/);
  });
});

describe("MerkleTree", () => {
  test("every node equals the reference, leaves and inner nodes, with and without limits", () => {
    for (const [n, limit] of [
      [1, undefined],
      [2, undefined],
      [5, undefined],
      [13, undefined],
      [16, undefined],
      [0, 8],
      [3, 16],
      [7, 64],
    ] as [number, number | undefined][]) {
      const flat = bytes(32 * n, 99 + n);
      const tree = MerkleTree.fromChunks(flat, limit);
      const depth = refDepth(limit ?? n);
      expect(tree.depth).toBe(depth);
      expect(tree.length).toBe(n);
      for (let d = 0; d <= depth; d++) {
        for (let i = 0; i < 2 ** d; i++) {
          expect(hex(tree.node(gindexAt(d, i)))).toBe(hex(refNode(flat, depth - d, i)));
        }
      }
      expect(hex(tree.root)).toBe(hex(refRoot(flat, limit)));
    }
  });

  test("random nodes of a sparse tree with limit 2^40", () => {
    const flat = bytes(32 * 37, 5);
    const tree = MerkleTree.fromChunks(flat, 2 ** 40);
    for (let k = 0; k < 200; k++) {
      const d = rand(41);
      const i = d < 8 ? rand(2 ** d) : rand(64);
      expect(hex(tree.node(gindexAt(d, i)))).toBe(hex(refNode(flat, 40 - d, i)));
    }
    expect(hex(tree.node(2n ** 41n - 1n))).toBe(hex(refZero[0]!));
  });

  test("returned nodes are copies", () => {
    const tree = MerkleTree.fromChunks(bytes(32 * 4));
    const root = tree.root;
    tree.node(1).fill(0);
    tree.root.fill(0);
    tree.node(4).fill(0);
    expect(hex(tree.root)).toBe(hex(root));
    expect(hex(tree.node(4))).toBe(hex(bytes(32 * 4).subarray(0, 32)));
  });

  test("node() rejects gindices outside the tree", () => {
    const tree = MerkleTree.fromChunks(bytes(32 * 4));
    expect(() => tree.node(8)).toThrow(RangeError);
    expect(() => tree.node(0)).toThrow(/gindex/);
    expect(() => tree.node("1" as never)).toThrow(TypeError);
    expect(() => tree.branch(8n)).toThrow(RangeError);
    expect(() => tree.multiproof([4, 9])).toThrow(/gindices\[1\]/);
    expect(() => tree.multiproof([4, 4])).toThrow(/duplicate/);
  });
});

describe("big input", () => {
  test("2^22 chunks: tree and root agree, sampled against the reference; later results unharmed", () => {
    const n = 2 ** 22;
    const flat = new Uint8Array(32 * n);
    const words = new Uint32Array(flat.buffer);
    for (let i = 0; i < words.length; i++) words[i] = Math.imul(i, 2654435761) ^ (i >>> 7);
    const root = merkleize(flat);
    const tree = MerkleTree.fromChunks(flat);
    expect(tree.depth).toBe(22);
    expect(hex(tree.root)).toBe(hex(root));
    // Two 1024-chunk subtrees against the reference, then the top 12 levels recomputed by noble.
    for (const j of [0, 4095, 1234]) {
      const sub = flat.subarray(32 * 1024 * j, 32 * 1024 * (j + 1));
      expect(hex(tree.node(gindexAt(12, j)))).toBe(hex(refRoot(sub)));
    }
    let level = Array.from({ length: 4096 }, (_, j) => tree.node(gindexAt(12, j)));
    while (level.length > 1) {
      level = Array.from({ length: level.length / 2 }, (_, j) =>
        nobleSha256(concatBytes(level[2 * j]!, level[2 * j + 1]!)),
      );
    }
    expect(hex(level[0]!)).toBe(hex(root));
    // Everything small still matches the reference after the big calls.
    for (const k of [0, 1, 3, 33, 100]) {
      const small = bytes(32 * k, k + 11);
      expect(hex(merkleize(small))).toBe(hex(refRoot(small)));
      expect(hex(MerkleTree.fromChunks(small, 128).root)).toBe(hex(refRoot(small, 128)));
    }
    expect(hex(sha256(bytes(77)))).toBe(hex(nobleSha256(bytes(77))));
  }, 60_000);
});
