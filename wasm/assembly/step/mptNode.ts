/**
 * Merkle-Patricia trie nodes for the walker (docs/fault-proof.md §5.1, docs/mpt.md): canonical
 * RLP items, node decoding (only tries whose keys are all 32 bytes: a branch value or a path
 * ending off the key length is a bad node), encoding, and the two operations a walk step runs
 * on one hashed node and the nodes embedded in it: `descend` along the key, and `rebuild` for a
 * put (at the bottom, or around the new child from below), with branch collapse and extension
 * merging. Working memory is a per-step arena (`MPT_TMP`).
 */
import { keccak256 } from "../lib/keccak";
import { ERR_BAD_NODE, ERR_BAD_STATE, fail, MPT_TMP, MPT_TMP_BYTES } from "./layout";
import { entryData, entryLen, fetchPreimage, insertHashed } from "./preimages";

/** Largest value a walk carries (an account is at most 110 bytes). */
export const MAX_VALUE: usize = 128;
/** Largest carry (a short node: 64-nibble path and a 128-byte value). */
export const MAX_CARRY: usize = 256;

/** keccak256(0x80): the root of the empty trie. */
export const EMPTY_ROOT: usize = memory.data<u8>([
  0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48,
  0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
]);

// Carry kinds (in memory and in `walk.carryKind`).
export const C_EMPTY: u32 = 0;
/** The node's full encoding (short nodes always; branches under 32 bytes). */
export const C_ENC: u32 = 1;
/** The keccak of a branch's encoding (32 bytes). */
export const C_HASH: u32 = 2;

// Reference types inside a decoded node.
const R_EMPTY: u32 = 0;
const R_HASH: u32 = 1;
const R_INLINE: u32 = 2;

// Node kinds.
const N_BRANCH: u32 = 1;
const N_EXT: u32 = 2;
const N_LEAF: u32 = 3;

// A decoded node record (in the arena): kind u32, pathLen u32, payload (type, ptr, len) for
// short nodes, 16 children (type, ptr, len) for branches, the path's nibbles from PATH_OFF.
const D_KIND: usize = 0;
const D_PLEN: usize = 4;
const D_PAY: usize = 8;
const D_CHILD: usize = 20;
const D_PATH: usize = 212;
const D_SIZE: usize = 288;

/** The walk's key (32 bytes) and its 64 nibbles. */
export const KEY: usize = memory.data(32, 16);
export const NIB: usize = memory.data(64, 16);
/** The walk's value (put: the new value; get: the result). */
export const VAL: usize = memory.data(<i32>MAX_VALUE, 16);
let valLen: usize = 0;
export const REF: usize = memory.data(32, 16);
export const VAL_OUT: usize = memory.data(<i32>MAX_VALUE, 16);

let top: usize = MPT_TMP;
/** Set when the put turns out to change nothing. */
let noop = false;
/** Whether the key was present before the put. */
let found = false;
/** Whether new nodes are added to the preimage table (generator and lazy modes). */
let keepNodes = true;

/** Whether new nodes (and deposited code) go into the preimage table (generator and lazy modes). */
export function keepsNodes(): bool {
  return keepNodes;
}

/** Generator and lazy modes keep the nodes a put builds; a verifier does not need them. */
export function setKeepNodes(on: bool): void {
  keepNodes = on;
}

export function tmp(n: usize): usize {
  const p = top;
  top += (n + 7) & ~(<usize>7);
  if (top > MPT_TMP + MPT_TMP_BYTES) unreachable();
  return p;
}

export function eq32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

function bytesEq(a: usize, b: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) if (load<u8>(a + i) !== load<u8>(b + i)) return false;
  return true;
}

// ---- RLP items (canonical, like core/rlp.ts) ----

let itList = false;
let itData: usize = 0;
let itEnd: usize = 0;

/** Parses the item at `p` within [p, limit); a malformed item is a bad node. */
function item(p: usize, limit: usize, base: usize): void {
  if (p >= limit) fail(ERR_BAD_NODE, <u64>(p - base));
  const b = <u32>load<u8>(p);
  if (b < 0x80) {
    itList = false;
    itData = p;
    itEnd = p + 1;
    return;
  }
  if (b <= 0xb7 || (b >= 0xc0 && b <= 0xf7)) {
    const list = b >= 0xc0;
    const len = <usize>(b - (list ? 0xc0 : 0x80));
    if (len > limit - p - 1) fail(ERR_BAD_NODE, <u64>(p - base));
    if (!list && len === 1 && load<u8>(p + 1) < 0x80) fail(ERR_BAD_NODE, <u64>(p - base));
    itList = list;
    itData = p + 1;
    itEnd = p + 1 + len;
    return;
  }
  const list = b >= 0xf8;
  const lenOfLen = <usize>(list ? b - 0xf7 : b - 0xb7);
  if (lenOfLen > 2 || lenOfLen > limit - p - 1 || load<u8>(p + 1) === 0) fail(ERR_BAD_NODE, <u64>(p - base));
  let len: usize = 0;
  for (let i: usize = 0; i < lenOfLen; i++) len = (len << 8) | <usize>load<u8>(p + 1 + i);
  if (len < 56 || len > limit - p - 1 - lenOfLen) fail(ERR_BAD_NODE, <u64>(p - base));
  itList = list;
  itData = p + 1 + lenOfLen;
  itEnd = itData + len;
}

/** Reads a child reference item at `p` into the (type, ptr, len) triple at `out`. */
function refItem(p: usize, limit: usize, base: usize, out: usize): usize {
  item(p, limit, base);
  if (itList) {
    if (itEnd - p >= 32) fail(ERR_BAD_NODE, <u64>(p - base));
    store<u32>(out, R_INLINE);
    store<u32>(out, <u32>p, 4);
    store<u32>(out, <u32>(itEnd - p), 8);
  } else if (itEnd === itData) {
    store<u32>(out, R_EMPTY);
    store<u32>(out, 0, 4);
    store<u32>(out, 0, 8);
  } else {
    if (itEnd - itData !== 32) fail(ERR_BAD_NODE, <u64>(p - base));
    store<u32>(out, R_HASH);
    store<u32>(out, <u32>itData, 4);
    store<u32>(out, 32, 8);
  }
  return itEnd;
}

/**
 * Decodes the node encoded at [ptr, ptr + len) into a new record. Only nodes of a trie whose
 * keys are all 32 bytes are accepted: a branch value or a path ending off the key length is bad.
 */
function decodeNode(ptr: usize, len: usize): usize {
  const d = tmp(D_SIZE);
  const end = ptr + len;
  item(ptr, end, ptr);
  if (!itList || itEnd !== end) fail(ERR_BAD_NODE, 0);
  const listEnd = itEnd;
  let p = itData;
  // Count the items.
  let n: u32 = 0;
  let q = p;
  while (q < listEnd) {
    item(q, listEnd, ptr);
    q = itEnd;
    n++;
  }
  if (n === 17) {
    store<u32>(d, N_BRANCH, D_KIND);
    let used: u32 = 0;
    for (let i: usize = 0; i < 16; i++) {
      p = refItem(p, listEnd, ptr, d + D_CHILD + i * 12);
      if (load<u32>(d + D_CHILD + i * 12) !== R_EMPTY) used++;
    }
    item(p, listEnd, ptr);
    if (itList || itEnd !== itData) fail(ERR_BAD_NODE, <u64>(p - ptr));
    if (used < 2) fail(ERR_BAD_NODE, 0);
    return d;
  }
  if (n !== 2) fail(ERR_BAD_NODE, 0);
  item(p, listEnd, ptr);
  if (itList || itEnd === itData) fail(ERR_BAD_NODE, <u64>(p - ptr));
  const hp = itData;
  const hpLen = itEnd - itData;
  p = itEnd;
  const h0 = <u32>load<u8>(hp);
  const flag = h0 >> 4;
  if (flag > 3 || ((flag & 1) === 0 && (h0 & 0xf) !== 0)) fail(ERR_BAD_NODE, <u64>(hp - ptr));
  const odd = flag & 1;
  const plen = ((<u32>hpLen - 1) << 1) + odd;
  if (plen > 64) fail(ERR_BAD_NODE, <u64>(hp - ptr));
  const path = d + D_PATH;
  let j: u32 = 0;
  if (odd) store<u8>(path, <u8>(h0 & 0xf));
  j = odd;
  for (let i: usize = 1; i < hpLen; i++) {
    const b = load<u8>(hp + i);
    store<u8>(path + <usize>j, b >> 4);
    store<u8>(path + <usize>j + 1, b & 0xf);
    j += 2;
  }
  store<u32>(d, plen, D_PLEN);
  if (flag >= 2) {
    store<u32>(d, N_LEAF, D_KIND);
    item(p, listEnd, ptr);
    if (itList || itEnd === itData) fail(ERR_BAD_NODE, <u64>(p - ptr));
    store<u32>(d, 0, D_PAY);
    store<u32>(d, <u32>itData, D_PAY + 4);
    store<u32>(d, <u32>(itEnd - itData), D_PAY + 8);
  } else {
    if (plen === 0) fail(ERR_BAD_NODE, <u64>(hp - ptr));
    store<u32>(d, N_EXT, D_KIND);
    refItem(p, listEnd, ptr, d + D_PAY);
    if (load<u32>(d + D_PAY) === R_EMPTY) fail(ERR_BAD_NODE, <u64>(p - ptr));
  }
  return d;
}

// ---- encoding ----

/** Writes the RLP string header for `len` bytes at `dst`; returns the header's length. */
function strHeader(dst: usize, len: usize): usize {
  if (len < 56) {
    store<u8>(dst, <u8>(0x80 + len));
    return 1;
  }
  if (len < 256) {
    store<u8>(dst, 0xb8);
    store<u8>(dst + 1, <u8>len);
    return 2;
  }
  store<u8>(dst, 0xb9);
  store<u8>(dst + 1, <u8>(len >> 8));
  store<u8>(dst + 2, <u8>len);
  return 3;
}

/** RLP string of the `len` bytes at `src`, at `dst`; returns its length. */
function putStr(dst: usize, src: usize, len: usize): usize {
  if (len === 1 && load<u8>(src) < 0x80) {
    store<u8>(dst, load<u8>(src));
    return 1;
  }
  const h = strHeader(dst, len);
  memory.copy(dst + h, src, len);
  return h + len;
}

/** Wraps the payload [pay, pay + len) in a list header into a new buffer; returns it (length in `encLen`). */
let encLen: usize = 0;
function wrapList(pay: usize, len: usize): usize {
  const out = tmp(len + 3);
  let h: usize;
  if (len < 56) {
    store<u8>(out, <u8>(0xc0 + len));
    h = 1;
  } else if (len < 256) {
    store<u8>(out, 0xf8);
    store<u8>(out + 1, <u8>len);
    h = 2;
  } else {
    store<u8>(out, 0xf9);
    store<u8>(out + 1, <u8>(len >> 8));
    store<u8>(out + 2, <u8>len);
    h = 3;
  }
  memory.copy(out + h, pay, len);
  encLen = h + len;
  return out;
}

/** Writes a reference (type, ptr, len) as the item a parent holds; returns its length. */
function putRef(dst: usize, r: usize): usize {
  const t = load<u32>(r);
  if (t === R_EMPTY) {
    store<u8>(dst, 0x80);
    return 1;
  }
  const p = <usize>load<u32>(r, 4);
  if (t === R_HASH) {
    store<u8>(dst, 0xa0);
    memory.copy(dst + 1, p, 32);
    return 33;
  }
  const n = <usize>load<u32>(r, 8);
  memory.copy(dst, p, n);
  return n;
}

/**
 * Encodes a short node: `n` nibbles at `nib`, a leaf holding the value [pay, pay + payLen) or an
 * extension holding the reference `pay` (a (type, ptr, len) triple). Returns a carry.
 */
function shortNode(nib: usize, n: usize, leaf: bool, pay: usize, payLen: usize): usize {
  const buf = tmp(200);
  // Hex-prefix path.
  const hp = tmp(33);
  const odd = n & 1;
  let flag = <u32>(leaf ? 2 : 0) + <u32>odd;
  let k: usize = 0;
  if (odd) {
    store<u8>(hp, <u8>((flag << 4) | <u32>load<u8>(nib)));
    k = 1;
  } else store<u8>(hp, <u8>(flag << 4));
  const hpLen: usize = 1 + (n >> 1);
  for (let i: usize = 1; i < hpLen; i++) {
    store<u8>(hp + i, (load<u8>(nib + k) << 4) | load<u8>(nib + k + 1));
    k += 2;
  }
  let p = putStr(buf, hp, hpLen);
  p += leaf ? putStr(buf + p, pay, payLen) : putRef(buf + p, pay);
  return carry(C_ENC, wrapList(buf, p), encLen);
}

/** Encodes a branch with the 16 reference triples at `refs` and no value. Returns a carry. */
function branchNode(refs: usize): usize {
  const buf = tmp(16 * 33 + 1);
  let p: usize = 0;
  for (let i: usize = 0; i < 16; i++) p += putRef(buf + p, refs + i * 12);
  store<u8>(buf + p, 0x80);
  p++;
  return carry(C_ENC, wrapList(buf, p), encLen);
}

// ---- carries ----

export function carry(kind: u32, ptr: usize, len: usize): usize {
  const c = tmp(12);
  store<u32>(c, kind);
  store<u32>(c, <u32>ptr, 4);
  store<u32>(c, <u32>len, 8);
  return c;
}

export const EMPTY_CARRY: usize = memory.data(12, 8);

export function cKind(c: usize): u32 {
  return load<u32>(c);
}
export function cPtr(c: usize): usize {
  return <usize>load<u32>(c, 4);
}
export function cLen(c: usize): usize {
  return <usize>load<u32>(c, 8);
}

/** keccak of [ptr, ptr + len) into a new 32-byte buffer; keeps the node in generator mode. */
export function hashNode(ptr: usize, len: usize): usize {
  const h = tmp(32);
  keccak256(ptr, len, h);
  if (keepNodes) insertHashed(ptr, len, h);
  return h;
}

/** The reference a parent holds to the node of carry `c`, as a (type, ptr, len) triple. */
function refOf(c: usize): usize {
  const r = tmp(12);
  const k = cKind(c);
  if (k === C_EMPTY) {
    store<u32>(r, R_EMPTY);
  } else if (k === C_HASH) {
    store<u32>(r, R_HASH);
    store<u32>(r, <u32>cPtr(c), 4);
    store<u32>(r, 32, 8);
  } else if (cLen(c) < 32) {
    store<u32>(r, R_INLINE);
    store<u32>(r, <u32>cPtr(c), 4);
    store<u32>(r, <u32>cLen(c), 8);
  } else {
    store<u32>(r, R_HASH);
    store<u32>(r, <u32>hashNode(cPtr(c), cLen(c)), 4);
    store<u32>(r, 32, 8);
  }
  return r;
}

/** The decoded node of an encoding carry if it is a short node, else 0. */
export function shortOf(c: usize): usize {
  if (cKind(c) !== C_ENC) return 0;
  const d = decodeNode(cPtr(c), cLen(c));
  return load<u32>(d, D_KIND) === N_BRANCH ? 0 : d;
}

/** The short node `s` (decoded) with `n` nibbles at `pre` prepended to its path. */
function merge(pre: usize, n: usize, s: usize): usize {
  const sl = <usize>load<u32>(s, D_PLEN);
  if (n + sl > 64) fail(ERR_BAD_NODE, 0);
  const nib = tmp(64);
  memory.copy(nib, pre, n);
  memory.copy(nib + n, s + D_PATH, sl);
  const leaf = load<u32>(s, D_KIND) === N_LEAF;
  if (leaf)
    return shortNode(nib, n + sl, true, <usize>load<u32>(s, D_PAY + 4), <usize>load<u32>(s, D_PAY + 8));
  return shortNode(nib, n + sl, false, s + D_PAY, 0);
}

/** An extension with `n` nibbles at `pre` over the node of carry `c` (merged if `c` is short). */
function extOver(pre: usize, n: usize, c: usize): usize {
  if (cKind(c) === C_EMPTY) return EMPTY_CARRY;
  const s = shortOf(c);
  if (s !== 0) return merge(pre, n, s);
  return shortNode(pre, n, false, refOf(c), 0);
}

/** A new leaf for the rest of the key from nibble `d`, holding the walk's value. */
export function newLeaf(d: usize): usize {
  return shortNode(NIB + d, 64 - d, true, VAL, valLen);
}

/** Branch `b` (decoded) with child `k` replaced by carry `c`, collapsed if one child is left. */
function branchWith(b: usize, k: usize, c: usize): usize {
  let used: u32 = 0;
  let only: usize = 0;
  for (let i: usize = 0; i < 16; i++) {
    const live = i === k ? cKind(c) !== C_EMPTY : load<u32>(b + D_CHILD + i * 12) !== R_EMPTY;
    if (live) {
      used++;
      only = i;
    }
  }
  if (used >= 2) {
    const refs = tmp(16 * 12);
    memory.copy(refs, b + D_CHILD, 16 * 12);
    memory.copy(refs + k * 12, refOf(c), 12);
    return branchNode(refs);
  }
  if (used === 0) return EMPTY_CARRY;
  const pre = tmp(1);
  store<u8>(pre, <u8>only);
  if (only === k) return extOver(pre, 1, c);
  // The remaining child is another slot: read it to know whether it merges.
  const r = b + D_CHILD + only * 12;
  const t = load<u32>(r);
  let sib: usize;
  if (t === R_INLINE) sib = decodeNode(<usize>load<u32>(r, 4), <usize>load<u32>(r, 8));
  else {
    const e = fetchPreimage(<usize>load<u32>(r, 4));
    sib = decodeNode(entryData(e), entryLen(e));
  }
  if (load<u32>(sib, D_KIND) !== N_BRANCH) return merge(pre, 1, sib);
  return shortNode(pre, 1, false, r, 0);
}

/** Length of the common prefix of the `n` nibbles at `p` and the key's nibbles from `d`. */
function common(p: usize, n: usize, d: usize): usize {
  let m: usize = 0;
  while (m < n && d + m < 64 && load<u8>(p + m) === load<u8>(NIB + d + m)) m++;
  return m;
}

/**
 * A branch at nibble `d + m` holding `oldRef` (a (type, ptr, len) triple) at `oldNib` and the
 * new leaf at the key's nibble, under an extension of the first `m` nibbles of `p` if `m > 0`.
 */
function split(p: usize, m: usize, d: usize, oldNib: u32, oldRef: usize): usize {
  const refs = tmp(16 * 12);
  memory.fill(refs, 0, 16 * 12);
  memory.copy(refs + <usize>oldNib * 12, oldRef, 12);
  const kn = <usize>load<u8>(NIB + d + m);
  memory.copy(refs + kn * 12, refOf(newLeaf(d + m + 1)), 12);
  const br = branchNode(refs);
  if (m === 0) return br;
  return shortNode(p, m, false, refOf(br), 0);
}

/**
 * Rebuilds the node encoded at [ptr, ptr + len) at nibble depth `d` for the walk's put. At the
 * bottom (`below` = 0) the put applies inside this node; otherwise the key's path leaves this
 * node through a hashed child, which is replaced by the carry `below`. Returns the new carry
 * (sets `noop` and returns 0 when nothing changes).
 */
export function rebuild(ptr: usize, len: usize, d: usize, below: usize): usize {
  const node = decodeNode(ptr, len);
  const kind = load<u32>(node, D_KIND);
  if (kind === N_BRANCH) {
    if (d >= 64) fail(ERR_BAD_NODE, 0);
    const k = <usize>load<u8>(NIB + d);
    const r = node + D_CHILD + k * 12;
    const t = load<u32>(r);
    let nc: usize;
    if (t === R_INLINE) nc = rebuild(<usize>load<u32>(r, 4), <usize>load<u32>(r, 8), d + 1, below);
    else if (t === R_HASH) {
      if (below === 0) fail(ERR_BAD_STATE, 0);
      nc = below;
    } else {
      if (below !== 0) fail(ERR_BAD_STATE, 0);
      found = false;
      if (valLen === 0) {
        noop = true;
        return 0;
      }
      nc = newLeaf(d + 1);
    }
    if (noop) return 0;
    return branchWith(node, k, nc);
  }
  const path = node + D_PATH;
  const n = <usize>load<u32>(node, D_PLEN);
  if (d + n > 64) fail(ERR_BAD_NODE, 0);
  const m = common(path, n, d);
  if (kind === N_LEAF) {
    if (below !== 0) fail(ERR_BAD_STATE, 0);
    if (d + n !== 64) fail(ERR_BAD_NODE, 0);
    const old = <usize>load<u32>(node, D_PAY + 4);
    const oldLen = <usize>load<u32>(node, D_PAY + 8);
    if (m === n) {
      found = true;
      if (valLen === 0) return EMPTY_CARRY;
      if (oldLen === valLen && bytesEq(old, VAL, valLen)) {
        noop = true;
        return 0;
      }
      return newLeaf(d);
    }
    found = false;
    if (valLen === 0) {
      noop = true;
      return 0;
    }
    const rest = shortNode(path + m + 1, n - m - 1, true, old, oldLen);
    return split(path, m, d, <u32>load<u8>(path + m), refOf(rest));
  }
  // Extension.
  if (d + n >= 64) fail(ERR_BAD_NODE, 0);
  const child = node + D_PAY;
  if (m === n) {
    let nc: usize;
    if (load<u32>(child) === R_INLINE) {
      nc = rebuild(<usize>load<u32>(child, 4), <usize>load<u32>(child, 8), d + n, below);
    } else {
      if (below === 0) fail(ERR_BAD_STATE, 0);
      nc = below;
    }
    if (noop) return 0;
    return extOver(path, n, nc);
  }
  if (below !== 0) fail(ERR_BAD_STATE, 0);
  found = false;
  if (valLen === 0) {
    noop = true;
    return 0;
  }
  let restRef = child;
  if (m + 1 < n) restRef = refOf(shortNode(path + m + 1, n - m - 1, false, child, 0));
  return split(path, m, d, <u32>load<u8>(path + m), restRef);
}

// Result of `descend`.
export const D_NEXT: u32 = 1;
export const D_FOUND: u32 = 2;
export const D_ABSENT: u32 = 3;
let nextHash: usize = 0;
let nextDepth: usize = 0;
let foundPtr: usize = 0;
let foundLen: usize = 0;

/** Follows the key through the node at [ptr, ptr + len) (and nodes embedded in it) from `d`. */
export function descend(ptr: usize, len: usize, d: usize): u32 {
  while (true) {
    const node = decodeNode(ptr, len);
    const kind = load<u32>(node, D_KIND);
    let r: usize;
    if (kind === N_BRANCH) {
      if (d >= 64) fail(ERR_BAD_NODE, 0);
      r = node + D_CHILD + <usize>load<u8>(NIB + d) * 12;
      d++;
      if (load<u32>(r) === R_EMPTY) return D_ABSENT;
    } else {
      const n = <usize>load<u32>(node, D_PLEN);
      if (d + n > 64) fail(ERR_BAD_NODE, 0);
      const m = common(node + D_PATH, n, d);
      if (kind === N_LEAF) {
        if (d + n !== 64) fail(ERR_BAD_NODE, 0);
        if (m !== n) return D_ABSENT;
        foundPtr = <usize>load<u32>(node, D_PAY + 4);
        foundLen = <usize>load<u32>(node, D_PAY + 8);
        return D_FOUND;
      }
      if (d + n >= 64) fail(ERR_BAD_NODE, 0);
      if (m !== n) return D_ABSENT;
      d += n;
      r = node + D_PAY;
    }
    if (load<u32>(r) === R_HASH) {
      nextHash = <usize>load<u32>(r, 4);
      nextDepth = d;
      return D_NEXT;
    }
    ptr = <usize>load<u32>(r, 4);
    len = <usize>load<u32>(r, 8);
  }
}

/** Starts a step's node work: empties the arena and clears the put's flags. */
export function beginNodeWork(): void {
  top = MPT_TMP;
  noop = false;
  found = false;
}

/** Sets the length of the walk's value in `VAL`. */
export function setValueLen(n: usize): void {
  valLen = n;
}

/** Whether the last rebuild found that the put changes nothing. */
export function putIsNoop(): bool {
  return noop;
}

/** Whether the put's key was present (valid after a rebuild at the bottom). */
export function putFound(): bool {
  return found;
}

/** Results of the last `descend`: the next hashed node and its depth, or the value found. */
export function descNextHash(): usize {
  return nextHash;
}
export function descNextDepth(): usize {
  return nextDepth;
}
export function descValuePtr(): usize {
  return foundPtr;
}
export function descValueLen(): usize {
  return foundLen;
}
