/**
 * The reference Merkle proof verifier, in TypeScript: walks the proof nodes from the root along
 * the key, checking that each node hashed by its parent hashes to that reference. One keccak per
 * proof node, all in one batch; nodes are RLP-decoded lazily, only as far as the walk needs.
 * `verifyProof` runs the same rules in WASM for speed and calls this one to explain a rejection.
 */
import { assertBytes, bytesEqual, toHex } from "../bytes.ts";
import { keccak256Many } from "../hash/keccak.ts";
import { RlpError, rlpItem } from "../rlp.ts";
import { EMPTY_ROOT } from "./constants.ts";
import { InvalidProofError } from "./errors.ts";

/**
 * Verifies `proof` for `key` against `root` exactly as `verifyProof` does (same results, same
 * rules), throwing an {@link InvalidProofError} that says what is wrong. About half as fast.
 */
export function verifyProofJs(
  root: Uint8Array,
  key: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  assertBytes(root, "root");
  assertBytes(key, "key");
  if (root.length !== 32) throw new RangeError(`root: expected 32 bytes, found ${root.length}`);
  if (!Array.isArray(proof)) throw new TypeError("proof: expected an array of Uint8Array");
  if (proof.length === 0) {
    if (bytesEqual(root, EMPTY_ROOT)) return null;
    throw new InvalidProofError(`empty proof for the non-empty root ${toHex(root)}`);
  }
  for (let i = 0; i < proof.length; i++) assertBytes(proof[i], `proof[${i}]`);
  const hashes = keccak256Many(proof);
  if (!bytesEqual(hashes[0]!, root)) {
    throw new InvalidProofError(`node 0 hashes to ${toHex(hashes[0]!)}, expected the root ${toHex(root)}`, {
      node: 0,
    });
  }
  try {
    return walk(key, proof, hashes);
  } catch (e) {
    if (e instanceof RlpError) throw new InvalidProofError(`bad RLP in a node: ${e.message}`, { node: at });
    throw e;
  }
}

// Index of the proof node being read, kept outside `walk` so RLP errors can name it.
let at = 0;

function walk(key: Uint8Array, proof: readonly Uint8Array[], hashes: Uint8Array[]): Uint8Array | null {
  const keyNibbles = key.length * 2;
  let d = 0; // nibbles of the key consumed
  at = 0;
  let buf = proof[0]!;
  let start = 0;
  let end = buf.length;
  for (;;) {
    const node = rlpItem(buf, start, end);
    if (!node.isList) fail("expected a node (RLP list), found a string");
    if (node.end !== end)
      fail(`node is ${node.end - start} bytes of RLP followed by ${end - node.end} extra`);
    // First two items tell a short node (2 items) from a branch (17).
    const a = rlpItem(buf, node.dataStart, node.end);
    const b = rlpItem(buf, a.end, node.end);
    let refStart: number;
    let refEnd: number;
    let refIsList: boolean;
    if (b.end === node.end) {
      // Leaf or extension: [hex-prefix path, value or child].
      if (a.isList) fail("expected a hex-prefix path string, found a list");
      const hpLen = a.end - a.dataStart;
      if (hpLen === 0) fail("expected a hex-prefix path, found an empty string");
      const h0 = buf[a.dataStart]!;
      const flag = h0 >> 4;
      if (flag > 3) fail(`expected hex-prefix flag 0..3, found ${flag}`);
      const odd = flag & 1;
      if (!odd && (h0 & 0xf) !== 0) fail(`expected a zero hex-prefix padding nibble, found ${h0 & 0xf}`);
      const pathLen = (hpLen - 1) * 2 + odd;
      // Compare the path with the key, nibble by nibble; a mismatch proves absence.
      let matches = d + pathLen <= keyNibbles;
      for (let i = 0; matches && i < pathLen; i++) {
        const j = i + 2 - odd; // nibble index within the hex-prefix bytes, past flag (and pad)
        const byte = buf[a.dataStart + (j >> 1)]!;
        const p = j & 1 ? byte & 0xf : byte >> 4;
        if (p !== nibble(key, d + i)) matches = false;
      }
      if (flag >= 2) {
        if (b.isList) fail("expected a leaf value string, found a list");
        if (b.end === b.dataStart) fail("leaf has an empty value");
        if (!matches || d + pathLen !== keyNibbles) return done(proof, null);
        return done(proof, buf.slice(b.dataStart, b.end));
      }
      if (pathLen === 0) fail("extension has an empty path");
      if (!matches) return done(proof, null);
      d += pathLen;
      refStart = b.dataStart;
      refEnd = b.end;
      refIsList = b.isList;
      if (!refIsList && refEnd === refStart) fail("extension has an empty child reference");
      // An embedded child's bytes start at its own header, right after the path item.
      if (refIsList) refStart = a.end;
    } else {
      // Branch: 16 children then the value; walk all 17 items to check the shape.
      let item = a;
      const slot = d < keyNibbles ? nibble(key, d) : 16;
      let chosen = slot === 0 ? a : undefined;
      let chosenStart = node.dataStart;
      if (a.isList && a.end - node.dataStart >= 32)
        fail(`inline child 0 is ${a.end - node.dataStart} bytes (>= 32)`);
      let pos = a.end;
      let count = 1;
      while (pos < node.end) {
        item = rlpItem(buf, pos, node.end);
        if (count === slot) {
          chosen = item;
          chosenStart = pos;
        }
        if (count < 16 && item.isList && item.end - pos >= 32)
          fail(`inline child ${count} is ${item.end - pos} bytes (>= 32)`);
        pos = item.end;
        count++;
      }
      if (count !== 17) fail(`expected 2 or 17 items, found ${count}`);
      if (item.isList) fail("branch value is a list");
      const c = chosen!;
      if (slot === 16) {
        // The key ends at this branch: its value slot answers.
        return done(proof, c.end === c.dataStart ? null : buf.slice(c.dataStart, c.end));
      }
      if (!c.isList && c.end === c.dataStart) return done(proof, null);
      d++;
      refIsList = c.isList;
      refEnd = c.end;
      refStart = c.isList ? chosenStart : c.dataStart;
    }
    if (refIsList) {
      // Embedded child: it sits in this node's bytes. A proof may also repeat it as the next element.
      if (refEnd - refStart >= 32) fail(`embedded child is ${refEnd - refStart} bytes, expected < 32`);
      const next = proof[at + 1];
      if (
        next !== undefined &&
        next.length === refEnd - refStart &&
        bytesEqual(next, buf.subarray(refStart, refEnd))
      ) {
        at++;
        buf = next;
        start = 0;
        end = next.length;
      } else {
        start = refStart;
        end = refEnd;
      }
      continue;
    }
    if (refEnd - refStart !== 32) fail(`expected a 32-byte child hash, found ${refEnd - refStart} bytes`);
    at++;
    if (at >= proof.length) {
      throw new InvalidProofError(
        `proof ends after ${proof.length} nodes but the path continues at node ${toHex(buf.subarray(refStart, refEnd))}`,
        { node: at },
      );
    }
    if (!equalAt(hashes[at]!, buf, refStart)) {
      fail(`node hashes to ${toHex(hashes[at]!)}, expected ${toHex(buf.subarray(refStart, refEnd))}`);
    }
    buf = proof[at]!;
    start = 0;
    end = buf.length;
  }
}

function nibble(key: Uint8Array, i: number): number {
  const b = key[i >> 1]!;
  return i & 1 ? b & 0xf : b >> 4;
}

function equalAt(hash: Uint8Array, buf: Uint8Array, off: number): boolean {
  for (let i = 0; i < 32; i++) if (hash[i] !== buf[off + i]) return false;
  return true;
}

function done(proof: readonly Uint8Array[], value: Uint8Array | null): Uint8Array | null {
  if (at !== proof.length - 1) {
    throw new InvalidProofError(`expected ${at + 1} proof nodes, found ${proof.length} (extra nodes)`, {
      node: at + 1,
    });
  }
  return value;
}

function fail(reason: string): never {
  throw new InvalidProofError(`node ${at}: ${reason}`, { node: at });
}
