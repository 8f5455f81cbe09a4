/**
 * Fixed memory regions of the `step` module and the error codes it reports. Offsets are
 * exported to the host as globals by `index.ts`; docs/fault-proof.md §9 documents them.
 */

/** 64 KiB the host uses to pass one value or small inputs (a 32-byte chunk for `setLeaf`). */
export const IO_PTR: usize = 0x10000;
/** 64 KiB of scratch for 256/512-bit arithmetic and the bytes of a copy piece. */
export const SCRATCH: usize = 0x20000;
/** Witness bytes: the verifier's input (`loadWitness`) and the generator's output (`packWitness`). */
export const WIT_PTR: usize = 0x30000;
export const WIT_BYTES: usize = 0x200000;
/**
 * Access log of the current step: `LOG_MAX` records of `LOG_REC` bytes, then the packer's sort
 * records (16 bytes each), 0x400000..0x600000.
 */
export const LOG_PTR: usize = 0x400000;
export const LOG_REC: usize = 48;
export const LOG_MAX: u32 = 32768;
/** Per-step arena for MPT node encodings built by the walker (reset every step). */
export const MPT_TMP: usize = 0x300000;
export const MPT_TMP_BYTES: usize = 0x40000;
/** Preimages (MPT nodes, code) the current step fetched: up to `FETCH_MAX` entry pointers. */
export const FETCH_PTR: usize = 0x340000;
export const FETCH_MAX: u32 = 8;
/** The 32-byte hash of the preimage a step missed (`ERR_MISSING_PREIMAGE`). */
export const MISS_PTR: usize = 0x340100;
/** A precompile's input and output (`PRE_BYTES` each). */
export const PRE_IN: usize = 0x348000;
export const PRE_OUT: usize = 0x388000;
export const PRE_BYTES: usize = 0x40000;
/**
 * The most input or output bytes one precompile step handles (262,144): with both at the limit a
 * step logs about 24,600 accesses, under `LOG_MAX`. Longer calls are refused by name (§10).
 */
export const PRE_LIMIT: u64 = 0x40000;
/** Start of the heap (state-tree nodes and the preimage table); memory grows past it on demand. */
export const POOL_PTR: usize = 0x600000;
/** Pages the module needs before the heap (the build's initial memory covers them). */
export const FIXED_PAGES: i32 = 96;

// Error codes (`errorCode()`); `errorArg()` carries the detail named after each.
/** A walk met a terminal node above the gindex it needed (arg: the gindex). */
export const ERR_MISSING_NODE: i32 = 1;
/** The opcode is not implemented by this version of the machine (arg: the opcode). */
export const ERR_UNSUPPORTED_OPCODE: i32 = 2;
/** The phase is not implemented by this version of the machine (arg: the phase). */
export const ERR_UNSUPPORTED_PHASE: i32 = 3;
/** The witness bytes are malformed (arg: byte offset of the problem). */
export const ERR_BAD_ENCODING: i32 = 4;
/** The generator's access log overflowed `LOG_MAX` (arg: entries). */
export const ERR_LOG_FULL: i32 = 5;
/** The packed witness does not fit in `WIT_BYTES` (arg: bytes needed so far). */
export const ERR_WITNESS_FULL: i32 = 6;
/** A step wrote a subtree and also accessed inside it (arg: the gindex): a machine bug. */
export const ERR_OVERLAP: i32 = 7;
/** The state holds a value the machine never writes (arg: the gindex or 0), e.g. a bad phase. */
export const ERR_BAD_STATE: i32 = 8;
/** A keccak preimage (MPT node or code) the step needs is not known (hash at `MISS_PTR`). */
export const ERR_MISSING_PREIMAGE: i32 = 9;
/** A step fetched a preimage after writing the tree (a machine bug: retry would be unsafe). */
export const ERR_FETCH_AFTER_WRITE: i32 = 10;
/** An MPT node reached from the state is malformed (arg: byte offset in it). */
export const ERR_BAD_NODE: i32 = 11;
/** A call to a precompile the host cannot compute (arg: its address). */
export const ERR_UNSUPPORTED_PRECOMPILE: i32 = 12;
/** A precompile's input or output is over `PRE_LIMIT` (arg: its length). */
export const ERR_PRECOMPILE_TOO_LARGE: i32 = 13;
/** A transaction the machine cannot load (arg: its type byte; 0x100: malformed). */
export const ERR_UNSUPPORTED_TX: i32 = 14;
/** The state holds an empty account (EIP-161: nonce 0, balance 0, no code), which the machine does not model (arg: 0). */
export const ERR_EMPTY_ACCOUNT: i32 = 15;

let errCode: i32 = 0;
let errArg: u64 = 0;

/** Records the error and traps; the host reads `errorCode()`/`errorArg()` after the trap. */
export function fail(code: i32, arg: u64): void {
  errCode = code;
  errArg = arg;
  unreachable();
}

/** Clears the last error (called at the start of every exported operation). */
export function clearError(): void {
  errCode = 0;
  errArg = 0;
}

export function errorCode(): i32 {
  return errCode;
}

export function errorArg(): u64 {
  return errArg;
}
