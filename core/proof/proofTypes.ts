/**
 * A decoded proof (docs/fault-proof.md §8.3), whatever file version it came from, and the JSON
 * form of its `result` that every version stores. Pure.
 */
import { fromHex, toHex } from "../bytes.ts";
import { ProofFormatError } from "./errors.ts";
import type { FrameResult } from "./generator.ts";

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
  /** Per-step kinds of the witness's preimages (needed to write versions 2 and 3; version 3 reads them back). */
  kinds?: number[][];
  result: FrameResult;
}

/**
 * The steps of a proof, read one at a time (what `verifyProof` needs): the step count N, root
 * `r[n]` for `0 ≤ n ≤ N` and step `n`'s witness for `0 ≤ n < N`. A decoded version-3 file
 * rebuilds a witness on each call (§8.3), so a caller holding none keeps memory flat.
 */
export interface ProofSteps {
  /** N: the trace has roots `r[0..N]`. */
  readonly steps: number;
  /** `r[n]` (a fresh copy). */
  root(n: number): Uint8Array;
  /** Step `n`'s witness bytes (§8.2); a version-3 file rebuilds them, throwing `ProofFormatError` if it cannot. */
  witness(n: number): Uint8Array;
}

/** A proof read from a file (`decodeProof`, any version): its metadata, and its steps on demand. */
interface DecodedProofBase extends ProofSteps {
  /** What was proved (free-form, for people). */
  request: Record<string, unknown>;
  /** Step `n`'s accessed gindices. */
  access(n: number): bigint[];
  /** Step `n`'s preimage kinds (versions 3 only; `undefined` for versions 1 and 2). */
  kinds(n: number): number[] | undefined;
}

/** A decoded frame-mode proof. */
export interface DecodedFrameProof extends DecodedProofBase {
  mode: "frame";
  result: FrameResult;
}

/** A decoded block-mode proof. */
export interface DecodedBlockProof extends DecodedProofBase {
  mode: "block";
  result: BlockResult;
}

/**
 * A proof read from a file. Version 3 is read lazily: `decodeProof` validates the container and
 * every section up front and rebuilds a step's witness only when asked; {@link toProof} reads
 * every step into memory. Versions 1 and 2 are read eagerly and wrapped.
 */
export type DecodedProof = DecodedFrameProof | DecodedBlockProof;

/** `n` if it is a step index (a root index with `roots`) of a proof of `steps` steps; else a RangeError. */
function checkStep(n: number, steps: number, roots = false): number {
  if (!Number.isInteger(n) || n < 0 || n > (roots ? steps : steps - 1)) {
    throw new RangeError(`no ${roots ? "root" : "step"} ${n}: the proof has ${steps} steps`);
  }
  return n;
}

/** Wraps a proof held in memory as a {@link DecodedProof} (how versions 1 and 2 are read). */
export function fromProof(p: Proof): DecodedProof {
  const steps = p.roots.length - 1;
  return {
    mode: p.mode,
    request: p.request,
    result: p.result,
    steps,
    root: (n) => p.roots[checkStep(n, steps, true)].slice(),
    witness: (n) => p.witnesses[checkStep(n, steps)],
    access: (n) => p.access[checkStep(n, steps)],
    kinds: (n) => p.kinds?.[checkStep(n, steps)],
  } as DecodedProof;
}

/**
 * Every step of a decoded proof read into memory: the eager {@link Proof} (to compare, re-encode
 * or hold). For a large version-3 file this costs every witness at once (§8.3): iterate
 * {@link ProofSteps.witness} instead where a step at a time will do.
 */
export function toProof(d: DecodedProof): Proof {
  const roots: Uint8Array[] = [];
  const witnesses: Uint8Array[] = [];
  const access: bigint[][] = [];
  const kinds: number[][] = [];
  for (let n = 0; n <= d.steps; n++) roots.push(d.root(n));
  for (let n = 0; n < d.steps; n++) {
    witnesses.push(d.witness(n));
    access.push(d.access(n));
    const k = d.kinds(n);
    if (k !== undefined) kinds.push(k);
  }
  return {
    mode: d.mode,
    request: d.request,
    result: d.result,
    roots,
    witnesses,
    access,
    ...(kinds.length === d.steps && d.steps > 0 ? { kinds } : {}),
  } as Proof;
}

/** A proof's `result` as JSON values (hex strings, decimal strings), as every version stores it. */
export function resultToJson(p: Proof): Record<string, unknown> {
  return p.mode === "block"
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
}

/** Bytes from a 0x-prefixed even-length hex string of `len` bytes if given; names `field` if not. */
export function hexBytes(v: unknown, field: string, len?: number): Uint8Array {
  if (typeof v !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(v)) {
    throw new ProofFormatError(`${field}: expected a 0x-prefixed even-length hex string`);
  }
  const b = fromHex(v);
  if (len !== undefined && b.length !== len) {
    throw new ProofFormatError(`${field}: expected ${len} bytes, found ${b.length}`);
  }
  return b;
}

/** Parses a `result` written by {@link resultToJson} for `mode`; {@link ProofFormatError} if malformed. */
export function resultFromJson(
  mode: "frame" | "block",
  v: unknown,
): Pick<FrameProof, "mode" | "result"> | Pick<BlockProof, "mode" | "result"> {
  const r = (v ?? {}) as Record<string, unknown>;
  const decimal = (v: unknown): v is string => typeof v === "string" && /^[0-9]+$/.test(v);
  if (mode === "block") {
    if (!decimal(r.gasUsed))
      throw new ProofFormatError(
        "result: expected {worldRoot, gasUsed: decimal string, receiptsRoot, logsBloom, blockHash, outputRoot}",
      );
    return {
      mode: "block",
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
    result: {
      status: r.status,
      gasLeft: BigInt(r.gasLeft),
      output: hexBytes(r.output, "result.output"),
      refund: BigInt((r.refund as string | undefined) ?? "0"),
    },
  };
}
