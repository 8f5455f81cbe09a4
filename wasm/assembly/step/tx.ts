/**
 * The transaction phases after `TxLoad` (docs/fault-proof.md §3.3), for deposits (type 0x7E, OP
 * Regolith/Canyon semantics as Ore's engine runs them): `TxValidate` in stages on `tx.stage`
 * (per-transaction resets, the mint, the failed-deposit check, the warm set, the nonce bump, then
 * the top frame: value transfer and code, or a creation's address, collision check, new account
 * and `created`; a precompile as `to` runs instead of code, `txprecompile.ts`), and `TxFinalize` (snapshot restore on failure, gas used with the EIP-3529
 * refund cap, deletion of the accounts in `selfdestructs`, then the next transaction). Frame 0's
 * `op` fields hold the sender's account between stages (`op.cursor`: a warm-list or deletion
 * index; `op.t0`: a creation's address; `op.t1`: the callee's code hash).
 */
import { keccak256 } from "../lib/keccak";
import { writeCodeChunks } from "./codeChunks";
import { depositStep } from "./create";
import { l1Fee } from "./fees";
import { ERR_BAD_STATE, fail, SCRATCH } from "./layout";
import {
  isPrecompileAddress,
  startWalk,
  startWalkAt,
  storeWalkRoot,
  WALK_GET,
  WALK_PUT,
  walkFound,
  walkValue,
} from "./mpt";
import { EMPTY_ROOT } from "./mptNode";
import { entryData, entryLen, fetchPreimage, KIND_CODE } from "./preimages";
import { receiptLogStep, receiptStart } from "./receipts";
import { restoreSnapshot, writeSnapshot } from "./snapshot";
import {
  F_ADDRESS,
  F_GAS,
  FLAG_L1_READ,
  fCode,
  fField,
  G_ACCESSED_ADDRESSES,
  G_ACCESSED_SLOTS,
  G_BASEFEE,
  G_BLOCK_FLAGS,
  G_BLOCK_GAS_USED,
  G_COINBASE,
  G_CREATED,
  G_CURSOR,
  G_DEPTH,
  G_GASPRICE,
  G_L1_BASE_FEE,
  G_L1_BLOB_BASE_FEE,
  G_L1_SCALARS,
  G_LOGS_COUNT,
  G_OP_BALANCE,
  G_OP_CODE_HASH,
  G_OP_NONCE,
  G_OP_STORAGE_ROOT,
  G_OP_T0,
  G_OP_T1,
  G_ORIGIN,
  G_PHASE,
  G_REFUND,
  G_SELFDESTRUCTS,
  G_TRANSIENT_ROOT,
  G_TX_AL_LEN,
  G_TX_GAS_LIMIT,
  G_TX_GAS_USED,
  G_TX_GASLEFT,
  G_TX_INTRINSIC,
  G_TX_IS_CREATE,
  G_TX_IS_DEPOSIT,
  G_TX_L1_FEE,
  G_TX_L1_GAS,
  G_TX_LOG_START,
  G_TX_MAX_FEE,
  G_TX_MINT,
  G_TX_NONCE,
  G_TX_OUTOFF,
  G_TX_OUTSIZE,
  G_TX_STAGE,
  G_TX_START_ROOT,
  G_TX_STATUS,
  G_TX_TO,
  G_TX_VALUE,
  G_WORLD_ROOT,
  gSelfdestruct,
  gTxAccessList,
  PHASE_EXEC,
  PHASE_TX_FINALIZE,
  rdU64,
  wrU64,
} from "./state";
import { read, write } from "./tree";
import { restartDepositsOnly } from "./txload";
import { txBlake2fPieceStep, txModexpPieceStep, txPrecompileStep } from "./txprecompile";
import { addW, isZeroW, loadBE, ltW, mulW, subW } from "./u256";
import {
  accountBalance,
  accountCodeHash,
  accountNonce,
  accountStorageRoot,
  addressKey,
  decodeAccount,
  decodeStorage,
  EMPTY_CODE_HASH,
  encodeAccountTo,
  setAccountBalance,
  setAccountCodeHash,
  setAccountNonce,
  setAccountStorageRoot,
  slotKey,
  storageKey,
} from "./world";

const ONE: usize = memory.data<u8>([1]);
const ROOT: usize = SCRATCH + 0x4100;
const ADDR: usize = SCRATCH + 0x4120;
const LA: usize = SCRATCH + 0x4140;
const LB: usize = SCRATCH + 0x4160;
const LR: usize = SCRATCH + 0x4180;
const VAL: usize = SCRATCH + 0x4200;
const KIN: usize = SCRATCH + 0x4280;
const H: usize = SCRATCH + 0x42c0;
const W: usize = SCRATCH + 0x4300;
const AL: usize = SCRATCH + 0x4320;
const FA: usize = SCRATCH + 0x4340;
const FB: usize = SCRATCH + 0x4360;
const FC: usize = SCRATCH + 0x4380;
const LR2: usize = SCRATCH + 0x43a0;

const L1_BLOCK: usize = memory.data<u8>([0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15]);
const BASE_FEE_VAULT: usize = memory.data<u8>([
  0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x19,
]);
const L1_FEE_VAULT: usize = memory.data<u8>([
  0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1a,
]);

/** The addresses a transaction puts into its warm set: sender, receiver, coinbase (§3.3). */
const WARM_COUNT: u64 = 3;

function next(stage: u64): void {
  wrU64(G_TX_STAGE, stage);
}

function a20(g: u64): usize {
  memory.copy(ADDR, read(g) + 12, 20);
  return ADDR;
}

function get(rootG: u64, key: usize, stage: u64): void {
  startWalkAt(WALK_GET, rootG, key, 0, 0);
  next(stage);
}

function put(rootG: u64, key: usize, len: usize, stage: u64): void {
  startWalkAt(WALK_PUT, rootG, key, VAL, len);
  next(stage);
}

/** The sender's account kept in frame 0's `op` (decoded into the current account). */
function loadSender(): void {
  decodeAccount(0, 0);
  setAccountNonce(rdU64(G_OP_NONCE));
  loadBE(read(G_OP_BALANCE), LA);
  setAccountBalance(LA);
  setAccountStorageRoot(read(G_OP_STORAGE_ROOT));
  setAccountCodeHash(read(G_OP_CODE_HASH));
}

function saveSender(): void {
  wrU64(G_OP_NONCE, accountNonce());
  write(G_OP_BALANCE, accountBalance());
  write(G_OP_STORAGE_ROOT, accountStorageRoot());
  write(G_OP_CODE_HASH, accountCodeHash());
}

/** Word `k` of the warm list as 20 address bytes at `ADDR` (the precompiles are warm by rule). */
function warmAddress(k: u64): usize {
  if (k === 0) return a20(G_ORIGIN);
  if (k === 1) return a20(G_TX_TO);
  return a20(G_COINBASE);
}

/** Starts warming list entry `k` or the next one that applies (a creation has no receiver). */
function warmFrom(k: u64): void {
  let i = k;
  if (i === 1 && rdU64(G_TX_IS_CREATE) !== 0) i = 2;
  if (i >= WARM_COUNT + rdU64(G_TX_AL_LEN) / 2) {
    if (rdU64(G_TX_IS_DEPOSIT) === 0) {
      // A user transaction bought its gas and bumped its nonce before.
      begin();
      return;
    }
    // All warm: bump the sender's nonce.
    loadSender();
    setAccountNonce(accountNonce() + 1);
    put(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), encodeAccountTo(VAL), 4);
    return;
  }
  wrU64(G_CURSOR, i);
  memory.copy(VAL, ONE, 1);
  if (i < WARM_COUNT) {
    put(G_ACCESSED_ADDRESSES, addressKey(warmAddress(i)), 1, 3);
    return;
  }
  // Access-list entry `i − 13` (§3.3): an address, or a storage key of an address.
  const j = (i - WARM_COUNT) * 2;
  memory.copy(AL, read(gTxAccessList(j)), 32);
  if (load<u8>(AL) === 1) put(G_ACCESSED_SLOTS, slotKey(AL + 12, read(gTxAccessList(j + 1))), 1, 3);
  else put(G_ACCESSED_ADDRESSES, addressKey(AL + 12), 1, 3);
}

/** The warm set that list entry `i` went into. */
function warmSet(i: u64): u64 {
  if (i < WARM_COUNT) return G_ACCESSED_ADDRESSES;
  return load<u8>(read(gTxAccessList((i - WARM_COUNT) * 2))) === 1 ? G_ACCESSED_SLOTS : G_ACCESSED_ADDRESSES;
}

/** One step of `TxValidate` for a deposit. */
export function txValidateStep(): void {
  const stage = rdU64(G_TX_STAGE);
  switch (<i32>stage) {
    case 0:
      // Per-transaction state starts empty (§5.2, §6).
      write(G_ACCESSED_ADDRESSES, EMPTY_ROOT);
      write(G_ACCESSED_SLOTS, EMPTY_ROOT);
      write(G_TRANSIENT_ROOT, EMPTY_ROOT);
      write(G_CREATED, EMPTY_ROOT);
      wrU64(G_SELFDESTRUCTS, 0);
      wrU64(G_REFUND, 0);
      // Logs accumulate over the block; this transaction's start at `logs.count`.
      wrU64(G_TX_LOG_START, rdU64(G_LOGS_COUNT));
      if (rdU64(G_TX_IS_DEPOSIT) !== 0) {
        get(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), 1);
        return;
      }
      // A user transaction: the block's L1 fee parameters first (once per block).
      if ((rdU64(G_BLOCK_FLAGS) & FLAG_L1_READ) === 0) get(G_WORLD_ROOT, addressKey(L1_BLOCK), 40);
      else senderStart();
      return;
    case 1: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      wrU64(G_TX_NONCE, accountNonce());
      loadBE(accountBalance(), LA);
      loadBE(read(G_TX_MINT), LB);
      addW(LA, LB, LR);
      setAccountBalance(LR);
      saveSender();
      if (!isZeroW(LB)) {
        // The mint is credited first and survives everything below.
        put(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), encodeAccountTo(VAL), 2);
        return;
      }
      afterMint();
      return;
    }
    case 2:
      storeWalkRoot(G_WORLD_ROOT);
      afterMint();
      return;
    case 3:
      if (!walkFound()) storeWalkRoot(warmSet(rdU64(G_CURSOR)));
      warmFrom(rdU64(G_CURSOR) + 1);
      return;
    case 4:
      storeWalkRoot(G_WORLD_ROOT);
      begin();
      return;
    case 5: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      debit();
      put(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), encodeAccountTo(VAL), 6);
      return;
    }
    case 6:
      storeWalkRoot(G_WORLD_ROOT);
      get(G_WORLD_ROOT, addressKey(a20(G_TX_TO)), 7);
      return;
    case 7: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      write(G_OP_T1, accountCodeHash());
      if (hasValue()) {
        credit();
        put(G_WORLD_ROOT, addressKey(a20(G_TX_TO)), encodeAccountTo(VAL), 8);
        return;
      }
      next(9);
      return;
    }
    case 8:
      storeWalkRoot(G_WORLD_ROOT);
      next(9);
      return;
    case 9: {
      // A precompile runs on the data instead of code (§3.3, §10).
      const to = a20(G_TX_TO);
      if (isPrecompileAddress(to)) txPrecompileStep(<u32>load<u8>(to + 19));
      else loadTopCode();
      return;
    }
    case 16:
      txModexpPieceStep();
      return;
    case 17:
      txBlake2fPieceStep();
      return;
    case 10:
      if (!walkFound()) storeWalkRoot(G_ACCESSED_ADDRESSES);
      get(G_WORLD_ROOT, addressKey(newAddress()), 11);
      return;
    case 11: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      writeSnapshot(0);
      if (
        accountNonce() !== 0 ||
        !eq32(accountCodeHash(), EMPTY_CODE_HASH) ||
        !eq32(accountStorageRoot(), EMPTY_ROOT)
      ) {
        // A collision: the creation fails with all its gas.
        wrU64(G_TX_STATUS, 3);
        wrU64(G_TX_GASLEFT, 0);
        next(0);
        wrU64(G_PHASE, PHASE_TX_FINALIZE);
        return;
      }
      write(G_OP_BALANCE, accountBalance());
      if (hasValue()) get(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), 12);
      else putNewAccount(14);
      return;
    }
    case 12: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      debit();
      put(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), encodeAccountTo(VAL), 13);
      return;
    }
    case 13:
      storeWalkRoot(G_WORLD_ROOT);
      putNewAccount(14);
      return;
    case 14:
      storeWalkRoot(G_WORLD_ROOT);
      memory.copy(VAL, ONE, 1);
      put(G_CREATED, addressKey(newAddress()), 1, 15);
      return;
    case 15:
      storeWalkRoot(G_CREATED);
      write(fField(0, F_ADDRESS), read(G_OP_T0));
      run();
      return;
    case 20:
      // A failed deposit: only the mint and the nonce bump remain; it uses all its gas.
      storeWalkRoot(G_WORLD_ROOT);
      wrU64(G_TX_STATUS, 3);
      wrU64(G_TX_GAS_USED, rdU64(G_TX_GAS_LIMIT));
      next(9);
      wrU64(G_PHASE, PHASE_TX_FINALIZE);
      return;
    case 40: {
      // L1Block's account: its storage root, then slots 1, 3, 7.
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      if (eq32(accountStorageRoot(), EMPTY_ROOT)) {
        memory.fill(W, 0, 32);
        write(G_L1_BASE_FEE, W);
        write(G_L1_SCALARS, W);
        write(G_L1_BLOB_BASE_FEE, W);
        l1Read();
        return;
      }
      write(G_OP_STORAGE_ROOT, accountStorageRoot());
      getL1Slot(1, 41);
      return;
    }
    case 41:
      write(G_L1_BASE_FEE, slotValue());
      getL1Slot(3, 42);
      return;
    case 42:
      write(G_L1_SCALARS, slotValue());
      getL1Slot(7, 43);
      return;
    case 43:
      write(G_L1_BLOB_BASE_FEE, slotValue());
      l1Read();
      return;
    case 44:
      senderChecks();
      return;
    case 45:
      storeWalkRoot(G_WORLD_ROOT);
      loadBE(read(G_TX_L1_FEE), LB);
      if (isZeroW(LB)) warmFrom(0);
      else get(G_WORLD_ROOT, addressKey(L1_FEE_VAULT), 46);
      return;
    case 46: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      creditBy(read(G_TX_L1_FEE));
      put(G_WORLD_ROOT, addressKey(L1_FEE_VAULT), encodeAccountTo(VAL), 47);
      return;
    }
    case 47:
      storeWalkRoot(G_WORLD_ROOT);
      warmFrom(0);
      return;
    default:
      fail(ERR_BAD_STATE, G_TX_STAGE);
  }
}

/** After the warm set: the top frame (a call's value and code, or a creation). */
function begin(): void {
  wrU64(G_CURSOR, 0);
  if (rdU64(G_TX_IS_CREATE) !== 0) {
    createAddress();
    return;
  }
  writeSnapshot(0);
  if (hasValue()) get(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), 5);
  else get(G_WORLD_ROOT, addressKey(a20(G_TX_TO)), 7);
}

// ---- user transactions: L1 fee, validation against the sender, gas purchase (§3.3) ----

/** `get(L1Block's storage root, keccak(slot))`. */
function getL1Slot(slot: u64, stage: u64): void {
  memory.fill(W, 0, 32);
  store<u64>(W, bswap<u64>(slot), 24);
  memory.copy(ROOT, read(G_OP_STORAGE_ROOT), 32);
  startWalk(WALK_GET, ROOT, storageKey(W), 0, 0);
  next(stage);
}

/** The storage value the last walk found, as a big-endian word at `W`. */
function slotValue(): usize {
  const n = walkValue(VAL);
  decodeStorage(VAL, n, W);
  return W;
}

function l1Read(): void {
  wrU64(G_BLOCK_FLAGS, rdU64(G_BLOCK_FLAGS) | FLAG_L1_READ);
  senderStart();
}

/** The transaction's L1 fee (invalid if it does not fit in 256 bits); then the sender's account. */
function senderStart(): void {
  memory.copy(FA, read(G_L1_BASE_FEE), 32);
  memory.copy(FB, read(G_L1_BLOB_BASE_FEE), 32);
  memory.copy(FC, read(G_L1_SCALARS), 32);
  if (!l1Fee(<u32>rdU64(G_TX_L1_GAS), FA, FB, FC, W)) {
    restartDepositsOnly();
    return;
  }
  write(G_TX_L1_FEE, W);
  get(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), 44);
}

/**
 * The sender's account against the transaction (any failure makes it invalid): the L1 fee within
 * the balance, no code (EIP-3607), the nonce, and `gasLimit · maxFee + value` within what the L1
 * fee leaves. Then the L1 fee and `gasLimit · price` are taken and the nonce bumped in one put.
 */
function senderChecks(): void {
  const n = walkValue(VAL);
  decodeAccount(VAL, n);
  loadBE(accountBalance(), LA);
  loadBE(read(G_TX_L1_FEE), LB);
  let ok = !ltW(LA, LB) && eq32(accountCodeHash(), EMPTY_CODE_HASH) && accountNonce() === rdU64(G_TX_NONCE);
  if (ok) {
    subW(LA, LB, LA); // what the L1 fee leaves
    gasTimes(rdU64(G_TX_GAS_LIMIT), read(G_TX_MAX_FEE), LR);
    loadBE(read(G_TX_VALUE), LB);
    ok = addW(LR, LB, LR) === 0 && !ltW(LA, LR);
  }
  if (!ok) {
    restartDepositsOnly();
    return;
  }
  gasTimes(rdU64(G_TX_GAS_LIMIT), read(G_GASPRICE), LR);
  subW(LA, LR, LA);
  setAccountBalance(LA);
  setAccountNonce(accountNonce() + 1);
  write(G_TX_START_ROOT, read(G_WORLD_ROOT));
  put(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), encodeAccountTo(VAL), 45);
}

/** `gas · w` (the big-endian word at `w`) as limbs at `r`; the caller knows it fits. */
function gasTimes(gas: u64, w: usize, r: usize): void {
  loadBE(w, LB);
  memory.fill(LR2, 0, 32);
  store<u64>(LR2, gas);
  mulW(LR2, LB, r);
}

/** The current account's balance plus the big-endian word at `w`. */
function creditBy(w: usize): void {
  loadBE(accountBalance(), LA);
  loadBE(w, LB);
  addW(LA, LB, LR);
  setAccountBalance(LR);
}

function eq32(a: usize, b: usize): bool {
  return (
    load<u64>(a) === load<u64>(b) &&
    load<u64>(a, 8) === load<u64>(b, 8) &&
    load<u64>(a, 16) === load<u64>(b, 16) &&
    load<u64>(a, 24) === load<u64>(b, 24)
  );
}

function hasValue(): bool {
  loadBE(read(G_TX_VALUE), LB);
  return !isZeroW(LB);
}

/** The current account's balance minus the transaction's value. */
function debit(): void {
  loadBE(accountBalance(), LA);
  loadBE(read(G_TX_VALUE), LB);
  subW(LA, LB, LR);
  setAccountBalance(LR);
}

/** The current account's balance plus the transaction's value. */
function credit(): void {
  loadBE(accountBalance(), LA);
  loadBE(read(G_TX_VALUE), LB);
  addW(LA, LB, LR);
  setAccountBalance(LR);
}

/** After the mint: a failed deposit (not enough gas or balance), or the warm set. */
function afterMint(): void {
  loadSender();
  loadBE(accountBalance(), LA);
  loadBE(read(G_TX_VALUE), LB);
  if (rdU64(G_TX_GAS_LIMIT) < rdU64(G_TX_INTRINSIC) || ltW(LA, LB)) {
    setAccountNonce(accountNonce() + 1);
    put(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), encodeAccountTo(VAL), 20);
    return;
  }
  write(G_TX_START_ROOT, read(G_WORLD_ROOT));
  warmFrom(0);
}

/** A creation's address `keccak(rlp([sender, nonce]))[12..]` (the nonce before the bump) into op.t0; then it is warmed. */
function createAddress(): void {
  const nonce = rdU64(G_TX_NONCE);
  store<u8>(KIN + 1, 0x94);
  memory.copy(KIN + 2, a20(G_ORIGIN), 20);
  let p: usize = 22;
  if (nonce === 0) store<u8>(KIN + p++, 0x80);
  else if (nonce < 0x80) store<u8>(KIN + p++, <u8>nonce);
  else {
    let n: usize = 0;
    for (let v = nonce; v > 0; v >>= 8) n++;
    store<u8>(KIN + p++, <u8>(0x80 + n));
    for (let i: usize = 0; i < n; i++) store<u8>(KIN + p + i, <u8>(nonce >> <u64>(8 * (n - 1 - i))));
    p += n;
  }
  store<u8>(KIN, <u8>(0xc0 + p - 1));
  keccak256(KIN, p, H);
  memory.fill(W, 0, 12);
  memory.copy(W + 12, H + 12, 20);
  write(G_OP_T0, W);
  memory.copy(VAL, ONE, 1);
  memory.copy(ROOT, read(G_ACCESSED_ADDRESSES), 32);
  startWalk(WALK_PUT, ROOT, addressKey(H + 12), VAL, 1);
  next(10);
}

function newAddress(): usize {
  memory.copy(ADDR, read(G_OP_T0) + 12, 20);
  return ADDR;
}

/** The new account: nonce 1, its old balance + the value, no code, no storage. */
function putNewAccount(stage: u64): void {
  decodeAccount(0, 0);
  setAccountNonce(1);
  loadBE(read(G_OP_BALANCE), LA);
  loadBE(read(G_TX_VALUE), LB);
  addW(LA, LB, LR);
  setAccountBalance(LR);
  put(G_WORLD_ROOT, addressKey(newAddress()), encodeAccountTo(VAL), stage);
}

/** Stage 9: the receiver's code (the preimage of its code hash) into frame 0, then it runs. */
function loadTopCode(): void {
  memory.copy(H, read(G_OP_T1), 32);
  if (!eq32(H, EMPTY_CODE_HASH)) {
    const e = fetchPreimage(H, KIND_CODE);
    writeCodeChunks(0, entryData(e), entryLen(e));
    write(fCode(0) + 2, H);
  }
  run();
}

/** Frame 0 runs with the transaction's gas minus its intrinsic gas. */
function run(): void {
  wrU64(fField(0, F_GAS), rdU64(G_TX_GAS_LIMIT) - rdU64(G_TX_INTRINSIC));
  wrU64(G_CURSOR, 0);
  wrU64(G_DEPTH, 0);
  next(0);
  wrU64(G_PHASE, PHASE_EXEC);
}

// ---- TxFinalize ----

/** One step of `TxFinalize` for a deposit. */
export function txFinalizeStep(): void {
  const stage = rdU64(G_TX_STAGE);
  if (stage === 0 || stage === 30) {
    let status = rdU64(G_TX_STATUS);
    if (status === 1 && rdU64(G_TX_IS_CREATE) !== 0) {
      // A creating transaction deposits its code first (§3.2), in stages of its own.
      const r = depositStep(0, rdU64(G_TX_OUTOFF), rdU64(G_TX_OUTSIZE));
      if (r === 1) {
        if (stage === 0) next(30);
        return;
      }
      if (r === 0) {
        status = 3;
        wrU64(G_TX_STATUS, 3);
      }
    }
    if (status !== 1) restoreSnapshot(0);
    const limit = rdU64(G_TX_GAS_LIMIT);
    // Frame 0's gas after the deposit (0 after an exceptional halt).
    let used = limit - (status === 3 ? 0 : rdU64(fField(0, F_GAS)));
    if (status === 1) {
      // EIP-3529: the refund is capped at a fifth of the gas used.
      const refund = rdU64(G_REFUND);
      used -= min<u64>(refund, used / 5);
    }
    wrU64(G_TX_GAS_USED, used);
    if (rdU64(G_TX_IS_DEPOSIT) === 0) {
      senderRefund();
      return;
    }
    afterFees();
    return;
  }
  switch (<i32>stage) {
    case 1:
      storeWalkRoot(G_WORLD_ROOT);
      deleteFrom(rdU64(G_CURSOR) + 1);
      return;
    case 9:
      done();
      return;
    case 50: {
      // The unused gas back to the sender at the price it paid.
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      unusedGas(LR);
      loadBE(accountBalance(), LA);
      addW(LA, LR, LA);
      setAccountBalance(LA);
      put(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), encodeAccountTo(VAL), 51);
      return;
    }
    case 51:
      storeWalkRoot(G_WORLD_ROOT);
      coinbaseFee();
      return;
    case 52: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      priorityFee(LR);
      loadBE(accountBalance(), LA);
      addW(LA, LR, LA);
      setAccountBalance(LA);
      put(G_WORLD_ROOT, addressKey(a20(G_COINBASE)), encodeAccountTo(VAL), 53);
      return;
    }
    case 53:
      storeWalkRoot(G_WORLD_ROOT);
      afterFees();
      return;
    case 54: {
      const n = walkValue(VAL);
      decodeAccount(VAL, n);
      baseFeeAmount(LR);
      loadBE(accountBalance(), LA);
      addW(LA, LR, LA);
      setAccountBalance(LA);
      put(G_WORLD_ROOT, addressKey(BASE_FEE_VAULT), encodeAccountTo(VAL), 55);
      return;
    }
    case 55:
      storeWalkRoot(G_WORLD_ROOT);
      finish();
      return;
    case 60:
      receiptLogStep();
      return;
    default:
      fail(ERR_BAD_STATE, G_TX_STAGE);
  }
}

/** `(gasLimit − gasUsed) · price` as limbs at `r`. */
function unusedGas(r: usize): void {
  gasTimes(rdU64(G_TX_GAS_LIMIT) - rdU64(G_TX_GAS_USED), read(G_GASPRICE), r);
}

/** `gasUsed · (price − baseFee)` as limbs at `r`. */
function priorityFee(r: usize): void {
  loadBE(read(G_GASPRICE), LA);
  loadBE(read(G_BASEFEE), LB);
  subW(LA, LB, LA);
  memory.fill(LR2, 0, 32);
  store<u64>(LR2, rdU64(G_TX_GAS_USED));
  mulW(LR2, LA, r);
}

/** `gasUsed · baseFee` as limbs at `r`. */
function baseFeeAmount(r: usize): void {
  gasTimes(rdU64(G_TX_GAS_USED), read(G_BASEFEE), r);
}

/** A user transaction's fees (docs/fees.md): the unused gas back to the sender first. */
function senderRefund(): void {
  unusedGas(LR);
  if (isZeroW(LR)) coinbaseFee();
  else get(G_WORLD_ROOT, addressKey(a20(G_ORIGIN)), 50);
}

/** The priority fee to the block's coinbase (nothing when it is zero). */
function coinbaseFee(): void {
  priorityFee(LR);
  if (isZeroW(LR)) afterFees();
  else get(G_WORLD_ROOT, addressKey(a20(G_COINBASE)), 52);
}

/** EIP-6780's deletions on success, then the end of the transaction. */
function afterFees(): void {
  if (rdU64(G_TX_STATUS) === 1 && rdU64(G_SELFDESTRUCTS) > 0) {
    deleteFrom(0);
    return;
  }
  done();
}

/** Deletes `selfdestructs` entry `i` (EIP-6780: all were created in this transaction), or ends. */
function deleteFrom(i: u64): void {
  if (i >= rdU64(G_SELFDESTRUCTS)) {
    done();
    return;
  }
  wrU64(G_CURSOR, i);
  memory.copy(ADDR, read(gSelfdestruct(i)) + 12, 20);
  put(G_WORLD_ROOT, addressKey(ADDR), 0, 1);
}

/** After the deletions: a user transaction's base fee goes to the BaseFeeVault; then the end. */
function done(): void {
  if (rdU64(G_TX_IS_DEPOSIT) === 0) {
    baseFeeAmount(LR);
    if (!isZeroW(LR)) {
      get(G_WORLD_ROOT, addressKey(BASE_FEE_VAULT), 54);
      return;
    }
  }
  finish();
}

/** The block's gas used grows by the transaction's; then its receipt (§3.5). */
function finish(): void {
  wrU64(G_BLOCK_GAS_USED, rdU64(G_BLOCK_GAS_USED) + rdU64(G_TX_GAS_USED));
  receiptStart();
}
