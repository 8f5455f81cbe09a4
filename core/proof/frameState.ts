/**
 * Frame mode (docs/fault-proof.md §8.1): the starting state of a trace that runs one top-level
 * frame of code, with the block and transaction context it sees, from its first opcode until it
 * halts. It is what the machine can prove today, and the shape `FrameEnter` will produce.
 */
import { keccak256 } from "../hash/keccak.ts";
import { chunkCode } from "./codeChunks.ts";
import { ProofFormatError } from "./errors.ts";
import {
  G,
  gBlobHash,
  gBlockHash,
  gCalldata,
  gCode,
  MAX_CALLDATA,
  MAX_CODE_CHUNKS,
  Phase,
} from "./layout.ts";
import type { StepMachine } from "./machine.ts";

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

/** What to run: code and its call context. Omitted fields are zero or empty. */
export interface FrameRequest {
  code: Uint8Array;
  calldata?: Uint8Array;
  gas: bigint;
  caller?: Uint8Array;
  address?: Uint8Array;
  value?: bigint;
  origin?: Uint8Array;
  gasPrice?: bigint;
  blobHashes?: readonly Uint8Array[];
  block?: FrameBlock;
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

  m.setU64(G.gas, req.gas);
  for (const [i, c] of chunks.entries()) m.setLeaf(gCode(BigInt(i)), c);
  m.setU64(G.codeLen, BigInt(req.code.length));
  m.setLeaf(G.codeHash, keccak256(req.code));
  for (let j = 0; j * 32 < calldata.length; j++) {
    const c = new Uint8Array(32);
    c.set(calldata.subarray(j * 32, j * 32 + 32));
    m.setLeaf(gCalldata(BigInt(j)), c);
  }
  m.setU64(G.calldataLen, BigInt(calldata.length));
  m.setLeaf(G.caller, addressWord(req.caller, "caller"));
  m.setLeaf(G.address, addressWord(req.address, "address"));
  m.setWord(G.value, req.value ?? 0n);
}
