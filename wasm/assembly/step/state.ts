/**
 * Generalized indices of the step state's fields (docs/fault-proof.md §2) and small typed
 * accessors over the tree. Every field the machine touches is named here. Fields of the current
 * frame depend on `depth` (frame `d` is element `d` of the `frames` vector): `setFrame` fixes
 * them at the start of every step.
 */

import { SCRATCH } from "./layout";
import { read, write } from "./tree";

export const G_PHASE: u64 = 16;
export const G_DEPTH: u64 = 21;
export const G_WORLD_ROOT: u64 = 22;
export const G_ACCESSED_ADDRESSES: u64 = 46;
export const G_ACCESSED_SLOTS: u64 = 47;
export const G_TRANSIENT_ROOT: u64 = 24;
export const G_REFUND: u64 = 25;
export const G_BLOCK_GAS_USED: u64 = 30;

// BlockContext (field k at 272 + k)
export const G_NUMBER: u64 = 272;
export const G_TIMESTAMP: u64 = 273;
export const G_COINBASE: u64 = 274;
export const G_PREVRANDAO: u64 = 275;
export const G_GASLIMIT: u64 = 276;
export const G_BASEFEE: u64 = 277;
export const G_CHAINID: u64 = 278;
export const G_BLOBBASEFEE: u64 = 279;
export function gBlockHash(i: u64): u64 {
  return ((<u64>280) << 8) | i;
}
/** The L1 fee parameters (L1Block's slots 1, 7 and 3), read at the block's first user transaction. */
export const G_L1_BASE_FEE: u64 = 283;
export const G_L1_BLOB_BASE_FEE: u64 = 284;
export const G_L1_SCALARS: u64 = 285;
/** `block.flags`: bit 0 the L1 fee parameters are read, bit 1 a user transaction ran, bit 2 deposits only. */
export const G_BLOCK_FLAGS: u64 = 286;
export const FLAG_L1_READ: u64 = 1;
export const FLAG_USER_SEEN: u64 = 2;
export const FLAG_DEPOSITS_ONLY: u64 = 4;

// BlockInputs (field k at 288 + k): the block's header fields and its transactions' hashes.
export const G_IN_TX_COUNT: u64 = 597;
export function gInTxHash(i: u64): u64 {
  return ((<u64>596) << 14) | i;
}
export const G_IN_FEE_RECIPIENT: u64 = 292;

// TxContext (32 fields, field k at 608 + k)
export const G_ORIGIN: u64 = 608;
export const G_GASPRICE: u64 = 609;
export const G_TX_GAS_LIMIT: u64 = 610;
export const G_TX_INDEX: u64 = 611;
export const G_TX_STATUS: u64 = 612;
export const G_TX_GASLEFT: u64 = 613;
export const G_TX_OUTOFF: u64 = 614;
export const G_TX_OUTSIZE: u64 = 615;
export const G_BLOB_LEN: u64 = 1233;
export const G_TX_IS_DEPOSIT: u64 = 617;
export const G_TX_MINT: u64 = 618;
export const G_TX_START_ROOT: u64 = 619;
export const G_TX_TO: u64 = 620;
export const G_TX_IS_CREATE: u64 = 621;
export const G_TX_VALUE: u64 = 622;
export const G_TX_NONCE: u64 = 623;
export const G_TX_TYPE: u64 = 624;
export const G_TX_INTRINSIC: u64 = 625;
export const G_TX_DATA_LEN: u64 = 626;
export const G_TX_HASH: u64 = 627;
export const G_TX_STAGE: u64 = 628;
export const G_TX_GAS_USED: u64 = 629;
export const G_TX_MAX_FEE: u64 = 630;
export const G_TX_L1_FEE: u64 = 631;
export const G_TX_L1_GAS: u64 = 632;
/** `tx.logStart`: `logs.count` when the transaction began (its logs are `[logStart, logs.count)`). */
export const G_TX_LOG_START: u64 = 634;
/** `tx.accessList`: a `List[Word, 2^15]` at 633 (data 1266, length 1267): two chunks per entry. */
export const G_TX_AL_LEN: u64 = 1267;
export function gTxAccessList(j: u64): u64 {
  return ((<u64>1266) << 15) | j;
}
export function gBlobHash(i: u64): u64 {
  return ((<u64>1232) << 4) | i;
}

// ReceiptAccumulator (gindex 27, field k at 432 + k): the block's receipts, bloom and root (§3.5).
export const G_RC_COUNT: u64 = 432;
/** Field `k` of receipt `i` (a container of 16 fields; slot `i` of `Vector[Receipt, 2^14]` at 433). */
export function gReceipt(i: u64, k: u64): u64 {
  return ((((<u64>433) << 14) | i) << 4) | k;
}
/** Chunk `j` of receipt `i`'s bloom (field 8: `Vector[Word, 8]`). */
export function gReceiptBloom(i: u64, j: u64): u64 {
  return (gReceipt(i, 8) << 3) | j;
}
/** Chunk `j` of the block's bloom (`Vector[Word, 8]` at 434). */
export function gBlockBloom(j: u64): u64 {
  return ((<u64>434) << 3) | j;
}
export const G_RC_BLOCK_BLOOM: u64 = 434;
export const G_RC_ROOT: u64 = 435;
/** The trie builder's branch masks by depth (`Vector[uint64, 8]` at 436) and their count. */
export function gRcGroup(d: u64): u64 {
  return ((<u64>436) << 3) | d;
}
export const G_RC_GROUPS_LEN: u64 = 437;
/** The trie builder's stack of node hashes (`Vector[Word, 128]` at 438) and its length. */
export function gRcStack(k: u64): u64 {
  return ((<u64>438) << 7) | k;
}
export const G_RC_STACK_LEN: u64 = 439;
/** `BlockEnd`'s other results: the transactions root, the block hash, the message passer's storage root, the output root. */
export const G_RC_TX_ROOT: u64 = 440;
export const G_RC_BLOCK_HASH: u64 = 441;
export const G_RC_MP_ROOT: u64 = 442;
export const G_RC_OUTPUT_ROOT: u64 = 443;
// Receipt fields.
export const R_TYPE: u64 = 0;
export const R_STATUS: u64 = 1;
export const R_CUMULATIVE_GAS: u64 = 2;
export const R_LOG_START: u64 = 3;
export const R_LOG_END: u64 = 4;
export const R_DEPOSIT_NONCE: u64 = 5;
export const R_IS_DEPOSIT: u64 = 6;
export const R_LOGS_LEN: u64 = 7;
export const R_TX_INDEX: u64 = 9;

// Walk (field k at 496 + k): the MPT walker's state (§5.1)
export const G_WALK_MODE: u64 = 496;
export const G_WALK_ROOT: u64 = 497;
export const G_WALK_KEY: u64 = 498;
export const G_WALK_DEPTH: u64 = 499;
export const G_WALK_REF: u64 = 500;
export const G_WALK_LEVEL: u64 = 501;
export const G_WALK_VALUE_LEN: u64 = 502;
export function gWalkValue(i: u64): u64 {
  return ((<u64>503) << 2) | i;
}
export const G_WALK_FOUND: u64 = 504;
export const G_WALK_CARRY_KIND: u64 = 505;
export const G_WALK_CARRY_LEN: u64 = 506;
export function gWalkCarry(i: u64): u64 {
  return ((<u64>507) << 3) | i;
}
export function gWalkPathHash(i: u64): u64 {
  return ((<u64>508) << 7) | i;
}
export function gWalkPathDepth(i: u64): u64 {
  return ((<u64>509) << 7) | i;
}

/** Most frames: depths 0..1024 (a call from depth 1024 fails). */
export const MAX_DEPTH: u64 = 1024;

/** Gindex of frame `d`'s root (element `d` of `frames`, a `Vector[Frame, 2048]` at 20). */
export function gFrame(d: u64): u64 {
  return ((<u64>20) << 11) | d;
}

// Fields of any frame `d` (field k of a Frame at `gFrame(d) · 16 + k`).
export const F_PC: u64 = 0;
export const F_GAS: u64 = 1;
export const F_CALLER: u64 = 7;
export const F_ADDRESS: u64 = 8;
export const F_VALUE: u64 = 9;
export const F_KIND: u64 = 10;
export const F_IS_STATIC: u64 = 11;

/** Gindex of field `k` of frame `d`. */
export function fField(d: u64, k: u64): u64 {
  return (gFrame(d) << 4) | k;
}
/** Data root of frame `d`'s stack, memory, calldata, return data (heights 10, 20, 20, 20). */
export function fStackData(d: u64): u64 {
  return fField(d, 2) << 1;
}
export function fMemData(d: u64): u64 {
  return fField(d, 3) << 1;
}
export function fCalldataData(d: u64): u64 {
  return fField(d, 4) << 1;
}
export function fReturnData(d: u64): u64 {
  return fField(d, 5) << 1;
}
/** Frame `d`'s `code` container (chunks at +0, length +1, hash +2). */
export function fCode(d: u64): u64 {
  return fField(d, 6) << 2;
}
/** Frame `d`'s `exit` container: status, outOffset, outSize, progress. */
export function fExit(d: u64, k: u64): u64 {
  return (fField(d, 12) << 2) | k;
}
/** Frame `d`'s `snapshot`: the 8 revertible values (§6). */
export function fSnapshot(d: u64, k: u64): u64 {
  return (fField(d, 13) << 3) | k;
}
/** Field `o` of frame `d`'s `op` state (a container of 32 chunks). */
export function fOp(d: u64, o: u64): u64 {
  return (fField(d, 15) << 5) | o;
}

// OpState fields (§2): a container of 32 chunks.
export const O_CURSOR: u64 = 0;
export const O_STAGE: u64 = 1;
export const O_FLAGS: u64 = 2;
export const O_NONCE: u64 = 3;
export const O_BALANCE: u64 = 4;
export const O_STORAGE_ROOT: u64 = 5;
export const O_CODE_HASH: u64 = 6;
export const O_T0: u64 = 7;
export const O_T1: u64 = 8;
export const O_SPONGE: u64 = 16;

// Snapshot fields (§6), in order.
export const G_LOGS_COUNT: u64 = 416;
/** `selfdestructs`: a list (count at 56, address `i` at `57·2^16 + i`). */
export const G_SELFDESTRUCTS: u64 = 56;
export function gSelfdestruct(i: u64): u64 {
  return ((<u64>57) << 16) | i;
}
export const G_CREATED: u64 = 29;

// The current frame's fields (set by `setFrame`).
export let G_PC: u64 = 0;
export let G_GAS: u64 = 0;
export let G_STACK_LEN: u64 = 0;
let stackData: u64 = 0;
export let G_MEM_LEN: u64 = 0;
let memData: u64 = 0;
export let G_CD_LEN: u64 = 0;
let cdData: u64 = 0;
export let G_RD_LEN: u64 = 0;
let rdData: u64 = 0;
export let G_CODE_LEN: u64 = 0;
export let G_CODE_HASH: u64 = 0;
let codeData: u64 = 0;
export let G_CALLER: u64 = 0;
export let G_ADDRESS: u64 = 0;
export let G_VALUE: u64 = 0;
export let G_IS_STATIC: u64 = 0;
let opBase: u64 = 0;
export let G_CURSOR: u64 = 0;
let spongeData: u64 = 0;
export let G_STAGE: u64 = 0;
export let G_OP_FLAGS: u64 = 0;
export let G_OP_NONCE: u64 = 0;
export let G_OP_BALANCE: u64 = 0;
export let G_OP_STORAGE_ROOT: u64 = 0;
export let G_OP_CODE_HASH: u64 = 0;
export let G_OP_T0: u64 = 0;
export let G_OP_T1: u64 = 0;

/** Points the current-frame gindices at frame `d`. */
export function setFrame(d: u64): void {
  const f = gFrame(d) << 4;
  G_PC = f;
  G_GAS = f + 1;
  stackData = (f + 2) << 1;
  G_STACK_LEN = stackData + 1;
  memData = (f + 3) << 1;
  G_MEM_LEN = memData + 1;
  cdData = (f + 4) << 1;
  G_CD_LEN = cdData + 1;
  rdData = (f + 5) << 1;
  G_RD_LEN = rdData + 1;
  codeData = (f + 6) << 2;
  G_CODE_LEN = codeData + 1;
  G_CODE_HASH = codeData + 2;
  G_CALLER = f + 7;
  G_ADDRESS = f + 8;
  G_VALUE = f + 9;
  G_IS_STATIC = f + 11;
  opBase = (f + 15) << 5;
  G_CURSOR = opBase + O_CURSOR;
  spongeData = opBase + O_SPONGE;
  G_STAGE = opBase + O_STAGE;
  G_OP_FLAGS = opBase + O_FLAGS;
  G_OP_NONCE = opBase + O_NONCE;
  G_OP_BALANCE = opBase + O_BALANCE;
  G_OP_STORAGE_ROOT = opBase + O_STORAGE_ROOT;
  G_OP_CODE_HASH = opBase + O_CODE_HASH;
  G_OP_T0 = opBase + O_T0;
  G_OP_T1 = opBase + O_T1;
  DEPTH = d;
}

/** The current frame's depth (set by `setFrame`). */
export let DEPTH: u64 = 0;

export function gStack(i: u64): u64 {
  return (stackData << 10) | i;
}
export function gMem(j: u64): u64 {
  return (memData << 20) | j;
}
export function gCalldata(j: u64): u64 {
  return (cdData << 20) | j;
}
export function gReturndata(j: u64): u64 {
  return (rdData << 20) | j;
}
export function gCode(i: u64): u64 {
  return (codeData << 11) | i;
}
export function gSponge(i: u64): u64 {
  return spongeData + i;
}

// Phases (§3)
export const PHASE_BLOCK_START: u64 = 0;
export const PHASE_TX_LOAD: u64 = 1;
export const PHASE_TX_VALIDATE: u64 = 2;
export const PHASE_FRAME_ENTER: u64 = 3;
export const PHASE_EXEC: u64 = 4;
export const PHASE_FRAME_EXIT: u64 = 5;
export const PHASE_TX_FINALIZE: u64 = 6;
export const PHASE_BLOCK_END: u64 = 7;
export const PHASE_DONE: u64 = 8;

/** A 32-byte temporary for building chunks. */
export const CHUNK_TMP: usize = SCRATCH + 0x3e0;

/** The uint64 at `g` (bytes 0..7 little-endian; the rest of the chunk is ignored). */
export function rdU64(g: u64): u64 {
  return load<u64>(read(g));
}

/** Writes `v` as a uint64 chunk at `g`. */
export function wrU64(g: u64, v: u64): void {
  memory.fill(CHUNK_TMP, 0, 32);
  store<u64>(CHUNK_TMP, v);
  write(g, CHUNK_TMP);
}
