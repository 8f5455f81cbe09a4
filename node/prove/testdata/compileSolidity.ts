/**
 * Compiles one Solidity file with solc-js (optimizer on, 200 runs, Cancun) into each contract's
 * ABI and creation bytecode, for the fault-proof agreement tests (`../contracts.test.ts`, over
 * `Agreement.sol` beside this file; `../pointEvaluation.test.ts`, over `PointEvaluation.sol`) and
 * the proof benchmark's 30M-gas block (`bench/`). Compile
 * errors throw with solc's messages; warnings are ignored.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import solc from "solc";
import type { Abi, Hex } from "viem";

/** One compiled contract: its ABI and creation bytecode. */
export interface Compiled {
  abi: Abi;
  bytecode: Hex;
}

/** `Agreement.sol`: the ERC-20, Uniswap-V2-style pair, factory, router and the rest. */
export const AGREEMENT_SOL = join(import.meta.dir, "Agreement.sol");

/** Compiles the Solidity file at `path`; returns its contracts by name. */
export function compileSolidity(path: string): Record<string, Compiled> {
  const unit = basename(path);
  const input = {
    language: "Solidity",
    sources: { [unit]: { content: readFileSync(path, "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const c: Record<string, Compiled> = {};
  for (const [name, v] of Object.entries(out.contracts[unit]!)) {
    c[name] = { abi: v.abi, bytecode: `0x${v.evm.bytecode.object}` };
  }
  return c;
}
