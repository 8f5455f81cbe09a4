import { describe, expect, test } from "bun:test";
import {
  branchIndices,
  concatGindices,
  gindexAt,
  gindexBit,
  gindexChild,
  gindexDepth,
  gindexParent,
  gindexSibling,
  helperIndices,
  pathIndices,
  toGindex,
} from "./gindex.ts";

// Literal transcriptions of consensus-specs ssz/merkle-proofs.md, as the reference.
function specBranch(g: bigint): bigint[] {
  const o = [g ^ 1n];
  while (o.at(-1)! > 1n) o.push((o.at(-1)! >> 1n) ^ 1n);
  return o.slice(0, -1);
}
function specPath(g: bigint): bigint[] {
  const o = [g];
  while (o.at(-1)! > 1n) o.push(o.at(-1)! >> 1n);
  return o.slice(0, -1);
}
function specHelpers(indices: bigint[]): bigint[] {
  const helpers = new Set<bigint>();
  const paths = new Set<bigint>();
  for (const i of indices) {
    for (const b of specBranch(i)) helpers.add(b);
    for (const p of specPath(i)) paths.add(p);
  }
  return [...helpers].filter((h) => !paths.has(h)).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
}

let seed = 987654321;
function rand(max: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % max;
}
function randGindex(maxDepth: number): bigint {
  const d = rand(maxDepth + 1);
  let i = 0n;
  for (let b = 0; b < d; b++) i = (i << 1n) | BigInt(rand(2));
  return (1n << BigInt(d)) + i;
}

describe("gindex helpers", () => {
  test("depth, parent, sibling, child, bit", () => {
    expect(gindexDepth(1)).toBe(0);
    expect(gindexDepth(2n)).toBe(1);
    expect(gindexDepth(3)).toBe(1);
    expect(gindexDepth((1n << 63n) + 5n)).toBe(63);
    expect(gindexDepth((1n << 32n) - 1n)).toBe(31);
    expect(gindexDepth(1n << 32n)).toBe(32);
    expect(gindexDepth(2 ** 53 - 1)).toBe(52);
    expect(gindexParent(9)).toBe(4n);
    expect(gindexSibling(9)).toBe(8n);
    expect(gindexSibling(8n)).toBe(9n);
    expect(gindexChild(4, false)).toBe(8n);
    expect(gindexChild(4, true)).toBe(9n);
    expect(gindexBit(0b1011, 0)).toBe(true);
    expect(gindexBit(0b1011, 2)).toBe(false);
    expect(gindexAt(3, 5)).toBe(13n);
    expect(gindexAt(0, 0)).toBe(1n);
  });

  test("depth matches the bit length for random gindices", () => {
    for (let i = 0; i < 2000; i++) {
      const g = randGindex(63);
      expect(gindexDepth(g)).toBe(g.toString(2).length - 1);
    }
  });

  test("concat follows the spec", () => {
    // Field 3 of a 4-field container (gindex 7), then item 5 of a list of limit 8 (2 * 8 + 5 = 21).
    expect(concatGindices(7n, 21n)).toBe(7n * 16n + 5n);
    expect(concatGindices()).toBe(1n);
    expect(concatGindices(1, 5)).toBe(5n);
    for (let i = 0; i < 500; i++) {
      const a = randGindex(20);
      const b = randGindex(20);
      const fb = 1n << BigInt(b.toString(2).length - 1);
      expect(concatGindices(a, b)).toBe(a * fb + (b - fb));
    }
  });

  test("path and branch indices follow the spec", () => {
    expect(pathIndices(1)).toEqual([]);
    expect(branchIndices(1)).toEqual([]);
    expect(pathIndices(9)).toEqual([9n, 4n, 2n]);
    expect(branchIndices(9)).toEqual([8n, 5n, 3n]);
    for (let i = 0; i < 300; i++) {
      const g = randGindex(40);
      expect(pathIndices(g)).toEqual(specPath(g));
      expect(branchIndices(g)).toEqual(specBranch(g));
    }
  });

  test("helper indices equal the spec's for random sets, including ancestors and the root", () => {
    expect(helperIndices([8, 9, 14])).toEqual([15n, 6n, 5n]);
    expect(helperIndices([1])).toEqual([]);
    expect(helperIndices([4n, 2n])).toEqual([5n, 3n]);
    for (let i = 0; i < 500; i++) {
      const set = Array.from({ length: 1 + rand(12) }, () => randGindex(1 + rand(24)));
      if (rand(3) === 0) set.push(set[0]! >> BigInt(rand(4)) || 1n);
      expect(helperIndices(set)).toEqual(specHelpers(set));
    }
  });

  test("bad input throws TypeError / RangeError naming the parameter", () => {
    expect(() => toGindex("5", "g")).toThrow(TypeError);
    expect(() => gindexDepth(0)).toThrow(RangeError);
    expect(() => gindexDepth(-3n)).toThrow(/gindex/);
    expect(() => gindexDepth(1n << 64n)).toThrow(RangeError);
    expect(() => gindexDepth(1.5)).toThrow(RangeError);
    expect(() => gindexDepth(2 ** 60)).toThrow(RangeError);
    expect(() => gindexParent(1)).toThrow(RangeError);
    expect(() => gindexSibling(1n)).toThrow(RangeError);
    expect(() => gindexChild(1n << 63n, false)).toThrow(RangeError);
    expect(() => concatGindices(1n << 40n, 1n << 30n)).toThrow(RangeError);
    expect(() => helperIndices([4, 0])).toThrow(/gindices\[1\]/);
    expect(() => gindexAt(3, 8)).toThrow(/index/);
    expect(() => gindexAt(-1, 0)).toThrow(/depth/);
    expect(() => gindexAt(2, "1" as never)).toThrow(TypeError);
    expect(() => gindexBit(3, -1)).toThrow(/position/);
  });
});
