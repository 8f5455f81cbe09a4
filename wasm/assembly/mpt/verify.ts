/**
 * Merkle proof verification inside WASM: the fast path of `verifyProof`. It walks exactly the
 * rules of the JS reference verifier (`core/mpt/verifyProofJs.ts`) but only answers valid or
 * not; on "invalid" the JS side re-runs the reference to say what is wrong. Hashes each node it
 * reaches once with the keccak library, without leaving WASM.
 *
 * Input at `heapBase()`: root (32 bytes) ‖ key (`keyLen` bytes) ‖ pad to 4 ‖ `count` u32
 * little-endian node lengths ‖ the nodes back to back.
 */
import { keccak256 } from "../lib/keccak";
import { EMPTY_ROOT, heapBase } from "./layout";

const HASH: usize = memory.data(32, 8);

// The proven value, when `verify` returns 1.
let vPtr: usize = 0;
let vLen: usize = 0;

/** Address of the value found by the last `verify` that returned 1. */
export function valuePtr(): usize {
  return vPtr;
}

/** Length of the value found by the last `verify` that returned 1. */
export function valueLen(): usize {
  return vLen;
}

// Result of `item`: the item at the given offset.
let isList: bool = false;
let dataStart: usize = 0;
let itemEnd: usize = 0;

/**
 * Reads the canonical RLP header at `p`, bounded by `limit`, into `isList`/`dataStart`/`itemEnd`.
 * Returns false on truncation or a non-canonical header (same rules as `core/rlp.ts`).
 */
function item(p: usize, limit: usize): bool {
  if (p >= limit) return false;
  let b = <u32>load<u8>(p);
  if (b < 0x80) {
    isList = false;
    dataStart = p;
    itemEnd = p + 1;
    return true;
  }
  if (b <= 0xb7) {
    let len = <usize>(b - 0x80);
    if (p + 1 + len > limit) return false;
    if (len === 1 && load<u8>(p + 1) < 0x80) return false;
    isList = false;
    dataStart = p + 1;
    itemEnd = p + 1 + len;
    return true;
  }
  if (b >= 0xc0 && b <= 0xf7) {
    let len = <usize>(b - 0xc0);
    if (p + 1 + len > limit) return false;
    isList = true;
    dataStart = p + 1;
    itemEnd = p + 1 + len;
    return true;
  }
  // Long forms: 0xb8..0xbf strings, 0xf8..0xff lists.
  let list = b >= 0xf8;
  let lenOfLen = <usize>(list ? b - 0xf7 : b - 0xb7);
  if (lenOfLen > 4 || p + 1 + lenOfLen > limit) return false;
  if (load<u8>(p + 1) === 0) return false;
  let len: usize = 0;
  for (let i: usize = 0; i < lenOfLen; i++) len = (len << 8) | <usize>load<u8>(p + 1 + i);
  if (len < 56) return false;
  let start = p + 1 + lenOfLen;
  if (len > limit - start) return false;
  isList = list;
  dataStart = start;
  itemEnd = start + len;
  return true;
}

function nibble(key: usize, i: usize): u32 {
  let b = <u32>load<u8>(key + (i >> 1));
  return i & 1 ? b & 0xf : b >> 4;
}

function eq(a: usize, b: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) if (load<u8>(a + i) !== load<u8>(b + i)) return false;
  return true;
}

function eq32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

/**
 * Verifies the proof laid out at `heapBase()` (see the file comment). Returns 1 when it proves a
 * value (then `valuePtr`/`valueLen` locate it), 0 when it validly proves absence, -1 when it is
 * invalid in any way.
 */
export function verify(count: u32, keyLen: usize): i32 {
  let root = heapBase();
  let key = root + 32;
  let lens = (key + keyLen + 3) & ~(<usize>3);
  let n = <usize>count;
  let keyNibbles = keyLen << 1;
  if (n === 0) return eq32(root, EMPTY_ROOT) ? 0 : -1;
  let at: usize = 0;
  let nodePtr = lens + (n << 2); // start of node `at`
  let buf = nodePtr;
  let end = buf + <usize>load<u32>(lens);
  keccak256(buf, end - buf, HASH);
  if (!eq32(HASH, root)) return -1;
  let start = buf;
  let d: usize = 0;
  while (true) {
    if (!item(start, end) || !isList || itemEnd !== end) return -1;
    let listStart = dataStart;
    let listEnd = itemEnd;
    if (!item(listStart, listEnd)) return -1;
    let aList = isList;
    let aData = dataStart;
    let aEnd = itemEnd;
    if (!item(aEnd, listEnd)) return -1;
    let bList = isList;
    let bData = dataStart;
    let bEnd = itemEnd;
    let refStart: usize;
    let refEnd: usize;
    let refIsList: bool;
    if (bEnd === listEnd) {
      // Leaf or extension.
      if (aList) return -1;
      let hpLen = aEnd - aData;
      if (hpLen === 0) return -1;
      let h0 = <u32>load<u8>(aData);
      let flag = h0 >> 4;
      if (flag > 3) return -1;
      let odd = <usize>(flag & 1);
      if (!odd && (h0 & 0xf) !== 0) return -1;
      let pathLen = ((hpLen - 1) << 1) + odd;
      let matches = d + pathLen <= keyNibbles;
      for (let i: usize = 0; matches && i < pathLen; i++) {
        let j = i + 2 - odd;
        let byte = <u32>load<u8>(aData + (j >> 1));
        let p = j & 1 ? byte & 0xf : byte >> 4;
        if (p !== nibble(key, d + i)) matches = false;
      }
      if (flag >= 2) {
        if (bList || bEnd === bData) return -1;
        if (at !== n - 1) return -1;
        if (!matches || d + pathLen !== keyNibbles) return 0;
        vPtr = bData;
        vLen = bEnd - bData;
        return 1;
      }
      if (pathLen === 0) return -1;
      if (!matches) return at === n - 1 ? 0 : -1;
      d += pathLen;
      refIsList = bList;
      refStart = bList ? aEnd : bData;
      refEnd = bEnd;
      if (!bList && bEnd === bData) return -1;
    } else {
      // Branch: exactly 17 items, embedded children under 32 bytes, a string value.
      let slot: u32 = d < keyNibbles ? nibble(key, d) : 16;
      let cList = aList;
      let cStart = listStart;
      let cData = aData;
      let cEnd = aEnd;
      let pos = aEnd;
      let idx: u32 = 1;
      let lastList = aList;
      if (aList && aEnd - listStart >= 32) return -1;
      while (pos < listEnd) {
        if (!item(pos, listEnd)) return -1;
        if (idx < 16 && isList && itemEnd - pos >= 32) return -1;
        if (idx === slot) {
          cList = isList;
          cStart = pos;
          cData = dataStart;
          cEnd = itemEnd;
        }
        lastList = isList;
        pos = itemEnd;
        idx++;
      }
      if (idx !== 17 || lastList) return -1;
      if (slot === 16) {
        if (at !== n - 1) return -1;
        if (cEnd === cData) return 0;
        vPtr = cData;
        vLen = cEnd - cData;
        return 1;
      }
      if (!cList && cEnd === cData) return at === n - 1 ? 0 : -1;
      d++;
      refIsList = cList;
      refStart = cList ? cStart : cData;
      refEnd = cEnd;
    }
    let refLen = refEnd - refStart;
    // The next proof node, if any.
    let nextPtr = nodePtr + <usize>load<u32>(lens + (at << 2));
    if (refIsList) {
      if (refLen >= 32) return -1;
      if (
        at + 1 < n &&
        <usize>load<u32>(lens + ((at + 1) << 2)) === refLen &&
        eq(nextPtr, refStart, refLen)
      ) {
        at++;
        nodePtr = nextPtr;
        start = nextPtr;
        end = nextPtr + refLen;
      } else {
        start = refStart;
        end = refEnd;
      }
      continue;
    }
    if (refLen !== 32) return -1;
    at++;
    if (at >= n) return -1;
    nodePtr = nextPtr;
    let len = <usize>load<u32>(lens + (at << 2));
    keccak256(nodePtr, len, HASH);
    if (!eq32(HASH, refStart)) return -1;
    start = nodePtr;
    end = nodePtr + len;
  }
}
