/**
 * SELFDESTRUCT under EIP-6780 (docs/fault-proof.md §5.4), in stages on the current frame `A`
 * with beneficiary `b`: 0 warms `b`; 1 reads `A`; 2 (and 3, reading `b` when value moves to
 * another account) charges 5000, the cold access and, for a positive balance sent to an empty
 * account, 25000; 4 asks whether `A` was created in this transaction (`created`); 5 credits `b`;
 * 6 zeroes `A`'s balance (when it goes elsewhere or `A` is new); then, if `A` is new, it is
 * appended to the `selfdestructs` list (the transaction's end deletes it) and the frame halts
 * like STOP.
 */
import { argBE, exceptional, gas, halt, useGas } from "./exec";
import { ERR_BAD_STATE, fail, SCRATCH } from "./layout";
import {
  isPrecompileAddress,
  markFound,
  startWalkAt,
  storeWalkRoot,
  WALK_GET,
  WALK_PUT,
  walkFound,
  walkValue,
} from "./mpt";
import {
  G_ACCESSED_ADDRESSES,
  G_ADDRESS,
  G_CREATED,
  G_GAS,
  G_IS_STATIC,
  G_OP_BALANCE,
  G_OP_CODE_HASH,
  G_OP_FLAGS,
  G_OP_NONCE,
  G_OP_STORAGE_ROOT,
  G_SELFDESTRUCTS,
  G_STAGE,
  G_WORLD_ROOT,
  gSelfdestruct,
  rdU64,
  wrU64,
} from "./state";
import { read, write } from "./tree";
import { addW, isZeroW, loadBE } from "./u256";
import {
  accountBalance,
  accountCodeHash,
  accountIsEmpty,
  accountNonce,
  accountStorageRoot,
  addressKey,
  decodeAccount,
  encodeAccountTo,
  setAccountBalance,
  setAccountCodeHash,
  setAccountNonce,
  setAccountStorageRoot,
} from "./world";

const ONE: usize = memory.data<u8>([1]);
const ROOT: usize = SCRATCH + 0x1a40;
const SELF: usize = SCRATCH + 0x1a60;
const BEN: usize = SCRATCH + 0x1a80;
const LA: usize = SCRATCH + 0x1aa0;
const LB: usize = SCRATCH + 0x1ac0;
const LR: usize = SCRATCH + 0x1ae0;
const VAL: usize = SCRATCH + 0x1b00;
const ZERO_LIMBS: usize = memory.data(32, 8);

const COLD: u64 = 1;
const CREATED: u64 = 4;

function next(stage: u64): void {
  wrU64(G_STAGE, stage);
}

function self20(): usize {
  memory.copy(SELF, read(G_ADDRESS) + 12, 20);
  return SELF;
}

function ben20(): usize {
  memory.copy(BEN, argBE(0) + 12, 20);
  return BEN;
}

function toSelf(): bool {
  self20();
  ben20();
  for (let i: usize = 0; i < 20; i++) if (load<u8>(SELF + i) !== load<u8>(BEN + i)) return false;
  return true;
}

function get(rootG: u64, key: usize, stage: u64): void {
  startWalkAt(WALK_GET, rootG, key, 0, 0);
  next(stage);
}

function put(rootG: u64, key: usize, len: usize, stage: u64): void {
  startWalkAt(WALK_PUT, rootG, key, VAL, len);
  next(stage);
}

/** Whether `A`'s balance (kept in `op.balance`) is positive. */
function hasBalance(): bool {
  loadBE(read(G_OP_BALANCE), LA);
  return !isZeroW(LA);
}

/** Charges 5000 + cold access + (25000 if `newAccount`); false when out of gas. */
function charge(newAccount: bool): bool {
  let cost: u64 = 5000;
  if (rdU64(G_OP_FLAGS) & COLD) cost += 2600;
  if (newAccount) cost += 25000;
  if (!useGas(cost)) return false;
  wrU64(G_GAS, gas);
  return true;
}

/** Runs stage `stage` of SELFDESTRUCT. */
export function selfdestructStep(stage: u64): void {
  switch (<i32>stage) {
    case 0:
      if (rdU64(G_IS_STATIC) !== 0) {
        exceptional();
        return;
      }
      if (isPrecompileAddress(ben20())) {
        // Always warm (§5.2): no walk.
        markFound();
        next(1);
        return;
      }
      memory.copy(VAL, ONE, 1);
      put(G_ACCESSED_ADDRESSES, addressKey(ben20()), 1, 1);
      return;
    case 1: {
      const cold = !walkFound();
      if (cold) storeWalkRoot(G_ACCESSED_ADDRESSES);
      wrU64(G_OP_FLAGS, cold ? COLD : 0);
      get(G_WORLD_ROOT, addressKey(self20()), 2);
      return;
    }
    case 2: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      wrU64(G_OP_NONCE, accountNonce());
      write(G_OP_BALANCE, accountBalance());
      write(G_OP_STORAGE_ROOT, accountStorageRoot());
      write(G_OP_CODE_HASH, accountCodeHash());
      loadBE(accountBalance(), LA);
      if (!isZeroW(LA) && !toSelf()) {
        get(G_WORLD_ROOT, addressKey(ben20()), 3);
        return;
      }
      if (!charge(false)) {
        exceptional();
        return;
      }
      get(G_CREATED, addressKey(self20()), 4);
      return;
    }
    case 3: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      if (!charge(n === 0 || accountIsEmpty())) {
        exceptional();
        return;
      }
      get(G_CREATED, addressKey(self20()), 4);
      return;
    }
    case 4:
      if (walkFound()) wrU64(G_OP_FLAGS, rdU64(G_OP_FLAGS) | CREATED);
      if (hasBalance() && !toSelf()) {
        get(G_WORLD_ROOT, addressKey(ben20()), 5);
        return;
      }
      zeroSelf();
      return;
    case 5: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      loadBE(accountBalance(), LA);
      loadBE(read(G_OP_BALANCE), LB);
      addW(LA, LB, LR);
      setAccountBalance(LR);
      put(G_WORLD_ROOT, addressKey(ben20()), encodeAccountTo(VAL), 6);
      return;
    }
    case 6:
      storeWalkRoot(G_WORLD_ROOT);
      zeroSelf();
      return;
    case 7:
      storeWalkRoot(G_WORLD_ROOT);
      markDestroyed();
      return;
    default:
      fail(ERR_BAD_STATE, G_STAGE);
  }
}

/** `A`'s balance goes to 0 when it went to another account or `A` is new this transaction. */
function zeroSelf(): void {
  const created = (rdU64(G_OP_FLAGS) & CREATED) !== 0;
  if (hasBalance() && (created || !toSelf())) {
    decodeAccount(0, 0);
    setAccountNonce(rdU64(G_OP_NONCE));
    setAccountBalance(ZERO_LIMBS);
    setAccountStorageRoot(read(G_OP_STORAGE_ROOT));
    setAccountCodeHash(read(G_OP_CODE_HASH));
    put(G_WORLD_ROOT, addressKey(self20()), encodeAccountTo(VAL), 7);
    return;
  }
  markDestroyed();
}

/** A new account is appended to `selfdestructs`; the transaction's end deletes it (EIP-6780). */
function markDestroyed(): void {
  if ((rdU64(G_OP_FLAGS) & CREATED) !== 0) {
    const n = rdU64(G_SELFDESTRUCTS);
    if (n >= MAX_SELFDESTRUCTS) fail(ERR_BAD_STATE, G_SELFDESTRUCTS);
    write(gSelfdestruct(n), read(G_ADDRESS));
    wrU64(G_SELFDESTRUCTS, n + 1);
  }
  done();
}

/** Most entries of `selfdestructs` (a transaction cannot pay for more SELFDESTRUCTs). */
const MAX_SELFDESTRUCTS: u64 = 1 << 16;

/** The frame halts like STOP. */
function done(): void {
  wrU64(G_STAGE, 0);
  halt(1, gas, 0, 0);
}
