/**
 * The `mpt` WASM module: computes the root of an Ethereum Merkle Patricia Trie from a whole set
 * of key/value pairs in one call (the sorted, bottom-up builder behind `trieRoot` and
 * `secureTrieRoot`). The JS loader (`wasm/mpt.ts`) writes the entries into this module's memory,
 * calls `build` once, and reads the 32-byte root; every node is RLP-encoded and hashed in here,
 * with no crossing per node. ABI and algorithm: `docs/mpt.md`, section "WASM module ABI".
 *
 * Memory is managed by hand (runtime `stub`, no AssemblyScript allocations): from `heapBase()`
 * the loader writes the input; past it `build` lays out the entry records, their sort buffer,
 * hashed keys (secure mode) and a scratch stack for node encodings, growing memory as needed.
 */
import { keccak256 } from "../lib/keccak";
import { EMPTY_ROOT, ensure, heapBase } from "./layout";

export { heapBase } from "./layout";
export { valueLen, valuePtr, verify } from "./verify";

// Entry record: 24 bytes, sorted as a unit so merge passes stream through memory.
//   +0  u64  first 8 key bytes as a big-endian integer (zero padded): the fast comparison
//   +8  u32  key pointer     +12 u32 key length (bytes)
//   +16 u32  value pointer   +20 u32 value length
const REC: usize = 24;

// Where the root (or an error code) goes: 32 bytes in static data, so it survives scratch reuse.
const ROOT_OUT: usize = memory.data(32, 8);

/** Top of the scratch stack (node encodings and child references of the branches being built). */
let sp: usize = 0;

/**
 * Computes the trie root of `count` entries laid out from `heapBase()` over `inputLen` bytes, each
 * as `u32 keyLen, u32 valueLen, key bytes, value bytes` (little-endian lengths, no padding).
 * Later entries overwrite earlier ones with the same key; an empty value means "absent". With
 * `secure` non-zero, each key is replaced by its keccak-256 first. Returns a pointer to the
 * 32-byte root.
 */
export function build(inputLen: usize, count: u32, secure: u32): usize {
  let input = heapBase();
  let n = <usize>count;
  let recs = (input + inputLen + 7) & ~(<usize>7);
  let tmp = recs + n * REC;
  let hashed = tmp + n * REC;
  let scratch = secure ? hashed + (n << 5) : hashed;
  // Scratch first holds the sort's bucket counts (256 KiB), then the node encodings.
  ensure(scratch + BUCKETS * 4 + 65536);

  // Parse the entries into records (hashing keys first in secure mode).
  let p = input;
  for (let i: usize = 0; i < n; i++) {
    let klen = <usize>load<u32>(p);
    let vlen = <usize>load<u32>(p, 4);
    let kptr = p + 8;
    let vptr = kptr + klen;
    p = vptr + vlen;
    if (secure) {
      let h = hashed + (i << 5);
      keccak256(kptr, klen, h);
      kptr = h;
      klen = 32;
    }
    let r = recs + i * REC;
    store<u64>(r, prefix(kptr, klen));
    store<u32>(r, <u32>kptr, 8);
    store<u32>(r, <u32>klen, 12);
    store<u32>(r, <u32>vptr, 16);
    store<u32>(r, <u32>vlen, 20);
  }

  let sorted = sortRecords(recs, tmp, n, scratch);
  let m = dedupe(sorted, n);
  if (m === 0) {
    memory.copy(ROOT_OUT, EMPTY_ROOT, 32);
    return ROOT_OUT;
  }
  sp = scratch;
  let ref = sp;
  sp += 64;
  ensure(sp);
  let len = node(sorted, 0, m, 0, ref);
  // The root is always referenced by hash, even when its encoding is under 32 bytes.
  if (len === 33) memory.copy(ROOT_OUT, ref + 1, 32);
  else keccak256(ref, len, ROOT_OUT);
  return ROOT_OUT;
}

/** First 8 bytes of a key as a big-endian integer, zero padded: orders keys like memcmp does. */
function prefix(k: usize, len: usize): u64 {
  if (len >= 8) return bswap<u64>(load<u64>(k));
  let v: u64 = 0;
  for (let i: usize = 0; i < 8; i++) {
    v <<= 8;
    if (i < len) v |= <u64>load<u8>(k + i);
  }
  return v;
}

/** Lexicographic comparison of the keys of records `a` and `b` (shorter prefix first). */
function cmp(a: usize, b: usize): i32 {
  let pa = load<u64>(a);
  let pb = load<u64>(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  let la = <usize>load<u32>(a, 12);
  let lb = <usize>load<u32>(b, 12);
  let ka = <usize>load<u32>(a, 8);
  let kb = <usize>load<u32>(b, 8);
  let l = min<usize>(la, lb);
  for (let i: usize = 8; i < l; i++) {
    let x = load<u8>(ka + i);
    let y = load<u8>(kb + i);
    if (x !== y) return x < y ? -1 : 1;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}

// Buckets of the first sorting pass: the top 16 bits of the key.
const BUCKETS: usize = 65536;

/**
 * Sorts `n` records stably by key, using `b` as the second buffer and `counts` (BUCKETS u32) as
 * scratch; returns whichever buffer holds the result. Large inputs first go through one stable
 * counting-sort pass on the top 16 key bits (random keys then leave ~n/65536 per bucket), and
 * each bucket is merge-sorted on its own; small ones are merge-sorted directly.
 */
function sortRecords(a: usize, b: usize, n: usize, counts: usize): usize {
  if (n < 4096) return mergeSort(a, b, n);
  memory.fill(counts, 0, BUCKETS * 4);
  for (let i: usize = 0; i < n; i++) {
    let c = counts + ((<usize>(load<u64>(a + i * REC) >> 48)) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  // Exclusive prefix sums: each bucket's first slot.
  let sum: u32 = 0;
  for (let k: usize = 0; k < BUCKETS; k++) {
    let c = counts + (k << 2);
    let v = load<u32>(c);
    store<u32>(c, sum);
    sum += v;
  }
  // Scatter in input order (stable), leaving each bucket's slot pointer at its end.
  for (let i: usize = 0; i < n; i++) {
    let r = a + i * REC;
    let c = counts + ((<usize>(load<u64>(r) >> 48)) << 2);
    let slot = <usize>load<u32>(c);
    store<u32>(c, <u32>(slot + 1));
    memory.copy(b + slot * REC, r, REC);
  }
  let start: usize = 0;
  for (let k: usize = 0; k < BUCKETS; k++) {
    let end = <usize>load<u32>(counts + (k << 2));
    let len = end - start;
    if (len > 1) {
      let sorted = mergeSort(b + start * REC, a + start * REC, len);
      if (sorted !== b + start * REC) memory.copy(b + start * REC, sorted, len * REC);
    }
    start = end;
  }
  return b;
}

/**
 * Stable bottom-up merge sort of `n` records, ping-ponging between `a` and `b`; returns whichever
 * holds the result. Stability is what makes "last write wins" work in `dedupe`.
 */
function mergeSort(a: usize, b: usize, n: usize): usize {
  // Insertion-sort runs of 16 in place first: fewer passes over memory.
  const RUN: usize = 16;
  for (let lo: usize = 0; lo < n; lo += RUN) {
    let hi = lo + RUN < n ? lo + RUN : n;
    for (let i = lo + 1; i < hi; i++) {
      let j = i;
      // Shift the record left while its predecessor is greater (strictly: keeps stability).
      while (j > lo && cmp(a + (j - 1) * REC, a + i * REC) > 0) j--;
      if (j < i) {
        let save = b; // b is free here: use it as a one-record temporary
        memory.copy(save, a + i * REC, REC);
        memory.copy(a + (j + 1) * REC, a + j * REC, (i - j) * REC);
        memory.copy(a + j * REC, save, REC);
      }
    }
  }
  let src = a;
  let dst = b;
  for (let width = RUN; width < n; width <<= 1) {
    for (let lo: usize = 0; lo < n; lo += width << 1) {
      let mid = lo + width < n ? lo + width : n;
      let hi = lo + (width << 1) < n ? lo + (width << 1) : n;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (cmp(src + j * REC, src + i * REC) < 0) {
          memory.copy(dst + k * REC, src + j * REC, REC);
          j++;
        } else {
          memory.copy(dst + k * REC, src + i * REC, REC);
          i++;
        }
        k++;
      }
      if (i < mid) memory.copy(dst + k * REC, src + i * REC, (mid - i) * REC);
      else if (j < hi) memory.copy(dst + k * REC, src + j * REC, (hi - j) * REC);
    }
    let t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/** Keeps the last record of each run of equal keys, drops empty values; returns the new count. */
function dedupe(r: usize, n: usize): usize {
  let m: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    let cur = r + i * REC;
    if (i + 1 < n && cmp(cur, cur + REC) === 0) continue;
    if (load<u32>(cur, 20) === 0) continue;
    if (m !== i) memory.copy(r + m * REC, cur, REC);
    m++;
  }
  return m;
}

/** Nibble `i` (0 = high half of byte 0) of record `r`'s key. */
function nib(r: usize, i: usize): u32 {
  let b = <u32>load<u8>(<usize>load<u32>(r, 8) + (i >> 1));
  return i & 1 ? b & 0xf : b >> 4;
}

/** Key length of record `r` in nibbles. */
function nibLen(r: usize): usize {
  return (<usize>load<u32>(r, 12)) << 1;
}

/**
 * Builds the subtrie of records `[lo, hi)` (sorted, distinct, sharing the first `d` nibbles) and
 * writes its reference at `out`: `0xa0 ‖ keccak(encoding)` (33 bytes) when the encoding is 32
 * bytes or more, else the encoding itself (inline). Returns the reference's length.
 */
function node(recs: usize, lo: usize, hi: usize, d: usize, out: usize): usize {
  let first = recs + lo * REC;
  if (hi - lo === 1) return leaf(first, d, out);
  let last = recs + (hi - 1) * REC;
  // Sorted keys: the common prefix of the first and last is common to all.
  let end = min<usize>(nibLen(first), nibLen(last));
  let cp = d;
  while (cp < end && nib(first, cp) === nib(last, cp)) cp++;
  if (cp === d) return branch(recs, lo, hi, d, out);
  let mark = sp;
  let child = sp;
  sp += 64;
  ensure(sp);
  let childLen = branch(recs, lo, hi, cp, child);
  let len = shortNode(first, d, cp, false, child, childLen, out);
  sp = mark;
  return len;
}

/** Leaf for record `r` at depth `d`: `[hp(key[d..], leaf), value]`. */
function leaf(r: usize, d: usize, out: usize): usize {
  return shortNode(r, d, nibLen(r), true, <usize>load<u32>(r, 16), <usize>load<u32>(r, 20), out);
}

/**
 * Encodes a leaf (`isLeaf`: `second` is the value, RLP-wrapped as a string) or an extension
 * (`second` is the child reference, embedded as is) whose path is nibbles `[from, to)` of
 * record `r`'s key, and writes its reference at `out`.
 */
function shortNode(
  r: usize,
  from: usize,
  to: usize,
  isLeaf: bool,
  second: usize,
  secondLen: usize,
  out: usize,
): usize {
  let pathN = to - from;
  let hpLen = (pathN >> 1) + 1;
  let hpEnc = hpLen === 1 ? 1 : strHeaderLen(hpLen) + hpLen;
  let secEnc = isLeaf ? strEncLen(second, secondLen) : secondLen;
  let payload = hpEnc + secEnc;
  let total = listHeaderLen(payload) + payload;
  let mark = sp;
  let enc = sp;
  sp += total;
  ensure(sp);
  let p = writeHeader(enc, payload, 0xc0);
  // Hex-prefix: flag nibble 2*isLeaf + odd, then the path, padded with a zero nibble if even.
  if (hpLen !== 1) p = writeHeader(p, hpLen, 0x80);
  let flag: u32 = (isLeaf ? 2 : 0) + <u32>(pathN & 1);
  let i = from;
  if (pathN & 1) {
    store<u8>(p, (flag << 4) | nib(r, i));
    i++;
  } else {
    store<u8>(p, flag << 4);
  }
  p++;
  // A single hex-prefix byte (0x00..0x3f) is below 0x80, so it encodes as itself: no header.
  let k = <usize>load<u32>(r, 8);
  if ((i & 1) === 0) {
    // Byte-aligned remainder: copy whole bytes.
    let nbytes = (to - i) >> 1;
    memory.copy(p, k + (i >> 1), nbytes);
    p += nbytes;
  } else {
    for (; i < to; i += 2) {
      store<u8>(p, (nib(r, i) << 4) | nib(r, i + 1));
      p++;
    }
  }
  if (isLeaf) p = writeStr(p, second, secondLen);
  else {
    memory.copy(p, second, secondLen);
    p += secondLen;
  }
  let len = finish(enc, total, out);
  sp = mark;
  return len;
}

/**
 * Branch over records `[lo, hi)` at depth `d`: a record whose key ends at `d` is the branch's
 * value (it sorts first), the others go to the 16 children by their nibble at `d`.
 */
function branch(recs: usize, lo: usize, hi: usize, d: usize, out: usize): usize {
  let mark = sp;
  let refs = sp; // 16 child references of up to 33 bytes
  let lens = sp + 16 * 33; // 16 u32 lengths (0 = empty slot)
  sp += 16 * 33 + 64;
  ensure(sp);
  memory.fill(lens, 0, 64);
  let valPtr: usize = 0;
  let valLen: usize = 0;
  let first = recs + lo * REC;
  if (nibLen(first) === d) {
    valPtr = <usize>load<u32>(first, 16);
    valLen = <usize>load<u32>(first, 20);
    lo++;
  }
  let i = lo;
  while (i < hi) {
    let c = nib(recs + i * REC, d);
    let j = i + 1;
    while (j < hi && nib(recs + j * REC, d) === c) j++;
    let l = node(recs, i, j, d + 1, refs + c * 33);
    store<u32>(lens + ((<usize>c) << 2), <u32>l);
    i = j;
  }
  let payload: usize = valLen === 0 ? 1 : strEncLen(valPtr, valLen);
  for (let c: usize = 0; c < 16; c++) {
    let l = <usize>load<u32>(lens + (c << 2));
    payload += l === 0 ? 1 : l;
  }
  let total = listHeaderLen(payload) + payload;
  let enc = sp;
  sp += total;
  ensure(sp);
  let p = writeHeader(enc, payload, 0xc0);
  for (let c: usize = 0; c < 16; c++) {
    let l = <usize>load<u32>(lens + (c << 2));
    if (l === 0) {
      store<u8>(p, 0x80);
      p++;
    } else {
      memory.copy(p, refs + c * 33, l);
      p += l;
    }
  }
  if (valLen === 0) {
    store<u8>(p, 0x80);
    p++;
  } else p = writeStr(p, valPtr, valLen);
  let len = finish(enc, total, out);
  sp = mark;
  return len;
}

/** Writes the reference to the `len`-byte encoding at `enc` to `out`; returns its length. */
function finish(enc: usize, len: usize, out: usize): usize {
  if (len < 32) {
    memory.copy(out, enc, len);
    return len;
  }
  store<u8>(out, 0xa0);
  keccak256(enc, len, out + 1);
  return 33;
}

/** Bytes of an RLP string header for an `n`-byte payload (not for a single byte < 0x80). */
function strHeaderLen(n: usize): usize {
  return n < 56 ? 1 : 1 + byteLen(n);
}

/** Bytes of an RLP list header for an `n`-byte payload. */
function listHeaderLen(n: usize): usize {
  return n < 56 ? 1 : 1 + byteLen(n);
}

/** RLP length of the byte string at `p` of `n` bytes. */
function strEncLen(p: usize, n: usize): usize {
  if (n === 1 && load<u8>(p) < 0x80) return 1;
  return strHeaderLen(n) + n;
}

/** Minimal number of bytes to hold `n` big-endian. */
function byteLen(n: usize): usize {
  let l: usize = 1;
  while (l < 4 && n >> (l << 3) !== 0) l++;
  return l;
}

/** Writes the header of an `n`-byte payload (`base` 0x80 string, 0xc0 list); returns the end. */
function writeHeader(p: usize, n: usize, base: u32): usize {
  if (n < 56) {
    store<u8>(p, base + <u32>n);
    return p + 1;
  }
  let l = byteLen(n);
  store<u8>(p, base + 55 + <u32>l);
  for (let i: usize = 0; i < l; i++) store<u8>(p + l - i, <u8>(n >> (i << 3)));
  return p + 1 + l;
}

/** Writes the RLP encoding of the `n`-byte string at `src` to `p`; returns the end. */
function writeStr(p: usize, src: usize, n: usize): usize {
  if (n === 1 && load<u8>(src) < 0x80) {
    store<u8>(p, load<u8>(src));
    return p + 1;
  }
  p = writeHeader(p, n, 0x80);
  memory.copy(p, src, n);
  return p + n;
}
