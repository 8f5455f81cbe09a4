/**
 * `bun run bench <suite>`: runs `bench/<suite>.bench.ts`. With no suite, lists them.
 */
import { readdirSync } from "node:fs";

const suites = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (wanted.length === 0) {
  console.log(`usage: bun run bench <suite>   suites: ${suites.join(", ")}`);
  process.exit(2);
}
for (const suite of wanted) {
  if (!suites.includes(suite)) {
    console.error(`unknown bench suite "${suite}"; known: ${suites.join(", ")}`);
    process.exit(2);
  }
  await import(`./${suite}.bench.ts`);
}
