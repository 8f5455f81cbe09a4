/**
 * The node DAG of proof file v3 (`nodeDag.ts`) on a hand-built DAG: a chain where node `i` has
 * node `i − 1` as both children (a full tree of height `i + 1` in `i + 1` nodes). Opening its
 * leaves rebuilds the full tree as witness bytes whose root is the DAG's hash (checked by the
 * independent JS witness codec); AccessData that would rebuild more than the verifier's 2 MiB
 * buffer is refused instead of allocated; chunks round-trip in both compact forms.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { ByteReader, ByteWriter } from "./binaryCodec.ts";
import { NodeDag, readChunk, writeChunk } from "./nodeDag.ts";
import { decodeWitness, terminalGindices, witnessRoot } from "./witness.ts";

function chain(height: number): NodeDag {
  const chunks = new ByteWriter();
  chunks.varint(1);
  writeChunk(chunks, new Uint8Array(32).fill(7), 0);
  const nodes = new ByteWriter();
  nodes.varint(height);
  nodes.varint(1);
  nodes.varint(1);
  for (let i = 1; i < height; i++) {
    nodes.varint(0);
    nodes.varint(0);
  }
  return new NodeDag(new ByteReader(chunks.view(), "chunks"), new ByteReader(nodes.view(), "nodes"));
}

const range = (from: bigint, to: bigint): bigint[] => {
  const out: bigint[] = [];
  for (let g = from; g < to; g++) out.push(g);
  return out;
};

describe("node DAG", () => {
  test("opening every leaf of a shared chain rebuilds the full tree with the DAG's root", () => {
    const dag = chain(10);
    const leaves = range(1n << 10n, 1n << 11n);
    const w = decodeWitness(dag.witness(0, 9, leaves, [Uint8Array.of(1, 2)]));
    expect(terminalGindices(w.tree)).toEqual(leaves);
    expect(toHex(witnessRoot(w.tree))).toBe(toHex(dag.hash(9)));
    expect(w.preimages).toEqual([Uint8Array.of(1, 2)]);
    // Only one leaf: the siblings along its path are terminals with the lower nodes' hashes.
    const one = decodeWitness(dag.witness(0, 9, [(1n << 10n) + 5n], []));
    expect(terminalGindices(one.tree).length).toBe(11);
    expect(toHex(witnessRoot(one.tree))).toBe(toHex(witnessRoot(w.tree)));
  });

  test("hashes are computed on demand, once each, and a chain of any depth does not overflow", () => {
    const dag = chain(10);
    expect(dag.hashed).toBe(0);
    // Opening the root only: its two children (node 8) are terminals; nodes 0..8 get hashed.
    const w = decodeWitness(dag.witness(0, 9, [2n, 3n], []));
    expect(terminalGindices(w.tree)).toEqual([2n, 3n]);
    expect(dag.hashed).toBe(9);
    expect(toHex(dag.hash(9))).toBe(toHex(witnessRoot(w.tree)));
    expect(dag.hashed).toBe(10);
    dag.witness(1, 9, [2n], []);
    expect(dag.hashed).toBe(10);
    expect(() => dag.hash(10)).toThrow(RangeError);
    // A forged file's 300,000-node chain (node i's left child is node i − 1): hashed iteratively.
    const height = 300_000;
    const chunks = new ByteWriter();
    chunks.varint(1);
    writeChunk(chunks, new Uint8Array(32).fill(7), 0);
    const nodes = new ByteWriter();
    nodes.varint(height);
    nodes.varint(1);
    nodes.varint(1);
    for (let i = 1; i < height; i++) {
      nodes.varint(0);
      nodes.varint(1);
    }
    const deep = new NodeDag(new ByteReader(chunks.view(), "chunks"), new ByteReader(nodes.view(), "nodes"));
    expect(deep.hash(height - 1).length).toBe(32);
    expect(deep.hashed).toBe(height);
  });

  test("AccessData rebuilding more than 2 MiB is refused, and a chunk cannot be opened", () => {
    const dag = chain(17);
    expect(() => dag.witness(3, 16, range(1n << 17n, 1n << 18n), [])).toThrow(
      /step 3: rebuilt witness over 2097152 bytes/,
    );
    expect(() => dag.witness(4, 16, [1n << 18n], [])).toThrow(/step 4: the node DB holds a chunk/);
    expect(() => dag.witness(5, 17, [2n], [])).toThrow(/step 5: root node 17 of 17/);
  });

  test("chunks round-trip in head and tail form, and a bad header is refused", () => {
    const values = [new Uint8Array(32), Uint8Array.from({ length: 32 }, (_, i) => i + 1)];
    const le = new Uint8Array(32);
    le.set([0x39, 0x30, 0, 1]);
    const be = new Uint8Array(32);
    be.set([0xaa, 0xbb], 30);
    values.push(le, be);
    const w = new ByteWriter();
    for (const v of values) writeChunk(w, v, 0);
    expect(w.length).toBe(1 + 33 + 5 + 3);
    const r = new ByteReader(w.view(), "chunks");
    for (const v of values) {
      const out = new Uint8Array(32);
      readChunk(r, out, 0, "c");
      expect(toHex(out)).toBe(toHex(v));
    }
    expect(() => readChunk(new ByteReader(Uint8Array.of(65), "chunks"), new Uint8Array(32), 0, "c")).toThrow(
      /chunks: c: chunk header 65 > 64/,
    );
  });
});
