/**
 * The step state's layout as the host sees it (docs/fault-proof.md §2): generalized indices of
 * the fields the frame-mode builder and the result reader use, the phase and status values, and
 * the shape of the empty state. The WASM machine has its own copy of the gindices
 * (`wasm/assembly/step/state.ts`); `layout.test.ts` checks the two agree through the machine.
 */

/** Step-state layout version (the doc's `STATE_VERSION`). */
export const STATE_VERSION = 0;

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

/** Gindex of a top-level field. */
export const G = {
  phase: 16n,
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
  // TxContext
  origin: 304n,
  gasPrice: 305n,
  txGasLimit: 306n,
  txIndex: 307n,
  txStatus: 308n,
  txGasLeft: 309n,
  txOutOffset: 310n,
  txOutSize: 311n,
  blobHashesLen: 625n,
  // Frame (current)
  pc: 320n,
  gas: 321n,
  stackLen: 645n,
  memLen: 647n,
  calldataLen: 649n,
  returnDataLen: 651n,
  codeLen: 1305n,
  codeHash: 1306n,
  caller: 327n,
  address: 328n,
  value: 329n,
  isStatic: 331n,
  depth: 332n,
  cursor: 5360n,
} as const;

/** Gindex of the block hash slot for block `m` (`m mod 256`). */
export const gBlockHash = (m: bigint): bigint => (280n << 8n) | (m & 255n);
/** Gindex of blob hash `i`. */
export const gBlobHash = (i: bigint): bigint => (624n << 4n) | i;
/** Gindex of stack item `i` (from the bottom). */
export const gStack = (i: bigint): bigint => (644n << 10n) | i;
/** Gindex of memory word `j`. */
export const gMem = (j: bigint): bigint => (646n << 20n) | j;
/** Gindex of calldata chunk `j`. */
export const gCalldata = (j: bigint): bigint => (648n << 16n) | j;
/** Gindex of return-data chunk `j`. */
export const gReturnData = (j: bigint): bigint => (650n << 20n) | j;
/** Gindex of code chunk `i`. */
export const gCode = (i: bigint): bigint => (1304n << 11n) | i;

/** Most code chunks a frame holds (2048 x 31 bytes). */
export const MAX_CODE_CHUNKS = 2048;
/** Most calldata bytes (2^21). */
export const MAX_CALLDATA = 1 << 21;

/**
 * The empty state's shape: `[gindex, height]` of every uniform all-zero subtree (vectors and
 * the data half of lists). A list's root is `H(data, length)`, so a list is opened into its
 * two halves (`LISTS`) and only its data half is uniform. Every other position down to the field
 * leaves is a zero chunk. Building the empty state = placing `zero(h)` at each of these and the
 * zero chunk at every leaf of {@link zeroLeaves}.
 */
export const ZERO_SUBTREES: readonly (readonly [bigint, number])[] = [
  [280n, 8], // block.blockHashes: Vector[Word, 256]
  [624n, 4], // tx.blobHashes data: List[Word, 16]
  [644n, 10], // frame.stack data: List[Word, 1024]
  [646n, 20], // frame.memory data: Bytes[2^25]
  [648n, 16], // frame.calldata data: Bytes[2^21]
  [650n, 20], // frame.returnData data: Bytes[2^25]
  [333n, 3], // frame.snapshot: 8 chunks
  [334n, 2], // frame.ret: 4 chunks
  [1304n, 11], // frame.code.chunks: Vector[Chunk, 2048]
  [5361n, 3], // frame.op.sponge: Vector[Word, 8]
  [42n, 10], // callStack data: List[Frame, 1024]
  [23n, 1], // accessed: {addresses, slots}
  [31n, 4], // scratch: Vector[Word, 16]
];

/** Composite nodes of the empty state and their number of children slots (containers, lists). */
const COMPOSITES = new Map<bigint, number>([
  [17n, 16], // block
  [19n, 16], // tx
  [20n, 16], // frame
  [326n, 4], // frame.code
  [335n, 16], // frame.op
  [312n, 2], // tx.blobHashes (data, length)
  [322n, 2], // frame.stack
  [323n, 2], // frame.memory
  [324n, 2], // frame.calldata
  [325n, 2], // frame.returnData
  [21n, 2], // callStack
]);

/** Gindices of the single-chunk leaves of the empty state (all zero). */
export function zeroLeaves(): bigint[] {
  const out: bigint[] = [];
  const uniform = new Set(ZERO_SUBTREES.map(([g]) => g));
  const walk = (g: bigint): void => {
    const n = COMPOSITES.get(g);
    if (n !== undefined) {
      for (let i = 0n; i < BigInt(n); i++) walk(g * BigInt(n) + i);
    } else if (!uniform.has(g)) out.push(g);
  };
  for (let i = 16n; i < 32n; i++) walk(i);
  return out;
}
