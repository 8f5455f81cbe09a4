/**
 * The proof file's shared stores (version 2, docs/fault-proof.md §8.3), as the seed's witness
 * generator describes them: every step's witness kept once, as
 *
 * - a **node DB** `hash → (left, right)` of the state trees' inner nodes that any step's witness
 *   expands (deduplicated over the whole trace: consecutive pre-states share most of them),
 * - per step its **AccessData**: the gindices it read or wrote and the keccak hashes of the
 *   preimages it read, in order,
 * - three **dicts** of preimages by keccak: MPT nodes, contract code, transactions.
 *
 * A step's witness (§8.2) is rebuilt from `r[n]` by descending the node DB: a node is expanded
 * iff a gindex the step accessed lies strictly below it, else it is a terminal with its hash (or
 * value) — exactly the multiproof the generator packed. `packProofDb` and `witnessFromDb` are
 * inverse: every rebuilt witness equals the generated one byte for byte (tested).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { ProofFormatError } from "./errors.ts";
import { decodeWitness, WITNESS_VERSION, type WitnessNode } from "./witness.ts";

/** Kinds of preimages (`StepMachine.preimageKinds`): MPT node, code, transaction. */
export const PreimageKind = { Node: 0, Code: 1, Tx: 2 } as const;

/** One step's AccessData. */
export interface StepAccess {
  /** Gindices read or written (sorted, unique). */
  gindices: bigint[];
  /** Keccak hashes of the preimages the step read, in its witness's order. */
  preimages: Uint8Array[];
}

/** The shared stores of a proof file v2. */
export interface ProofDb {
  /** Inner nodes by hex hash: the 64 bytes `left ‖ right`. */
  nodes: Map<string, Uint8Array>;
  mptNodes: Map<string, Uint8Array>;
  code: Map<string, Uint8Array>;
  txs: Map<string, Uint8Array>;
  steps: StepAccess[];
}

/** Builds the stores from generated witnesses, their access lists and their preimages' kinds. */
export function packProofDb(
  witnesses: readonly Uint8Array[],
  access: readonly bigint[][],
  kinds: readonly number[][],
): ProofDb {
  if (access.length !== witnesses.length || kinds.length !== witnesses.length) {
    throw new ProofFormatError(
      `proof file v2 needs every step's access list and preimage kinds (${witnesses.length} steps, ${access.length} access lists, ${kinds.length} kind lists)`,
    );
  }
  const db: ProofDb = { nodes: new Map(), mptNodes: new Map(), code: new Map(), txs: new Map(), steps: [] };
  const addNodes = (n: WitnessNode): Uint8Array => {
    if ("value" in n) return n.value;
    const both = new Uint8Array(64);
    both.set(addNodes(n.left), 0);
    both.set(addNodes(n.right), 32);
    const h = sha256(both);
    db.nodes.set(toHex(h), both);
    return h;
  };
  for (const [i, w] of witnesses.entries()) {
    const d = decodeWitness(w);
    addNodes(d.tree);
    if (d.preimages.length !== kinds[i]!.length) {
      throw new ProofFormatError(`step ${i}: ${d.preimages.length} preimages but ${kinds[i]!.length} kinds`);
    }
    const hashes = d.preimages.map((p, k) => {
      const h = keccak256(p);
      const kind = kinds[i]![k];
      const dict = kind === PreimageKind.Node ? db.mptNodes : kind === PreimageKind.Code ? db.code : db.txs;
      dict.set(toHex(h), p);
      return h;
    });
    db.steps.push({ gindices: access[i]!, preimages: hashes });
  }
  return db;
}

function depthOf(g: bigint): number {
  return g.toString(2).length - 1;
}

/** Step `n`'s witness bytes (§8.2), rebuilt from its pre-state root `root`. */
export function witnessFromDb(db: ProofDb, n: number, root: Uint8Array): Uint8Array {
  const step = db.steps[n];
  if (step === undefined) throw new ProofFormatError(`no step ${n} in the proof's access data`);
  const out: number[] = [WITNESS_VERSION, 0, 0, 0, 0];
  // Accessed gindices as (depth, gindex), split by path bit while descending.
  const expand = (hash: Uint8Array, depth: number, under: readonly bigint[]): void => {
    const below = under.filter((g) => depthOf(g) > depth);
    if (below.length === 0) {
      out.push(0, ...hash);
      return;
    }
    const both = db.nodes.get(toHex(hash));
    if (both === undefined) {
      throw new ProofFormatError(`step ${n}: node ${toHex(hash)} is not in the proof's node DB`);
    }
    const left: bigint[] = [];
    const right: bigint[] = [];
    for (const g of below) {
      const bit = (g >> BigInt(depthOf(g) - depth - 1)) & 1n;
      (bit === 0n ? left : right).push(g);
    }
    out.push(1);
    expand(both.subarray(0, 32), depth + 1, left);
    expand(both.subarray(32, 64), depth + 1, right);
  };
  expand(root, 0, step.gindices);
  const treeLen = out.length - 5;
  out[1] = treeLen & 0xff;
  out[2] = (treeLen >>> 8) & 0xff;
  out[3] = (treeLen >>> 16) & 0xff;
  out[4] = (treeLen >>> 24) & 0xff;
  const pre = step.preimages.map((h) => {
    const k = toHex(h);
    const b = db.mptNodes.get(k) ?? db.code.get(k) ?? db.txs.get(k);
    if (b === undefined)
      throw new ProofFormatError(`step ${n}: preimage ${k} is in none of the proof's dicts`);
    return b;
  });
  const head = Uint8Array.from(out);
  let size = head.length + 4;
  for (const p of pre) size += 4 + p.length;
  const bytes = new Uint8Array(size);
  bytes.set(head, 0);
  const view = new DataView(bytes.buffer);
  let pos = head.length;
  view.setUint32(pos, pre.length, true);
  pos += 4;
  for (const p of pre) {
    view.setUint32(pos, p.length, true);
    bytes.set(p, pos + 4);
    pos += 4 + p.length;
  }
  return bytes;
}
