/**
 * `bun run bench mpt`: Merkle Patricia Trie figures against @ethereumjs/mpt in the same process.
 *   - roots of 10k, 100k and 1M random 32-byte keys with 32-byte and ~110-byte (account-like)
 *     values (`trieRoot`; `secureTrieRoot` at 1M too), @ethereumjs/mpt at 10k and 100k;
 *   - the persistent trie: 100k puts and one commit;
 *   - proofs per second (generation and verification) on a 100k-entry secure trie;
 *   - peak memory (max RSS) and the WASM memory the 1M build took.
 * Targets (issue "MPT core in WASM"): >= 50x @ethereumjs/mpt at 100k, 1M root <= 3 s, >= 100k
 * verified proofs/s. `ORE_BENCH_QUICK=1` skips the 1M and @ethereumjs 100k cases.
 */
import { createMerkleProof, createMPT } from "@ethereumjs/mpt";
import { keccak256 } from "../core/hash/keccak.ts";
import { MemoryNodeStore } from "../core/mpt/nodeStore.ts";
import { MerkleTrie } from "../core/mpt/trie.ts";
import { secureTrieRoot, type TrieEntry, trieRoot } from "../core/mpt/trieRoot.ts";
import { verifyProof } from "../core/mpt/verifyProof.ts";
import { mptWasm } from "../wasm/mpt.ts";
import { type Measurement, report, timeIt } from "./harness.ts";

const QUICK = !!process.env.ORE_BENCH_QUICK;
const rows: Measurement[] = [];
const notes: string[] = [];

function entries(n: number, valueLen: number): TrieEntry[] {
  const out: TrieEntry[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [randomBytes(32), randomBytes(valueLen)];
  return out;
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Best of `runs` timings of `fn`, in ms. */
function best(runs: number, fn: () => unknown): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function ethereumjsRoot(es: readonly TrieEntry[]): Promise<number> {
  const t = performance.now();
  const trie = await createMPT();
  for (const [k, v] of es) await trie.put(k, v);
  trie.root();
  return performance.now() - t;
}

const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

// Roots.
for (const [label, valueLen] of [
  ["32B values", 32],
  ["110B values", 110],
] as const) {
  for (const n of QUICK ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]) {
    const es = entries(n, valueLen);
    const group = `root ${n / 1000}k, ${label}`;
    // Hold the instance: a big build releases it from the loader, but its memory stays readable here.
    const wasm = mptWasm();
    const ms = best(n >= 1_000_000 ? 2 : 3, () => trieRoot(es));
    const wasmMiB = wasm.memory.buffer.byteLength / 2 ** 20;
    rows.push({ group, name: "ore trieRoot", opsPerSec: 1000 / ms, extra: { ms: +ms.toFixed(1), wasmMiB } });
    if (n === 1_000_000) {
      const sms = best(1, () => secureTrieRoot(es));
      rows.push({ group, name: "ore secureTrieRoot", opsPerSec: 1000 / sms, extra: { ms: +sms.toFixed(1) } });
      notes.push(
        `1M entries with ${label}: trieRoot ${ms.toFixed(0)} ms, secureTrieRoot ${sms.toFixed(0)} ms, WASM memory ${wasmMiB.toFixed(0)} MiB`,
      );
    }
    if (n === 10_000 || (n === 100_000 && valueLen === 32 && !QUICK)) {
      // @ethereumjs/mpt: inserts through its async API, then the root (what "2.2 s for 10k" measured).
      const ejs = await ethereumjsRoot(es);
      rows.push({ group, name: "@ethereumjs/mpt", opsPerSec: 1000 / ejs, extra: { ms: +ejs.toFixed(1) } });
      rows.find((r) => r.group === group && r.name === "ore trieRoot")!.baseline = "@ethereumjs/mpt";
    }
    console.log(`${group}: ${ms.toFixed(1)} ms (max RSS so far ${maxRssMiB().toFixed(0)} MiB)`);
  }
}

// Persistent trie and proofs on a 100k-entry secure trie with account-like values.
{
  const n = 100_000;
  const es = entries(n, 110);
  const trie = new MerkleTrie(new MemoryNodeStore(), { secure: true });
  let t = performance.now();
  for (const [k, v] of es) trie.put(k, v);
  const putMs = performance.now() - t;
  t = performance.now();
  const root = trie.commit();
  const commitMs = performance.now() - t;
  rows.push({ group: "persistent trie 100k", name: "put", opsPerSec: (n * 1000) / putMs });
  rows.push({
    group: "persistent trie 100k",
    name: "commit of the 100k puts",
    opsPerSec: 1000 / commitMs,
    extra: { ms: +commitMs.toFixed(1) },
  });

  const keys = es.slice(0, 20_000).map(([k]) => k);
  let i = 0;
  const genOps = timeIt(() => trie.getProof(keys[i++ % keys.length]!), { minMs: 1000 });
  rows.push({ group: "proofs 100k trie", name: "ore getProof", opsPerSec: genOps });
  const proofs = keys.map((k) => trie.getProof(k));
  const paths = keys.map((k) => keccak256(k));
  const avgNodes = proofs.reduce((a, p) => a + p.length, 0) / proofs.length;
  const avgBytes = proofs.reduce((a, p) => a + p.reduce((x, y) => x + y.length, 0), 0) / proofs.length;
  notes.push(
    `proofs of the 100k trie: ${avgNodes.toFixed(2)} nodes, ${avgBytes.toFixed(0)} bytes on average`,
  );
  i = 0;
  const verOps = timeIt(
    () => {
      const j = i++ % proofs.length;
      verifyProof(root, paths[j]!, proofs[j]!);
    },
    { minMs: 1500 },
  );
  rows.push({ group: "proofs 100k trie", name: "ore verifyProof", opsPerSec: verOps });

  // The reference on the same data: proof creation through its async API.
  const ref = await createMPT({ useKeyHashing: true });
  for (const [k, v] of es) await ref.put(k, v);
  const m = 2000;
  t = performance.now();
  for (let j = 0; j < m; j++) await createMerkleProof(ref, keys[j]!);
  rows.push({
    group: "proofs 100k trie",
    name: "@ethereumjs createMerkleProof",
    opsPerSec: (m * 1000) / (performance.now() - t),
  });
  rows.find((r) => r.name === "ore getProof")!.baseline = "@ethereumjs createMerkleProof";
}

notes.push(`peak memory (max RSS of this process): ${maxRssMiB().toFixed(0)} MiB`);
{
  // The targets, from the rows above.
  const row = (group: string, name: string) => rows.find((r) => r.group === group && r.name === name);
  const ore100k = row("root 100k, 32B values", "ore trieRoot");
  const ejs100k = row("root 100k, 32B values", "@ethereumjs/mpt");
  if (ore100k && ejs100k)
    notes.push(
      `target >= 50x @ethereumjs/mpt at 100k: ${(ore100k.opsPerSec / ejs100k.opsPerSec).toFixed(0)}x`,
    );
  for (const g of ["root 1000k, 32B values", "root 1000k, 110B values"]) {
    const r = row(g, "ore trieRoot");
    if (r) notes.push(`target 1M root <= 3000 ms (${g.slice(12)}): ${(1000 / r.opsPerSec).toFixed(0)} ms`);
  }
  const v = row("proofs 100k trie", "ore verifyProof");
  if (v) notes.push(`target >= 100k verified proofs/s (100k trie): ${(v.opsPerSec / 1000).toFixed(0)}k/s`);
}
report("mpt", rows, notes);
