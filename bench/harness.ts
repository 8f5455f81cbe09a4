/**
 * Shared benchmark harness: times a function against named peers in the same process and
 * prints a table with ratios, the machine and the date; `report` also writes the figures as
 * JSON to `bench/results/<suite>.json`. Benchmarks measure; they never assert.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

/** One measured case: `ops` per second, plus bytes per second when the case has a byte size. */
export interface Measurement {
  group: string;
  name: string;
  opsPerSec: number;
  bytesPerSec?: number;
  /** Name of the row in the same group that `ratio` compares against. */
  baseline?: string;
  ratio?: number;
  extra?: Record<string, number | string>;
}

/** Machine and runtime facts printed with every benchmark. */
export function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    runtime: typeof Bun !== "undefined" ? `bun ${Bun.version}` : `node ${process.version}`,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * Runs `fn` repeatedly for at least `minMs` (after a warm-up) and returns calls per second.
 * `fn` may perform `opsPerCall` operations per call (e.g. a batch), which the rate accounts for.
 */
export function timeIt(fn: () => unknown, opts: { minMs?: number; opsPerCall?: number } = {}): number {
  const minMs = opts.minMs ?? 400;
  const opsPerCall = opts.opsPerCall ?? 1;
  const warm = performance.now();
  while (performance.now() - warm < Math.min(100, minMs / 4)) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (calls * opsPerCall * 1000) / elapsed;
}

/** Async variant of {@link timeIt}. */
export async function timeItAsync(
  fn: () => Promise<unknown>,
  opts: { minMs?: number; opsPerCall?: number } = {},
): Promise<number> {
  const minMs = opts.minMs ?? 400;
  const opsPerCall = opts.opsPerCall ?? 1;
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (calls * opsPerCall * 1000) / elapsed;
}

/** Fills in `ratio` for every row that names a `baseline` in its group. */
export function withRatios(rows: Measurement[]): Measurement[] {
  return rows.map((r) => {
    if (!r.baseline) return r;
    const base = rows.find((b) => b.group === r.group && b.name === r.baseline);
    return base ? { ...r, ratio: r.opsPerSec / base.opsPerSec } : r;
  });
}

function fmt(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(2);
}

/** Prints the table, machine and date, and writes `bench/results/<suite>.json`. */
export function report(suite: string, rows: Measurement[], notes: string[] = []): void {
  const m = machine();
  const full = withRatios(rows);
  console.log(`\n# bench ${suite} — ${m.date}`);
  console.log(`machine: ${m.cpu} × ${m.cores}, ${m.memoryGiB} GiB, ${m.platform}, ${m.runtime}\n`);
  const header = ["group", "case", "ops/s", "MB/s", "ratio"];
  const body = full.map((r) => [
    r.group,
    r.name,
    fmt(r.opsPerSec),
    r.bytesPerSec === undefined ? "" : (r.bytesPerSec / 1e6).toFixed(1),
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x vs ${r.baseline}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of body) console.log(line(row));
  for (const n of notes) console.log(n);
  const dir = join(import.meta.dir, "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.json`);
  writeFileSync(file, `${JSON.stringify({ suite, machine: m, rows: full, notes }, null, 2)}\n`);
  console.log(`\nfigures written to ${file}`);
}
