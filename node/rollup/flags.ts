/**
 * Command-line flags with environment-variable fallbacks, the way op-node and its companions
 * take their configuration: `--l1 http://…` or `ORE_NODE_L1_ETH_RPC=http://…`, a flag winning
 * over its variable and both over the default. Flags are `--name value`, `--name=value`, or a
 * bare `--name` for booleans. Unknown flags and malformed values are refused with a message
 * naming the flag. The rollup node, the batcher and the proposer each declare a table of
 * {@link FlagSpec}s.
 */
import { RollupConfigError } from "./errors.ts";

/** One flag: its name (without `--`), environment variable, kind, default and help text. */
export interface FlagSpec {
  name: string;
  env: string;
  kind: "string" | "number" | "bool";
  default?: string | number | boolean;
  required?: boolean;
  help: string;
}

/** Parsed values by flag name. */
export type FlagValues = Record<string, string | number | boolean | undefined>;

/** Parses `argv` against `specs`, falling back to `env`; `--help` is reported as `help: true`. */
export function parseFlags(
  specs: readonly FlagSpec[],
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): FlagValues & { help?: boolean } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const given = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) throw new RollupConfigError(`unexpected argument ${arg}: flags start with --`);
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = byName.get(name);
    if (!spec) throw new RollupConfigError(`unknown flag --${name} (see --help)`);
    if (eq > 0) given.set(name, arg.slice(eq + 1));
    else if (spec.kind === "bool" && (argv[i + 1] === undefined || argv[i + 1]!.startsWith("--")))
      given.set(name, "true");
    else {
      const v = argv[++i];
      if (v === undefined) throw new RollupConfigError(`flag --${name} needs a value`);
      given.set(name, v);
    }
  }
  const out: FlagValues & { help?: boolean } = { help };
  for (const spec of specs) {
    const raw = given.get(spec.name) ?? env[spec.env];
    if (raw === undefined || raw === "") {
      if (spec.required && spec.default === undefined && !help) {
        throw new RollupConfigError(`missing required flag --${spec.name} (or ${spec.env})`);
      }
      out[spec.name] = spec.default;
      continue;
    }
    out[spec.name] = convert(spec, raw);
  }
  return out;
}

function convert(spec: FlagSpec, raw: string): string | number | boolean {
  if (spec.kind === "string") return raw;
  if (spec.kind === "number") {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new RollupConfigError(`--${spec.name}: expected a number, found ${raw}`);
    return n;
  }
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new RollupConfigError(`--${spec.name}: expected true or false, found ${raw}`);
}

/** Usage text of a flag table. */
export function usage(command: string, specs: readonly FlagSpec[]): string {
  const lines = [`usage: ${command} [flags]`, ""];
  for (const s of specs) {
    const def = s.default === undefined ? (s.required ? " (required)" : "") : ` (default ${s.default})`;
    lines.push(`  --${s.name.padEnd(28)} ${s.help}${def}  [$${s.env}]`);
  }
  return lines.join("\n");
}

/** The logging flags every service shares. */
export const LOG_FLAGS: readonly FlagSpec[] = [
  {
    name: "log.level",
    env: "ORE_LOG_LEVEL",
    kind: "string",
    default: "info",
    help: "debug|info|warn|error|silent",
  },
  { name: "log.format", env: "ORE_LOG_FORMAT", kind: "string", default: "text", help: "text|json" },
];
