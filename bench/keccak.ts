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
import { type Measurement, timeIt } from "./harness.ts";

const hw = await createKeccak(256);

function input(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7 + (i >>> 8)) & 255;
  return out;
}

/**
 * Four rows for one case: ore vs hash-wasm, ore vs noble, and the two peers' own rates. The
 * three contenders are timed in interleaved rounds and each keeps its best round, so a burst of
 * load from other processes on a shared machine skews one round, not the ratio.
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
    hashWasm = Math.max(hashWasm, timeIt(fns.hashWasm, opts));
    noble = Math.max(noble, timeIt(fns.noble, opts));
    ore = Math.max(ore, timeIt(fns.ore, opts));
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
 * `keccak256Many` over batches of 1024 inputs of 32 B and 64 B, each against hash-wasm and
 * noble. In every group the row `ore` carries its ratio to hash-wasm and the row `ore ` (same
 * figure) its ratio to noble; ops/s count hashes, so batch rows are hashes per second.
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
  for (const n of [32, 64]) {
    const batch = Array.from({ length: 1024 }, (_, i) => input(n, i));
    out.push(
      ...rows(
        `keccak256Many 1024 × ${n} B`,
        n,
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
