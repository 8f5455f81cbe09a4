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
import { sha256 } from "../hash/sha256.ts";
import { seededRandom } from "../mpt/testing.ts";
import { ByteReader, ByteWriter } from "./binaryCodec.ts";
import { ProofFormatError } from "./errors.ts";
import { decodeProof, encodeProof } from "./proofFile.ts";
import { blockSample, frameSample } from "./proofFileTesting.ts";
import { decodeProofV3, Section } from "./proofFileV3.ts";
import type { Proof } from "./proofTypes.ts";
import { verifyProof } from "./verifyProof.ts";

const frame = frameSample(2, 25_000n);
const block = blockSample(4);
const file = encodeProof(frame);
const blockFile = encodeProof(block);

/** The file with its last 32 bytes replaced by the SHA-256 of the rest (a forger's file). */
function reseal(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 32);
  out.set(body);
  out.set(sha256(body), body.length);
  return out;
}

/** The header (20 bytes) and the eight section bodies of a v3 file. */
function split(f: Uint8Array): { header: Uint8Array; bodies: Uint8Array[] } {
  const r = new ByteReader(f, "test", 20, f.length - 32);
  const bodies: Uint8Array[] = [];
  for (let id = 1; id <= 8; id++) {
    expect(r.u8("id")).toBe(id);
    bodies[id] = r.bytesView(r.u32("len"), "body").slice();
  }
  return { header: f.slice(0, 20), bodies };
}

/** Reassembles (and reseals) a file from a header and section bodies. */
function join(
  header: Uint8Array,
  bodies: Uint8Array[],
  lengths: (id: number, len: number) => number = (_, n) => n,
) {
  const w = new ByteWriter();
  w.bytes(header);
  for (let id = 1; id <= 8; id++) {
    w.u8(id);
    w.u32(lengths(id, bodies[id].length));
    w.bytes(bodies[id]);
  }
  return reseal(w.view().slice());
}

/** The file with section `id`'s body replaced. */
function withSection(f: Uint8Array, id: number, body: Uint8Array): Uint8Array {
  const { header, bodies } = split(f);
  bodies[id] = body;
  return join(header, bodies);
}

/** The steps section parsed independently of the reader (root refs absolute). */
interface StepRow {
  root: number;
  g: bigint[];
  p: number[];
}

function parseSteps(body: Uint8Array, steps: number): StepRow[] {
  const r = new ByteReader(body, "test");
  const rows: StepRow[] = [];
  let root = 0;
  for (let n = 0; n < steps; n++) {
    const z = r.varint("root");
    root += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    const g: bigint[] = [];
    let prev = 0n;
    for (let c = r.varint("count"), i = 0; i < c; i++) {
      prev += r.varbig("g");
      g.push(prev);
    }
    const p: number[] = [];
    for (let c = r.varint("pc"), i = 0; i < c; i++) p.push(r.varint("p"));
    rows.push({ root, g, p });
  }
  expect(r.left).toBe(0);
  return rows;
}

function encodeSteps(rows: StepRow[], raw: (n: number, w: ByteWriter) => void = () => {}): Uint8Array {
  const w = new ByteWriter();
  let prev = 0;
  rows.forEach((s, n) => {
    const d = s.root - prev;
    prev = s.root;
    w.varint(d >= 0 ? 2 * d : -2 * d - 1);
    w.varint(s.g.length);
    let pg = 0n;
    for (const g of s.g) {
      w.varbig(g - pg);
      pg = g;
    }
    w.varint(s.p.length);
    for (const p of s.p) w.varint(p);
    raw(n, w);
  });
  return w.view().slice();
}

const malformed = (f: Uint8Array, pattern: RegExp) => expect(() => decodeProof(f)).toThrow(pattern);

describe("proof file version 3", () => {
  test("frame and block proofs come back byte for byte and verify; the file is deterministic", () => {
    for (const [p, f] of [
      [frame, file],
      [block, blockFile],
    ] as [Proof, Uint8Array][]) {
      const back = decodeProof(f);
      expect(back.mode).toBe(p.mode);
      expect(back.request).toEqual(JSON.parse(JSON.stringify(p.request)));
      expect(back.result).toEqual(p.result);
      expect(back.roots.map(toHex)).toEqual(p.roots.map(toHex));
      expect(back.witnesses.map(toHex)).toEqual(p.witnesses.map(toHex));
      expect(back.access).toEqual(p.access);
      expect(back.kinds).toEqual(p.kinds);
      expect(verifyProof(back)).toEqual({ ok: true, checked: p.witnesses.length });
      expect(toHex(encodeProof(back))).toBe(toHex(f));
      // Through version 2 and back: the same file.
      expect(toHex(encodeProof({ ...decodeProof(encodeProof(back, 2)), kinds: back.kinds }))).toBe(toHex(f));
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
    malformed(
      forged((r) => {
        r[2].g.push(r[2].g[r[2].g.length - 1] * 2n ** 8n);
      }),
      /^step 2: the node DB holds a chunk where an inner node is needed/,
    );
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
    const v = verifyProof(decodeProof(join(header, forged)));
    expect(v).toMatchObject({ ok: false, step: 7 });
    expect(v.ok === false && v.reason).toContain("invalid witness");
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
      let p: Proof;
      try {
        p = decodeProofV3(reseal(bad));
      } catch (e) {
        expect(e).toBeInstanceOf(ProofFormatError);
        continue;
      }
      parsed++;
      // Only steps whose witness or roots changed can differ from the valid original.
      const changed: number[] = [];
      for (let n = 0; n < p.witnesses.length; n++) {
        if (
          toHex(p.witnesses[n]) !== toHex(original.witnesses[n]) ||
          toHex(p.roots[n]) !== toHex(original.roots[n]) ||
          toHex(p.roots[n + 1]) !== toHex(original.roots[n + 1])
        ) {
          changed.push(n);
        }
      }
      const allValid = changed.every((n) => verifyProof(p, n).ok);
      if (allValid) expect(p.roots.map(toHex)).toEqual(original.roots.map(toHex));
    }
    expect(parsed).toBeGreaterThan(10);
  }, 60_000);
});
