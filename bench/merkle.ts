/**
 * SHA-256 Merkle benchmarks: Ore's WASM merkleization against the same tree hashed by a plain JS
 * level loop over `@chainsafe/as-sha256` (`digest64Into`, one JS-to-WASM call per hash) and over
 * `@noble/hashes`, plus multiproof build and verify. `bench/hash.bench.ts` reports these rows
 * together with keccak's; this file only measures.
 */
import { digest2Bytes32, digest64Into } from "@chainsafe/as-sha256";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { gindexAt, helperIndices } from "../core/merkle/gindex.ts";
import { type Multiproof, verifyMultiproof } from "../core/merkle/multiproof.ts";
import { MerkleTree, merkleize } from "../core/merkle/tree.ts";
import { type Measurement, timeIt } from "./harness.ts";

const LOG_N = 20;
const N = 2 ** LOG_N;
const PROOF_LEAVES = 16;
const SMALL = 64;

/** Deterministic chunk bytes (xorshift32 per word), so runs hash the same input. */
function chunkBytes(n: number): Uint8Array {
  const out = new Uint8Array(32 * n);
  const words = new Uint32Array(out.buffer);
  let s = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    words[i] = s;
  }
  return out;
}

/** Root of a power-of-two chunk count by a JS loop over levels, hashing each pair with `hashPair`. */
function levelLoop(chunks: Uint8Array, hashPair: (pair: Uint8Array, out: Uint8Array) => void): Uint8Array {
  let level = chunks;
  while (level.length > 32) {
    const next = new Uint8Array(level.length / 2);
    for (let i = 0; i < next.length; i += 32)
      hashPair(level.subarray(2 * i, 2 * i + 64), next.subarray(i, i + 32));
    level = next;
  }
  return level;
}

/** consensus-specs `calculate_multi_merkle_root`, transcribed in JS over as-sha256 (the peer). */
function specMultiRoot(proof: Multiproof): Uint8Array {
  const objects = new Map<bigint, Uint8Array>();
  for (const l of proof.leaves) objects.set(l.gindex, l.value);
  const helpers = helperIndices(proof.leaves.map((l) => l.gindex));
  helpers.forEach((g, i) => {
    objects.set(g, proof.helpers[i]!.value);
  });
  const keys = [...objects.keys()].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  for (let pos = 0; pos < keys.length; pos++) {
    const k = keys[pos]!;
    if (objects.has(k) && objects.has(k ^ 1n) && !objects.has(k >> 1n)) {
      objects.set(k >> 1n, digest2Bytes32(objects.get(k & ~1n)!, objects.get(k | 1n)!));
      keys.push(k >> 1n);
    }
  }
  return objects.get(1n)!;
}

/**
 * Measures merkleizing 2^20 chunks (Ore, Ore keeping the whole tree, the as-sha256 JS loop, the
 * noble JS loop), merkleizing 64 chunks, and multiproof build/verify for 16 chunks of a 2^20-chunk
 * tree (verify against the spec's algorithm in JS over as-sha256). Ratios compare Ore with each
 * peer in its own group. Takes about 15 s.
 */
export function benchMerkle(): Measurement[] {
  const chunks = chunkBytes(N);
  const bytes = chunks.length;
  const slow = { minMs: 1500 };

  const ore = timeIt(() => merkleize(chunks), slow);
  const oreTree = timeIt(() => MerkleTree.fromChunks(chunks), slow);
  const asLoop = timeIt(() => levelLoop(chunks, digest64Into), slow);
  const nobleLoop = timeIt(() => levelLoop(chunks, (pair, out) => out.set(nobleSha256(pair))), slow);

  // Step trees are mostly small: there the per-call cost (copy in, one call, copy out) shows.
  const small = chunks.subarray(0, 32 * SMALL);
  const oreSmall = timeIt(() => merkleize(small));
  const asSmall = timeIt(() => levelLoop(small, digest64Into));

  const tree = MerkleTree.fromChunks(chunks);
  const root = tree.root;
  const gindices = Array.from({ length: PROOF_LEAVES }, (_, i) => gindexAt(LOG_N, (i * 65_537 + 12_345) % N));
  const proof = tree.multiproof(gindices);
  const build = timeIt(() => tree.multiproof(gindices));
  const verify = timeIt(() => verifyMultiproof(root, proof));
  const verifySpec = timeIt(() => specMultiRoot(proof));

  const g1 = `merkleize 2^${LOG_N} chunks vs as-sha256 JS loop`;
  const g2 = `merkleize 2^${LOG_N} chunks vs noble JS loop`;
  const g3 = `merkleize ${SMALL} chunks vs as-sha256 JS loop`;
  const g4 = `multiproof, ${PROOF_LEAVES} chunks of a 2^${LOG_N} tree`;
  const helpers = { helpers: proof.helpers.length };
  return [
    {
      group: g1,
      name: "ore merkleize (wasm)",
      opsPerSec: ore,
      bytesPerSec: ore * bytes,
      baseline: "as-sha256 digest64 loop",
    },
    {
      group: g1,
      name: "ore MerkleTree.fromChunks",
      opsPerSec: oreTree,
      bytesPerSec: oreTree * bytes,
      baseline: "as-sha256 digest64 loop",
    },
    { group: g1, name: "as-sha256 digest64 loop", opsPerSec: asLoop, bytesPerSec: asLoop * bytes },
    {
      group: g2,
      name: "ore merkleize (wasm)",
      opsPerSec: ore,
      bytesPerSec: ore * bytes,
      baseline: "noble sha256 loop",
    },
    { group: g2, name: "noble sha256 loop", opsPerSec: nobleLoop, bytesPerSec: nobleLoop * bytes },
    {
      group: g3,
      name: "ore merkleize (wasm)",
      opsPerSec: oreSmall,
      bytesPerSec: oreSmall * 32 * SMALL,
      baseline: "as-sha256 digest64 loop",
    },
    { group: g3, name: "as-sha256 digest64 loop", opsPerSec: asSmall, bytesPerSec: asSmall * 32 * SMALL },
    { group: g4, name: "ore build (MerkleTree.multiproof)", opsPerSec: build, extra: helpers },
    {
      group: g4,
      name: "ore verify (wasm)",
      opsPerSec: verify,
      baseline: "spec algorithm, JS + as-sha256",
      extra: helpers,
    },
    { group: g4, name: "spec algorithm, JS + as-sha256", opsPerSec: verifySpec, extra: helpers },
  ];
}
