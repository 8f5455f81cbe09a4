/**
 * Random EVM programs for differential tests and benchmarks of the step machine: sequences of
 * operand pushes and opcodes biased toward the edges (zero, 2^255, 2^256 - 1, tiny and huge
 * memory offsets, copies and hashes spanning several sub-steps, jumps into PUSH data), drawn
 * only from the opcodes the machine implements. Deterministic for a given random source.
 */

/** Opcodes a random program may use (the machine's implemented set, minus halts). */
const ARITH = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b];
const CMP = [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d];
const CTX = [
  0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x3d, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x48, 0x4a, 0x58, 0x59,
  0x5a, 0x5f,
];
const UNDEFINED = [0x0c, 0x1e, 0x21, 0x4b, 0xa5, 0xb0, 0xef, 0xfb];

const EDGES = [
  0n,
  1n,
  2n,
  31n,
  32n,
  255n,
  256n,
  (1n << 255n) - 1n,
  1n << 255n,
  (1n << 256n) - 1n,
  (1n << 256n) - 2n,
  1n << 64n,
  (1n << 64n) - 1n,
  1n << 128n,
];

function pushBytes(v: bigint, width?: number): number[] {
  let n = 0;
  for (let x = v; x > 0n; x >>= 8n) n++;
  const w = Math.max(width ?? n, n);
  if (w === 0) return [0x5f];
  const out = [0x5f + w];
  for (let i = w - 1; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** Options of {@link randomProgram}. */
export interface RandomProgramOptions {
  /**
   * Also use the world-state opcodes (SLOAD, SSTORE, BALANCE, SELFBALANCE, EXTCODESIZE,
   * EXTCODEHASH, EXTCODECOPY, TLOAD, TSTORE), with these addresses (and ADDRESS) as targets.
   */
  world?: readonly Uint8Array[];
  /** Also call these addresses (and ADDRESS) with CALL, CALLCODE, DELEGATECALL, STATICCALL. */
  calls?: readonly Uint8Array[];
}

const SLOTS = [0n, 1n, 2n, 3n, 4n, 9n, 1n << 255n, (1n << 256n) - 1n];

/** A random program (`code`, `calldata`, `gas`) from `rand` (floats in [0, 1)). */
export function randomProgram(
  rand: () => number,
  opts: RandomProgramOptions = {},
): { code: Uint8Array; calldata: Uint8Array; gas: bigint } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (n: number): number => Math.floor(rand() * n);
  const randWord = (): bigint => {
    let v = 0n;
    const bytes = 1 + int(32);
    for (let i = 0; i < bytes; i++) v = (v << 8n) | BigInt(int(256));
    return v;
  };
  const operand = (): bigint => {
    const r = rand();
    if (r < 0.35) return BigInt(int(70));
    if (r < 0.7) return pick(EDGES);
    return randWord();
  };
  const offset = (): bigint => {
    const r = rand();
    if (r < 0.85) return BigInt(int(1200));
    if (r < 0.95) return BigInt(int(40_000));
    return pick([1n << 32n, (1n << 256n) - 1n, 1n << 64n]);
  };
  const size = (): bigint => {
    const r = rand();
    if (r < 0.3) return BigInt(int(40));
    if (r < 0.9) return BigInt(int(3000));
    return pick([0n, 1n << 32n, (1n << 256n) - 1n]);
  };
  const code: number[] = [];
  const jumpdests: number[] = [];
  const fixups: number[] = [];
  const snippets = 5 + int(40);
  const world = opts.world;
  const target = (): number[] => {
    if (world === undefined || rand() < 0.25) return [0x30]; // ADDRESS
    return [0x73, ...pick(world)];
  };
  const calls = opts.calls;
  for (let s = 0; s < snippets; s++) {
    if (calls !== undefined && rand() < 0.01) {
      code.push(...(rand() < 0.3 ? [0x30] : [0x73, ...pick(calls)]), 0xff); // SELFDESTRUCT
      continue;
    }
    if (calls !== undefined && rand() < 0.03) {
      // CREATE or CREATE2 of whatever memory holds (often garbage: exceptional or odd code).
      const create2 = rand() < 0.5;
      if (create2) code.push(...pushBytes(BigInt(int(4))));
      code.push(...pushBytes(BigInt(int(100))), ...pushBytes(BigInt(int(300))), ...pushBytes(BigInt(int(3))));
      code.push(create2 ? 0xf5 : 0xf0);
      continue;
    }
    if (calls !== undefined && rand() < 0.15) {
      const op = pick([0xf1, 0xf1, 0xf2, 0xf4, 0xfa]);
      const small = (): bigint => BigInt(int(rand() < 0.8 ? 200 : 5000));
      code.push(...pushBytes(small()), ...pushBytes(small()), ...pushBytes(small()), ...pushBytes(small()));
      if (op === 0xf1 || op === 0xf2) code.push(...pushBytes(rand() < 0.6 ? 0n : BigInt(int(20))));
      code.push(...(rand() < 0.2 ? [0x30] : [0x73, ...pick(calls)]));
      code.push(...(rand() < 0.5 ? [0x5a] : pushBytes(BigInt(int(rand() < 0.5 ? 3000 : 200_000)))), op);
      if (rand() < 0.5) code.push(0x3d);
      if (rand() < 0.3)
        code.push(...pushBytes(BigInt(int(3))), ...pushBytes(0n), ...pushBytes(BigInt(int(300))), 0x3e);
      continue;
    }
    if (world !== undefined && rand() < 0.35) {
      const w = rand();
      if (w < 0.25) code.push(...pushBytes(pick(SLOTS)), 0x54);
      else if (w < 0.5)
        code.push(...pushBytes(rand() < 0.3 ? 0n : operand()), ...pushBytes(pick(SLOTS)), 0x55);
      else if (w < 0.7) code.push(...target(), pick([0x31, 0x3b, 0x3f]));
      else if (w < 0.75) code.push(0x47);
      else if (w < 0.85) {
        code.push(...pushBytes(size() % 3000n), ...pushBytes(BigInt(int(3000))), ...pushBytes(offset()));
        code.push(...target(), 0x3c);
      } else if (w < 0.9) code.push(...pushBytes(pick(SLOTS)), 0x5c);
      else if (w < 0.95) code.push(...pushBytes(operand()), ...pushBytes(pick(SLOTS)), 0x5d);
      else {
        const n = int(5);
        for (let t = 0; t < n; t++) code.push(...pushBytes(operand()));
        code.push(...pushBytes(size() % 2500n), ...pushBytes(offset()), 0xa0 + n);
      }
      continue;
    }
    const r = rand();
    if (r < 0.25) {
      const op = pick(ARITH);
      const arity = op === 0x08 || op === 0x09 ? 3 : 2;
      for (let i = 0; i < arity; i++) code.push(...pushBytes(operand()));
      code.push(op);
    } else if (r < 0.4) {
      const op = pick(CMP);
      const arity = op === 0x15 || op === 0x19 ? 1 : 2;
      for (let i = 0; i < arity; i++)
        code.push(...pushBytes(op >= 0x1a && i === 0 ? BigInt(int(300)) : operand()));
      code.push(op);
    } else if (r < 0.5) {
      code.push(pick(CTX));
    } else if (r < 0.6) {
      const op = pick([0x51, 0x52, 0x53]);
      if (op !== 0x51) code.push(...pushBytes(operand()));
      code.push(...pushBytes(offset()));
      code.push(op);
    } else if (r < 0.7) {
      const op = pick([0x20, 0x37, 0x39, 0x3e, 0x5e, 0x35, 0x40, 0x49]);
      if (op === 0x20) code.push(...pushBytes(size()), ...pushBytes(offset()), op);
      else if (op === 0x35) code.push(...pushBytes(offset()), op);
      else if (op === 0x40) code.push(...pushBytes(BigInt(1000 - int(300))), op);
      else if (op === 0x49) code.push(...pushBytes(BigInt(int(3))), op);
      else if (op === 0x3e)
        code.push(...pushBytes(BigInt(int(2))), ...pushBytes(0n), ...pushBytes(offset()), op);
      else code.push(...pushBytes(size()), ...pushBytes(offset()), ...pushBytes(offset()), op);
    } else if (r < 0.78) {
      const op = rand() < 0.5 ? 0x80 + int(16) : 0x90 + int(16);
      if (rand() < 0.7) for (let i = 0; i < 1 + int(17); i++) code.push(...pushBytes(operand()));
      code.push(op);
    } else if (r < 0.83) {
      code.push(0x50);
    } else if (r < 0.9) {
      jumpdests.push(code.length);
      code.push(0x5b);
    } else if (r < 0.97) {
      // A jump: backward to a JUMPDEST, forward (patched later), or to a bad target.
      const jr = rand();
      const cond = rand() < 0.5;
      if (cond) code.push(...pushBytes(BigInt(int(2))));
      if (jr < 0.4 && jumpdests.length > 0) code.push(...pushBytes(BigInt(pick(jumpdests)), 2));
      else if (jr < 0.8) {
        fixups.push(code.length + 1);
        code.push(0x61, 0, 0);
      } else code.push(...pushBytes(BigInt(int(code.length + 40)), 2));
      code.push(cond ? 0x57 : 0x56);
    } else {
      code.push(rand() < 0.5 ? pick(UNDEFINED) : 0xfe);
    }
  }
  const end = rand();
  if (end < 0.4) code.push(...pushBytes(size() % 200n), ...pushBytes(offset()), rand() < 0.5 ? 0xf3 : 0xfd);
  else if (end < 0.6) code.push(0x00);
  else if (end < 0.7) code.push(0x7f, 1, 2, 3); // a PUSH32 cut short by the end of the code
  jumpdests.push(code.length);
  code.push(0x5b, 0x00);
  for (const f of fixups) {
    const t = pick(jumpdests.filter((d) => d > f).concat([code.length - 2]));
    code[f] = t >> 8;
    code[f + 1] = t & 0xff;
  }
  const calldata = new Uint8Array(int(100));
  for (let i = 0; i < calldata.length; i++) calldata[i] = int(256);
  const gas = BigInt(
    pick(world ? [3_000, 30_000, 200_000, 600_000] : [200, 2_000, 20_000, 60_000]) + int(1000),
  );
  return { code: new Uint8Array(code), calldata, gas };
}
