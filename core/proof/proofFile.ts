/**
 * The proof file (`ore-proof`, version 1; docs/fault-proof.md §8.3): JSON with hex strings, so
 * any language can read it. Pure: encodes to and decodes from a string; the CLIs do the I/O.
 * Decoding checks shape and lengths and throws {@link ProofFormatError} naming the bad field.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { fromHex, toHex } from "../bytes.ts";
import { ProofFormatError } from "./errors.ts";
import type { FrameResult } from "./generator.ts";
import { STATE_VERSION } from "./layout.ts";
import { type ProofDb, packProofDb, witnessFromDb } from "./proofDb.ts";

/** Format name and version written in every proof file. */
export const PROOF_FORMAT = "ore-proof";
export const PROOF_VERSION = 2;

/** How a block-mode trace ended (`Done`): the world-state root, gas used, receipts root and bloom. */
export interface BlockResult {
  worldRoot: Uint8Array;
  gasUsed: bigint;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  blockHash: Uint8Array;
  outputRoot: Uint8Array;
}

/** A decoded proof. */
export type Proof = FrameProof | BlockProof;

/** A proof of a block's transactions (block mode, §8.1). */
export interface BlockProof extends Omit<FrameProof, "mode" | "result"> {
  mode: "block";
  result: BlockResult;
}

/** A proof of one frame (frame mode, §8.1). */
export interface FrameProof {
  mode: "frame";
  /** What was proved (free-form, for people: code hash, block, tx...). */
  request: Record<string, unknown>;
  /** Step roots r[0..steps]. */
  roots: Uint8Array[];
  /** Per-step witness bytes. */
  witnesses: Uint8Array[];
  /** Per-step accessed gindices. */
  access: bigint[][];
  /** Per-step kinds of the witness's preimages (needed to write version 2). */
  kinds?: number[][];
  result: FrameResult;
}

/**
 * Serializes a proof to JSON text: version 2 (the default; the witnesses as a node DB, per-step
 * AccessData and preimage dicts, §8.3; needs `access` and `kinds`) or version 1 (every witness
 * whole).
 */
export function encodeProof(p: Proof, version: 1 | 2 = PROOF_VERSION): string {
  const steps = p.witnesses.length;
  const result =
    p.mode === "block"
      ? {
          worldRoot: toHex(p.result.worldRoot),
          gasUsed: p.result.gasUsed.toString(),
          receiptsRoot: toHex(p.result.receiptsRoot),
          logsBloom: toHex(p.result.logsBloom),
          blockHash: toHex(p.result.blockHash),
          outputRoot: toHex(p.result.outputRoot),
        }
      : {
          status: p.result.status,
          gasLeft: p.result.gasLeft.toString(),
          output: toHex(p.result.output),
          refund: p.result.refund.toString(),
        };
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

function hexBytes(v: unknown, field: string, len?: number): Uint8Array {
  if (typeof v !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(v)) {
    throw new ProofFormatError(`${field}: expected a 0x-prefixed even-length hex string`);
  }
  const b = fromHex(v);
  if (len !== undefined && b.length !== len) {
    throw new ProofFormatError(`${field}: expected ${len} bytes, found ${b.length}`);
  }
  return b;
}

function array(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new ProofFormatError(`${field}: expected an array`);
  return v;
}

/** Parses proof JSON text; throws {@link ProofFormatError} on anything malformed. */
export function decodeProof(text: string): Proof {
  let j: Record<string, unknown>;
  try {
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
  const r = (j.result ?? {}) as Record<string, unknown>;
  const request = (typeof j.request === "object" && j.request !== null ? j.request : {}) as Record<
    string,
    unknown
  >;
  const decimal = (v: unknown): v is string => typeof v === "string" && /^[0-9]+$/.test(v);
  if (j.mode === "block") {
    if (!decimal(r.gasUsed))
      throw new ProofFormatError(
        "result: expected {worldRoot, gasUsed: decimal string, receiptsRoot, logsBloom, blockHash, outputRoot}",
      );
    return {
      mode: "block",
      request,
      roots,
      witnesses,
      access,
      result: {
        worldRoot: hexBytes(r.worldRoot, "result.worldRoot", 32),
        gasUsed: BigInt(r.gasUsed),
        receiptsRoot: hexBytes(r.receiptsRoot, "result.receiptsRoot", 32),
        logsBloom: hexBytes(r.logsBloom, "result.logsBloom", 256),
        blockHash: hexBytes(r.blockHash, "result.blockHash", 32),
        outputRoot: hexBytes(r.outputRoot, "result.outputRoot", 32),
      },
    };
  }
  if (typeof r.status !== "number" || !decimal(r.gasLeft) || (r.refund !== undefined && !decimal(r.refund))) {
    throw new ProofFormatError(
      "result: expected {status: number, gasLeft: decimal string, output: hex, refund: decimal string}",
    );
  }
  return {
    mode: "frame",
    request,
    roots,
    witnesses,
    access,
    result: {
      status: r.status,
      gasLeft: BigInt(r.gasLeft),
      output: hexBytes(r.output, "result.output"),
      refund: BigInt((r.refund as string | undefined) ?? "0"),
    },
  };
}
