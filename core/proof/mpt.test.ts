/**
 * The step machine's MPT walker (docs/fault-proof.md §5.1) against Ore's MPT (itself tested
 * against @ethereumjs/mpt): random puts, deletes and gets over raw 32-byte keys, including key
 * sets with long shared prefixes and one-byte values, whose leaves and branches are small enough
 * to be embedded in their parents. Every walk step must verify from its witness alone, fetch at
 * most two preimages, and the roots and values must equal the reference's after every walk.
 * `ORE_SOAK=1` runs ten times as many operations.
 */
import { describe, expect, test } from "bun:test";
import { bytesEqual, toHex } from "../bytes.ts";
import { EMPTY_ROOT } from "../mpt/constants.ts";
import { MemoryNodeStore } from "../mpt/nodeStore.ts";
import { seededRandom } from "../mpt/testing.ts";
import { MerkleTrie } from "../mpt/trie.ts";
import { G, gWalkValue, WalkMode } from "./layout.ts";
import { StepMachine } from "./machine.ts";
import { verifyStep } from "./verifier.ts";
import { decodeWitness } from "./witness.ts";

const SOAK = process.env.ORE_SOAK === "1";

interface WalkResult {
  root: Uint8Array;
  found: boolean;
  value: Uint8Array;
  steps: number;
}

/** Runs one walk to its end on `m`, verifying every step; returns what the walk left. */
function walk(
  m: StepMachine,
  mode: "get" | "put",
  root: Uint8Array,
  key: Uint8Array,
  value?: Uint8Array,
): WalkResult {
  m.setU64(G.walkMode, BigInt(mode === "get" ? WalkMode.Get : WalkMode.Put));
  m.setLeaf(G.walkRoot, root);
  m.setLeaf(G.walkKey, key);
  m.setLeaf(G.walkRef, root);
  m.setU64(G.walkDepth, 0n);
  m.setU64(G.walkLevel, 0n);
  m.setU64(G.walkFound, 0n);
  const v = value ?? new Uint8Array(0);
  m.setU64(G.walkValueLen, BigInt(v.length));
  for (let i = 0; i * 32 < v.length; i++) {
    const c = new Uint8Array(32);
    c.set(v.subarray(i * 32, i * 32 + 32));
    m.setLeaf(gWalkValue(BigInt(i)), c);
  }
  let pre = m.root();
  let steps = 0;
  while (m.getU64(G.walkMode) !== BigInt(WalkMode.Idle)) {
    m.step(steps);
    const post = m.root();
    const w = m.packWitness();
    expect(decodeWitness(w).preimages.length).toBeLessThanOrEqual(2);
    const verdict = verifyStep(pre, w, post);
    if (!verdict.ok) throw new Error(`walk step ${steps}: ${verdict.reason}`);
    pre = post;
    steps++;
    if (steps > 200) throw new Error("walk does not end");
  }
  const n = Number(m.getU64(G.walkValueLen));
  const out = new Uint8Array(n);
  for (let i = 0; i * 32 < n; i++)
    out.set(m.getLeaf(gWalkValue(BigInt(i))).subarray(0, Math.min(32, n - i * 32)), i * 32);
  return { root: m.getLeaf(G.walkRoot), found: m.getU64(G.walkFound) === 1n, value: out, steps };
}

/** Random operations on a reference trie and the walker, compared after each. */
function differential(
  seed: number,
  ops: number,
  key: (rand: () => number) => Uint8Array,
  valueLen: () => number,
) {
  const rand = seededRandom(seed);
  const store = new MemoryNodeStore();
  const ref = new MerkleTrie(store);
  const m = new StepMachine("generator");
  m.empty();
  m.preimageSource = (h) => store.get(h);
  const keys: Uint8Array[] = [];
  let root = EMPTY_ROOT;
  let maxSteps = 0;
  for (let i = 0; i < ops; i++) {
    const r = rand();
    const k = keys.length > 0 && r < 0.45 ? keys[Math.floor(rand() * keys.length)] : key(rand);
    if (r < 0.15 && keys.length > 0) {
      const got = walk(m, "get", root, k);
      const want = ref.get(k);
      expect(toHex(got.value)).toBe(toHex(want ?? new Uint8Array(0)));
      expect(got.found).toBe(want !== undefined);
      continue;
    }
    const del = r < 0.35;
    const v = del ? new Uint8Array(0) : new Uint8Array(valueLen()).map(() => Math.floor(rand() * 256));
    const existed = ref.get(k) !== undefined;
    if (del) ref.del(k);
    else {
      ref.put(k, v);
      keys.push(k);
    }
    const want = ref.commit();
    const got = walk(m, "put", root, k, v);
    if (!bytesEqual(got.root, want)) {
      throw new Error(
        `op ${i} (${del ? "del" : "put"} ${toHex(k)}): root ${toHex(got.root)} != reference ${toHex(want)}`,
      );
    }
    expect(got.found).toBe(existed);
    maxSteps = Math.max(maxSteps, got.steps);
    root = want;
  }
  return maxSteps;
}

const randomKey = (rand: () => number): Uint8Array => new Uint8Array(32).map(() => Math.floor(rand() * 256));

describe("MPT walker vs Ore's MPT", () => {
  test("random keys and values of 1..110 bytes", () => {
    const rand = seededRandom(5);
    const maxSteps = differential(1, SOAK ? 3000 : 300, randomKey, () => 1 + Math.floor(rand() * 110));
    // 200 random keys make a trie three hashed levels deep: a put descends and ascends.
    expect(maxSteps).toBeGreaterThanOrEqual(5);
  }, 60_000);

  test("keys sharing long prefixes with one-byte values (embedded leaves, branches, extensions)", () => {
    // Keys differ only in a few of their last nibbles, so nodes near the bottom are < 32 bytes.
    const base = new Uint8Array(32).fill(0xab);
    const nearKey = (rand: () => number): Uint8Array => {
      const k = base.slice();
      const tail = 1 + Math.floor(rand() * 3);
      for (let i = 32 - tail; i < 32; i++) k[i] = Math.floor(rand() * 4) * 0x11 + (rand() < 0.5 ? 0 : 0x10);
      if (rand() < 0.2) k[10] = Math.floor(rand() * 3);
      return k;
    };
    const rand = seededRandom(6);
    differential(2, SOAK ? 3000 : 400, nearKey, () => (rand() < 0.8 ? 1 : 1 + Math.floor(rand() * 40)));
  }, 60_000);

  test("clusters of keys sharing prefixes of any length (extensions over hashed and embedded nodes)", () => {
    const rand = seededRandom(7);
    const bases = Array.from({ length: 4 }, () => randomKey(rand));
    const clustered = (r: () => number): Uint8Array => {
      const k = bases[Math.floor(r() * bases.length)].slice();
      const keep = Math.floor(r() * 32);
      for (let i = keep; i < 32; i++) k[i] = r() < 0.7 ? Math.floor(r() * 256) : k[i];
      return k;
    };
    differential(3, SOAK ? 3000 : 300, clustered, () => 1 + Math.floor(rand() * (rand() < 0.5 ? 3 : 100)));
  }, 60_000);

  test("a get of the empty trie and a delete of an absent key change nothing", () => {
    const m = new StepMachine("generator");
    m.empty();
    const k = randomKey(seededRandom(3));
    expect(walk(m, "get", EMPTY_ROOT, k)).toMatchObject({ found: false, steps: 1 });
    const r = walk(m, "put", EMPTY_ROOT, k, new Uint8Array(0));
    expect(toHex(r.root)).toBe(toHex(EMPTY_ROOT));
  });
});
