/**
 * Keccak-256 benchmark rows: Ore's WASM keccak against hash-wasm (its reused synchronous hasher,
 * `init().update(x).digest("binary")` per input, the fastest way to call it) and
 * `@noble/hashes`, all in this process. `bench/hash.bench.ts` combines these rows with the Merkle
 * rows and reports them.
 *
 * hash-wasm's hasher can only be created asynchronously, so this module awaits it at the top
 * level: once `import { benchKeccak } from "./keccak.ts"` resolves, `benchKeccak()` is ready.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak } from "hash-wasm";
import { keccak256, keccak256Many } from "../core/hash/keccak.ts";
import type { Measurement } from "./harness.ts";

const hw = await createKeccak(256);

function input(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7 + (i >>> 8)) & 255;
  return out;
}

/** This process's CPU time (user + system) in milliseconds. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Calls per second of `fn` (times `opsPerCall`), like the harness's `timeIt` but counting this
 * process's CPU time, not wall time: time the shared bench machine gives to other processes
 * does not count against whoever is running then. Reading it is a syscall (~1.4 us under Bun),
 * so calls are timed in batches that double until one takes 2 ms.
 */
function timeCpu(fn: () => unknown, opts: { minMs: number; opsPerCall: number }): number {
  const warm = cpuMs();
  while (cpuMs() - warm < Math.min(100, opts.minMs / 4)) fn();
  let calls = 0;
  let batch = 1;
  const start = cpuMs();
  let elapsed = 0;
  do {
    const t = cpuMs();
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    const now = cpuMs();
    if (now - t < 2) batch *= 2;
    elapsed = now - start;
  } while (elapsed < opts.minMs);
  return (calls * opts.opsPerCall * 1000) / elapsed;
}

/**
 * Four rows for one case: ore vs hash-wasm, ore vs noble, and the two peers' own rates. The
 * three contenders are timed in interleaved rounds, in CPU time, and each keeps its best round,
 * so a burst of load from other processes on a shared machine skews one round, not the ratio.
 */
function rows(
  group: string,
  bytes: number,
  opsPerCall: number,
  fns: { ore: () => unknown; hashWasm: () => unknown; noble: () => unknown },
  minMs: number,
): Measurement[] {
  const rounds = 5;
  let [ore, hashWasm, noble] = [0, 0, 0];
  for (let r = 0; r < rounds; r++) {
    const opts = { minMs: minMs / rounds, opsPerCall };
    hashWasm = Math.max(hashWasm, timeCpu(fns.hashWasm, opts));
    noble = Math.max(noble, timeCpu(fns.noble, opts));
    ore = Math.max(ore, timeCpu(fns.ore, opts));
  }
  const row = (name: string, opsPerSec: number, baseline?: string): Measurement => ({
    group,
    name,
    opsPerSec,
    bytesPerSec: opsPerSec * bytes,
    ...(baseline === undefined ? {} : { baseline }),
  });
  return [
    row("hash-wasm", hashWasm),
    row("noble", noble),
    row("ore", ore, "hash-wasm"),
    row("ore ", ore, "noble"),
  ];
}

/**
 * Measures Ore's `keccak256` at 32 B, 64 B, 136 B, 1 KiB and 1 MiB (single calls) and
 * `keccak256Many` over batches of 1024 inputs of 32 B, of 64 B and of mixed lengths 0-200 B (as
 * trie nodes vary), each against hash-wasm and noble. In every group the row `ore` carries its
 * ratio to hash-wasm and the row `ore ` (same figure) its ratio to noble; ops/s count hashes, so
 * batch rows are hashes per second (per second of this process's CPU time).
 */
export function benchKeccak(opts: { minMs?: number } = {}): Measurement[] {
  const minMs = opts.minMs ?? 400;
  const out: Measurement[] = [];
  for (const [label, n] of [
    ["32 B", 32],
    ["64 B", 64],
    ["136 B", 136],
    ["1 KiB", 1024],
    ["1 MiB", 1048576],
  ] as const) {
    const x = input(n, n);
    out.push(
      ...rows(
        `keccak256 ${label}`,
        n,
        1,
        {
          ore: () => keccak256(x),
          hashWasm: () => hw.init().update(x).digest("binary"),
          noble: () => keccak_256(x),
        },
        minMs,
      ),
    );
  }
  const mixed = (i: number): number => (i * 37) % 201;
  for (const [label, len, avg] of [
    ["32 B", () => 32, 32],
    ["64 B", () => 64, 64],
    ["0-200 B", mixed, 100],
  ] as const) {
    const batch = Array.from({ length: 1024 }, (_, i) => input(len(i), i));
    out.push(
      ...rows(
        `keccak256Many 1024 × ${label}`,
        avg,
        batch.length,
        {
          ore: () => keccak256Many(batch),
          hashWasm: () => {
            const res: Uint8Array[] = new Array(batch.length);
            for (let i = 0; i < batch.length; i++) res[i] = hw.init().update(batch[i]!).digest("binary");
            return res;
          },
          noble: () => batch.map((x) => keccak_256(x)),
        },
        minMs,
      ),
    );
  }
  return out;
}
