/**
 * The layout of docs/fault-proof.md §2, rebuilt independently: the frame-mode starting state is
 * assembled here from SSZ-style containers, lists and vectors hashed with @noble/hashes'
 * SHA-256, straight from the doc's tables, and its root must equal the machine's.
 */
import { describe, expect, test } from "bun:test";
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { EMPTY_ROOT } from "../mpt/constants.ts";
import { seededRandom } from "../mpt/testing.ts";
import { secureTrieRoot } from "../mpt/trieRoot.ts";
import { chunkCode } from "./codeChunks.ts";
import { fakeBlockHash, referenceBlock } from "./evmReference.ts";
import { type FrameRequest, writeFrameState } from "./frameState.ts";
import { StepMachine } from "./machine.ts";
import { randomProgram } from "./randomProgram.ts";

const Z: Uint8Array[] = [new Uint8Array(32)];
const H = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const buf = new Uint8Array(64);
  buf.set(a);
  buf.set(b, 32);
  return sha256(buf);
};
for (let h = 1; h <= 64; h++) Z.push(H(Z[h - 1], Z[h - 1]));

/** Merkleizes `chunks` padded to 2^depth with elements of value Z[pad]. */
function merkleize(chunks: readonly Uint8Array[], depth: number, pad = 0): Uint8Array {
  let level = [...chunks];
  for (let d = 0; d < depth; d++) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(H(level[i], level[i + 1] ?? Z[pad + d]));
    level = next;
  }
  return level[0] ?? Z[pad + depth];
}
const u64 = (v: bigint): Uint8Array => {
  const c = new Uint8Array(32);
  new DataView(c.buffer).setBigUint64(0, v, true);
  return c;
};
const word = (v: bigint): Uint8Array => {
  const c = new Uint8Array(32);
  for (let i = 31; v > 0n; i--, v >>= 8n) c[i] = Number(v & 0xffn);
  return c;
};
const addr = (a: Uint8Array | undefined): Uint8Array => {
  const c = new Uint8Array(32);
  if (a) c.set(a, 12);
  return c;
};
const zero = new Uint8Array(32);
const container = (fields: Uint8Array[]): Uint8Array =>
  merkleize(fields, Math.ceil(Math.log2(fields.length)));
const list = (chunks: Uint8Array[], depth: number, length: number): Uint8Array =>
  H(merkleize(chunks, depth), u64(BigInt(length)));
const bytesChunks = (b: Uint8Array): Uint8Array[] => {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += 32) {
    const c = new Uint8Array(32);
    c.set(b.subarray(i, i + 32));
    out.push(c);
  }
  return out;
};

function specRoot(req: FrameRequest): Uint8Array {
  const b = req.block ?? {};
  const hashes: Uint8Array[] = Array.from({ length: 256 }, () => zero);
  for (const [n, h] of b.blockHashes ?? []) {
    if (n < (b.number ?? 0n) && (b.number ?? 0n) - n <= 256n) hashes[Number(n % 256n)] = h;
  }
  const block = container([
    u64(b.number ?? 0n),
    u64(b.timestamp ?? 0n),
    addr(b.coinbase),
    b.prevRandao ?? zero,
    u64(b.gasLimit ?? 0n),
    word(b.baseFee ?? 0n),
    u64(b.chainId ?? 0n),
    word(b.blobBaseFee ?? 0n),
    merkleize(hashes, 8),
    ...Array.from({ length: 7 }, () => zero),
  ]);
  const blobs = req.blobHashes ?? [];
  const tx = container([
    addr(req.origin),
    word(req.gasPrice ?? 0n),
    u64(req.gas),
    u64(0n),
    u64(0n),
    u64(0n),
    u64(0n),
    u64(0n),
    list([...blobs], 4, blobs.length),
    zero, // isDeposit
    zero, // mint
    EMPTY_ROOT, // startWorldRoot: the empty world
    ...Array.from({ length: 13 }, () => zero), // to .. l1GasUsed: unused in frame mode
    list([], 15, 0), // accessList
    ...Array.from({ length: 6 }, () => zero), // reserved
  ]);
  const calldata = req.calldata ?? new Uint8Array(0);
  const code = container([
    merkleize(chunkCode(req.code), 11),
    u64(BigInt(req.code.length)),
    keccak256(req.code),
    zero,
  ]);
  const op = merkleize([], 5); // 32 zero chunks
  const frame = container([
    u64(0n), // pc
    u64(req.gas),
    list([], 10, 0), // stack
    list([], 20, 0), // memory
    list(bytesChunks(calldata), 20, calldata.length),
    list([], 20, 0), // returnData
    code,
    addr(req.caller),
    addr(req.address),
    word(req.value ?? 0n),
    u64(0n), // kind
    u64(0n), // isStatic
    merkleize([], 2), // exit
    merkleize([], 3), // snapshot
    zero, // reserved
    op,
  ]);
  return container([
    u64(4n), // phase Exec
    block,
    container([
      ...Array.from({ length: 10 }, () => zero),
      list([], 14, 0),
      ...Array.from({ length: 5 }, () => zero),
    ]), // inputs
    tx,
    merkleize([frame], 11, 49), // frames: frame 0, the rest unused (Z[49])
    u64(0n), // depth
    EMPTY_ROOT, // worldRoot: the empty world
    // accessed: the frame's address is warm (key keccak(address), value 0x01), no slot
    container([secureTrieRoot([[req.address ?? new Uint8Array(20), new Uint8Array([1])]]), EMPTY_ROOT]),
    EMPTY_ROOT, // transientRoot
    zero, // refund
    container([zero, Z[56], ...Array.from({ length: 14 }, () => zero)]), // logs: no log
    // receipts: count, entries (each slot Z[7] until written), bloom, root, groups, groupsLen, stack, stackLen
    container([zero, Z[21], Z[3], zero, Z[3], zero, Z[7], zero, ...Array.from({ length: 8 }, () => zero)]),
    container([zero, Z[16]]), // selfdestructs: none
    EMPTY_ROOT, // created
    zero, // blockGasUsed
    container([
      ...Array.from({ length: 7 }, () => zero),
      merkleize([], 2), // walk.value
      zero,
      zero,
      zero,
      merkleize([], 3), // walk.carry
      merkleize([], 7), // walk.pathHash
      merkleize([], 7), // walk.pathDepth
      zero,
      zero,
    ]), // walk
  ]);
}

describe("step-state layout", () => {
  test("the machine's root of a frame-mode state equals the doc's layout rebuilt with @noble SHA-256", () => {
    const rand = seededRandom(7);
    for (let i = 0; i < 5; i++) {
      const p = randomProgram(rand);
      const req: FrameRequest = {
        ...p,
        caller: fakeBlockHash(1n).subarray(0, 20),
        address: fakeBlockHash(2n).subarray(0, 20),
        origin: fakeBlockHash(3n).subarray(0, 20),
        value: 5n + BigInt(i),
        gasPrice: 77n,
        blobHashes: i % 2 ? [fakeBlockHash(9n)] : [],
        block: referenceBlock(300n + BigInt(i), 10n),
      };
      const m = new StepMachine("generator");
      writeFrameState(m, req);
      expect(toHex(m.root())).toBe(toHex(specRoot(req)));
    }
  });

  test("the doc's test vectors (for other implementations)", () => {
    const m = new StepMachine("verifier");
    const vectors: [FrameRequest, `0x${string}`][] = [
      [
        { code: new Uint8Array(0), gas: 0n },
        "0xeb84832810167ccdd2ca296345c2176089cdf5930dd32359e6a376342c887921",
      ],
      [
        { code: new Uint8Array([0x60, 1, 0]), gas: 100n },
        "0xcef1d4ed337d1df4fe18b7ab771e3252a54aafebe46c0a5f915ce88613309a20",
      ],
    ];
    for (const [req, want] of vectors) {
      writeFrameState(m, req);
      expect(toHex(m.root())).toBe(want);
      expect(toHex(specRoot(req))).toBe(want);
    }
  });
});
