/**
 * The binary proof file, version 3 (docs/fault-proof.md §8.3): a header (magic `OREPROOF`,
 * version, state version, step count), eight length-prefixed sections in a fixed order (meta,
 * roots, chunks, nodes, the MPT-node, code and transaction dicts, per-step AccessData) and a
 * SHA-256 of everything before it. Little-endian fixed-width integers, unsigned LEB128 varints.
 * The node DB is a DAG deduplicated over the whole trace (`nodeDag.ts`); each step's witness
 * (§8.2) is rebuilt from it byte for byte. Pure: bytes in, bytes out.
 */

import { toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { sha256 } from "../hash/sha256.ts";
import { ByteReader, ByteWriter } from "./binaryCodec.ts";
import { ProofFormatError } from "./errors.ts";
import { STATE_VERSION } from "./layout.ts";
import { NodeDag, NodeDagWriter } from "./nodeDag.ts";
import { PreimageKind } from "./proofDb.ts";
import { type DecodedProof, type Proof, resultFromJson, resultToJson } from "./proofTypes.ts";
import { MAX_PREIMAGE, MAX_WITNESS_PREIMAGES } from "./witness.ts";

/** The file's first 8 bytes: ASCII `OREPROOF`. */
export const PROOF_MAGIC: Uint8Array = new TextEncoder().encode("OREPROOF");
/** The binary format's version. */
export const PROOF_VERSION_3 = 3;
/** Section ids, in the order they must appear. */
export const Section = {
  Meta: 1,
  Roots: 2,
  Chunks: 3,
  Nodes: 4,
  MptNodes: 5,
  Code: 6,
  Txs: 7,
  Steps: 8,
} as const;
const SECTION_NAMES = ["", "meta", "roots", "chunks", "nodes", "mptNodes", "code", "txs", "steps"];
const DICT_NAMES = ["mptNodes", "code", "txs"];
const HEADER = 20;
const CHECKSUM = 32;

/** True when `bytes` start with the version-3 magic. */
export function isBinaryProof(bytes: Uint8Array): boolean {
  if (bytes.length < PROOF_MAGIC.length) return false;
  for (let i = 0; i < PROOF_MAGIC.length; i++) if (bytes[i] !== PROOF_MAGIC[i]) return false;
  return true;
}

/** Interns byte strings by content (keyed by keccak), numbering them in first-seen order. */
class Dict {
  readonly index = new Map<string, number>();
  readonly entries: Uint8Array[] = [];
  intern(b: Uint8Array): number {
    const k = toHex(keccak256(b));
    let i = this.index.get(k);
    if (i === undefined) {
      i = this.entries.length;
      this.index.set(k, i);
      this.entries.push(b);
    }
    return i;
  }
}

function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1;
}

/**
 * Encodes a proof as version 3. Needs every step's witness, access list and preimage kinds, or no
 * witnesses at all (a roots-only file, which cannot be verified: `prove --no-witness`).
 */
export function encodeProofV3(p: Proof): Uint8Array {
  if (p.roots.length === 0) throw new ProofFormatError("proof file v3: no roots");
  const steps = p.roots.length - 1;
  const witnessed = p.witnesses.length > 0 ? steps : 0;
  const kinds = p.kinds ?? [];
  if (p.witnesses.length !== witnessed || p.access.length !== witnessed || kinds.length !== witnessed) {
    throw new ProofFormatError(
      `proof file v3 needs every step's witness, access list and preimage kinds, or none (${steps} steps, ${p.witnesses.length} witnesses, ${p.access.length} access lists, ${kinds.length} kind lists)`,
    );
  }
  const dag = new NodeDagWriter();
  const dicts = [new Dict(), new Dict(), new Dict()];
  const roots: number[] = [];
  const pre: number[][] = [];
  for (let n = 0; n < witnessed; n++) {
    const parts = dag.addWitness(p.witnesses[n], n);
    roots.push(parts.root);
    const k = kinds[n];
    if (k.length !== parts.preimages.length) {
      throw new ProofFormatError(`step ${n}: ${parts.preimages.length} preimages but ${k.length} kinds`);
    }
    pre.push(
      parts.preimages.map((b, i) => {
        const kind = k[i];
        if (kind !== PreimageKind.Node && kind !== PreimageKind.Code && kind !== PreimageKind.Tx) {
          throw new ProofFormatError(`step ${n}: preimage kind ${kind}`);
        }
        return 4 * dicts[kind].intern(b) + kind;
      }),
    );
  }
  const packed = dag.finish(roots);
  const out = new ByteWriter();
  out.bytes(PROOF_MAGIC);
  out.u32(PROOF_VERSION_3);
  out.u32(STATE_VERSION);
  out.u32(steps);
  const section = (id: number, body: (w: ByteWriter) => void): void => {
    out.u8(id);
    const at = out.length;
    out.u32(0);
    body(out);
    out.patchU32(at, out.length - at - 4);
  };
  section(Section.Meta, (w) =>
    w.bytes(
      new TextEncoder().encode(JSON.stringify({ mode: p.mode, request: p.request, result: resultToJson(p) })),
    ),
  );
  section(Section.Roots, (w) => {
    for (const r of p.roots) w.bytes(r);
  });
  section(Section.Chunks, (w) => w.bytes(packed.chunks));
  section(Section.Nodes, (w) => w.bytes(packed.nodes));
  for (const [id, d] of [
    [Section.MptNodes, dicts[0]],
    [Section.Code, dicts[1]],
    [Section.Txs, dicts[2]],
  ] as const) {
    section(id, (w) => {
      w.varint(d.entries.length);
      for (const b of d.entries) {
        w.varint(b.length);
        w.bytes(b);
      }
    });
  }
  section(Section.Steps, (w) => {
    let prevRoot = 0;
    for (let n = 0; n < witnessed; n++) {
      w.varint(zigzag(packed.roots[n] - prevRoot));
      prevRoot = packed.roots[n];
      const g = p.access[n];
      w.varint(g.length);
      let prev = 0n;
      for (const x of g) {
        if (x <= prev) throw new ProofFormatError(`step ${n}: access list not sorted and unique`);
        w.varbig(x - prev);
        prev = x;
      }
      w.varint(pre[n].length);
      for (const r of pre[n]) w.varint(r);
    }
  });
  out.bytes(sha256(out.view()));
  return out.view().slice();
}

/**
 * Reads a version-3 file lazily (§8.3): the header, checksum, every section and every step's
 * record are validated here ({@link ProofFormatError} names the first malformed field), but a
 * step's witness is rebuilt only when {@link DecodedProof.witness} asks for it, from the node DAG,
 * the dicts and the step's record (re-read from the file at its offset). What stays in memory
 * besides the file: the DAG (two references per node, and the hashes computed so far), each
 * dict entry's view, and per step an offset and a root node. The checks that need the witness itself (a chunk where an
 * inner node is needed, a witness over the verifier's 2 MiB) are made when it is rebuilt.
 */
export function decodeProofV3(bytes: Uint8Array): DecodedProof {
  if (!isBinaryProof(bytes)) throw new ProofFormatError("proof: no OREPROOF magic");
  if (bytes.length < HEADER + CHECKSUM) {
    throw new ProofFormatError(
      `proof: ${bytes.length} bytes < the ${HEADER + CHECKSUM} of header and checksum`,
    );
  }
  const head = new ByteReader(bytes, "header", PROOF_MAGIC.length);
  const version = head.u32("version");
  if (version !== PROOF_VERSION_3) throw new ProofFormatError(`version: expected 3, found ${version}`);
  const stateVersion = head.u32("stateVersion");
  if (stateVersion !== STATE_VERSION) {
    throw new ProofFormatError(`stateVersion: expected ${STATE_VERSION}, found ${stateVersion}`);
  }
  const steps = head.u32("steps");
  const bodyEnd = bytes.length - CHECKSUM;
  const sum = sha256(bytes.subarray(0, bodyEnd));
  for (let i = 0; i < CHECKSUM; i++) {
    if (sum[i] !== bytes[bodyEnd + i]) {
      throw new ProofFormatError(
        `checksum: the last 32 bytes are not the SHA-256 of the rest (truncated or corrupted file)`,
      );
    }
  }
  const sections: ByteReader[] = [];
  const outer = new ByteReader(bytes, "sections", HEADER, bodyEnd);
  for (let id = 1; id < SECTION_NAMES.length; id++) {
    const found = outer.u8(`section ${SECTION_NAMES[id]} id`);
    if (found !== id) outer.fail(`expected section ${id} (${SECTION_NAMES[id]}), found id ${found}`);
    const len = outer.u32(`section ${SECTION_NAMES[id]} length`);
    if (len > outer.left)
      outer.fail(`section ${SECTION_NAMES[id]}: length ${len} > the ${outer.left} bytes left`);
    sections[id] = new ByteReader(bytes, SECTION_NAMES[id], outer.pos, outer.pos + len);
    outer.pos += len;
  }
  if (outer.left !== 0) outer.fail(`${outer.left} bytes after the last section`);

  const metaR = sections[Section.Meta];
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(metaR.bytesView(metaR.left, "meta")));
  } catch (e) {
    throw new ProofFormatError("meta: not UTF-8 JSON", { cause: e });
  }
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) metaR.fail("expected a JSON object");
  const mode = meta.mode;
  if (mode !== "frame" && mode !== "block") {
    throw new ProofFormatError(`meta: mode: expected "frame" or "block", found ${mode}`);
  }
  const request = (typeof meta.request === "object" && meta.request !== null ? meta.request : {}) as Record<
    string,
    unknown
  >;
  const rootsR = sections[Section.Roots];
  if (rootsR.left !== 32 * (steps + 1)) {
    rootsR.fail(
      `expected ${steps + 1} roots (${32 * (steps + 1)} bytes) for ${steps} steps, found ${rootsR.left} bytes`,
    );
  }
  const roots = rootsR.bytesView(rootsR.left, "roots");

  const dag = new NodeDag(sections[Section.Chunks], sections[Section.Nodes]);
  const dicts = [Section.MptNodes, Section.Code, Section.Txs].map((id) => {
    const r = sections[id];
    const n = r.varint("count", r.left / 2);
    const entries: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const len = r.varint(`entry ${i} length`, MAX_PREIMAGE);
      if (len === 0) r.fail(`entry ${i} is empty`);
      entries.push(r.bytesView(len, `entry ${i}`));
    }
    if (r.left !== 0) r.fail(`${r.left} bytes after the last entry`);
    return entries;
  });

  const s = sections[Section.Steps];
  if (steps > 0 && s.left === 0) {
    s.fail(
      `no witnesses for the ${steps} steps (a roots-only file, written without witnesses, cannot be verified)`,
    );
  }
  // Every record validated now; each one's offset (past its root delta) and root node kept.
  const at = new Float64Array(steps);
  const rootNode = new Int32Array(steps);
  let root = 0;
  for (let n = 0; n < steps; n++) {
    let z = s.tryVarint(2 ** 32);
    if (z < 0) z = s.varint(`step ${n} root`, 2 ** 32);
    root += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    if (root < 0 || root >= dag.left.length) s.fail(`step ${n}: root node ${root} of ${dag.left.length}`);
    rootNode[n] = root;
    at[n] = s.pos;
    readStep(s, n, dicts, false);
  }
  if (s.left !== 0) s.fail(`${s.left} bytes after the last step`);
  const record = (n: number): StepRecord => {
    if (!Number.isInteger(n) || n < 0 || n >= steps) {
      throw new RangeError(`no step ${n}: the proof has ${steps} steps`);
    }
    return readStep(new ByteReader(bytes, s.where, at[n], s.end), n, dicts, true);
  };
  return {
    request,
    ...resultFromJson(mode, meta.result),
    steps,
    root(n: number): Uint8Array {
      if (!Number.isInteger(n) || n < 0 || n > steps) {
        throw new RangeError(`no root ${n}: the proof has ${steps} steps`);
      }
      return roots.slice(32 * n, 32 * n + 32);
    },
    witness(n: number): Uint8Array {
      const r = record(n);
      return dag.witness(n, rootNode[n], r.gindices, r.preimages);
    },
    access: (n: number): bigint[] => record(n).gindices,
    kinds: (n: number): number[] => record(n).kinds,
  } as DecodedProof;
}

/** One step's record past its root: its AccessData and its preimages (bytes and kinds). */
interface StepRecord {
  gindices: bigint[];
  preimages: Uint8Array[];
  kinds: number[];
}

/** What a check-only {@link readStep} returns (never filled). */
const NOTHING: StepRecord = Object.freeze({
  gindices: Object.freeze([]) as unknown as bigint[],
  preimages: Object.freeze([]) as unknown as Uint8Array[],
  kinds: Object.freeze([]) as unknown as number[],
});

/**
 * Reads step `n`'s record at `s.pos` (just past its root delta), refusing any bad field. With
 * `keep` false (the up-front pass over every step) it only checks: the gindices are summed as
 * numbers while they stay below 2^53 and no field name is built unless a field is bad, so
 * checking allocates nothing for ordinary AccessData.
 */
function readStep(s: ByteReader, n: number, dicts: Uint8Array[][], keep: boolean): StepRecord {
  const where = `step ${n}`;
  let count = s.tryVarint(s.left);
  if (count < 0) count = s.varint(`${where} gindex count`, s.left);
  const gindices: bigint[] = keep ? [] : NOTHING.gindices;
  let small = 0;
  let prev: bigint | undefined;
  for (let i = 0; i < count; i++) {
    // A varint of at most 7 bytes (below 2^49) read as a number; anything else as a bigint, with
    // the same checks and messages.
    const fast = s.tryVarint(2 ** 49);
    if (fast >= 0 && prev === undefined) {
      if (fast === 0) s.fail(`${where}: gindex ${i} repeats or is 0`);
      if (small + fast < 2 ** 53) {
        small += fast;
        if (keep) gindices.push(BigInt(small));
        continue;
      }
      prev = BigInt(small) + BigInt(fast);
    } else {
      const d = fast >= 0 ? BigInt(fast) : s.varbig(`${where} gindex ${i}`);
      if (d === 0n) s.fail(`${where}: gindex ${i} repeats or is 0`);
      prev = (prev ?? BigInt(small)) + d;
    }
    if (prev >= 1n << 64n) s.fail(`${where}: gindex ${i} ≥ 2^64`);
    if (keep) gindices.push(prev);
  }
  let pc = s.tryVarint(MAX_WITNESS_PREIMAGES);
  if (pc < 0) pc = s.varint(`${where} preimage count`, MAX_WITNESS_PREIMAGES);
  const preimages: Uint8Array[] = keep ? [] : NOTHING.preimages;
  const kinds: number[] = keep ? [] : NOTHING.kinds;
  for (let i = 0; i < pc; i++) {
    const ref = s.varint(`${where} preimage ${i}`);
    const kind = ref % 4;
    const entry = dicts[kind]?.[(ref - kind) / 4];
    if (entry === undefined)
      s.fail(
        `${where}: preimage ${i} refers to ${DICT_NAMES[kind] ?? `kind ${kind}`} entry ${(ref - kind) / 4}, which does not exist`,
      );
    if (keep) {
      preimages.push(entry);
      kinds.push(kind);
    }
  }
  return keep ? { gindices, preimages, kinds } : NOTHING;
}
