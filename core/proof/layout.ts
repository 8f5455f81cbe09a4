/**
 * The step state's layout as the host sees it (docs/fault-proof.md §2): generalized indices of
 * the fields the state builders and the result readers use, the phase and status values, and
 * the shapes of the empty state and of a fresh frame. The WASM machine has its own copy of the
 * gindices (`wasm/assembly/step/state.ts`); `layout.test.ts` checks the two agree through the
 * machine's roots.
 */

/** Step-state layout version (the doc's `STATE_VERSION`). */
export const STATE_VERSION = 1;

/** Phases (§3). */
export const Phase = {
  BlockStart: 0,
  TxLoad: 1,
  TxValidate: 2,
  FrameEnter: 3,
  Exec: 4,
  FrameExit: 5,
  TxFinalize: 6,
  BlockEnd: 7,
  Done: 8,
} as const;

/** `tx.status` values (§2, TxContext). */
export const TxStatus = { Running: 0, Success: 1, Reverted: 2, Exceptional: 3 } as const;

/** `walk.mode` values (§5.1). */
export const WalkMode = { Idle: 0, Get: 1, Put: 2, Ascend: 3 } as const;

/** Gindex of a field outside the frames. */
export const G = {
  phase: 16n,
  depth: 21n,
  worldRoot: 22n,
  accessedAddresses: 46n,
  accessedSlots: 47n,
  transientRoot: 24n,
  refund: 25n,
  logsCount: 416n,
  blockGasUsed: 30n,
  selfdestructsCount: 56n,
  created: 29n,
  // BlockContext
  number: 272n,
  timestamp: 273n,
  coinbase: 274n,
  prevRandao: 275n,
  gasLimit: 276n,
  baseFee: 277n,
  chainId: 278n,
  blobBaseFee: 279n,
  blockHashes: 280n,
  l1BaseFee: 283n,
  l1BlobBaseFee: 284n,
  l1Scalars: 285n,
  blockFlags: 286n,
  // TxContext
  origin: 608n,
  gasPrice: 609n,
  txGasLimit: 610n,
  txIndex: 611n,
  txStatus: 612n,
  txGasLeft: 613n,
  txOutOffset: 614n,
  txOutSize: 615n,
  blobHashesLen: 1233n,
  txIsDeposit: 617n,
  txMint: 618n,
  txStartWorldRoot: 619n,
  txTo: 620n,
  txIsCreate: 621n,
  txValue: 622n,
  txNonce: 623n,
  txType: 624n,
  txIntrinsic: 625n,
  txDataLen: 626n,
  txHash: 627n,
  txStage: 628n,
  txGasUsed: 629n,
  txMaxFee: 630n,
  txL1Fee: 631n,
  txL1Gas: 632n,
  txAccessListLen: 1267n,
  txLogStart: 634n,
  // ReceiptAccumulator
  receiptsCount: 432n,
  receiptsRoot: 435n,
  transactionsRoot: 440n,
  blockHash: 441n,
  messagePasserRoot: 442n,
  outputRoot: 443n,
  // Walk
  walkMode: 496n,
  walkRoot: 497n,
  walkKey: 498n,
  walkDepth: 499n,
  walkRef: 500n,
  walkLevel: 501n,
  walkValueLen: 502n,
  walkFound: 504n,
} as const;

/** Gindices of `inputs` (§7). */
export const GI = {
  parentHash: 288n,
  number: 289n,
  timestamp: 290n,
  prevRandao: 291n,
  feeRecipient: 292n,
  gasLimit: 293n,
  baseFee: 294n,
  parentBeaconRoot: 295n,
  parentStateRoot: 296n,
  l1Origin: 297n,
  txCount: 597n,
} as const;
/** Gindex of transaction hash `i` in `inputs.txHashes`. */
export const gInTxHash = (i: bigint): bigint => (596n << 14n) | i;

/** Gindex of the block hash slot for block `m` (`m mod 256`). */
export const gBlockHash = (m: bigint): bigint => (280n << 8n) | (m & 255n);
/** Gindex of blob hash `i`. */
export const gBlobHash = (i: bigint): bigint => (1232n << 4n) | i;
/** `block.flags` bits (§2, BlockContext). */
export const BlockFlag = { L1Read: 1n, UserSeen: 2n, DepositsOnly: 4n } as const;
/** Gindex of chunk `j` of `tx.accessList` (two chunks per entry). */
export const gTxAccessList = (j: bigint): bigint => (1266n << 15n) | j;
/** Gindex of chunk `j` of the block's logs bloom (256 bytes in 8 chunks). */
export const gBlockBloom = (j: bigint): bigint => (434n << 3n) | j;
/** Gindex of entry `i` of the `selfdestructs` list. */
export const gSelfdestruct = (i: bigint): bigint => (57n << 16n) | i;
/** Gindex of field `k` of log entry `i` (§2, `LogAccumulator`): address, topicCount, topics 0..3, data, reserved. */
export const gLog = (i: bigint, k: bigint): bigint => (((417n << 20n) | i) << 3n) | k;
/** Gindex of data chunk `j` of log entry `i`, and of its length. */
export const gLogData = (i: bigint, j: bigint): bigint => ((gLog(i, 6n) << 1n) << 20n) | j;
export const gLogDataLen = (i: bigint): bigint => (gLog(i, 6n) << 1n) + 1n;

/** Gindex of chunk `i` of the walk's value. */
export const gWalkValue = (i: bigint): bigint => (503n << 2n) | i;

/** Most frames: depths 0..1024. */
export const MAX_DEPTH = 1024;

/** Gindex of frame `d`'s root (element `d` of `frames`, a `Vector[Frame, 2048]` at gindex 20). */
export const gFrame = (d: bigint): bigint => (20n << 11n) | d;

/** Gindices of frame `d`'s fields (§2, `Frame`). */
export function frameG(d = 0n) {
  const f = gFrame(d) << 4n;
  const op = (f + 15n) << 5n;
  const code = (f + 6n) << 2n;
  const exit = (f + 12n) << 2n;
  return {
    pc: f,
    gas: f + 1n,
    stackLen: ((f + 2n) << 1n) + 1n,
    memLen: ((f + 3n) << 1n) + 1n,
    calldataLen: ((f + 4n) << 1n) + 1n,
    returnDataLen: ((f + 5n) << 1n) + 1n,
    codeLen: code + 1n,
    codeHash: code + 2n,
    caller: f + 7n,
    address: f + 8n,
    value: f + 9n,
    kind: f + 10n,
    isStatic: f + 11n,
    exitStatus: exit,
    exitOutOffset: exit + 1n,
    exitOutSize: exit + 2n,
    cursor: op,
    stage: op + 1n,
    /** Gindex of stack item `i` (from the bottom). */
    stack: (i: bigint): bigint => (((f + 2n) << 1n) << 10n) | i,
    /** Gindex of memory word `j`. */
    mem: (j: bigint): bigint => (((f + 3n) << 1n) << 20n) | j,
    /** Gindex of calldata chunk `j`. */
    calldata: (j: bigint): bigint => (((f + 4n) << 1n) << 20n) | j,
    /** Gindex of return-data chunk `j`. */
    returnData: (j: bigint): bigint => (((f + 5n) << 1n) << 20n) | j,
    /** Gindex of code chunk `i`. */
    code: (i: bigint): bigint => (code << 11n) | i,
  };
}

/** Most code chunks a frame holds (2048 x 31 bytes). */
export const MAX_CODE_CHUNKS = 2048;
/** Most calldata bytes (2^25). */
export const MAX_CALLDATA = 1 << 25;

/**
 * The shape of a part of the state: a single chunk, an all-zero subtree of a height (vectors of
 * chunks, containers of chunks only), a list or byte string (`H(data, length)`: its data an
 * all-zero subtree, its length a chunk), or a container of shapes.
 */
export type Shape = { leaf: true } | { zero: number } | { list: number } | { container: readonly Shape[] };

const leaf: Shape = { leaf: true };
const leaves = (n: number): Shape[] => Array.from({ length: n }, () => leaf);

/** A fresh frame (§2, `Frame`): every field zero, lists and byte strings empty. */
export const FRAME_SHAPE: Shape = {
  container: [
    leaf, // pc
    leaf, // gas
    { list: 10 }, // stack
    { list: 20 }, // memory
    { list: 20 }, // calldata
    { list: 20 }, // returnData
    { container: [{ zero: 11 }, leaf, leaf, leaf] }, // code
    ...leaves(5), // caller, address, value, kind, isStatic
    { zero: 2 }, // exit: 4 chunks
    { zero: 3 }, // snapshot: 8 chunks
    leaf, // reserved
    { zero: 5 }, // op: 32 chunks
  ],
};

/** The empty step state (§2): every field zero; no frame in use (`frames` all-zero, height 60: each slot `Z[49]`). */
export const STATE_SHAPE: Shape = {
  container: [
    leaf, // phase
    { container: [...leaves(8), { zero: 8 }, ...leaves(7)] }, // block
    { container: [...leaves(10), { list: 14 }, ...leaves(5)] }, // inputs
    { container: [...leaves(8), { list: 4 }, ...leaves(16), { list: 15 }, ...leaves(6)] }, // tx: 32 fields
    { zero: 60 }, // frames
    leaf, // depth
    leaf, // worldRoot
    { zero: 1 }, // accessed: {addresses, slots}
    leaf, // transientRoot
    leaf, // refund
    { container: [leaf, { zero: 56 }, ...leaves(14)] }, // logs: count, entries (unused: Z[36] each)
    {
      container: [leaf, { zero: 21 }, { zero: 3 }, leaf, { zero: 3 }, leaf, { zero: 7 }, leaf, ...leaves(8)],
    }, // receipts: count, entries (slots Z[7]), bloom, root, groups, groupsLen, stack, stackLen
    { container: [leaf, { zero: 16 }] }, // selfdestructs: count, entries
    leaf, // created
    leaf, // blockGasUsed
    {
      container: [...leaves(7), { zero: 2 }, ...leaves(3), { zero: 3 }, { zero: 7 }, { zero: 7 }, leaf, leaf],
    }, // walk
  ],
};

/**
 * The writes that give the subtree at gindex `g` the shape `s`: `[gindex, height]` of each
 * all-zero subtree and the gindex of each zero chunk.
 */
export function shapeWrites(s: Shape, g: bigint): { zeros: [bigint, number][]; leaves: bigint[] } {
  const zeros: [bigint, number][] = [];
  const chunks: bigint[] = [];
  const walk = (s: Shape, g: bigint): void => {
    if ("leaf" in s) chunks.push(g);
    else if ("zero" in s) zeros.push([g, s.zero]);
    else if ("list" in s) {
      zeros.push([g * 2n, s.list]);
      chunks.push(g * 2n + 1n);
    } else {
      const n = s.container.length;
      const d = BigInt(Math.ceil(Math.log2(n)));
      for (const [i, f] of s.container.entries()) walk(f, (g << d) + BigInt(i));
    }
  };
  walk(s, g);
  return { zeros, leaves: chunks };
}
