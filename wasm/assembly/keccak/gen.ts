/**
 * Generates `wasm/assembly/lib/keccak.ts`, Keccak-256 in AssemblyScript, and through `genx2.ts`
 * (which reuses this file's tables and round) `wasm/assembly/lib/keccakx2.ts`, its SIMD batch
 * kernel. The permutation keeps the 25 lanes in local `u64` variables (no state array in the hot
 * loop), each round's steps fully unrolled; writing that out by hand (twice, plus the lane-complementing bookkeeping) would
 * be hundreds of repetitive, error-prone lines, so it is written once here.
 *
 *   bun wasm/assembly/keccak/gen.ts && bun wasm/build.ts keccak
 *
 * Choices, measured under Bun (JavaScriptCore) with per-process CPU time:
 * - ROUNDS_PER_ITERATION rounds per loop iteration, round constants read from a table. All 24
 *   rounds unrolled ran at half the speed (the function got too big for JSC's optimizing tier
 *   to do well); 1, 2, 3 or 4 rounds per iteration ran within noise of each other, so the
 *   smallest code wins.
 * - Lane complementing (Keccak implementation overview, section 2.2,
 *   https://keccak.team/files/Keccak-implementation-3.2.pdf): six lanes are kept inverted, which
 *   lets chi use AND/OR forms and cuts its NOTs from 25 to 5 per round (WASM has no and-not).
 *   About 10% faster.
 * - Not adopted: computing theta-rho-pi and chi plane by plane into a second set of 25 locals
 *   (as XKCP does) was within 3% (noise level) and needs twice the locals.
 *
 * Env overrides, for tuning only: KECCAK_UNROLL (rounds per iteration), KECCAK_COMPLEMENT=0,
 * KECCAK_OUT and KECCAKX2_OUT (output paths); genx2.ts lists its own. The script is not compiled
 * to WASM (`wasm/build.ts` only compiles `index.ts`).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { x2Source, x2Summary } from "./genx2.ts";

const ROUNDS_PER_ITERATION = Number(process.env.KECCAK_UNROLL ?? 1);
const COMPLEMENT = process.env.KECCAK_COMPLEMENT !== "0";
if (24 % ROUNDS_PER_ITERATION !== 0) throw new Error("KECCAK_UNROLL must divide 24");

/** Round constants of Keccak-f[1600] (FIPS 202, section 3.2.5). */
const RC: readonly string[] = [
  "0x0000000000000001",
  "0x0000000000008082",
  "0x800000000000808a",
  "0x8000000080008000",
  "0x000000000000808b",
  "0x0000000080000001",
  "0x8000000080008081",
  "0x8000000000008009",
  "0x000000000000008a",
  "0x0000000000000088",
  "0x0000000080008009",
  "0x000000008000000a",
  "0x000000008000808b",
  "0x800000000000008b",
  "0x8000000000008089",
  "0x8000000000008003",
  "0x8000000000008002",
  "0x8000000000000080",
  "0x000000000000800a",
  "0x800000008000000a",
  "0x8000000080008081",
  "0x8000000000008080",
  "0x0000000080000001",
  "0x8000000080008008",
];

/** Rotation offsets r[x][y] of the rho step (FIPS 202, section 3.2.2). */
const R: readonly (readonly number[])[] = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
];

/** Lanes stored inverted between rounds: the "bebigokimisa" set of the implementation overview. */
const INVERTED: ReadonlySet<number> = new Set(COMPLEMENT ? [1, 2, 8, 12, 17, 20] : []);

/**
 * A round constant as AssemblyScript source. Constants above 2^53 are split into 32-bit halves
 * because linters read literals with JS number semantics; binaryen folds the expression back.
 */
function u64Literal(hex: string): string {
  const hi = hex.slice(2, 10).replace(/^0+/, "");
  const lo = `0x${hex.slice(10).replace(/^0+(?=.)/, "")}`;
  return hi === "" ? lo : `((<u64>0x${hi}) << 32) | ${lo}`;
}

const lane = (x: number, y: number): number => (x % 5) + 5 * (y % 5);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

let notsPerRound = 0;

/**
 * One round over locals a0..a24 (lanes in INVERTED hold their complement before and after),
 * using temporaries c0..c4, d0..d4, b0..b24. `rc` is the round constant expression.
 */
function round(rc: string, indent: string): string[] {
  const out: string[] = [];
  // theta: which column parities and D values come out inverted follows from INVERTED.
  const cInv = range(5).map((x) => range(5).filter((y) => INVERTED.has(lane(x, y))).length % 2 === 1);
  const dInv = range(5).map((x) => cInv[(x + 4) % 5] !== cInv[(x + 1) % 5]);
  for (let x = 0; x < 5; x++) out.push(`c${x} = a${x} ^ a${x + 5} ^ a${x + 10} ^ a${x + 15} ^ a${x + 20};`);
  for (let x = 0; x < 5; x++) out.push(`d${x} = c${(x + 4) % 5} ^ rotl<u64>(c${(x + 1) % 5}, 1);`);
  // theta + rho + pi: B[y, 2x+3y] = rotl(A[x,y] ^ D[x], r[x][y]); inversion passes through.
  const bInv: boolean[] = [];
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      const dst = lane(y, 2 * x + 3 * y);
      const r = R[x]![y]!;
      const v = `a${lane(x, y)} ^ d${x}`;
      bInv[dst] = INVERTED.has(lane(x, y)) !== dInv[x];
      out.push(r === 0 ? `b${dst} = ${v};` : `b${dst} = rotl<u64>(${v}, ${r});`);
    }
  }
  // chi + iota: A[x] = B[x] ^ (~B[x+1] & B[x+2]), written per plane in whichever AND/OR forms
  // of the stored (possibly inverted) B values need the fewest distinct NOTs to produce A in
  // stored form. Each needed ~B is computed once into c0..c4, which are dead after theta.
  for (let y = 0; y < 5; y++) {
    // Per lane x: its options, each a formula over plane positions and the set of positions
    // whose complement it uses. ~B[x+1] & B[x+2] == (t ? ~V : V).
    type Option = { v: (n: (k: number) => string) => string; t: boolean; neg: number[] };
    const perLane = range(5).map((x): { x: number; options: Option[] } => {
      const [k1, k2] = [(x + 1) % 5, (x + 2) % 5];
      const [f1, f2] = [bInv[lane(k1, y)]!, bInv[lane(k2, y)]!];
      const options: Option[] =
        f1 && !f2
          ? [{ v: (n) => `${n(~k1)} & ${n(~k2)}`, t: false, neg: [] }]
          : !f1 && f2
            ? [{ v: (n) => `${n(~k1)} | ${n(~k2)}`, t: true, neg: [] }]
            : !f1
              ? [
                  { v: (n) => `${n(k1)} & ${n(~k2)}`, t: false, neg: [k1] },
                  { v: (n) => `${n(~k1)} | ${n(k2)}`, t: true, neg: [k2] },
                ]
              : [
                  { v: (n) => `${n(~k1)} & ${n(k2)}`, t: false, neg: [k2] },
                  { v: (n) => `${n(k1)} | ${n(~k2)}`, t: true, neg: [k1] },
                ];
      return { x, options };
    });
    // Try every combination of options (at most 2^5) and keep the one with fewest NOTs.
    let best: { picks: Option[]; flips: boolean[]; neg: Set<number> } | undefined;
    for (let mask = 0; mask < 32; mask++) {
      const picks = perLane.map((l) => l.options[(mask >> l.x) & 1] ?? l.options[0]!);
      const flips = picks.map((o, x) => (bInv[lane(x, y)]! !== o.t) !== INVERTED.has(lane(x, y)));
      const neg = new Set(picks.flatMap((o) => o.neg));
      for (const x of range(5)) if (flips[x]) neg.add(x);
      if (!best || neg.size < best.neg.size) best = { picks, flips, neg };
    }
    const { picks, flips, neg } = best!;
    notsPerRound += neg.size;
    for (const k of [...neg].sort()) out.push(`c${k} = ~b${lane(k, y)};`);
    // n(k) is plane position k as stored; n(~k) marks "as stored" too, n(k) for k in the
    // negation set reads its complement from c{k}.
    const n = (k: number): string => (k < 0 ? `b${lane(~k, y)}` : `c${k}`);
    for (let x = 0; x < 5; x++) {
      const i0 = lane(x, y);
      const b0 = flips[x] ? `c${x}` : `b${i0}`;
      const expr = `${b0} ^ (${picks[x]!.v(n)})`;
      out.push(i0 === 0 ? `a0 = ${expr} ^ ${rc};` : `a${i0} = ${expr};`);
    }
  }
  return out.map((l) => indent + l);
}

function permutation(indent: string): string {
  const lines = [`${indent}for (let r: usize = 0; r < 192; r += ${8 * ROUNDS_PER_ITERATION}) {`];
  for (let k = 0; k < ROUNDS_PER_ITERATION; k++) {
    lines.push(...round(`load<u64>(RC + r, ${8 * k})`, `${indent}  `));
  }
  lines.push(`${indent}}`);
  return lines.join("\n");
}

const inv = (i: number, e: string): string => (INVERTED.has(i) ? `~${e}` : e);
const temps = (indent: string): string =>
  [
    `${indent}let ${range(5)
      .map((i) => `c${i}: u64`)
      .join(", ")};`,
    `${indent}let ${range(5)
      .map((i) => `d${i}: u64`)
      .join(", ")};`,
    ...range(5).map(
      (y) =>
        `${indent}let ${range(5)
          .map((x) => `b${x + 5 * y}: u64`)
          .join(", ")};`,
    ),
  ].join("\n");
const xorBlock = (src: string, indent: string): string =>
  range(17)
    .map((i) => `${indent}a${i} ^= load<u64>(${src}, ${8 * i});`)
    .join("\n");

const permutationCode = permutation("    ");

const source = `// Generated by wasm/assembly/keccak/gen.ts. Do not edit; change the generator and rerun it.
/**
 * Keccak-256 (Keccak-f[1600], rate 136 bytes, Ethereum's original padding 0x01 .. 0x80, not
 * SHA3-256's 0x06) as a reusable AssemblyScript library: any Ore WASM module can
 * \`import { keccak256 } from "../lib/keccak"\` and hash inside WASM without crossing to JS.
 *
 * A state in memory is 200 bytes: lane (x, y) is a little-endian u64 at byte 8 * (x + 5y). In
 * the hot loop the lanes live in locals a0..a24, ${ROUNDS_PER_ITERATION} round(s) per loop iteration${
   COMPLEMENT
     ? ", with lanes\n * 1, 2, 8, 12, 17 and 20 held inverted there (lane complementing) so chi needs 5 NOTs, not 25;\n * states in memory are always plain"
     : ""
 }.
 * The library owns a small static scratch area (the padded last block), so it is not
 * reentrant; WASM is single-threaded and nothing here calls out, so that never matters.
 *
 * Spec: FIPS 202 sections 3.2 and 5.1 (with Keccak's pad10*1 and no SHA-3 domain bits);
 * https://keccak.team/files/Keccak-implementation-3.2.pdf section 2.2 for lane complementing.
 */

/** Rate (block size) of Keccak-256 in bytes: 1088 bits. */
export const KECCAK256_RATE: usize = 136;

/** Bytes of a Keccak-f[1600] state: 25 little-endian u64 lanes. */
export const KECCAK_STATE_BYTES: usize = 200;

// Round constants, read once per round.
const RC: usize = memory.data<u64>([
${RC.map((h) => `  ${u64Literal(h)},`).join("\n")}
]);

// The last, padded block of a message (136 bytes).
const PAD: usize = memory.data(136, 16);

/**
 * Copies the final \`len < 136\` bytes at \`inPtr\` into PAD with Keccak's padding: a 0x01 byte
 * after the message, zeros, and 0x80 OR-ed into the last byte of the block.
 */
function padLastBlock(inPtr: usize, len: usize): void {
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) store<u64>(PAD + i, load<u64>(inPtr + i));
  // The partial lane, assembled bytewise so nothing past the input is read.
  let last: u64 = (<u64>0x01) << ((<u64>(len & 7)) << 3);
  for (let j = len & 7; j-- > 0; ) last |= (<u64>load<u8>(inPtr + i + j)) << ((<u64>j) << 3);
  store<u64>(PAD + i, last);
  for (i += 8; i < ${"KECCAK256_RATE"}; i += 8) store<u64>(PAD + i, 0);
  store<u8>(PAD + ${"KECCAK256_RATE"} - 1, load<u8>(PAD + ${"KECCAK256_RATE"} - 1) | 0x80);
}

/**
 * Absorbs \`len / 136\` whole blocks from \`inPtr\` into the 200-byte state at \`statePtr\` (each
 * block XORed into lanes 0..16, then permuted) and returns the number of bytes consumed
 * (\`len\` rounded down to a multiple of 136). Input need not be aligned.
 */
export function keccakAbsorb(statePtr: usize, inPtr: usize, len: usize): usize {
  let blocks = len / ${"KECCAK256_RATE"};
  if (blocks === 0) return 0;
${range(25)
  .map((i) => `  let a${i}: u64 = ${inv(i, `load<u64>(statePtr, ${8 * i})`)};`)
  .join("\n")}
${temps("  ")}
  let p = inPtr;
  do {
${xorBlock("p", "    ")}
${permutationCode}
    p += ${"KECCAK256_RATE"};
  } while (--blocks !== 0);
${range(25)
  .map((i) => `  store<u64>(statePtr, ${inv(i, `a${i}`)}, ${8 * i});`)
  .join("\n")}
  return p - inPtr;
}

/** Applies Keccak-f[1600] in place to the 200-byte state at \`statePtr\`. */
export function keccakF1600(statePtr: usize): void {
  // Absorbing an all-zero block is exactly one permutation (XOR with zero is the identity),
  // which avoids another copy of the rounds.
  memory.fill(PAD, 0, ${"KECCAK256_RATE"});
  keccakAbsorb(statePtr, PAD, ${"KECCAK256_RATE"});
}

/**
 * Absorbs all \`len\` bytes at \`inPtr\` into the state at \`statePtr\` as the final input (whole
 * blocks, then the tail padded), and writes the 32-byte digest to \`outPtr\`. The state is left
 * permuted, not reset. \`outPtr\` may overlap the input.
 */
export function keccakFinal(statePtr: usize, inPtr: usize, len: usize, outPtr: usize): void {
  let done = keccakAbsorb(statePtr, inPtr, len);
  padLastBlock(inPtr + done, len - done);
  keccakAbsorb(statePtr, PAD, ${"KECCAK256_RATE"});
  memory.copy(outPtr, statePtr, 32);
}

/**
 * Writes the Keccak-256 digest (32 bytes) of the \`len\` bytes at \`inPtr\` to \`outPtr\`, with
 * the whole state in locals from first block to digest. \`outPtr\` may overlap the input.
 */
export function keccak256(inPtr: usize, len: usize, outPtr: usize): void {
${range(25)
  .map((i) => `  let a${i}: u64 = ${INVERTED.has(i) ? "~(<u64>0)" : "0"};`)
  .join("\n")}
${temps("  ")}
  let p = inPtr;
  let left = len;
  while (true) {
    let src = p;
    if (left < ${"KECCAK256_RATE"}) {
      padLastBlock(p, left);
      src = PAD;
    }
${xorBlock("src", "    ")}
${permutationCode}
    if (left < ${"KECCAK256_RATE"}) break;
    p += ${"KECCAK256_RATE"};
    left -= ${"KECCAK256_RATE"};
  }
${range(4)
  .map((i) => `  store<u64>(outPtr, ${inv(i, `a${i}`)}, ${8 * i});`)
  .join("\n")}
}
`;

const outPath = process.env.KECCAK_OUT ?? join(import.meta.dir, "..", "lib", "keccak.ts");
writeFileSync(outPath, source);
console.log(
  `wrote ${outPath}: ${ROUNDS_PER_ITERATION} rounds per iteration, ${notsPerRound / ROUNDS_PER_ITERATION} NOTs per round in chi`,
);

const x2Path = process.env.KECCAKX2_OUT ?? join(import.meta.dir, "..", "lib", "keccakx2.ts");
writeFileSync(
  x2Path,
  x2Source({
    rc: RC,
    rho: R,
    literal: u64Literal,
    scalarRound: (rc) => round(rc, ""),
    inverted: [...INVERTED],
  }),
);
console.log(`wrote ${x2Path}: ${x2Summary()}`);
