import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileMulticall3, multicallModule } from "./build.ts";

test("multicall3.ts is the compiled Multicall3.sol", () => {
  const committed = readFileSync(join(import.meta.dir, "multicall3.ts"), "utf8");
  expect(committed).toBe(multicallModule(compileMulticall3()));
});
