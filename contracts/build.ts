/**
 * Compiles every Solidity file under `contracts/src/` with the npm `solc` package (solc-js,
 * offline) and writes one typed artifact per deployable contract to
 * `contracts/artifacts/<Name>.ts` (ABI `as const` plus creation and runtime bytecode), and an
 * `index.ts` re-exporting them all, so viem calls are fully typed.
 *
 *   bun contracts/build.ts           build
 *   bun contracts/build.ts --check   build in memory; exit 1 if the committed artifacts differ
 *
 * Output is deterministic: fixed compiler settings, sources and artifacts in sorted order, and
 * ABI objects with sorted keys. Adding a directory such as `src/L2/` needs no change here.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import solc from "solc";
import { ContractsBuildError } from "./errors.ts";

const SRC = join(import.meta.dir, "src");
const OUT = join(import.meta.dir, "artifacts");

/** Compiler settings; changing any of them changes every artifact. */
export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  // No metadata hash: bytecode depends on the code only, not on comments or file paths.
  metadata: { bytecodeHash: "none", appendCBOR: false },
  outputSelection: {
    "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"], "": ["ast"] },
  },
} as const;

/** One compiled, deployable contract. */
export interface CompiledContract {
  name: string;
  sourceName: string;
  abi: unknown[];
  bytecode: `0x${string}`;
  deployedBytecode: `0x${string}`;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  sources: Record<string, { ast: AstNode }>;
  contracts: Record<
    string,
    Record<
      string,
      { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
    >
  >;
}

interface AstNode {
  nodeType: string;
  name?: string;
  contractKind?: string;
  abstract?: boolean;
  nodes?: AstNode[];
}

/** Every `.sol` file under `dir`, as solc source-unit names relative to `contracts/src`, sorted. */
function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(path));
    else if (entry.name.endsWith(".sol")) out.push(relative(SRC, path).split(sep).join("/"));
  }
  return out.sort();
}

/** Compiles all sources and returns the deployable contracts, sorted by name. */
export function compileAll(): CompiledContract[] {
  const sources: Record<string, { content: string }> = {};
  for (const name of listSources(SRC)) sources[name] = { content: readFileSync(join(SRC, name), "utf8") };
  const input = { language: "Solidity", sources, settings: SOLC_SETTINGS };
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (path: string) => ({ error: `import not found: ${path} (imports must be relative)` }),
    }),
  ) as SolcOutput;

  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  for (const w of (output.errors ?? []).filter((e) => e.severity !== "error"))
    console.warn(w.formattedMessage);
  if (errors.length > 0) {
    throw new ContractsBuildError(`solc: ${errors.length} error(s)`, {
      details: { errors: errors.map((e) => e.formattedMessage) },
    });
  }

  const contracts: CompiledContract[] = [];
  for (const sourceName of Object.keys(output.contracts).sort()) {
    const deployable = new Set(
      (output.sources[sourceName]?.ast.nodes ?? [])
        .filter((n) => n.nodeType === "ContractDefinition" && n.contractKind === "contract" && !n.abstract)
        .map((n) => n.name!),
    );
    for (const [name, c] of Object.entries(output.contracts[sourceName]!)) {
      if (!deployable.has(name)) continue;
      contracts.push({
        name,
        sourceName,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      });
    }
  }
  const names = contracts.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ContractsBuildError(`two contracts are named ${dup}; artifact names must be unique`);
  return contracts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** JSON with object keys sorted at every level (arrays keep their order). */
function sortedJson(value: unknown, indent = 2): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value), null, indent);
}

/** Lower-camel-case export name prefix: `L1StandardBridge` → `l1StandardBridge`. */
function camel(name: string): string {
  const lead = /^[A-Z0-9]+(?=[A-Z][a-z]|$)/.exec(name)?.[0] ?? name[0]!;
  return lead.toLowerCase() + name.slice(lead.length);
}

/** Source text of the artifact module for `c`. */
export function renderArtifact(c: CompiledContract): string {
  const id = camel(c.name);
  return [
    `// Generated by contracts/build.ts from contracts/src/${c.sourceName}. Do not edit.`,
    "",
    `/** ABI of \`${c.name}\`. */`,
    `export const ${id}Abi = ${sortedJson(c.abi)} as const;`,
    "",
    `/** Creation bytecode of \`${c.name}\` (constructor arguments are appended when deploying). */`,
    `export const ${id}Bytecode: \`0x\${string}\` =\n  "${c.bytecode}";`,
    "",
    `/** Runtime bytecode of \`${c.name}\`. */`,
    `export const ${id}DeployedBytecode: \`0x\${string}\` =\n  "${c.deployedBytecode}";`,
    "",
  ].join("\n");
}

/** Source text of `artifacts/index.ts`. */
export function renderIndex(contracts: CompiledContract[]): string {
  const lines = ["// Generated by contracts/build.ts. Do not edit.", ""];
  for (const c of contracts) {
    const id = camel(c.name);
    lines.push(`export { ${id}Abi, ${id}Bytecode, ${id}DeployedBytecode } from "./${c.name}.ts";`);
  }
  lines.push("");
  return lines.join("\n");
}

function main(): void {
  const check = process.argv.includes("--check");
  const contracts = compileAll();
  const files = new Map<string, string>();
  for (const c of contracts) files.set(`${c.name}.ts`, renderArtifact(c));
  files.set("index.ts", renderIndex(contracts));

  if (check) {
    let stale = 0;
    for (const [name, text] of files) {
      const path = join(OUT, name);
      if (!existsSync(path) || readFileSync(path, "utf8") !== text) {
        console.error(`stale: contracts/artifacts/${name} differs from a fresh build`);
        stale++;
      }
    }
    const extra = existsSync(OUT) ? readdirSync(OUT).filter((f) => !files.has(f)) : [];
    for (const f of extra) console.error(`stale: contracts/artifacts/${f} has no source any more`);
    if (stale + extra.length > 0) {
      console.error("run `bun run build:contracts` and commit the artifacts");
      process.exit(1);
    }
    console.log(`checked ${contracts.length} contracts: artifacts are fresh`);
    return;
  }

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(OUT, name), text);
  console.log(`built ${contracts.length} contracts into contracts/artifacts/`);
}

if (import.meta.main) {
  try {
    main();
  } catch (err) {
    if (err instanceof ContractsBuildError) {
      console.error(err.message);
      for (const e of (err.details?.errors as string[] | undefined) ?? []) console.error(e);
      process.exit(1);
    }
    throw err;
  }
}
