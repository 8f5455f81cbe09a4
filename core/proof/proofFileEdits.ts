/**
 * Test support for the binary proof file (version 3, docs/fault-proof.md §8.3): a forger's
 * tools. Takes a file apart into its header and section bodies, parses and re-encodes the steps
 * section independently of the reader, and reassembles a file with a valid checksum, so tests can
 * forge exactly one field and see how the reader and the verifier judge it.
 */
import { sha256 } from "../hash/sha256.ts";
import { ByteReader, ByteWriter } from "./binaryCodec.ts";

/** The file with its last 32 bytes replaced by the SHA-256 of the rest (a forger's file). */
export function reseal(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 32);
  out.set(body);
  out.set(sha256(body), body.length);
  return out;
}

/** The header (20 bytes) and the eight section bodies of a v3 file. */
export function split(f: Uint8Array): { header: Uint8Array; bodies: Uint8Array[] } {
  const r = new ByteReader(f, "test", 20, f.length - 32);
  const bodies: Uint8Array[] = [];
  for (let id = 1; id <= 8; id++) {
    const found = r.u8("id");
    if (found !== id) throw new Error(`section ${id} expected, found ${found}`);
    bodies[id] = r.bytesView(r.u32("len"), "body").slice();
  }
  return { header: f.slice(0, 20), bodies };
}

/** Reassembles (and reseals) a file from a header and section bodies. */
export function join(
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
export function withSection(f: Uint8Array, id: number, body: Uint8Array): Uint8Array {
  const { header, bodies } = split(f);
  bodies[id] = body;
  return join(header, bodies);
}

/** The steps section parsed independently of the reader (root refs absolute). */
export interface StepRow {
  root: number;
  g: bigint[];
  p: number[];
}

export function parseSteps(body: Uint8Array, steps: number): StepRow[] {
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
  if (r.left !== 0) throw new Error(`${r.left} bytes after step ${steps - 1}`);
  return rows;
}

export function encodeSteps(rows: StepRow[], raw: (n: number, w: ByteWriter) => void = () => {}): Uint8Array {
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
