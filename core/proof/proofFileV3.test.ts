/**
 * The binary proof file, version 3 (docs/fault-proof.md §8.3), over real proofs in frame and
 * block mode: every witness, access list and preimage kind comes back byte for byte and every
 * step verifies; the file is far smaller than the witnesses. Damage is refused: truncation, bit
 * flips and trailing bytes by the checksum; forged files (checksum recomputed) with a section cut
 * short or overlong, wrong counts, out-of-range references or a bad header by a
 * {@link ProofFormatError} naming the section; forged content that parses fails verification at
 * its step; random forgeries never crash the reader and never verify with other roots.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { seededRandom } from "../mpt/testing.ts";
import { ByteReader, ByteWriter } from "./binaryCodec.ts";
import { ProofFormatError } from "./errors.ts";
import { decodeProof, encodeProof, toProof } from "./proofFile.ts";
import { encodeSteps, join, parseSteps, reseal, type StepRow, split, withSection } from "./proofFileEdits.ts";
import { blockSample, frameSample } from "./proofFileTesting.ts";
import { decodeProofV3, Section } from "./proofFileV3.ts";
import type { DecodedProof, Proof } from "./proofTypes.ts";
import { verifyProof } from "./verifyProof.ts";

const frame = frameSample(2, 25_000n);
const block = blockSample(4);
const file = encodeProof(frame);
const blockFile = encodeProof(block);

const malformed = (f: Uint8Array, pattern: RegExp) => expect(() => decodeProof(f)).toThrow(pattern);

describe("proof file version 3", () => {
  test("frame and block proofs come back byte for byte and verify; the file is deterministic", () => {
    for (const [p, f] of [
      [frame, file],
      [block, blockFile],
    ] as [Proof, Uint8Array][]) {
      const decoded = decodeProof(f);
      expect(decoded.steps).toBe(p.witnesses.length);
      const back = toProof(decoded);
      expect(back.mode).toBe(p.mode);
      expect(back.request).toEqual(JSON.parse(JSON.stringify(p.request)));
      expect(back.result).toEqual(p.result);
      expect(back.roots.map(toHex)).toEqual(p.roots.map(toHex));
      expect(back.witnesses.map(toHex)).toEqual(p.witnesses.map(toHex));
      expect(back.access).toEqual(p.access);
      expect(back.kinds).toEqual(p.kinds);
      expect(verifyProof(decoded)).toEqual({ ok: true, checked: p.witnesses.length });
      expect(toHex(encodeProof(back))).toBe(toHex(f));
      expect(toHex(encodeProof(decoded))).toBe(toHex(f));
      // Through version 2 and back: the same file.
      expect(toHex(encodeProof({ ...toProof(decodeProof(encodeProof(back, 2))), kinds: back.kinds }))).toBe(
        toHex(f),
      );
    }
    // The block proof reads MPT nodes, code and transactions.
    expect(new Set(block.kinds!.flat())).toEqual(new Set([0, 1, 2]));
  }, 60_000);

  test("far smaller than the raw witnesses and than version 2", () => {
    for (const [p, f] of [
      [frame, file],
      [block, blockFile],
    ] as [Proof, Uint8Array][]) {
      const raw = p.witnesses.reduce((n, w) => n + w.length, 0);
      expect(f.length * 5).toBeLessThan(raw);
      expect(f.length * 8).toBeLessThan(encodeProof(p, 2).length);
    }
  });

  test("a roots-only file (no witnesses) is written and refused for verification by name", () => {
    const rootsOnly = encodeProof({ ...frame, witnesses: [], access: [], kinds: [] });
    malformed(rootsOnly, /steps: no witnesses for the \d+ steps \(a roots-only file/);
    expect(() => encodeProof({ ...frame, kinds: undefined })).toThrow(/preimage kinds/);
    expect(() => encodeProof({ ...frame, access: frame.access.slice(1) })).toThrow(/access list/);
  });

  test("truncation, bit flips and trailing bytes are refused by the checksum", () => {
    const rand = seededRandom(7);
    const { bodies } = split(file);
    const cuts = [0, 7, 8, 19, 20, 21, file.length - 33, file.length - 32, file.length - 1];
    let at = 20;
    for (let id = 1; id <= 8; id++) {
      cuts.push(at, at + 3, at + 5 + Math.floor(bodies[id].length / 2));
      at += 5 + bodies[id].length;
    }
    for (const cut of cuts) {
      expect(() => decodeProof(file.subarray(0, cut))).toThrow(ProofFormatError);
    }
    for (let i = 0; i < 200; i++) {
      const bad = file.slice();
      const pos = Math.floor(rand() * bad.length);
      bad[pos] ^= 1 << Math.floor(rand() * 8);
      expect(() => decodeProof(bad)).toThrow(pos < 8 ? ProofFormatError : /checksum|version|stateVersion/);
    }
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    malformed(longer, /checksum/);
  });

  test("forged headers and section frames are refused by name", () => {
    const { header, bodies } = split(file);
    const h = (edit: (v: DataView) => void) => {
      const c = header.slice();
      edit(new DataView(c.buffer));
      return join(c, bodies);
    };
    malformed(
      h((v) => v.setUint32(8, 4, true)),
      /version: expected 3, found 4/,
    );
    malformed(
      h((v) => v.setUint32(12, 9, true)),
      /stateVersion: expected 1, found 9/,
    );
    malformed(
      h((v) => v.setUint32(16, v.getUint32(16, true) + 1, true)),
      /roots: expected \d+ roots/,
    );
    malformed(
      h((v) => v.setUint8(0, 0x4e)),
      /not JSON/,
    );
    // Sections out of order, a length past the end, bytes after the last section.
    const swapped = file.slice(0, file.length - 32);
    swapped[20] = 2;
    malformed(reseal(swapped), /expected section 1 \(meta\), found id 2/);
    malformed(
      join(header, bodies, (id, n) => (id === 8 ? n + 1 : n)),
      /steps: length \d+ > the \d+ bytes left/,
    );
    const extra = new Uint8Array(file.length - 32 + 2);
    extra.set(file.subarray(0, file.length - 32));
    malformed(reseal(extra), /2 bytes after the last section/);
  });

  test("each section cut short or overlong is refused, naming it", () => {
    const { bodies } = split(file);
    const names = ["", "meta", "roots", "chunk", "node", "mptNodes", "code", "txs", "step"];
    for (let id = 1; id <= 8; id++) {
      const short = withSection(file, id, bodies[id].subarray(0, bodies[id].length - 1));
      const long = withSection(file, id, Uint8Array.of(...bodies[id], 0));
      for (const f of [short, long]) {
        let err: unknown;
        try {
          decodeProof(f);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ProofFormatError);
        expect((err as Error).message.startsWith(names[id])).toBe(true);
      }
    }
  });

  test("wrong counts and out-of-range references are refused by name", () => {
    const { bodies } = split(blockFile);
    const steps = block.witnesses.length;
    const varintBody = (id: number, edit: (count: number) => number) => {
      const r = new ByteReader(bodies[id], "test");
      const w = new ByteWriter();
      w.varint(edit(r.varint("count")));
      w.bytes(bodies[id].subarray(r.pos));
      return withSection(blockFile, id, w.view().slice());
    };
    malformed(
      varintBody(Section.Chunks, (n) => n + 1),
      /^chunks: truncated|^chunk/,
    );
    malformed(
      varintBody(Section.Chunks, (n) => n - 1),
      /^chunks: \d+ bytes after the last chunk/,
    );
    malformed(
      varintBody(Section.Nodes, (n) => n + 1),
      /^nodes: truncated/,
    );
    malformed(
      varintBody(Section.Nodes, (n) => n - 1),
      /^nodes: \d+ bytes after the last node/,
    );
    malformed(
      varintBody(Section.MptNodes, (n) => n + 1),
      /^mptNodes: truncated/,
    );
    malformed(
      varintBody(Section.Code, (n) => n - 1),
      /^code: \d+ bytes after the last entry/,
    );
    // The first node referring to a node before it, or to a chunk past the table.
    const nodes = new ByteReader(bodies[Section.Nodes], "test");
    const count = nodes.varint("count");
    nodes.varint("left");
    const rest = bodies[Section.Nodes].subarray(nodes.pos);
    const firstLeft = (ref: number) => {
      const w = new ByteWriter();
      w.varint(count);
      w.varint(ref);
      w.bytes(rest);
      return withSection(blockFile, Section.Nodes, w.view().slice());
    };
    malformed(firstLeft(0), /^nodes: node 0: reference to node -1 \(none before it\)/);
    const chunkCount = new ByteReader(bodies[Section.Chunks], "test").varint("count");
    malformed(firstLeft(2 * chunkCount + 1), /^nodes: node 0: chunk \d+ of \d+/);
    // A dict entry of 0 or too many bytes.
    const dict = (len: number) => {
      const w = new ByteWriter();
      w.varint(1);
      w.varint(len);
      w.bytes(new Uint8Array(Math.min(len, 8)));
      return withSection(blockFile, Section.Code, w.view().slice());
    };
    malformed(dict(0), /^code: entry 0 is empty/);
    malformed(dict(262_145), /^code: entry 0 length: 262145 > limit 262144/);
    // Per-step references.
    const rows = parseSteps(bodies[Section.Steps], steps);
    const withPre = rows.findIndex((s) => s.p.length > 0);
    expect(withPre).toBeGreaterThanOrEqual(0);
    const forged = (edit: (rows: StepRow[]) => void, raw?: (n: number, w: ByteWriter) => void) => {
      const copy = rows.map((s) => ({ root: s.root, g: [...s.g], p: [...s.p] }));
      edit(copy);
      return withSection(blockFile, Section.Steps, encodeSteps(copy, raw));
    };
    expect(toHex(forged(() => {}))).toBe(toHex(blockFile));
    malformed(
      forged((r) => {
        r[withPre].p[0] += 4 * 100_000;
      }),
      new RegExp(`^steps: step ${withPre}: preimage 0 refers to \\w+ entry \\d+, which does not exist`),
    );
    malformed(
      forged((r) => {
        r[withPre].p[0] = 4 * (r[withPre].p[0] >> 2) + 3;
      }),
      /refers to kind 3 entry/,
    );
    malformed(
      forged((r) => {
        r[3].p = [0, 0, 0, 0, 0];
      }),
      /^steps: step 3 preimage count: 5 > limit 4/,
    );
    malformed(
      forged((r) => {
        r[5].root = 10_000_000;
      }),
      /^steps: step 5: root node 10000000 of \d+/,
    );
    malformed(
      forged((r) => {
        r[2].g.splice(1, 0, r[2].g[0]);
      }),
      /^steps: step 2: gindex 1 repeats or is 0/,
    );
    malformed(
      forged((r) => {
        r[2].g.push(1n << 64n);
      }),
      /^steps: step 2: gindex \d+ ≥ 2\^64/,
    );
    // A gindex below a chunk: found when step 2's witness is rebuilt (reading is lazy), by name;
    // the other steps still rebuild and verify.
    const belowChunk = decodeProof(
      forged((r) => {
        r[2].g.push(r[2].g[r[2].g.length - 1] * 2n ** 8n);
      }),
    );
    expect(() => belowChunk.witness(2)).toThrow(
      /^step 2: the node DB holds a chunk where an inner node is needed/,
    );
    expect(verifyProof(belowChunk, 1)).toEqual({ ok: true, checked: 1 });
    expect(verifyProof(belowChunk, 3)).toEqual({ ok: true, checked: 1 });
    expect(() => verifyProof(belowChunk)).toThrow(/^step 2: the node DB holds a chunk/);
    malformed(
      forged(
        () => {},
        (n, w) => n === steps - 1 && w.u8(0),
      ),
      /^steps: 1 bytes after the last step/,
    );
  });

  test("forged content that parses fails verification at its step", () => {
    const { header, bodies } = split(file);
    // Root 5 changed: step 4 no longer ends at it.
    const roots = bodies[Section.Roots].slice();
    roots[5 * 32 + 7] ^= 0x10;
    const r = verifyProof(decodeProof(withSection(file, Section.Roots, roots)));
    expect(r).toMatchObject({ ok: false, step: 4 });
    // Step 7's AccessData emptied: its witness opens nothing.
    const rows = parseSteps(bodies[Section.Steps], frame.witnesses.length);
    rows[7].g = [];
    const forged = [...bodies];
    forged[Section.Steps] = encodeSteps(rows);
    const lazy = decodeProof(join(header, forged));
    const v = verifyProof(lazy);
    expect(v).toMatchObject({ ok: false, step: 7 });
    expect(v.ok === false && v.reason).toContain("invalid witness");
    // One step at a time (`verify --step N`): the steps before it are valid, it is not.
    expect(verifyProof(lazy, 6)).toEqual({ ok: true, checked: 1 });
    expect(verifyProof(lazy, 7)).toMatchObject({ ok: false, step: 7 });
    expect(verifyProof(lazy, 8)).toEqual({ ok: true, checked: 1 });
  });

  test("witnesses are rebuilt on demand, the same in any order and on every call", () => {
    const d = decodeProof(blockFile);
    const n = block.witnesses.length;
    const order = [n - 1, 0, Math.floor(n / 2), n - 1, 1];
    for (const i of order) {
      expect(toHex(d.witness(i))).toBe(toHex(block.witnesses[i]));
      expect(d.access(i)).toEqual(block.access[i]);
      expect(d.kinds(i)).toEqual(block.kinds![i]);
      expect(toHex(d.root(i + 1))).toBe(toHex(block.roots[i + 1]));
    }
    // A caller's edit of a returned witness or root does not reach the next call.
    d.witness(3).fill(0);
    d.root(3).fill(0);
    expect(toHex(d.witness(3))).toBe(toHex(block.witnesses[3]));
    expect(toHex(d.root(3))).toBe(toHex(block.roots[3]));
    expect(() => d.witness(n)).toThrow(RangeError);
    expect(() => d.root(n + 1)).toThrow(RangeError);
    expect(verifyProof(d, n)).toMatchObject({ ok: false, step: n });
  });

  test("random forgeries never crash the reader and never verify with other roots", () => {
    const rand = seededRandom(11);
    const body = blockFile.subarray(0, blockFile.length - 32);
    const original = decodeProof(blockFile);
    let parsed = 0;
    for (let i = 0; i < 150; i++) {
      const bad = body.slice();
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
        bad[20 + Math.floor(rand() * (bad.length - 20))] = Math.floor(rand() * 256);
      }
      let p: DecodedProof;
      try {
        p = decodeProofV3(reseal(bad));
      } catch (e) {
        expect(e).toBeInstanceOf(ProofFormatError);
        continue;
      }
      parsed++;
      // Only steps whose witness or roots changed can differ from the valid original; a witness
      // that cannot be rebuilt (found lazily) is refused by name and is not valid.
      const changed: number[] = [];
      let unbuildable = false;
      for (let n = 0; n < p.steps; n++) {
        let w: string;
        try {
          w = toHex(p.witness(n));
        } catch (e) {
          expect(e).toBeInstanceOf(ProofFormatError);
          unbuildable = true;
          continue;
        }
        if (
          w !== toHex(original.witness(n)) ||
          toHex(p.root(n)) !== toHex(original.root(n)) ||
          toHex(p.root(n + 1)) !== toHex(original.root(n + 1))
        ) {
          changed.push(n);
        }
      }
      const allValid = !unbuildable && changed.every((n) => verifyProof(p, n).ok);
      if (allValid) expect(toProof(p).roots.map(toHex)).toEqual(toProof(original).roots.map(toHex));
    }
    expect(parsed).toBeGreaterThan(10);
  }, 60_000);
});
