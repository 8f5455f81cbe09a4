/**
 * Structured logging shared by Ore's services. A record is a level, a message and flat fields;
 * it is written as one JSON object per line (`--log.format json`, for machines) or as
 * `LEVEL time msg key=value …` (`--log.format text`, the default, for people). Records below
 * the logger's level are dropped before any formatting work. Child loggers add fixed fields
 * (`service=batcher`), like op-node's `log.New("service", …)`.
 */

/** Levels in increasing severity; `silent` drops everything. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** A log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Output format of log records. */
export type LogFormat = "text" | "json";

/** Field values a record may carry; bigints and byte arrays are rendered as decimal and hex. */
export type LogFields = Record<string, unknown>;

/** A structured logger. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record and shares this one's level and sink. */
  child(fields: LogFields): Logger;
  /** The level below which records are dropped. */
  readonly level: LogLevel;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where finished lines go (default: stderr, so stdout stays free for machine output). */
  sink?: (line: string) => void;
  /** Clock for the `t` field (default `Date.now`). */
  now?: () => number;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** True when `s` names a level. */
export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

/** Creates a logger writing at or above `options.level` (default `info`). */
export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const level = options.level ?? "info";
  const format = options.format ?? "text";
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const write = (lvl: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields) => {
    if (RANK[lvl] < RANK[level]) return;
    const all = { ...base, ...fields };
    sink(format === "json" ? jsonLine(lvl, now(), msg, all) : textLine(lvl, now(), msg, all));
  };
  return {
    level,
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything (the default of library code and tests). */
export const silentLogger: Logger = createLogger({ level: "silent" });

function render(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) {
    let s = "0x";
    for (const b of v) s += b.toString(16).padStart(2, "0");
    return s;
  }
  if (v instanceof Error) return v.message;
  return v;
}

function jsonLine(level: string, t: number, msg: string, fields: LogFields): string {
  const out: Record<string, unknown> = { t: new Date(t).toISOString(), lvl: level, msg };
  for (const [k, v] of Object.entries(fields)) out[k] = render(v);
  return JSON.stringify(out, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

function textLine(level: string, t: number, msg: string, fields: LogFields): string {
  let line = `${level.toUpperCase().padEnd(5)} ${new Date(t).toISOString().slice(11, 23)} ${msg}`;
  for (const [k, v] of Object.entries(fields)) {
    const r = render(v);
    const s = typeof r === "string" ? r : JSON.stringify(r, (_, x) => (typeof x === "bigint" ? `${x}` : x));
    line += ` ${k}=${/[\s"=]/.test(s ?? "") ? JSON.stringify(s) : s}`;
  }
  return line;
}
