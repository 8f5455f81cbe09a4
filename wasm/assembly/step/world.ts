/**
 * World-state opcodes (docs/fault-proof.md §5.4): SLOAD, SSTORE, BALANCE, SELFBALANCE,
 * EXTCODESIZE, EXTCODEHASH, EXTCODECOPY, TLOAD, TSTORE. Each runs in stages at the same pc:
 * stage 0 checks the stack (and charges static gas, in `interp.ts`), and every stage but the
 * last starts one MPT walk (`mpt.ts`) whose result the next stage reads, after the walk's own
 * steps. `op.stage` says which stage comes next; the account a stage read is kept in
 * `op.nonce..op.codeHash`, the cold flag in `op.flags`, other values in `op.t0`/`op.t1`.
 *
 * Accounts are `rlp([nonce, balance, storageRoot, codeHash])` under `keccak(address)`; storage
 * values are `rlp(word without leading zeros)` under `keccak(slot)`, zero absent. Writing an
 * account that is empty (nonce 0, balance 0, no code, no storage) deletes it (EIP-161).
 */
import { keccak256 } from "../lib/keccak";
import {
  arg,
  argBE,
  exceptional,
  expand,
  finish,
  gas,
  MAX_MEM,
  memoryGrew,
  memWrite,
  msizeNow,
  T,
  useGas,
  ZERO,
} from "./exec";
import { ERR_BAD_NODE, ERR_BAD_STATE, ERR_EMPTY_ACCOUNT, fail, SCRATCH } from "./layout";
import {
  isPrecompileAddress,
  markFound,
  startWalk,
  startWalkAt,
  WALK_GET,
  WALK_PUT,
  walkFound,
  walkRoot,
  walkValue,
} from "./mpt";
import { EMPTY_ROOT } from "./mptNode";
import { entryData, entryLen, fetchPreimage, KIND_CODE } from "./preimages";
import {
  G_ACCESSED_ADDRESSES,
  G_ACCESSED_SLOTS,
  G_ADDRESS,
  G_CURSOR,
  G_GAS,
  G_IS_STATIC,
  G_MEM_LEN,
  G_OP_BALANCE,
  G_OP_CODE_HASH,
  G_OP_FLAGS,
  G_OP_NONCE,
  G_OP_STORAGE_ROOT,
  G_OP_T0,
  G_REFUND,
  G_STAGE,
  G_TRANSIENT_ROOT,
  G_TX_START_ROOT,
  G_WORLD_ROOT,
  rdU64,
  wrU64,
} from "./state";
import { read, write } from "./tree";
import { storeBE, toU64Sat } from "./u256";

/** keccak256 of empty code. */
export const EMPTY_CODE_HASH: usize = memory.data<u8>([
  0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00,
  0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
]);

const ONE: usize = memory.data<u8>([1]);
/** A trie key being built (32 bytes) and its input (address ‖ slot, 52 bytes). */
const KEY: usize = SCRATCH + 0x800;
const KIN: usize = SCRATCH + 0x820;
/** 20-byte addresses: the frame's own and one from the stack. */
const SELF: usize = SCRATCH + 0xac0;
const OTHER: usize = SCRATCH + 0xae0;
/** A walk's value read back (≤ 128 bytes) and an encoded value (≤ 128 bytes). */
const VAL: usize = SCRATCH + 0x860;
const ENC: usize = SCRATCH + 0x8e0;
/** A word being compared or stored (big-endian). */
const W0: usize = SCRATCH + 0x960;
const W1: usize = SCRATCH + 0x980;
const W2: usize = SCRATCH + 0x9a0;
/** SSTORE's current value. */
const CUR: usize = SCRATCH + 0xa60;
/** A 32-byte copy of a root read from the tree (tree pointers move with the next access). */
const ROOT: usize = SCRATCH + 0x9c0;
/** Bytes of a copy piece. */
const BUF: usize = SCRATCH + 0x1000;
const PIECE: u64 = 1024;

// The account last decoded or about to be encoded.
let aNonce: u64 = 0;
const A_BALANCE: usize = SCRATCH + 0xa00;
const A_ROOT: usize = SCRATCH + 0xa20;
const A_CODE: usize = SCRATCH + 0xa40;

const COLD_ACCOUNT: u64 = 2600;
const COLD_SLOT: u64 = 2100;
const WARM: u64 = 100;

function eq32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

function isZero32(a: usize): bool {
  return (load<u64>(a) | load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) === 0;
}

// ---- keys ----

/** `keccak(address)` for the 20 address bytes at `a`. */
export function addressKey(a: usize): usize {
  keccak256(a, 20, KEY);
  return KEY;
}

/** `keccak(address ‖ slot)`: the access-set and transient-storage key of a slot. */
export function slotKey(a: usize, slot: usize): usize {
  memory.copy(KIN, a, 20);
  memory.copy(KIN + 20, slot, 32);
  keccak256(KIN, 52, KEY);
  return KEY;
}

/** `keccak(slot)`: the storage-trie key. */
export function storageKey(slot: usize): usize {
  keccak256(slot, 32, KEY);
  return KEY;
}

/** The 20 address bytes of the current frame's `address`. */
function selfAddress(): usize {
  memory.copy(SELF, read(G_ADDRESS) + 12, 20);
  return SELF;
}

/** The 20 address bytes of stack item `k` (its low 160 bits). */
function stackAddress(k: u64): usize {
  memory.copy(OTHER, argBE(k) + 12, 20);
  return OTHER;
}

// ---- value codecs ----

/** Minimal big-endian bytes of the word at `w` into `dst`; returns their length. */
function minimal(w: usize, dst: usize): usize {
  let i: usize = 0;
  while (i < 32 && load<u8>(w + i) === 0) i++;
  memory.copy(dst, w + i, 32 - i);
  return 32 - i;
}

/** A storage-trie value for the word at `w` (RLP string of its minimal bytes; empty for zero). */
function encodeStorage(w: usize): usize {
  const n = minimal(w, ENC + 1);
  if (n === 0) return 0;
  if (n === 1 && load<u8>(ENC + 1) < 0x80) {
    store<u8>(ENC, load<u8>(ENC + 1));
    return 1;
  }
  store<u8>(ENC, <u8>(0x80 + n));
  return n + 1;
}

/** Decodes a storage-trie value of `len` bytes at `v` into the word at `dst`. */
export function decodeStorage(v: usize, len: usize, dst: usize): void {
  memory.fill(dst, 0, 32);
  if (len === 0) return;
  const b = <u32>load<u8>(v);
  if (b < 0x80) {
    if (len !== 1 || b === 0) fail(ERR_BAD_NODE, 0);
    store<u8>(dst + 31, <u8>b);
    return;
  }
  const n = <usize>(b - 0x80);
  if (n === 0 || n > 32 || len !== n + 1 || load<u8>(v + 1) === 0 || (n === 1 && load<u8>(v + 1) < 0x80)) {
    fail(ERR_BAD_NODE, 0);
  }
  memory.copy(dst + 32 - n, v + 1, n);
}

/** Reads an RLP string of at most `max` bytes at `p` (< end) into the right end of `dst` (32 bytes). */
function rlpUint(p: usize, end: usize, dst: usize, max: usize): usize {
  if (p >= end) fail(ERR_BAD_NODE, 0);
  memory.fill(dst, 0, 32);
  const b = <u32>load<u8>(p);
  if (b < 0x80) {
    if (b === 0) fail(ERR_BAD_NODE, 0);
    store<u8>(dst + 31, <u8>b);
    return p + 1;
  }
  const n = <usize>(b - 0x80);
  if (n > max || p + 1 + n > end) fail(ERR_BAD_NODE, 0);
  if (n > 0 && (load<u8>(p + 1) === 0 || (n === 1 && load<u8>(p + 1) < 0x80))) fail(ERR_BAD_NODE, 0);
  memory.copy(dst + 32 - n, p + 1, n);
  return p + 1 + n;
}

/** Decodes an account value (`len` 0: absent, the empty account) into the current account. */
export function decodeAccount(v: usize, len: usize): void {
  if (len === 0) {
    aNonce = 0;
    memory.fill(A_BALANCE, 0, 32);
    memory.copy(A_ROOT, EMPTY_ROOT, 32);
    memory.copy(A_CODE, EMPTY_CODE_HASH, 32);
    return;
  }
  const end = v + len;
  const h = <u32>load<u8>(v);
  let p: usize;
  if (h >= 0xc0 && h <= 0xf7) {
    if (<usize>(h - 0xc0) !== len - 1) fail(ERR_BAD_NODE, 0);
    p = v + 1;
  } else if (h === 0xf8) {
    if (len < 2 || <usize>load<u8>(v + 1) !== len - 2 || len - 2 < 56) fail(ERR_BAD_NODE, 0);
    p = v + 2;
  } else {
    fail(ERR_BAD_NODE, 0);
    return;
  }
  p = rlpUint(p, end, W2, 8);
  aNonce = bswap<u64>(load<u64>(W2, 24));
  p = rlpUint(p, end, A_BALANCE, 32);
  if (p + 66 !== end || load<u8>(p) !== 0xa0 || load<u8>(p + 33) !== 0xa0) fail(ERR_BAD_NODE, 0);
  memory.copy(A_ROOT, p + 1, 32);
  memory.copy(A_CODE, p + 34, 32);
  // No account in Ore's state is empty (EIP-161): the engine deletes one it touches, and the
  // machine would not (docs/fault-proof.md §3.3). Meeting one is refused by name.
  if (aNonce === 0 && isZero32(A_BALANCE) && eq32(A_CODE, EMPTY_CODE_HASH)) fail(ERR_EMPTY_ACCOUNT, 0);
}

/** Encodes the current account into `dst` (≤ 128 bytes); returns the length (0: delete). */
export function encodeAccountTo(dst: usize): usize {
  const n = encodeAccount();
  memory.copy(dst, ENC, n);
  return n;
}

/** The current account's balance (a big-endian word). */
export function accountBalance(): usize {
  return A_BALANCE;
}

/** Sets the current account's balance from limbs. */
export function setAccountBalance(limbs: usize): void {
  storeBE(limbs, A_BALANCE);
}

/** The current account's code hash. */
export function accountCodeHash(): usize {
  return A_CODE;
}

/** The current account's nonce. */
export function accountNonce(): u64 {
  return aNonce;
}

/** Sets the current account's nonce. */
export function setAccountNonce(n: u64): void {
  aNonce = n;
}

/** The current account's storage root. */
export function accountStorageRoot(): usize {
  return A_ROOT;
}

/** Sets the current account's storage root (32 bytes at `p`). */
export function setAccountStorageRoot(p: usize): void {
  memory.copy(A_ROOT, p, 32);
}

/** Sets the current account's code hash (32 bytes at `p`). */
export function setAccountCodeHash(p: usize): void {
  memory.copy(A_CODE, p, 32);
}

/** Whether the current account is empty (EIP-161: nonce 0, balance 0, no code). */
export function accountIsEmpty(): bool {
  return aNonce === 0 && isZero32(A_BALANCE) && eq32(A_CODE, EMPTY_CODE_HASH);
}

/** Encodes `aNonce`, `A_*` into `ENC`; returns the length (0 for an empty account: delete). */
function encodeAccount(): usize {
  if (aNonce === 0 && isZero32(A_BALANCE) && eq32(A_ROOT, EMPTY_ROOT) && eq32(A_CODE, EMPTY_CODE_HASH))
    return 0;
  const pay = ENC + 2;
  let p = pay;
  memory.fill(W2, 0, 32);
  store<u64>(W2, bswap<u64>(aNonce), 24);
  // nonce, balance: RLP strings of their minimal bytes
  for (let f = 0; f < 2; f++) {
    const w = f === 0 ? W2 : A_BALANCE;
    const n = minimal(w, p + 1);
    if (n === 1 && load<u8>(p + 1) < 0x80) {
      store<u8>(p, load<u8>(p + 1));
      p += 1;
    } else {
      store<u8>(p, <u8>(0x80 + n));
      p += 1 + n;
    }
  }
  store<u8>(p, 0xa0);
  memory.copy(p + 1, A_ROOT, 32);
  store<u8>(p + 33, 0xa0);
  memory.copy(p + 34, A_CODE, 32);
  p += 66;
  const n = p - pay;
  if (n < 56) {
    store<u8>(ENC + 1, <u8>(0xc0 + n));
    memory.copy(ENC, ENC + 1, n + 1);
    return n + 1;
  }
  store<u8>(ENC, 0xf8);
  store<u8>(ENC + 1, <u8>n);
  return n + 2;
}

/** Saves the decoded account in `op` (for a later stage). */
function saveAccount(): void {
  wrU64(G_OP_NONCE, aNonce);
  write(G_OP_BALANCE, A_BALANCE);
  write(G_OP_STORAGE_ROOT, A_ROOT);
  write(G_OP_CODE_HASH, A_CODE);
}

/** Loads the account an earlier stage saved in `op`. */
function loadAccount(): void {
  aNonce = rdU64(G_OP_NONCE);
  memory.copy(A_BALANCE, read(G_OP_BALANCE), 32);
  memory.copy(A_ROOT, read(G_OP_STORAGE_ROOT), 32);
  memory.copy(A_CODE, read(G_OP_CODE_HASH), 32);
}

/** The account the walk just read (absent: the empty account). */
function walkAccount(): void {
  const n = walkValue(VAL);
  decodeAccount(VAL, n);
}

// ---- stage plumbing ----

function next(stage: u64): void {
  wrU64(G_STAGE, stage);
}

function saveGas(): void {
  wrU64(G_GAS, gas);
}

function get(rootG: u64, key: usize, stage: u64): void {
  startWalkAt(WALK_GET, rootG, key, 0, 0);
  next(stage);
}

function getAt(root: usize, key: usize, stage: u64): void {
  memory.copy(ROOT, root, 32);
  startWalk(WALK_GET, ROOT, key, 0, 0);
  next(stage);
}

function put(rootG: u64, key: usize, val: usize, len: usize, stage: u64): void {
  startWalkAt(WALK_PUT, rootG, key, val, len);
  next(stage);
}

/** Ends a membership put on the set at `setG`: stores its new root; true if the key was cold. */
function endAccess(setG: u64): bool {
  const cold = !walkFound();
  if (cold) {
    memory.copy(ROOT, walkRoot(), 32);
    write(setG, ROOT);
  }
  return cold;
}

/** The last stage: pops `nIn`, pushes the word at `res` if `nOut` is 1, clears the stage. */
function done(nIn: u64, nOut: u64, res: usize): void {
  wrU64(G_STAGE, 0);
  finish(nIn, nOut, res, 1);
}

// ---- the opcodes ----

/** Runs stage `stage` of world-state opcode `op` (stage 0 after the stack and static gas checks). */
export function worldStep(op: u32, stage: u64): void {
  switch (op) {
    case 0x54:
      sload(stage);
      return;
    case 0x55:
      sstore(stage);
      return;
    case 0x31:
    case 0x3b:
    case 0x3f:
      accountOp(op, stage);
      return;
    case 0x47:
      if (stage === 0) {
        saveGas();
        get(G_WORLD_ROOT, addressKey(selfAddress()), 1);
      } else {
        walkAccount();
        done(0, 1, A_BALANCE);
      }
      return;
    case 0x3c:
      extcodecopy(stage);
      return;
    case 0x5c:
      if (stage === 0) {
        saveGas();
        memory.copy(W0, argBE(0), 32);
        get(G_TRANSIENT_ROOT, slotKey(selfAddress(), W0), 1);
      } else {
        const n = walkValue(VAL);
        decodeStorage(VAL, n, T);
        done(1, 1, T);
      }
      return;
    case 0x5d:
      if (stage === 0) {
        if (rdU64(G_IS_STATIC) !== 0) {
          exceptional();
          return;
        }
        saveGas();
        memory.copy(W0, argBE(0), 32);
        memory.copy(W1, argBE(1), 32);
        const n = encodeStorage(W1);
        memory.copy(VAL, ENC, n);
        put(G_TRANSIENT_ROOT, slotKey(selfAddress(), W0), VAL, n, 1);
      } else {
        memory.copy(ROOT, walkRoot(), 32);
        write(G_TRANSIENT_ROOT, ROOT);
        done(2, 0, 0);
      }
      return;
    default:
      fail(ERR_BAD_STATE, G_STAGE);
  }
}

function sload(stage: u64): void {
  if (stage === 0) {
    memory.copy(W0, argBE(0), 32);
    put(G_ACCESSED_SLOTS, slotKey(selfAddress(), W0), ONE, 1, 1);
  } else if (stage === 1) {
    const cold = endAccess(G_ACCESSED_SLOTS);
    if (!useGas(cold ? COLD_SLOT : WARM)) {
      exceptional();
      return;
    }
    saveGas();
    get(G_WORLD_ROOT, addressKey(selfAddress()), 2);
  } else if (stage === 2) {
    walkAccount();
    if (eq32(A_ROOT, EMPTY_ROOT)) {
      done(1, 1, ZERO);
      return;
    }
    memory.copy(W0, argBE(0), 32);
    getAt(A_ROOT, storageKey(W0), 3);
  } else {
    const n = walkValue(VAL);
    decodeStorage(VAL, n, T);
    done(1, 1, T);
  }
}

/** EIP-2200 with EIP-2929 and EIP-3529, in geth's order (the slot is warm when refunds are computed). */
function sstoreCharge(cold: bool, orig: usize, cur: usize, val: usize): bool {
  let cost: u64 = cold ? COLD_SLOT : 0;
  let refund = rdU64(G_REFUND);
  const r0 = refund;
  if (eq32(cur, val)) cost += WARM;
  else if (eq32(orig, cur)) {
    if (isZero32(orig)) cost += 20000;
    else {
      cost += 2900;
      if (isZero32(val)) refund += 4800;
    }
  } else {
    cost += WARM;
    if (!isZero32(orig)) {
      if (isZero32(cur)) refund = refund >= 4800 ? refund - 4800 : 0;
      else if (isZero32(val)) refund += 4800;
    }
    if (eq32(orig, val)) refund += isZero32(orig) ? 19900 : 2800;
  }
  if (!useGas(cost)) return false;
  if (refund !== r0) wrU64(G_REFUND, refund);
  return true;
}

function sstore(stage: u64): void {
  switch (<i32>stage) {
    case 0:
      if (rdU64(G_IS_STATIC) !== 0 || gas <= 2300) {
        exceptional();
        return;
      }
      memory.copy(W0, argBE(0), 32);
      put(G_ACCESSED_SLOTS, slotKey(selfAddress(), W0), ONE, 1, 1);
      return;
    case 1:
      wrU64(G_OP_FLAGS, endAccess(G_ACCESSED_SLOTS) ? 1 : 0);
      get(G_WORLD_ROOT, addressKey(selfAddress()), 2);
      return;
    case 2:
      walkAccount();
      saveAccount();
      if (eq32(A_ROOT, EMPTY_ROOT)) {
        sstoreCurrent(ZERO);
        return;
      }
      memory.copy(W0, argBE(0), 32);
      getAt(A_ROOT, storageKey(W0), 3);
      return;
    case 3: {
      const n = walkValue(VAL);
      decodeStorage(VAL, n, CUR);
      sstoreCurrent(CUR);
      return;
    }
    case 4: {
      walkAccount();
      if (eq32(A_ROOT, EMPTY_ROOT)) {
        sstoreOriginal(ZERO);
        return;
      }
      memory.copy(W0, argBE(0), 32);
      getAt(A_ROOT, storageKey(W0), 5);
      return;
    }
    case 5: {
      const n = walkValue(VAL);
      decodeStorage(VAL, n, W2);
      sstoreOriginal(W2);
      return;
    }
    case 6: {
      // The storage trie is written: put the account with its new storage root.
      loadAccount();
      memory.copy(A_ROOT, walkRoot(), 32);
      const n = encodeAccount();
      memory.copy(VAL, ENC, n);
      put(G_WORLD_ROOT, addressKey(selfAddress()), VAL, n, 7);
      return;
    }
    case 7:
      memory.copy(ROOT, walkRoot(), 32);
      write(G_WORLD_ROOT, ROOT);
      done(2, 0, 0);
      return;
    default:
      fail(ERR_BAD_STATE, G_STAGE);
  }
}

/** SSTORE after reading the current value `cur`: done if unchanged, else read the original. */
function sstoreCurrent(cur: usize): void {
  memory.copy(W1, argBE(1), 32);
  if (eq32(cur, W1)) {
    const cold = rdU64(G_OP_FLAGS) !== 0;
    if (!useGas(cold ? COLD_SLOT + WARM : WARM)) {
      exceptional();
      return;
    }
    done(2, 0, 0);
    return;
  }
  write(G_OP_T0, cur);
  get(G_TX_START_ROOT, addressKey(selfAddress()), 4);
}

/** SSTORE after reading the original value `orig`: charge, refund, then write the slot. */
function sstoreOriginal(orig: usize): void {
  memory.copy(W0, orig, 32);
  memory.copy(CUR, read(G_OP_T0), 32);
  memory.copy(W1, argBE(1), 32);
  if (!sstoreCharge(rdU64(G_OP_FLAGS) !== 0, W0, CUR, W1)) {
    exceptional();
    return;
  }
  saveGas();
  const n = encodeStorage(W1);
  memory.copy(VAL, ENC, n);
  memory.copy(W2, argBE(0), 32);
  memory.copy(ROOT, read(G_OP_STORAGE_ROOT), 32);
  startWalk(WALK_PUT, ROOT, storageKey(W2), VAL, n);
  next(6);
}

/** Stage 0 of an address access: put it into the warm set (a precompile is warm: no walk). */
function warmAccess(a: usize): void {
  if (isPrecompileAddress(a)) {
    markFound();
    next(1);
    return;
  }
  put(G_ACCESSED_ADDRESSES, addressKey(a), ONE, 1, 1);
}

/** BALANCE, EXTCODESIZE, EXTCODEHASH: access the address, read its account. */
function accountOp(op: u32, stage: u64): void {
  if (stage === 0) {
    warmAccess(stackAddress(0));
    return;
  }
  if (stage === 1) {
    const cold = endAccess(G_ACCESSED_ADDRESSES);
    if (!useGas(cold ? COLD_ACCOUNT : WARM)) {
      exceptional();
      return;
    }
    saveGas();
    get(G_WORLD_ROOT, addressKey(stackAddress(0)), 2);
    return;
  }
  walkAccount();
  if (op === 0x31) {
    done(1, 1, A_BALANCE);
    return;
  }
  if (op === 0x3f) {
    const empty = aNonce === 0 && isZero32(A_BALANCE) && eq32(A_CODE, EMPTY_CODE_HASH);
    done(1, 1, empty ? ZERO : A_CODE);
    return;
  }
  // EXTCODESIZE: the code's length, from the code itself (checked against its hash).
  let size: u64 = 0;
  if (!eq32(A_CODE, EMPTY_CODE_HASH)) size = <u64>entryLen(fetchPreimage(A_CODE, KIND_CODE));
  memory.fill(T, 0, 32);
  store<u64>(T, bswap<u64>(size), 24);
  done(1, 1, T);
}

/** EXTCODECOPY(address, destOffset, offset, size). */
function extcodecopy(stage: u64): void {
  if (stage === 0) {
    warmAccess(stackAddress(0));
    return;
  }
  const dst = toU64Sat(argLimbs(1));
  const size = toU64Sat(argLimbs(3));
  if (stage === 1) {
    const cold = endAccess(G_ACCESSED_ADDRESSES);
    if (size >= MAX_MEM && size !== 0) {
      exceptional();
      return;
    }
    const words = (size + 31) / 32;
    if (!useGas(cold ? COLD_ACCOUNT : WARM) || !useGas(words * 3) || !expand(dst, size)) {
      exceptional();
      return;
    }
    saveGas();
    if (memoryGrew()) wrU64(G_MEM_LEN, msizeNow());
    get(G_WORLD_ROOT, addressKey(stackAddress(0)), 2);
    return;
  }
  // Stage 2 (the account is read) copies the first piece; stage 3 the next ones.
  let cursor: u64 = 0;
  if (stage === 2) {
    walkAccount();
  } else {
    cursor = rdU64(G_CURSOR);
    memory.copy(A_CODE, read(G_OP_CODE_HASH), 32);
  }
  const n = min<u64>(PIECE, size - cursor);
  if (n > 0) {
    let code: usize = 0;
    let codeLen: u64 = 0;
    if (!eq32(A_CODE, EMPTY_CODE_HASH)) {
      const e = fetchPreimage(A_CODE, KIND_CODE);
      code = entryData(e);
      codeLen = <u64>entryLen(e);
    }
    const off = argLimbs(2);
    const src = toU64Sat(off);
    memory.fill(BUF, 0, <usize>n);
    // Offsets at or past 2^64 (saturated) read zeros.
    const start = src + cursor;
    if (src < u64.MAX_VALUE && start >= src && start < codeLen) {
      memory.copy(BUF, code + <usize>start, <usize>min<u64>(n, codeLen - start));
    }
    memWrite(dst + cursor, BUF, n);
  }
  const next2 = cursor + n;
  if (next2 === size) {
    if (cursor !== 0) wrU64(G_CURSOR, 0);
    done(4, 0, 0);
    return;
  }
  if (stage === 2) write(G_OP_CODE_HASH, A_CODE);
  wrU64(G_CURSOR, next2);
  next(3);
}

const LIMBS: usize = SCRATCH + 0xa80;

/** Stack item `k` as limbs (for `toU64Sat`). */
function argLimbs(k: u64): usize {
  arg(k, LIMBS);
  return LIMBS;
}
