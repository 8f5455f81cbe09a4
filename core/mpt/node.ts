/**
 * Trie nodes in memory and their RLP encoding (Yellow Paper, appendix D):
 *   leaf       `[hexPrefix(path, leaf), value]`
 *   extension  `[hexPrefix(path, ext), childRef]`
 *   branch     `[ref0, …, ref15, value]` (empty slot or no value: the empty string)
 * A child reference is the child's encoding itself when that is under 32 bytes (an embedded, or
 * inline, node) and otherwise the 32-byte keccak of the encoding (the RLP string `0xa0 ‖ hash`).
 *
 * Nodes are immutable once built: the persistent trie copies the path it changes, so every
 * version of the trie shares the nodes it did not touch. A node caches its encoding (`enc`) and,
 * when referenced by hash, its `hash`; a node without `enc` is dirty (not yet committed).
 */
import { toHex } from "../bytes.ts";
import { headerLength, RlpError, rlpItem, writeHeader } from "../rlp.ts";
import { InvalidNodeError } from "./errors.ts";
import { hexPrefixDecode, hexPrefixEncode } from "./nibbles.ts";

/** A reference to a child: its 32-byte hash (not loaded from the store) or the node itself. */
export type ChildRef = Uint8Array | TrieNode;

/** Encoding and hash of a node, filled in when it is committed or loaded. */
abstract class NodeBase {
  /** RLP encoding, once computed (committed or loaded); `undefined` while dirty. */
  enc: Uint8Array | undefined = undefined;
  /** keccak256(enc) when the node is referenced by hash (enc >= 32 bytes, or a root). */
  hash: Uint8Array | undefined = undefined;
}

/** A leaf: the rest of the key's nibbles (`path`) and a non-empty value. */
export class LeafNode extends NodeBase {
  constructor(
    readonly path: Uint8Array,
    readonly value: Uint8Array,
  ) {
    super();
  }
}

/** An extension: a non-empty run of nibbles shared by every key below, then one child (a branch). */
export class ExtensionNode extends NodeBase {
  constructor(
    readonly path: Uint8Array,
    readonly child: ChildRef,
  ) {
    super();
  }
}

/** A branch: 16 children by next nibble, plus the value of the key that ends here (or `null`). */
export class BranchNode extends NodeBase {
  constructor(
    readonly children: readonly (ChildRef | null)[],
    readonly value: Uint8Array | null,
  ) {
    super();
  }
}

/** Any trie node. */
export type TrieNode = LeafNode | ExtensionNode | BranchNode;

/**
 * The bytes a parent embeds for `child`: `0xa0 ‖ hash` for a hashed child, the encoding for an
 * embedded one. The child must be clean (committed or loaded).
 */
export function childRefBytes(child: ChildRef): Uint8Array {
  if (child instanceof Uint8Array) return hashRef(child);
  if (child.enc === undefined) throw new Error("mpt: child encoded before it was committed");
  return child.enc.length < 32 ? child.enc : hashRef(child.hash!);
}

function hashRef(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(33);
  out[0] = 0xa0;
  out.set(hash, 1);
  return out;
}

/** RLP encoding of `node`, whose children must all be clean. */
export function encodeNode(node: TrieNode): Uint8Array {
  if (node instanceof LeafNode)
    return encodeList([stringItem(hexPrefixEncode(node.path, true)), stringItem(node.value)]);
  if (node instanceof ExtensionNode) {
    return encodeList([stringItem(hexPrefixEncode(node.path, false)), childRefBytes(node.child)]);
  }
  const items: Uint8Array[] = new Array(17);
  for (let i = 0; i < 16; i++) {
    const c = node.children[i];
    items[i] = c === null || c === undefined ? EMPTY_STRING : childRefBytes(c);
  }
  items[16] = node.value === null ? EMPTY_STRING : stringItem(node.value);
  return encodeList(items);
}

const EMPTY_STRING = Uint8Array.of(0x80);

/** RLP string item of `bytes`. */
function stringItem(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 1 && bytes[0]! < 0x80) return bytes;
  const out = new Uint8Array(headerLength(bytes.length) + bytes.length);
  out.set(bytes, writeHeader(out, 0, bytes.length, 0x80));
  return out;
}

/** RLP list of already-encoded `items`. */
function encodeList(items: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const it of items) n += it.length;
  const out = new Uint8Array(headerLength(n) + n);
  let pos = writeHeader(out, 0, n, 0xc0);
  for (const it of items) {
    out.set(it, pos);
    pos += it.length;
  }
  return out;
}

/**
 * Decodes a node encoding strictly (canonical RLP, 2 or 17 items, valid hex-prefix, child
 * references that are empty, 32-byte hashes or embedded nodes under 32 bytes). The result caches
 * `enc` (and `hash`, when given). Throws `InvalidNodeError` naming the fault.
 */
export function decodeNode(enc: Uint8Array, hash?: Uint8Array): TrieNode {
  try {
    const top = rlpItem(enc, 0);
    if (top.end !== enc.length) {
      throw new InvalidNodeError(`expected ${top.end} bytes of RLP, found ${enc.length}`);
    }
    const node = decodeAt(enc, 0, top.end);
    node.enc = enc;
    node.hash = hash;
    return node;
  } catch (e) {
    if (e instanceof RlpError) throw new InvalidNodeError(`bad RLP: ${e.message}`, { cause: e });
    throw e;
  }
}

function decodeAt(buf: Uint8Array, start: number, end: number): TrieNode {
  const list = rlpItem(buf, start, end);
  if (!list.isList) throw new InvalidNodeError("expected an RLP list, found a string");
  const items: { isList: boolean; start: number; dataStart: number; end: number }[] = [];
  for (let pos = list.dataStart; pos < list.end; ) {
    const it = rlpItem(buf, pos, list.end);
    items.push({ ...it, start: pos });
    pos = it.end;
  }
  if (items.length === 2) {
    const [a, b] = items as [(typeof items)[0], (typeof items)[0]];
    if (a.isList) throw new InvalidNodeError("expected a hex-prefix path string, found a list");
    const { path, isLeaf } = hexPrefixDecode(buf.slice(a.dataStart, a.end));
    if (isLeaf) {
      if (b.isList) throw new InvalidNodeError("expected a leaf value string, found a list");
      if (b.end === b.dataStart) throw new InvalidNodeError("leaf has an empty value");
      return new LeafNode(path, buf.slice(b.dataStart, b.end));
    }
    if (path.length === 0) throw new InvalidNodeError("extension has an empty path");
    const child = decodeChild(buf, b);
    if (child === null) throw new InvalidNodeError("extension has an empty child reference");
    return new ExtensionNode(path, child);
  }
  if (items.length !== 17) throw new InvalidNodeError(`expected 2 or 17 items, found ${items.length}`);
  const children: (ChildRef | null)[] = new Array(16);
  for (let i = 0; i < 16; i++) children[i] = decodeChild(buf, items[i]!);
  const v = items[16]!;
  if (v.isList) throw new InvalidNodeError("branch value is a list");
  return new BranchNode(children, v.end === v.dataStart ? null : buf.slice(v.dataStart, v.end));
}

function decodeChild(
  buf: Uint8Array,
  it: { isList: boolean; start: number; dataStart: number; end: number },
): ChildRef | null {
  if (it.isList) {
    const len = it.end - it.start;
    if (len >= 32) throw new InvalidNodeError(`embedded child is ${len} bytes, expected < 32`);
    const enc = buf.slice(it.start, it.end);
    const node = decodeAt(enc, 0, enc.length);
    node.enc = enc;
    return node;
  }
  const len = it.end - it.dataStart;
  if (len === 0) return null;
  if (len !== 32) {
    throw new InvalidNodeError(
      `expected a 32-byte child hash, found ${len} bytes: ${toHex(buf.slice(it.dataStart, it.end))}`,
    );
  }
  return buf.slice(it.dataStart, it.end);
}
