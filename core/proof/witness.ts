/**
 * A JS codec for step witnesses (docs/fault-proof.md §8.2), for tooling and tests: decode to a
 * partial tree and a list of preimages, re-encode, hash, and list the gindices of the tree's
 * terminals. The verifier itself runs in WASM; this is the second, independent reading of the
 * format.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { MAX_TX_BYTES } from "../engine/provableLimits.ts";
import { InvalidWitnessError } from "./errors.ts";

/** A node of a witness tree: a terminal 32-byte value, or an inner node with two children. */
export type WitnessNode = { value: Uint8Array } | { left: WitnessNode; right: WitnessNode };

/** A decoded witness: the partial state tree and the keccak preimages (MPT nodes, code). */
export interface Witness {
  tree: WitnessNode;
  preimages: Uint8Array[];
}

/** Witness format version this codec reads and writes. */
export const WITNESS_VERSION = 1;
/** Most preimages in one witness. */
export const MAX_WITNESS_PREIMAGES = 4;
/**
 * The largest preimage, 262,144 bytes: a whole transaction, so it is the protocol's transaction
 * size limit `MAX_TX_BYTES` (`core/engine/provableLimits.ts`), which derivation enforces. Must
 * equal the machine's `MAX_PREIMAGE` (`wasm/assembly/step/preimages.ts`).
 */
export const MAX_PREIMAGE = MAX_TX_BYTES;

/** Decodes witness bytes; throws {@link InvalidWitnessError} on any malformation. */
export function decodeWitness(bytes: Uint8Array): Witness {
  if (bytes.length < 9) throw new InvalidWitnessError(`invalid witness: ${bytes.length} bytes < minimum 9`);
  if (bytes[0] !== WITNESS_VERSION)
    throw new InvalidWitnessError(`invalid witness: version ${bytes[0]} != ${WITNESS_VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const treeLen = view.getUint32(1, true);
  if (treeLen > bytes.length - 9) {
    throw new InvalidWitnessError(`invalid witness: tree length ${treeLen} leaves no preimage section`);
  }
  const treeEnd = 5 + treeLen;
  let pos = 5;
  const node = (depth: number): WitnessNode => {
    if (depth > 64) throw new InvalidWitnessError(`invalid witness: deeper than 64 at byte ${pos}`);
    if (pos >= treeEnd) throw new InvalidWitnessError(`invalid witness: truncated at byte ${pos}`);
    const tag = bytes[pos++];
    if (tag === 0) {
      if (pos + 32 > treeEnd) throw new InvalidWitnessError(`invalid witness: truncated at byte ${pos}`);
      const value = bytes.slice(pos, pos + 32);
      pos += 32;
      return { value };
    }
    if (tag === 1) {
      const left = node(depth + 1);
      return { left, right: node(depth + 1) };
    }
    throw new InvalidWitnessError(`invalid witness: unknown tag ${tag} at byte ${pos - 1}`);
  };
  const root = node(0);
  if (pos !== treeEnd) throw new InvalidWitnessError(`invalid witness: ${treeEnd - pos} trailing tree bytes`);
  if ("value" in root) throw new InvalidWitnessError("invalid witness: the root is not an inner node");
  const count = view.getUint32(pos, true);
  pos += 4;
  if (count > MAX_WITNESS_PREIMAGES) {
    throw new InvalidWitnessError(`invalid witness: ${count} preimages > limit ${MAX_WITNESS_PREIMAGES}`);
  }
  const preimages: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    if (pos + 4 > bytes.length) throw new InvalidWitnessError(`invalid witness: truncated at byte ${pos}`);
    const len = view.getUint32(pos, true);
    if (len === 0 || len > MAX_PREIMAGE || len > bytes.length - pos - 4) {
      throw new InvalidWitnessError(`invalid witness: preimage ${i} of ${len} bytes at byte ${pos}`);
    }
    preimages.push(bytes.slice(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  if (pos !== bytes.length)
    throw new InvalidWitnessError(`invalid witness: ${bytes.length - pos} trailing bytes`);
  return { tree: root, preimages };
}

/** Encodes a witness (the inverse of {@link decodeWitness}). */
export function encodeWitness(w: Witness): Uint8Array {
  const root = w.tree;
  const parts: number[] = [];
  const walk = (n: WitnessNode): void => {
    if ("value" in n) {
      parts.push(0, ...n.value);
    } else {
      parts.push(1);
      walk(n.left);
      walk(n.right);
    }
  };
  walk(root);
  const preLen = w.preimages.reduce((n, p) => n + 4 + p.length, 0);
  const out = new Uint8Array(5 + parts.length + 4 + preLen);
  const view = new DataView(out.buffer);
  out[0] = WITNESS_VERSION;
  view.setUint32(1, parts.length, true);
  out.set(parts, 5);
  let pos = 5 + parts.length;
  view.setUint32(pos, w.preimages.length, true);
  pos += 4;
  for (const p of w.preimages) {
    view.setUint32(pos, p.length, true);
    out.set(p, pos + 4);
    pos += 4 + p.length;
  }
  return out;
}

/** The SHA-256 root of a witness tree. */
export function witnessRoot(n: WitnessNode): Uint8Array {
  if ("value" in n) return n.value;
  const buf = new Uint8Array(64);
  buf.set(witnessRoot(n.left), 0);
  buf.set(witnessRoot(n.right), 32);
  return sha256(buf);
}

/** Gindices of the witness's terminal nodes, in pre-order. */
export function terminalGindices(root: WitnessNode): bigint[] {
  const out: bigint[] = [];
  const walk = (n: WitnessNode, g: bigint): void => {
    if ("value" in n) out.push(g);
    else {
      walk(n.left, g * 2n);
      walk(n.right, g * 2n + 1n);
    }
  };
  walk(root, 1n);
  return out;
}
