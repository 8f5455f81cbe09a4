/**
 * `BlockStart` (docs/fault-proof.md §3.4): the block's header fields from `inputs` into `block`,
 * the world state from the parent's root, and EIP-4788's effect as Ore's engine applies it (the
 * beacon roots contract, if it has code, stores `timestamp` at slot `timestamp % 8191` and the
 * parent beacon root at slot `timestamp % 8191 + 8191`; no gas). Stages on `tx.stage`; frame 0's
 * `op` holds the contract's account between them. Then the first transaction loads.
 */

import { keccak256 } from "../lib/keccak";
import { ERR_BAD_STATE, fail, SCRATCH } from "./layout";
import { startWalk, WALK_GET, WALK_PUT, walkRoot, walkValue } from "./mpt";
import {
  FLAG_DEPOSITS_ONLY,
  G_BASEFEE,
  G_BLOCK_FLAGS,
  G_BLOCK_GAS_USED,
  G_COINBASE,
  G_DEPTH,
  G_GASLIMIT,
  G_LOGS_COUNT,
  G_NUMBER,
  G_OP_BALANCE,
  G_OP_CODE_HASH,
  G_OP_NONCE,
  G_OP_STORAGE_ROOT,
  G_PHASE,
  G_PREVRANDAO,
  G_RC_BLOCK_BLOOM,
  G_RC_COUNT,
  G_TIMESTAMP,
  G_TX_INDEX,
  G_TX_STAGE,
  G_WORLD_ROOT,
  PHASE_TX_LOAD,
  rdU64,
  wrU64,
} from "./state";
import { read, write, writeZero } from "./tree";
import { loadBE } from "./u256";
import {
  accountBalance,
  accountCodeHash,
  accountNonce,
  accountStorageRoot,
  addressKey,
  decodeAccount,
  EMPTY_CODE_HASH,
  encodeAccountTo,
  setAccountBalance,
  setAccountCodeHash,
  setAccountNonce,
  setAccountStorageRoot,
} from "./world";

// BlockInputs (§7).
const IN_NUMBER: u64 = 289;
const IN_TIMESTAMP: u64 = 290;
const IN_PREVRANDAO: u64 = 291;
const IN_FEE_RECIPIENT: u64 = 292;
const IN_GAS_LIMIT: u64 = 293;
const IN_BASE_FEE: u64 = 294;
const IN_BEACON_ROOT: u64 = 295;
const IN_PARENT_STATE_ROOT: u64 = 296;

/** EIP-4788's beacon roots contract and its ring buffer length. */
const BEACON: usize = memory.data<u8>([
  0x00, 0x0f, 0x3d, 0xf6, 0xd7, 0x32, 0x80, 0x7e, 0xf1, 0x31, 0x9f, 0xb7, 0xb8, 0xbb, 0x85, 0x22, 0xd0, 0xbe,
  0xac, 0x02,
]);
const HISTORY: u64 = 8191;

const ROOT: usize = SCRATCH + 0x4400;
const VAL: usize = SCRATCH + 0x4420;
const W: usize = SCRATCH + 0x44a0;
const KEY: usize = SCRATCH + 0x44c0;
const LIMBS: usize = SCRATCH + 0x44e0;

function next(stage: u64): void {
  wrU64(G_TX_STAGE, stage);
}

/** `rlp` of the word at `w` without leading zeros into `VAL`; returns its length (0 for zero). */
function storageValue(w: usize): usize {
  let i: usize = 0;
  while (i < 32 && load<u8>(w + i) === 0) i++;
  const n = 32 - i;
  if (n === 0) return 0;
  if (n === 1 && load<u8>(w + 31) < 0x80) {
    store<u8>(VAL, load<u8>(w + 31));
    return 1;
  }
  store<u8>(VAL, <u8>(0x80 + n));
  memory.copy(VAL + 1, w + i, n);
  return n + 1;
}

/** `keccak(slot)` for the slot number `s`. */
function slotKey(s: u64): usize {
  memory.fill(W, 0, 32);
  store<u64>(W, bswap<u64>(s), 24);
  keccak256(W, 32, KEY);
  return KEY;
}

function putStorage(slot: u64, value: usize, stage: u64): void {
  const len = storageValue(value);
  memory.copy(ROOT, read(G_OP_STORAGE_ROOT), 32);
  startWalk(WALK_PUT, ROOT, slotKey(slot), VAL, len);
  next(stage);
}

/** One step of `BlockStart`. */
export function blockStartStep(): void {
  const stage = rdU64(G_TX_STAGE);
  const ts = rdU64(IN_TIMESTAMP);
  switch (<i32>stage) {
    case 0:
      write(G_NUMBER, read(IN_NUMBER));
      write(G_TIMESTAMP, read(IN_TIMESTAMP));
      write(G_COINBASE, read(IN_FEE_RECIPIENT));
      write(G_PREVRANDAO, read(IN_PREVRANDAO));
      write(G_GASLIMIT, read(IN_GAS_LIMIT));
      write(G_BASEFEE, read(IN_BASE_FEE));
      write(G_WORLD_ROOT, read(IN_PARENT_STATE_ROOT));
      wrU64(G_BLOCK_GAS_USED, 0);
      // A restart (deposits only) keeps only that flag; the L1 fee parameters are read again.
      wrU64(G_BLOCK_FLAGS, rdU64(G_BLOCK_FLAGS) & FLAG_DEPOSITS_ONLY);
      // No logs, receipts or bloom yet (§3.5).
      wrU64(G_LOGS_COUNT, 0);
      wrU64(G_RC_COUNT, 0);
      writeZero(G_RC_BLOCK_BLOOM, 3);
      wrU64(G_TX_INDEX, 0);
      wrU64(G_DEPTH, 0);
      memory.copy(ROOT, read(IN_PARENT_STATE_ROOT), 32);
      startWalk(WALK_GET, ROOT, addressKey(BEACON), 0, 0);
      next(1);
      return;
    case 1: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      if (n === 0 || eq32(accountCodeHash(), EMPTY_CODE_HASH)) {
        toTxs();
        return;
      }
      wrU64(G_OP_NONCE, accountNonce());
      write(G_OP_BALANCE, accountBalance());
      write(G_OP_STORAGE_ROOT, accountStorageRoot());
      write(G_OP_CODE_HASH, accountCodeHash());
      memory.fill(W + 64, 0, 32);
      store<u64>(W + 64, bswap<u64>(ts), 24);
      putStorage(ts % HISTORY, W + 64, 2);
      return;
    }
    case 2:
      memory.copy(ROOT, walkRoot(), 32);
      write(G_OP_STORAGE_ROOT, ROOT);
      memory.copy(W + 64, read(IN_BEACON_ROOT), 32);
      putStorage((ts % HISTORY) + HISTORY, W + 64, 3);
      return;
    case 3: {
      decodeAccount(0, 0);
      setAccountNonce(rdU64(G_OP_NONCE));
      loadBE(read(G_OP_BALANCE), LIMBS);
      setAccountBalance(LIMBS);
      setAccountStorageRoot(walkRoot());
      setAccountCodeHash(read(G_OP_CODE_HASH));
      const len = encodeAccountTo(VAL);
      memory.copy(ROOT, read(G_WORLD_ROOT), 32);
      startWalk(WALK_PUT, ROOT, addressKey(BEACON), VAL, len);
      next(4);
      return;
    }
    case 4:
      memory.copy(ROOT, walkRoot(), 32);
      write(G_WORLD_ROOT, ROOT);
      toTxs();
      return;
    default:
      fail(ERR_BAD_STATE, G_TX_STAGE);
  }
}

function eq32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

function toTxs(): void {
  next(0);
  wrU64(G_PHASE, PHASE_TX_LOAD);
}
