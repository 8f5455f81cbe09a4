/**
 * Deterministic random inputs for the MPT tests and benchmarks: a seeded PRNG and generators of
 * keys, values and operation sequences that stress the trie's corner cases (keys that are
 * prefixes of others, tiny values that make nodes embed, large values, deletions).
 */
import { randomBytes, seededRandom } from "../testing/random.ts";

export { randomBytes, seededRandom };

/** One step of a random workload: `put` (empty value = delete) or `del`. */
export type TrieOp = { op: "put"; key: Uint8Array; value: Uint8Array } | { op: "del"; key: Uint8Array };

/**
 * A random operation sequence over a small key pool, so updates and deletes hit present keys.
 * Keys have random lengths (1..`maxKeyLen`), often prefixes or extensions of other keys, and share
 * a first byte often enough to form extensions; values run from 1 byte to 10 KiB, mostly small
 * (embedded nodes), and are sometimes empty (a delete by put).
 */
export function randomOps(rand: () => number, count: number, maxKeyLen = 6): TrieOp[] {
  const pool: Uint8Array[] = [];
  const ops: TrieOp[] = [];
  for (let i = 0; i < count; i++) {
    let key: Uint8Array;
    const r = rand();
    if (pool.length > 0 && r < 0.35) {
      key = pool[(rand() * pool.length) | 0]!;
    } else if (pool.length > 0 && r < 0.55) {
      // A prefix or an extension of a known key.
      const base = pool[(rand() * pool.length) | 0]!;
      key =
        rand() < 0.5 && base.length > 1
          ? base.slice(0, 1 + ((rand() * (base.length - 1)) | 0))
          : concat(base, randomBytes(rand, 1 + ((rand() * 2) | 0)));
    } else {
      key = randomBytes(rand, 1 + ((rand() * maxKeyLen) | 0));
      if (rand() < 0.5) key[0] = 0x42;
    }
    pool.push(key);
    const v = rand();
    if (v < 0.12) ops.push({ op: "del", key });
    else if (v < 0.2) ops.push({ op: "put", key, value: new Uint8Array(0) });
    else ops.push({ op: "put", key, value: randomBytes(rand, valueLength(rand)) });
  }
  return ops;
}

function valueLength(rand: () => number): number {
  const r = rand();
  if (r < 0.5) return 1 + ((rand() * 4) | 0);
  if (r < 0.9) return 1 + ((rand() * 60) | 0);
  if (r < 0.98) return 1 + ((rand() * 600) | 0);
  return 10 * 1024;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
