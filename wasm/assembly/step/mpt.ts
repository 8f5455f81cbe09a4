/**
 * The MPT walker (docs/fault-proof.md §5.1): reads and writes of Ethereum Merkle-Patricia
 * tries with 32-byte keys (the state, storage, access-set and transient tries), one hashed trie
 * node per step. Its state is the step state's `walk` container, so a walk in progress is part
 * of the committed state and every step of it has a fixed maximum cost.
 *
 * - `GET` descends one hashed node per step (and any nodes embedded in it), and ends with the
 *   value found (`valueLen` 0: absent).
 * - `PUT` descends the same way, pushing each hashed node's hash and depth on `path`. At the
 *   bottom (the key's leaf, an empty slot, or a diverging leaf or extension) it rebuilds that
 *   node with the new value (or without the key, for an empty value) and then ascends one hashed
 *   node per step, each rebuilt around the `carry` from below, until the new root. A rebuilt
 *   branch left with one child collapses into that child (reading it, if hashed: the step's
 *   second preimage); extensions merge with short nodes below them. A put that changes nothing
 *   (same value, or deleting an absent key) ends at the bottom with the root unchanged.
 *
 * Nodes come from the preimage table (`fetchPreimage`): a step fetches before it writes the
 * tree, so in generator mode a missing node can be supplied and the step rerun.
 */
import { ERR_BAD_NODE, ERR_BAD_STATE, fail } from "./layout";
import {
  beginNodeWork,
  C_EMPTY,
  C_ENC,
  C_HASH,
  carry,
  cKind,
  cLen,
  cPtr,
  D_FOUND,
  D_NEXT,
  descend,
  descNextDepth,
  descNextHash,
  descValueLen,
  descValuePtr,
  EMPTY_ROOT,
  eq32,
  hashNode,
  KEY,
  MAX_CARRY,
  MAX_VALUE,
  NIB,
  newLeaf,
  putFound,
  putIsNoop,
  REF,
  rebuild,
  setValueLen,
  shortOf,
  tmp,
  VAL,
  VAL_OUT,
} from "./mptNode";
import { entryData, entryLen, fetchPreimage } from "./preimages";
import {
  G_WALK_CARRY_KIND,
  G_WALK_CARRY_LEN,
  G_WALK_DEPTH,
  G_WALK_FOUND,
  G_WALK_KEY,
  G_WALK_LEVEL,
  G_WALK_MODE,
  G_WALK_REF,
  G_WALK_ROOT,
  G_WALK_VALUE_LEN,
  gWalkCarry,
  gWalkPathDepth,
  gWalkPathHash,
  gWalkValue,
  rdU64,
  wrU64,
} from "./state";
import { read, write } from "./tree";

/** `walk.mode` values. */
export const WALK_IDLE: u64 = 0;
export const WALK_GET: u64 = 1;
export const WALK_PUT: u64 = 2;
export const WALK_ASCEND: u64 = 3;

// ---- the walker's state in the tree ----

function readKey(): void {
  memory.copy(KEY, read(G_WALK_KEY), 32);
  for (let i: usize = 0; i < 32; i++) {
    const b = load<u8>(KEY + i);
    store<u8>(NIB + 2 * i, b >> 4);
    store<u8>(NIB + 2 * i + 1, b & 0xf);
  }
}

function readValue(): void {
  const valLen = <usize>rdU64(G_WALK_VALUE_LEN);
  if (valLen > MAX_VALUE) fail(ERR_BAD_STATE, G_WALK_VALUE_LEN);
  setValueLen(valLen);
  putLen = valLen;
  for (let i: usize = 0; i * 32 < valLen; i++) memory.copy(VAL + i * 32, read(gWalkValue(<u64>i)), 32);
}

/** Writes `len` bytes at `src` as a byte run over consecutive chunks from gindex `g0(0)`. */
function writeRun(src: usize, len: usize, isCarry: bool): void {
  const buf = tmp(MAX_CARRY);
  memory.fill(buf, 0, MAX_CARRY);
  memory.copy(buf, src, len);
  for (let i: usize = 0; i * 32 < len; i++) {
    write(isCarry ? gWalkCarry(<u64>i) : gWalkValue(<u64>i), buf + i * 32);
  }
}

function readCarry(): usize {
  const kind = <u32>rdU64(G_WALK_CARRY_KIND);
  const len = <usize>rdU64(G_WALK_CARRY_LEN);
  if (kind > C_HASH || len > MAX_CARRY || (kind === C_HASH && len !== 32))
    fail(ERR_BAD_STATE, G_WALK_CARRY_KIND);
  const buf = tmp(MAX_CARRY);
  for (let i: usize = 0; i * 32 < len; i++) memory.copy(buf + i * 32, read(gWalkCarry(<u64>i)), 32);
  return carry(kind, buf, len);
}

/** Stores carry `c` for the next ascend step (a branch of 32 bytes or more as its hash). */
function writeCarry(c: usize): void {
  let kind = cKind(c);
  let ptr = cPtr(c);
  let len = cLen(c);
  if (kind === C_ENC && len >= 32 && shortOf(c) === 0) {
    ptr = hashNode(ptr, len);
    len = 32;
    kind = C_HASH;
  }
  if (len > MAX_CARRY) fail(ERR_BAD_NODE, 0);
  wrU64(G_WALK_CARRY_KIND, <u64>kind);
  wrU64(G_WALK_CARRY_LEN, <u64>len);
  writeRun(ptr, len, true);
}

/** Ends a put with the trie whose root node is carry `c` (`atBottom`: also records `found`). */
function finishPut(c: usize, atBottom: bool): void {
  const k = cKind(c);
  let root: usize;
  if (k === C_EMPTY) root = EMPTY_ROOT;
  else if (k === C_HASH) root = cPtr(c);
  else root = hashNode(cPtr(c), cLen(c));
  write(G_WALK_ROOT, root);
  if (atBottom) wrU64(G_WALK_FOUND, putFound() ? 1 : 0);
  wrU64(G_WALK_MODE, WALK_IDLE);
}

/** One step of the walk in progress (`walk.mode` is not idle). */
export function walkStep(): void {
  beginNodeWork();
  const mode = rdU64(G_WALK_MODE);
  if (mode > WALK_ASCEND) fail(ERR_BAD_STATE, G_WALK_MODE);
  readKey();
  if (mode === WALK_ASCEND) {
    ascend();
    return;
  }
  const depth = <usize>rdU64(G_WALK_DEPTH);
  if (depth > 64) fail(ERR_BAD_STATE, G_WALK_DEPTH);
  memory.copy(REF, read(G_WALK_REF), 32);
  let level: u64 = 0;
  if (mode === WALK_PUT) {
    readValue();
    level = rdU64(G_WALK_LEVEL);
    if (level > 64) fail(ERR_BAD_STATE, G_WALK_LEVEL);
  }
  if (depth === 0 && eq32(REF, EMPTY_ROOT)) {
    // The empty trie: nothing to read.
    if (mode === WALK_GET) {
      wrU64(G_WALK_VALUE_LEN, 0);
      wrU64(G_WALK_FOUND, 0);
      wrU64(G_WALK_MODE, WALK_IDLE);
      return;
    }
    if (putValueLen() === 0) {
      wrU64(G_WALK_FOUND, 0);
      wrU64(G_WALK_MODE, WALK_IDLE);
      return;
    }
    finishPut(newLeaf(0), true);
    return;
  }
  const e = fetchPreimage(REF);
  const ptr = entryData(e);
  const len = entryLen(e);
  const r = descend(ptr, len, depth);
  if (mode === WALK_GET) {
    if (r === D_NEXT) {
      write(G_WALK_REF, descNextHash());
      wrU64(G_WALK_DEPTH, <u64>descNextDepth());
      return;
    }
    const n = r === D_FOUND ? descValueLen() : 0;
    if (n > MAX_VALUE) fail(ERR_BAD_NODE, 0);
    if (n > 0) writeRun(descValuePtr(), n, false);
    wrU64(G_WALK_VALUE_LEN, <u64>n);
    wrU64(G_WALK_FOUND, n > 0 ? 1 : 0);
    wrU64(G_WALK_MODE, WALK_IDLE);
    return;
  }
  if (r === D_NEXT) {
    write(gWalkPathHash(level), REF);
    wrU64(gWalkPathDepth(level), <u64>depth);
    wrU64(G_WALK_LEVEL, level + 1);
    write(G_WALK_REF, descNextHash());
    wrU64(G_WALK_DEPTH, <u64>descNextDepth());
    return;
  }
  const c = rebuild(ptr, len, depth, 0);
  if (putIsNoop()) {
    wrU64(G_WALK_FOUND, putFound() ? 1 : 0);
    wrU64(G_WALK_MODE, WALK_IDLE);
    return;
  }
  if (level === 0) {
    finishPut(c, true);
    return;
  }
  writeCarry(c);
  wrU64(G_WALK_FOUND, putFound() ? 1 : 0);
  wrU64(G_WALK_MODE, WALK_ASCEND);
}

function ascend(): void {
  const level = rdU64(G_WALK_LEVEL);
  if (level === 0 || level > 64) fail(ERR_BAD_STATE, G_WALK_LEVEL);
  const i = level - 1;
  const below = readCarry();
  const h = tmp(32);
  memory.copy(h, read(gWalkPathHash(i)), 32);
  const depth = <usize>rdU64(gWalkPathDepth(i));
  if (depth >= 64) fail(ERR_BAD_STATE, gWalkPathDepth(i));
  const e = fetchPreimage(h);
  const c = rebuild(entryData(e), entryLen(e), depth, below);
  if (putIsNoop()) fail(ERR_BAD_STATE, G_WALK_MODE);
  if (i === 0) {
    finishPut(c, false);
    return;
  }
  writeCarry(c);
  wrU64(G_WALK_LEVEL, i);
}

/**
 * Starts a walk (`mode` GET or PUT) of the trie with root `root` for the 32-byte `key`; a put
 * stores the `len` bytes at `val` (empty: delete). The walk runs from the next step on.
 */
export function startWalk(mode: u64, root: usize, key: usize, val: usize, len: usize): void {
  if (len > MAX_VALUE) fail(ERR_BAD_STATE, 0);
  wrU64(G_WALK_MODE, mode);
  write(G_WALK_ROOT, root);
  write(G_WALK_KEY, key);
  write(G_WALK_REF, root);
  wrU64(G_WALK_DEPTH, 0);
  wrU64(G_WALK_FOUND, 0);
  if (mode === WALK_PUT) {
    wrU64(G_WALK_LEVEL, 0);
    wrU64(G_WALK_VALUE_LEN, <u64>len);
    const buf = VAL_OUT;
    memory.fill(buf, 0, MAX_VALUE);
    memory.copy(buf, val, len);
    for (let i: usize = 0; i * 32 < len; i++) write(gWalkValue(<u64>i), buf + i * 32);
  }
}

const ROOT_COPY: usize = memory.data(32, 16);

/**
 * {@link startWalk} on the trie whose root is the 32-byte leaf at gindex `rootG` (copied first:
 * a tree pointer is valid only until the next tree write).
 */
export function startWalkAt(mode: u64, rootG: u64, key: usize, val: usize, len: usize): void {
  memory.copy(ROOT_COPY, read(rootG), 32);
  startWalk(mode, ROOT_COPY, key, val, len);
}

/** After a put: stores the trie's new root at gindex `g`. */
export function storeWalkRoot(g: u64): void {
  memory.copy(ROOT_COPY, walkRoot(), 32);
  write(g, ROOT_COPY);
}

/** After a walk: the value found (GET), copied to `dst`; returns its length (0: absent). */
export function walkValue(dst: usize): usize {
  const n = <usize>rdU64(G_WALK_VALUE_LEN);
  if (n > MAX_VALUE) fail(ERR_BAD_STATE, G_WALK_VALUE_LEN);
  for (let i: usize = 0; i * 32 < n; i++) memory.copy(dst + i * 32, read(gWalkValue(<u64>i)), 32);
  return n;
}

/** After a walk: whether the key was present (GET: found; PUT: present before the put). */
export function walkFound(): bool {
  return rdU64(G_WALK_FOUND) !== 0;
}

/**
 * Addresses 0x01..0x0a (the precompiles) are always warm (EIP-2929) and never put into
 * `accessed.addresses` (docs/fault-proof.md §5.2): the 20 bytes at `a` are one of them.
 */
export function isPrecompileAddress(a: usize): bool {
  if (load<u64>(a) !== 0 || load<u64>(a, 8) !== 0 || load<u16>(a, 16) !== 0 || load<u8>(a, 18) !== 0)
    return false;
  const b = load<u8>(a, 19);
  return b >= 1 && b <= 10;
}

/** Instead of a put into an access set: the key counts as found (warm) for the next stage. */
export function markFound(): void {
  wrU64(G_WALK_FOUND, 1);
}

/** After a put: the new root (a pointer into the tree, valid until the next tree access). */
export function walkRoot(): usize {
  return read(G_WALK_ROOT);
}

/** Length of the put's value (`readValue` sets it). */
let putLen: usize = 0;
function putValueLen(): usize {
  return putLen;
}
