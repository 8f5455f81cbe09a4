/**
 * The proof file (`ore-proof`, docs/fault-proof.md §8.3): version 3, binary and compact
 * (`proofFileV3.ts`), is what {@link encodeProof} writes by default; versions 2 and 1 are JSON
 * with hex strings, still written on request and read. Pure: encodes to and decodes from bytes or
 * text; the CLIs do the I/O. Decoding checks shape and lengths and throws
 * {@link ProofFormatError} naming the bad field.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../bytes.ts";
import { ProofFormatError } from "./errors.ts";
import { STATE_VERSION } from "./layout.ts";
import { type ProofDb, packProofDb, witnessFromDb } from "./proofDb.ts";
import { decodeProofV3, encodeProofV3, isBinaryProof } from "./proofFileV3.ts";
import {
  type DecodedProof,
  fromProof,
  hexBytes,
  type Proof,
  resultFromJson,
  resultToJson,
  toProof,
} from "./proofTypes.ts";

export type {
  BlockProof,
  BlockResult,
  DecodedBlockProof,
  DecodedFrameProof,
  DecodedProof,
  FrameProof,
  Proof,
  ProofSteps,
} from "./proofTypes.ts";
export { fromProof, toProof } from "./proofTypes.ts";

/** Format name of the JSON versions, and the version {@link encodeProof} writes by default. */
export const PROOF_FORMAT = "ore-proof";
export const PROOF_VERSION = 3;

/**
 * Serializes a proof: version 3 (the default: binary, §8.3; needs `access` and `kinds`, or no
 * witnesses at all for a roots-only file), or JSON text: version 2 (the witnesses as a node DB,
 * per-step AccessData and preimage dicts; needs `access` and `kinds`) or version 1 (every witness
 * whole). A decoded proof is read into memory first ({@link toProof}): re-encoding holds every
 * witness.
 */
export function encodeProof(p: Proof | DecodedProof, version?: 3): Uint8Array;
export function encodeProof(p: Proof | DecodedProof, version: 1 | 2): string;
export function encodeProof(
  proof: Proof | DecodedProof,
  version: 1 | 2 | 3 = PROOF_VERSION,
): string | Uint8Array {
  const p = "witnesses" in proof ? proof : toProof(proof);
  if (version === 3) return encodeProofV3(p);
  const steps = p.witnesses.length;
  const result = resultToJson(p);
  const head = {
    format: PROOF_FORMAT,
    version,
    stateVersion: STATE_VERSION,
    mode: p.mode,
    request: p.request,
    steps,
    preRoot: toHex(p.roots[0]),
    postRoot: toHex(p.roots[steps]),
    roots: p.roots.map(toHex),
  };
  const gHex = (g: bigint) => `0x${g.toString(16)}`;
  if (version === 1) {
    return JSON.stringify({
      ...head,
      witnesses: p.witnesses.map(toHex),
      access: p.access.map((a) => a.map(gHex)),
      result,
    });
  }
  const db = packProofDb(p.witnesses, p.access, p.kinds ?? []);
  const dict = (m: Map<string, Uint8Array>) => Object.fromEntries([...m].map(([k, v]) => [k, toHex(v)]));
  return JSON.stringify({
    ...head,
    access: db.steps.map((s) => ({ g: s.gindices.map(gHex), p: s.preimages.map(toHex) })),
    nodes: [...db.nodes.values()].map(toHex),
    mptNodes: dict(db.mptNodes),
    code: dict(db.code),
    txs: dict(db.txs),
    result,
  });
}

function array(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new ProofFormatError(`${field}: expected an array`);
  return v;
}

/**
 * Parses a proof file of any version: bytes starting with `OREPROOF` as version 3, read lazily
 * (every section validated now, each witness rebuilt when asked: `decodeProofV3`), anything else
 * (bytes or text) as JSON versions 1 and 2, read whole; throws {@link ProofFormatError} on
 * anything malformed.
 */
export function decodeProof(file: string | Uint8Array): DecodedProof {
  if (typeof file !== "string" && isBinaryProof(file)) return decodeProofV3(file);
  let j: Record<string, unknown>;
  try {
    const text = typeof file === "string" ? file : new TextDecoder("utf-8", { fatal: true }).decode(file);
    j = JSON.parse(text);
  } catch (e) {
    throw new ProofFormatError("proof: not JSON", { cause: e });
  }
  if (j === null || typeof j !== "object") throw new ProofFormatError("proof: expected a JSON object");
  if (j.format !== PROOF_FORMAT)
    throw new ProofFormatError(`format: expected "${PROOF_FORMAT}", found ${j.format}`);
  if (j.version !== 1 && j.version !== 2)
    throw new ProofFormatError(`version: expected 1 or 2, found ${j.version}`);
  if (j.stateVersion !== STATE_VERSION) {
    throw new ProofFormatError(`stateVersion: expected ${STATE_VERSION}, found ${j.stateVersion}`);
  }
  if (j.mode !== "frame" && j.mode !== "block") {
    throw new ProofFormatError(`mode: expected "frame" or "block", found ${j.mode}`);
  }
  const roots = array(j.roots, "roots").map((r, i) => hexBytes(r, `roots[${i}]`, 32));
  const gindex = (g: unknown, where: string): bigint => {
    if (typeof g !== "string" || !/^0x[0-9a-fA-F]{1,16}$/.test(g)) {
      throw new ProofFormatError(`${where}: expected a hex gindex below 2^64`);
    }
    return BigInt(g);
  };
  let witnesses: Uint8Array[];
  let access: bigint[][];
  if (j.version === 1) {
    witnesses = array(j.witnesses, "witnesses").map((w, i) => hexBytes(w, `witnesses[${i}]`));
    access = array(j.access ?? [], "access").map((a, i) =>
      array(a, `access[${i}]`).map((g, k) => gindex(g, `access[${i}][${k}]`)),
    );
  } else {
    const dict = (v: unknown, field: string, len?: number): Map<string, Uint8Array> => {
      if (v === null || typeof v !== "object" || Array.isArray(v))
        throw new ProofFormatError(`${field}: expected an object`);
      const m = new Map<string, Uint8Array>();
      for (const [k, b] of Object.entries(v as Record<string, unknown>)) {
        m.set(toHex(hexBytes(k, `${field} key`, 32)), hexBytes(b, `${field}[${k}]`, len));
      }
      return m;
    };
    const nodes = new Map<string, Uint8Array>();
    for (const [i, v] of array(j.nodes, "nodes").entries()) {
      const both = hexBytes(v, `nodes[${i}]`, 64);
      nodes.set(toHex(sha256(both)), both);
    }
    const db: ProofDb = {
      nodes,
      mptNodes: dict(j.mptNodes, "mptNodes"),
      code: dict(j.code, "code"),
      txs: dict(j.txs, "txs"),
      steps: array(j.access, "access").map((a, i) => {
        const s = (a ?? {}) as Record<string, unknown>;
        return {
          gindices: array(s.g, `access[${i}].g`).map((g, k) => gindex(g, `access[${i}].g[${k}]`)),
          preimages: array(s.p, `access[${i}].p`).map((h, k) => hexBytes(h, `access[${i}].p[${k}]`, 32)),
        };
      }),
    };
    if (roots.length !== db.steps.length + 1) {
      throw new ProofFormatError(`roots: expected ${db.steps.length + 1} (steps + 1), found ${roots.length}`);
    }
    witnesses = db.steps.map((_, i) => witnessFromDb(db, i, roots[i]!));
    access = db.steps.map((s) => s.gindices);
  }
  if (typeof j.steps !== "number" || j.steps !== witnesses.length) {
    throw new ProofFormatError(`steps: ${j.steps} does not match ${witnesses.length} witnesses`);
  }
  if (roots.length !== witnesses.length + 1) {
    throw new ProofFormatError(`roots: expected ${witnesses.length + 1} (steps + 1), found ${roots.length}`);
  }
  if (hexBytes(j.preRoot, "preRoot", 32).join() !== roots[0].join()) {
    throw new ProofFormatError("preRoot: differs from roots[0]");
  }
  if (hexBytes(j.postRoot, "postRoot", 32).join() !== roots[roots.length - 1].join()) {
    throw new ProofFormatError("postRoot: differs from the last root");
  }
  const request = (typeof j.request === "object" && j.request !== null ? j.request : {}) as Record<
    string,
    unknown
  >;
  return fromProof({ request, roots, witnesses, access, ...resultFromJson(j.mode, j.result) } as Proof);
}
