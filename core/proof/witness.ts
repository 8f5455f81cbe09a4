/**
 * A JS codec for the tree part of a step witness (docs/fault-proof.md §8.2), for tooling and
 * tests: decode to a partial tree, re-encode, hash, and list the gindices of its terminals.
 * The verifier itself runs in WASM; this is the second, independent reading of the format.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { InvalidWitnessError } from "./errors.ts";

/** A node of a witness tree: a terminal 32-byte value, or an inner node with two children. */
export type WitnessNode = { value: Uint8Array } | { left: WitnessNode; right: WitnessNode };

/** Witness format version this codec reads and writes. */
export const WITNESS_VERSION = 0;

/** Decodes witness bytes; throws {@link InvalidWitnessError} on any malformation. */
export function decodeWitness(bytes: Uint8Array): WitnessNode {
  if (bytes.length < 5) throw new InvalidWitnessError(`invalid witness: ${bytes.length} bytes < header 5`);
  if (bytes[0] !== WITNESS_VERSION)
    throw new InvalidWitnessError(`invalid witness: version ${bytes[0]} != 0`);
  const treeLen = new DataView(bytes.buffer, bytes.byteOffset + 1, 4).getUint32(0, true);
  if (treeLen !== bytes.length - 5) {
    throw new InvalidWitnessError(
      `invalid witness: tree length ${treeLen} != ${bytes.length - 5} bytes present`,
    );
  }
  let pos = 5;
  const node = (depth: number): WitnessNode => {
    if (depth > 64) throw new InvalidWitnessError(`invalid witness: deeper than 64 at byte ${pos}`);
    if (pos >= bytes.length) throw new InvalidWitnessError(`invalid witness: truncated at byte ${pos}`);
    const tag = bytes[pos++];
    if (tag === 0) {
      if (pos + 32 > bytes.length) throw new InvalidWitnessError(`invalid witness: truncated at byte ${pos}`);
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
  if (pos !== bytes.length)
    throw new InvalidWitnessError(`invalid witness: ${bytes.length - pos} trailing bytes`);
  if ("value" in root) throw new InvalidWitnessError("invalid witness: the root is not an inner node");
  return root;
}

/** Encodes a witness tree (the inverse of {@link decodeWitness}). */
export function encodeWitness(root: WitnessNode): Uint8Array {
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
  const out = new Uint8Array(5 + parts.length);
  out[0] = WITNESS_VERSION;
  new DataView(out.buffer).setUint32(1, parts.length, true);
  out.set(parts, 5);
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
