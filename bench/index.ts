/**
 * `bun run bench <suite> [part…]`: runs `bench/<suite>.bench.ts`. With no suite, lists them.
 * Words after a suite that are not suites name parts of it (`bun run bench proof block30m`); the
 * suite reads them from `ORE_BENCH_PARTS` (comma-separated, empty for all) and refuses unknown ones.
 */
import { readdirSync } from "node:fs";

const suites = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (wanted.length === 0) {
  console.log(`usage: bun run bench <suite> [part…]   suites: ${suites.join(", ")}`);
  process.exit(2);
}
const runs: { suite: string; parts: string[] }[] = [];
for (const word of wanted) {
  if (suites.includes(word)) runs.push({ suite: word, parts: [] });
  else if (runs.length > 0) runs[runs.length - 1]!.parts.push(word);
  else {
    console.error(`unknown bench suite "${word}"; known: ${suites.join(", ")}`);
    process.exit(2);
  }
}
for (const { suite, parts } of runs) {
  process.env.ORE_BENCH_PARTS = parts.join(",");
  await import(`./${suite}.bench.ts`);
}
