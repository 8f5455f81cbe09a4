// Installs the npm dependencies when they are missing or older than package-lock.json, so the
// README's two commands work on a fresh clone with only Node and npm. Plain Node: it runs
// before bun exists.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const fresh =
  existsSync(marker) &&
  existsSync("node_modules/.bin/bun") &&
  statSync(marker).mtimeMs >= statSync("package-lock.json").mtimeMs;
if (!fresh) {
  // `npm install`, not `npm ci`: see .ci/run for why; it installs the locked versions.
  console.log("ore: installing dependencies (npm install)…");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
