/**
 * Transaction and block modes (docs/fault-proof.md §8.1). Transaction mode runs a block's
 * transactions from `TxLoad` of the first through `BlockEnd` (to `Done`) over a world state; its
 * starting state holds the block's context, the transactions' hashes in `inputs.txHashes` (their
 * bytes are keccak preimages), the world's root and `tx.index = 0`. Block mode starts one phase
 * earlier, at `BlockStart`, from the block's inputs (header fields, the parent's state root).
 */
import { toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { ProofFormatError } from "./errors.ts";
import type { FrameBlock, FrameWorld } from "./frameState.ts";
import { type AsyncPreimageSource, lazyRoots, runAsync, runSync, stepOnce } from "./generator.ts";
import { G, GI, gBlockBloom, gBlockHash, gInTxHash, Phase } from "./layout.ts";
import { type MachineOptions, StepMachine } from "./machine.ts";
import type { KzgVerifier } from "./precompiles.ts";
import { verifyStep } from "./verifier.ts";

/** A block's transactions to run over `world`. */
export interface TxsRequest {
  block: FrameBlock;
  world: FrameWorld;
  /** Each transaction's EIP-2718 bytes, in block order. */
  txs: readonly Uint8Array[];
}

/** What one transaction did, read when its `TxFinalize` ends. */
export interface TxOutcome {
  /** `tx.status`: 1 success, 2 reverted, 3 exceptional halt or failed deposit. */
  status: number;
  gasUsed: bigint;
  /** `tx.nonce` (a deposit: the receipt's depositNonce). */
  nonce: bigint;
  /** The world-state root after the transaction. */
  worldRoot: Uint8Array;
  /** The EIP-2718 type (0x7e for a deposit). */
  type: number;
  /** The L1 data fee it paid (0 for a deposit). */
  l1Fee: bigint;
}

function addressWord(a: Uint8Array | undefined): Uint8Array {
  const w = new Uint8Array(32);
  if (a) w.set(a, 12);
  return w;
}

/** Writes the transaction-mode starting state for `req` into `m` (emptied first). */
export function writeTxsState(m: StepMachine, req: TxsRequest): void {
  if (req.txs.length >= 1 << 14) throw new ProofFormatError(`too many transactions: ${req.txs.length}`);
  m.empty();
  m.setU64(G.phase, BigInt(Phase.TxLoad));
  const b = req.block;
  m.setU64(G.number, b.number ?? 0n);
  m.setU64(G.timestamp, b.timestamp ?? 0n);
  m.setLeaf(G.coinbase, addressWord(b.coinbase));
  m.setLeaf(G.prevRandao, b.prevRandao ?? new Uint8Array(32));
  m.setU64(G.gasLimit, b.gasLimit ?? 0n);
  m.setWord(G.baseFee, b.baseFee ?? 0n);
  m.setU64(G.chainId, b.chainId ?? 0n);
  m.setWord(G.blobBaseFee, b.blobBaseFee ?? 0n);
  const number = b.number ?? 0n;
  for (const [n, h] of b.blockHashes ?? []) {
    if (n < number && number - n <= 256n) m.setLeaf(gBlockHash(n), h);
  }
  const byHash = new Map<string, Uint8Array>();
  for (const [i, tx] of req.txs.entries()) {
    const h = keccak256(tx);
    byHash.set(toHex(h), tx);
    m.setLeaf(gInTxHash(BigInt(i)), h);
  }
  m.setU64(GI.txCount, BigInt(req.txs.length));
  m.setLeaf(G.worldRoot, req.world.root);
  m.preimageSource = (h) => req.world.preimages(h) ?? byHash.get(toHex(h));
  m.setU64(G.txIndex, 0n);
  m.setU64(G.depth, 0n);
  m.setU64(G.blockGasUsed, 0n);
}

/** A transaction-mode trace: every root and witness, and each transaction's outcome. */
export interface TxsTrace {
  roots: Uint8Array[];
  witnesses: Uint8Array[];
  /** Per step: the gindices read or written, and the kinds of its witness's preimages. */
  access: bigint[][];
  kinds: number[][];
  outcomes: TxOutcome[];
  blockGasUsed: bigint;
  /** The world-state root at the end (`Done`). */
  worldRoot: Uint8Array;
  /** The receipts root `BlockEnd` computed. */
  receiptsRoot: Uint8Array;
  /** The transactions root, the block hash and the output root v0 `BlockEnd` computed. */
  transactionsRoot: Uint8Array;
  blockHash: Uint8Array;
  outputRoot: Uint8Array;
  /** The block's logs bloom (256 bytes). */
  logsBloom: Uint8Array;
  /**
   * The index of the transaction that made the block restart with its deposits only (an invalid
   * user transaction, or a deposit after one); `outcomes` are then those of the deposits.
   */
  restartedAt?: number;
}

/** A block to run from `BlockStart` (block mode, §7): its inputs and the chain's constants. */
export interface BlockRequest {
  parentHash: Uint8Array;
  number: bigint;
  timestamp: bigint;
  prevRandao: Uint8Array;
  feeRecipient: Uint8Array;
  gasLimit: bigint;
  baseFee: bigint;
  parentBeaconRoot: Uint8Array;
  /** The parent block's state root (the world the block starts from). */
  parentStateRoot: Uint8Array;
  l1Origin?: Uint8Array;
  txs: readonly Uint8Array[];
  chainId: bigint;
  /** The blob base fee (Ore: always 1 wei). */
  blobBaseFee: bigint;
  /** Hashes of the last 256 blocks, by number. */
  blockHashes?: ReadonlyMap<bigint, Uint8Array>;
  /** MPT nodes and code of the parent state (and any the generator misses come from `fetch`). */
  preimages: (hash: Uint8Array) => Uint8Array | undefined;
}

/** Writes the block-mode starting state for `req` into `m` (emptied first). */
export function writeBlockState(m: StepMachine, req: BlockRequest): void {
  if (req.txs.length >= 1 << 14) throw new ProofFormatError(`too many transactions: ${req.txs.length}`);
  m.empty();
  m.setU64(G.phase, BigInt(Phase.BlockStart));
  m.setLeaf(GI.parentHash, req.parentHash);
  m.setU64(GI.number, req.number);
  m.setU64(GI.timestamp, req.timestamp);
  m.setLeaf(GI.prevRandao, req.prevRandao);
  m.setLeaf(GI.feeRecipient, addressWord(req.feeRecipient));
  m.setU64(GI.gasLimit, req.gasLimit);
  m.setWord(GI.baseFee, req.baseFee);
  m.setLeaf(GI.parentBeaconRoot, req.parentBeaconRoot);
  m.setLeaf(GI.parentStateRoot, req.parentStateRoot);
  m.setLeaf(GI.l1Origin, req.l1Origin ?? new Uint8Array(32));
  m.setU64(G.chainId, req.chainId);
  m.setWord(G.blobBaseFee, req.blobBaseFee);
  for (const [n, h] of req.blockHashes ?? []) {
    if (n < req.number && req.number - n <= 256n) m.setLeaf(gBlockHash(n), h);
  }
  const byHash = new Map<string, Uint8Array>();
  for (const [i, tx] of req.txs.entries()) {
    const h = keccak256(tx);
    byHash.set(toHex(h), tx);
    m.setLeaf(gInTxHash(BigInt(i)), h);
  }
  m.setU64(GI.txCount, BigInt(req.txs.length));
  m.preimageSource = (h) => req.preimages(h) ?? byHash.get(toHex(h));
}

/**
 * Options of a transaction- or block-mode run. `verify` re-verifies every step from its witness
 * alone as it goes (tests); `kzg` is the host's KZG for point evaluation (0x0a), used by the
 * generating machine and the re-verifying one alike (without it such a call is refused by name).
 */
export interface TraceOptions {
  verify?: boolean;
  maxSteps?: number;
  witnesses?: boolean;
  kzg?: KzgVerifier;
}

/** The outcome of the transaction `m` just finished (read when `TxFinalize` hands over to `TxLoad`). */
export function txOutcome(m: StepMachine): TxOutcome {
  return {
    status: Number(m.getU64(G.txStatus)),
    gasUsed: m.getU64(G.txGasUsed),
    nonce: m.getU64(G.txNonce),
    worldRoot: m.getLeaf(G.worldRoot),
    type: Number(m.getU64(G.txType)),
    l1Fee: m.getWord(G.txL1Fee),
  };
}

function* traceTxs(
  m: StepMachine,
  opts: TraceOptions,
): Generator<Uint8Array, TxsTrace, Uint8Array | undefined> {
  const roots = [m.root()];
  const witnesses: Uint8Array[] = [];
  const access: bigint[][] = [];
  const kinds: number[][] = [];
  const outcomes: TxOutcome[] = [];
  const max = opts.maxSteps ?? 10_000_000;
  let phase = Number(m.getU64(G.phase));
  const blockMode = phase === Phase.BlockStart;
  let restartedAt: number | undefined;
  const verifier = opts.kzg ? machineOptions(opts) : undefined;
  for (let n = 0; phase !== Phase.Done; n++) {
    if (n >= max) throw new ProofFormatError(`trace longer than maxSteps ${max}`);
    const before = phase;
    yield* stepOnce(m, n);
    const root = m.root();
    roots.push(root);
    if (opts.witnesses !== false) {
      const w = m.packWitness();
      if (opts.verify) {
        const v = verifyStep(roots[roots.length - 2], w, root, verifier);
        if (!v.ok) throw new Error(`step ${n}: ${v.reason}`);
      }
      witnesses.push(w);
      access.push(m.accessList());
      kinds.push(m.preimageKinds());
    }
    phase = Number(m.getU64(G.phase));
    if (before === Phase.TxFinalize && phase === Phase.TxLoad) outcomes.push(txOutcome(m));
    if (phase === Phase.BlockStart && before !== Phase.BlockStart) {
      restartedAt = Number(m.getU64(G.txIndex));
      if (!blockMode) {
        throw new ProofFormatError(
          `transaction ${restartedAt} is invalid: its block restarts with deposits only, which needs block mode`,
        );
      }
      outcomes.length = 0;
    }
  }
  return {
    roots,
    witnesses,
    access,
    kinds,
    outcomes,
    blockGasUsed: m.getU64(G.blockGasUsed),
    worldRoot: m.getLeaf(G.worldRoot),
    receiptsRoot: m.getLeaf(G.receiptsRoot),
    transactionsRoot: m.getLeaf(G.transactionsRoot),
    blockHash: m.getLeaf(G.blockHash),
    outputRoot: m.getLeaf(G.outputRoot),
    logsBloom: new Uint8Array(
      Array.from({ length: 8 }, (_, j) => [...m.getLeaf(gBlockBloom(BigInt(j)))]).flat(),
    ),
    ...(restartedAt === undefined ? {} : { restartedAt }),
  };
}

/**
 * Runs `req` in transaction mode until `Done`; with `verify`, re-verifies every step from its
 * witness alone as it goes (tests).
 */
export function generateTxs(req: TxsRequest, opts: Omit<TraceOptions, "witnesses"> = {}): TxsTrace {
  const m = new StepMachine("generator", machineOptions(opts));
  writeTxsState(m, req);
  return runSync(traceTxs(m, opts));
}

/** Runs `req` in block mode until `Done` (every preimage from `req.preimages`). */
export function generateBlock(req: BlockRequest, opts: TraceOptions = {}): TxsTrace {
  const m = new StepMachine(opts.witnesses === false ? "lazy" : "generator", machineOptions(opts));
  writeBlockState(m, req);
  return runSync(traceTxs(m, opts));
}

/** Runs `req` in block mode until `Done`, asking `fetch` for the preimages it misses. */
export function generateBlockAsync(
  req: BlockRequest,
  fetch: AsyncPreimageSource,
  opts: TraceOptions = {},
): Promise<TxsTrace> {
  const m = new StepMachine(opts.witnesses === false ? "lazy" : "generator", machineOptions(opts));
  writeBlockState(m, req);
  return runAsync(traceTxs(m, opts), fetch);
}

/** Whether a block-mode trace goes on: it has not reached `Done`. */
function blockLive(m: StepMachine): boolean {
  return Number(m.getU64(G.phase)) !== Phase.Done;
}

/**
 * Lazy mode (§8.4) in block mode: the roots r[i] of `req`'s trace at the requested step indices
 * only (what a k-section round asks for; an index past the end maps to the final root), without
 * merkleizing the steps between them or packing any witness.
 */
export function blockRootsAt(
  req: BlockRequest,
  indices: readonly number[],
  opts: Pick<TraceOptions, "maxSteps" | "kzg"> = {},
): Map<number, Uint8Array> {
  const m = new StepMachine("lazy", machineOptions(opts));
  writeBlockState(m, req);
  return runSync(lazyRoots(m, indices, opts.maxSteps ?? 10_000_000, blockLive));
}

/** {@link blockRootsAt}, asking `fetch` for the preimages it misses. */
export function blockRootsAtAsync(
  req: BlockRequest,
  indices: readonly number[],
  fetch: AsyncPreimageSource,
  opts: Pick<TraceOptions, "maxSteps" | "kzg"> = {},
): Promise<Map<number, Uint8Array>> {
  const m = new StepMachine("lazy", machineOptions(opts));
  writeBlockState(m, req);
  return runAsync(lazyRoots(m, indices, opts.maxSteps ?? 10_000_000, blockLive), fetch);
}

const NO_KZG: MachineOptions = {};
const withKzg = new WeakMap<KzgVerifier, MachineOptions>();

/** One options object per verifier, so `verifyStep` reuses its machine for that verifier. */
function machineOptions(opts: TraceOptions): MachineOptions {
  if (opts.kzg === undefined) return NO_KZG;
  let o = withKzg.get(opts.kzg);
  if (o === undefined) {
    o = { kzg: opts.kzg };
    withKzg.set(opts.kzg, o);
  }
  return o;
}
