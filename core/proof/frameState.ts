/**
 * Frame mode (docs/fault-proof.md §8.1): the starting state of a trace that runs one top-level
 * frame of code, with the block and transaction context it sees and, optionally, a world state
 * (an MPT root whose nodes and code a {@link PreimageSource} provides), from its first opcode
 * until it halts. It is what the machine can prove today, and the shape `FrameEnter` will produce.
 */
import { concatBytes } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { EMPTY_ROOT } from "../mpt/constants.ts";
import { MemoryNodeStore } from "../mpt/nodeStore.ts";
import { MerkleTrie } from "../mpt/trie.ts";
import { chunkCode } from "./codeChunks.ts";
import { ProofFormatError } from "./errors.ts";
import {
  FRAME_SHAPE,
  frameG,
  G,
  gBlobHash,
  gBlockHash,
  gFrame,
  MAX_CALLDATA,
  MAX_CODE_CHUNKS,
  Phase,
} from "./layout.ts";
import type { PreimageSource, StepMachine } from "./machine.ts";

/** Block fields a frame can read. Omitted fields are zero. */
export interface FrameBlock {
  number?: bigint;
  timestamp?: bigint;
  coinbase?: Uint8Array;
  prevRandao?: Uint8Array;
  gasLimit?: bigint;
  baseFee?: bigint;
  chainId?: bigint;
  blobBaseFee?: bigint;
  /** Hashes of recent blocks, by number (only the last 256 before `number` are readable). */
  blockHashes?: ReadonlyMap<bigint, Uint8Array>;
}

/** The world state a frame runs against. */
export interface FrameWorld {
  /** State root (keccak MPT) when the frame starts. */
  root: Uint8Array;
  /** State root at the start of the transaction (SSTORE's original values); default `root`. */
  txStartRoot?: Uint8Array;
  /** MPT nodes and contract code by keccak hash. */
  preimages: PreimageSource;
}

/** Addresses and storage slots warm when the frame starts (EIP-2929). */
export interface FrameWarm {
  addresses?: readonly Uint8Array[];
  /** `[address, 32-byte slot]` pairs. */
  slots?: readonly (readonly [Uint8Array, Uint8Array])[];
}

/** What to run: code and its call context. Omitted fields are zero or empty. */
export interface FrameRequest {
  code: Uint8Array;
  calldata?: Uint8Array;
  gas: bigint;
  caller?: Uint8Array;
  address?: Uint8Array;
  value?: bigint;
  isStatic?: boolean;
  origin?: Uint8Array;
  gasPrice?: bigint;
  blobHashes?: readonly Uint8Array[];
  block?: FrameBlock;
  /** Default: the empty state (every account absent). */
  world?: FrameWorld;
  warm?: FrameWarm;
}

function addressWord(a: Uint8Array | undefined, name: string): Uint8Array {
  const w = new Uint8Array(32);
  if (a === undefined) return w;
  if (a.length !== 20) throw new ProofFormatError(`${name}: expected 20 bytes, found ${a.length}`);
  w.set(a, 12);
  return w;
}

function word(b: Uint8Array | undefined, name: string): Uint8Array {
  if (b === undefined) return new Uint8Array(32);
  if (b.length !== 32) throw new ProofFormatError(`${name}: expected 32 bytes, found ${b.length}`);
  return b;
}

/**
 * The access-set tries of `warm` (§5.2: key `keccak(address)` resp. `keccak(address ‖ slot)`,
 * value `0x01`), with their nodes in `store`.
 */
export function warmSetRoots(
  warm: FrameWarm | undefined,
  store: MemoryNodeStore,
): { addresses: Uint8Array; slots: Uint8Array } {
  const one = new Uint8Array([1]);
  const addresses = new MerkleTrie(store, { secure: true });
  const slots = new MerkleTrie(store, { secure: true });
  for (const [i, a] of (warm?.addresses ?? []).entries()) {
    if (a.length !== 20) throw new ProofFormatError(`warm.addresses[${i}]: expected 20 bytes`);
    addresses.put(a, one);
  }
  for (const [i, [a, s]] of (warm?.slots ?? []).entries()) {
    if (a.length !== 20 || s.length !== 32)
      throw new ProofFormatError(`warm.slots[${i}]: expected 20 + 32 bytes`);
    slots.put(concatBytes(a, s), one);
  }
  return { addresses: addresses.commit(), slots: slots.commit() };
}

/** Writes the frame-mode starting state for `req` into `m` (which is emptied first). */
export function writeFrameState(m: StepMachine, req: FrameRequest): void {
  const chunks = chunkCode(req.code);
  if (chunks.length > MAX_CODE_CHUNKS) {
    throw new ProofFormatError(`code too large: ${req.code.length} bytes > limit ${MAX_CODE_CHUNKS * 31}`);
  }
  const calldata = req.calldata ?? new Uint8Array(0);
  if (calldata.length > MAX_CALLDATA) {
    throw new ProofFormatError(`calldata too large: ${calldata.length} bytes > limit ${MAX_CALLDATA}`);
  }
  if (req.gas < 0n || req.gas >= 1n << 63n) throw new ProofFormatError(`gas out of range: ${req.gas}`);
  const blobs = req.blobHashes ?? [];
  if (blobs.length > 16) throw new ProofFormatError(`too many blob hashes: ${blobs.length} > 16`);

  m.empty();
  m.setU64(G.phase, BigInt(Phase.Exec));
  const b = req.block ?? {};
  m.setU64(G.number, b.number ?? 0n);
  m.setU64(G.timestamp, b.timestamp ?? 0n);
  m.setLeaf(G.coinbase, addressWord(b.coinbase, "block.coinbase"));
  m.setLeaf(G.prevRandao, word(b.prevRandao, "block.prevRandao"));
  m.setU64(G.gasLimit, b.gasLimit ?? 0n);
  m.setWord(G.baseFee, b.baseFee ?? 0n);
  m.setU64(G.chainId, b.chainId ?? 0n);
  m.setWord(G.blobBaseFee, b.blobBaseFee ?? 0n);
  const number = b.number ?? 0n;
  for (const [n, h] of b.blockHashes ?? []) {
    if (n < number && number - n <= 256n) m.setLeaf(gBlockHash(n), word(h, `block.blockHashes[${n}]`));
  }

  m.setLeaf(G.origin, addressWord(req.origin, "origin"));
  m.setWord(G.gasPrice, req.gasPrice ?? 0n);
  m.setU64(G.txGasLimit, req.gas);
  for (const [i, h] of blobs.entries()) m.setLeaf(gBlobHash(BigInt(i)), word(h, `blobHashes[${i}]`));
  m.setU64(G.blobHashesLen, BigInt(blobs.length));

  const world = req.world;
  m.setLeaf(G.worldRoot, word(world?.root ?? EMPTY_ROOT, "world.root"));
  m.setLeaf(G.txStartWorldRoot, word(world?.txStartRoot ?? world?.root ?? EMPTY_ROOT, "world.txStartRoot"));
  m.preimageSource = world?.preimages;
  const sets = new MemoryNodeStore();
  // The frame's own address is warm, as it always is in a transaction (EIP-2929).
  const warm = warmSetRoots(
    {
      addresses: [req.address ?? new Uint8Array(20), ...(req.warm?.addresses ?? [])],
      slots: req.warm?.slots,
    },
    sets,
  );
  for (const h of sets.hashes()) m.addPreimage(sets.get(h)!);
  m.setLeaf(G.accessedAddresses, warm.addresses);
  m.setLeaf(G.accessedSlots, warm.slots);
  m.setLeaf(G.transientRoot, EMPTY_ROOT);
  m.setLeaf(G.created, EMPTY_ROOT);

  m.setU64(G.depth, 0n);
  m.setShape(FRAME_SHAPE, gFrame(0n));
  const f = frameG(0n);
  m.setU64(f.gas, req.gas);
  for (const [i, c] of chunks.entries()) m.setLeaf(f.code(BigInt(i)), c);
  m.setU64(f.codeLen, BigInt(req.code.length));
  m.setLeaf(f.codeHash, keccak256(req.code));
  for (let j = 0; j * 32 < calldata.length; j++) {
    const c = new Uint8Array(32);
    c.set(calldata.subarray(j * 32, j * 32 + 32));
    m.setLeaf(f.calldata(BigInt(j)), c);
  }
  m.setU64(f.calldataLen, BigInt(calldata.length));
  m.setLeaf(f.caller, addressWord(req.caller, "caller"));
  m.setLeaf(f.address, addressWord(req.address, "address"));
  m.setWord(f.value, req.value ?? 0n);
  m.setU64(f.isStatic, req.isStatic ? 1n : 0n);
}
