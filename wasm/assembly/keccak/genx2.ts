/**
 * Source of `wasm/assembly/lib/keccakx2.ts`: Keccak-256 over a batch of messages, several at a
 * time. `gen.ts` calls `x2Source` with its tables and scalar round and writes the file.
 *
 * The kernel keeps two Keccak states in 25 local `v128`s (lane (x, y) of both in one local:
 * state 0 in i64 lane 0, state 1 in i64 lane 1) and SCALAR_STATES more in local `u64`s (gen.ts's
 * round, lane complementing and all). Each loop iteration runs one round of every state, their
 * statements interleaved, so the CPU's vector and integer units work side by side.
 *
 * Choices, measured under Bun (JavaScriptCore) with per-process CPU time on the bench machine
 * (hashes/s of `hashMany` over 64-byte messages, relative to the scalar loop it replaced):
 * - Two states in v128s alone: 1.09x. JSC lowers each i64x2 shift by a constant to four
 *   instructions (count into a register, mask, move to a vector register, shift), so a 64-bit
 *   rotation (shl, shr_u, or) costs nine, and the 25 v128 values spill as much as 25 u64s do.
 * - Plus one scalar state, statements interleaved: 1.29x (1.7x under V8). The same three states
 *   with the scalar round after the SIMD one: 1.15x. Two scalar states: 1.11x (spills).
 *   Two rounds per iteration: 1.24x. Planewise B/chi (fewer live B values): slower.
 * - No lane complementing in the SIMD state: `v128.andnot` makes chi one and-not and one XOR.
 * - Rotations by 8 and 56 are one `i8x16.shuffle`. A rotation by 1 (theta's five and rho's
 *   lane (1, 0)) is `x + x - (x < 0)`, no shift count to set up: +2.5% under JSC (-5% under V8,
 *   which has immediate shifts; JSC is what Ore runs on).
 * - Scheduling is multi-buffer: each state is a slot that takes the next message not yet
 *   started as soon as its own is done, so any mix of lengths keeps every slot busy; only at the
 *   end of a batch, once no message is left for it, does a slot run idle. A finished slot's half
 *   of the v128 state is zeroed by one AND per v128 with a mask.
 *
 * Env overrides, for tuning only: KECCAKX2_SCALAR (scalar states: 0, 1 or 2),
 * KECCAKX2_INTERLEAVE=0 (scalar round after the SIMD one), KECCAKX2_SHUFFLE=0 and
 * KECCAKX2_ROT1=0 (shift pairs for those rotations).
 */

/** Inputs of the generator, from gen.ts, so both libraries share one set of tables. */
export interface X2Tables {
  /** Round constants as 0x-prefixed 16-digit hex strings. */
  rc: readonly string[];
  /** Rotation offsets r[x][y] of rho. */
  rho: readonly (readonly number[])[];
  /** A u64 round constant as AssemblyScript source. */
  literal: (hex: string) => string;
  /** gen.ts's scalar round over locals a, b, c, d (lane complementing), `rc` the round constant. */
  scalarRound: (rc: string) => string[];
  /** Lanes that scalar round keeps inverted. */
  inverted: readonly number[];
}

const SCALAR_STATES = Number(process.env.KECCAKX2_SCALAR ?? 1);
const ROTATE_BYTES = process.env.KECCAKX2_SHUFFLE !== "0";
const ROTATE_ONE = process.env.KECCAKX2_ROT1 !== "0";
const INTERLEAVE = process.env.KECCAKX2_INTERLEAVE !== "0";

const lane = (x: number, y: number): number => (x % 5) + 5 * (y % 5);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** Slots (one message each at a time): 0 and 1 are the halves of the v128 state, 2.. scalar states. */
const SLOTS = range(2 + SCALAR_STATES);
const SCALAR = SLOTS.slice(2);

/** A byte shuffle rotating each i64 lane of `src` left by `k` bytes. */
function byteRotl(src: string, k: number): string {
  // Byte j of the result is byte (j - k) mod 8 of the same i64 lane.
  const idx = range(16).map((j) => (j & 8) + ((j - k + 8) % 8));
  return `i8x16.shuffle(${src}, ${src}, ${idx.join(", ")})`;
}

/** Statements setting `dst = rotl(src, r)` on both i64 lanes; `src` is a local. */
function rotl(dst: string, src: string, r: number): string[] {
  if (ROTATE_BYTES && r % 8 === 0) return [`${dst} = ${byteRotl(src, r / 8)};`];
  if (ROTATE_ONE && r === 1) {
    // x + x, minus -1 where the top bit was set: no shift, so no shift count to set up.
    return [`${dst} = i64x2.sub(i64x2.add(${src}, ${src}), i64x2.lt_s(${src}, i64x2.splat(0)));`];
  }
  return [`${dst} = v128.or(i64x2.shl(${src}, ${r}), i64x2.shr_u(${src}, ${64 - r}));`];
}

/** One round over v128 locals a0..a24 with temporaries c0..c4, d0..d4, b0..b24. */
function simdRound(rho: X2Tables["rho"]): string[] {
  const out: string[] = [];
  for (let x = 0; x < 5; x++) {
    const [a0, a1, a2, a3, a4] = range(5).map((y) => `a${x + 5 * y}`);
    out.push(`c${x} = v128.xor(v128.xor(v128.xor(${a0}, ${a1}), v128.xor(${a2}, ${a3})), ${a4});`);
  }
  for (let x = 0; x < 5; x++) {
    out.push(...rotl(`d${x}`, `c${(x + 1) % 5}`, 1));
    out.push(`d${x} = v128.xor(d${x}, c${(x + 4) % 5});`);
  }
  // theta + rho + pi: B[y, 2x+3y] = rotl(A[x,y] ^ D[x], r[x][y]).
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      const dst = `b${lane(y, 2 * x + 3 * y)}`;
      const r = rho[x]![y]!;
      out.push(`${dst} = v128.xor(a${lane(x, y)}, d${x});`);
      if (r !== 0) out.push(...rotl(dst, dst, r));
    }
  }
  // chi + iota: A[x] = B[x] ^ (~B[x+1] & B[x+2]); andnot(p, q) is p & ~q.
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      const b = (k: number): string => `b${lane(k, y)}`;
      const expr = `v128.xor(${b(x)}, v128.andnot(${b(x + 2)}, ${b(x + 1)}))`;
      out.push(
        x + y === 0 ? `a0 = v128.xor(${expr}, v128.load64_splat(RC + r));` : `a${lane(x, y)} = ${expr};`,
      );
    }
  }
  return out;
}

/** gen.ts's scalar round with its locals renamed for slot `k` (a3 -> a3_k). */
function scalarRound(t: X2Tables, k: number): string[] {
  return t.scalarRound("load<u64>(RC + r)").map((l) => l.trim().replace(/\b([abcd])(\d+)\b/g, `$1$2_${k}`));
}

/** Statement lists merged evenly: the i-th of each list lands near the same relative position. */
function interleave(lists: string[][]): string[] {
  if (!INTERLEAVE) return lists.flat();
  const tagged = lists.flatMap((l, j) => l.map((s, i) => ({ s, at: (i + 0.5) / l.length, j })));
  return tagged.sort((p, q) => p.at - q.at || p.j - q.j).map((e) => e.s);
}

/** Code that gives slot `k` the next message of the batch, or an empty one into SINK if none is left. */
function pull(k: number): string[] {
  return [
    `if (next < count) {`,
    `  p${k} = p;`,
    `  l${k} = <usize>load<u32>(lensPtr + ((<usize>next) << 2));`,
    `  o${k} = outPtr + ((<usize>next) << 5);`,
    `  p += l${k};`,
    `  next++;`,
    `} else {`,
    `  l${k} = 0;`,
    `  o${k} = SINK;`,
    `}`,
  ];
}

/** Code that writes slot `k`'s digest and counts it, or moves slot `k` on by one block. */
function after(k: number, inv: ReadonlySet<number>): string[] {
  const scalarLane = (i: number): string => `${inv.has(i) ? "~" : ""}a${i}_${k}`;
  return [
    `if (f${k}) {`,
    ...range(4).map((i) =>
      k < 2
        ? `  v128.store64_lane(o${k}, a${i}, ${k}, ${8 * i});`
        : `  store<u64>(o${k}, ${scalarLane(i)}, ${8 * i});`,
    ),
    `  if (o${k} !== SINK) done++;`,
    ...(k < 2 ? [] : range(25).map((i) => `  a${i}_${k} = ${inv.has(i) ? "~(<u64>0)" : "0"};`)),
    `} else {`,
    `  p${k} += KECCAK256_RATE;`,
    `  l${k} -= KECCAK256_RATE;`,
    `}`,
  ];
}

const indent = (lines: string[], by: string): string => lines.map((l) => by + l).join("\n");

/** What the current settings generate, for gen.ts's log line. */
export function x2Summary(): string {
  return `2 states in v128s + ${SCALAR_STATES} scalar, ${INTERLEAVE ? "interleaved" : "in sequence"}`;
}

/** The whole `wasm/assembly/lib/keccakx2.ts`. */
export function x2Source(t: X2Tables): string {
  const inv = new Set(t.inverted);
  const decls: string[] = [];
  for (const v of ["a", "b"]) decls.push(...range(25).map((i) => `let ${v}${i}: v128 = v128.splat<i64>(0);`));
  for (const v of ["c", "d"]) decls.push(...range(5).map((i) => `let ${v}${i}: v128 = v128.splat<i64>(0);`));
  for (const k of SCALAR) {
    decls.push(...range(25).map((i) => `let a${i}_${k}: u64 = ${inv.has(i) ? "~(<u64>0)" : "0"};`));
    decls.push(...range(25).map((i) => `let b${i}_${k}: u64 = 0;`));
    for (const v of ["c", "d"]) decls.push(...range(5).map((i) => `let ${v}${i}_${k}: u64 = 0;`));
  }
  const slotState = SLOTS.flatMap((k) => [
    `let p${k}: usize = 0;`,
    `let l${k}: usize = 0;`,
    `let o${k}: usize = 0;`,
    `let f${k} = true;`,
  ]);
  const iteration = [
    ...SLOTS.flatMap((k) => [`if (f${k}) {`, ...pull(k).map((l) => `  ${l}`), `}`]),
    ...SLOTS.flatMap((k) => [
      `let s${k} = p${k};`,
      `f${k} = l${k} < KECCAK256_RATE;`,
      `if (f${k}) {`,
      `  padBlock(PAD${k}, p${k}, l${k});`,
      `  s${k} = PAD${k};`,
      `}`,
    ]),
    ...range(17).map(
      (i) => `a${i} = v128.xor(a${i}, v128.load64_lane(s1, v128.load64_zero(s0, ${8 * i}), 1, ${8 * i}));`,
    ),
    ...SCALAR.flatMap((k) => range(17).map((i) => `a${i}_${k} ^= load<u64>(s${k}, ${8 * i});`)),
    `for (let r: usize = 0; r < 192; r += 8) {`,
    ...interleave([simdRound(t.rho), ...SCALAR.map((k) => scalarRound(t, k))]).map((l) => `  ${l}`),
    `}`,
    ...SLOTS.flatMap((k) => after(k, inv)),
    `if (done === count) return p;`,
    `if (f0 || f1) {`,
    `  // Zero the finished slots' halves of the v128 state: keep is all-ones where a slot goes on.`,
    `  let keep = i64x2.replace_lane(i64x2.splat(f0 ? 0 : -1), 1, f1 ? 0 : -1);`,
    ...range(25).map((i) => `  a${i} = v128.and(a${i}, keep);`),
    `}`,
  ];
  const states = 2 + SCALAR_STATES;
  return `// Generated by wasm/assembly/keccak/gen.ts (genx2.ts). Do not edit; change the generator and rerun it.
/**
 * Keccak-256 of a batch of messages, ${states} at a time: Keccak-f[1600] on two states held in
 * \`v128\` locals (lane (x, y) of both in one local, state 0 in i64 lane 0, state 1 in i64 lane 1)${
   SCALAR_STATES > 0
     ? `\n * and ${SCALAR_STATES} more in \`u64\` locals (as in \`./keccak\`, with lane complementing), one round of each per\n * loop iteration, interleaved so vector and integer units work side by side`
     : ", one round per loop iteration"
 }. Needs WASM SIMD
 * (\`--enable simd\`). Same hash as \`./keccak\`: Ethereum's Keccak-256, rate 136, padding 0x01 .. 0x80.
 *
 * Each state is a slot that hashes one message after another: when its message ends, its digest
 * is written, the state is zeroed and the slot takes the next message not yet started, so any mix
 * of lengths keeps every slot busy until the batch runs out.
 *
 * Owns small static scratch areas (a padded block per slot, a sink for idle slots' digests), so
 * it is not reentrant; WASM is single-threaded and nothing here calls out, so that never matters.
 *
 * Spec: FIPS 202 sections 3.2 and 5.1 (with Keccak's pad10*1 and no SHA-3 domain bits).
 */
import { KECCAK256_RATE, keccak256 } from "./keccak";

// Round constants, read (and for the v128 state splatted) once per round.
const RC: usize = memory.data<u64>([
${t.rc.map((h) => `  ${t.literal(h)},`).join("\n")}
]);

// Each slot's padded last block, and where an idle slot's digest goes.
${SLOTS.map((k) => `const PAD${k}: usize = memory.data(136, 16);`).join("\n")}
const SINK: usize = memory.data(32, 16);

/**
 * Copies the final \`len < 136\` bytes at \`src\` into the block at \`dst\` with Keccak's padding:
 * a 0x01 byte after the message, zeros, and 0x80 OR-ed into the last byte of the block.
 */
function padBlock(dst: usize, src: usize, len: usize): void {
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) store<u64>(dst + i, load<u64>(src + i));
  // The partial lane, assembled bytewise so nothing past the input is read.
  let last: u64 = (<u64>0x01) << ((<u64>(len & 7)) << 3);
  for (let j = len & 7; j-- > 0; ) last |= (<u64>load<u8>(src + i + j)) << ((<u64>j) << 3);
  store<u64>(dst + i, last);
  for (i += 8; i < KECCAK256_RATE; i += 8) store<u64>(dst + i, 0);
  store<u8>(dst + KECCAK256_RATE - 1, load<u8>(dst + KECCAK256_RATE - 1) | 0x80);
}

/**
 * Writes the Keccak-256 digests of \`count\` messages stored back to back from \`inPtr\`, message i
 * being the little-endian u32 at \`lensPtr + 4 * i\` bytes long, to \`outPtr + 32 * i\`. The
 * digests must not overlap the input. Input need not be aligned.
 */
export function keccak256Batch(inPtr: usize, lensPtr: usize, count: u32, outPtr: usize): void {
  // A slot with no message left still costs its share of every iteration, so the last
  // \`count % ${SLOTS.length}\` messages are cheaper one at a time with the scalar code.
  let full = count - (count % ${SLOTS.length});
  let p = full === 0 ? inPtr : kernel(inPtr, lensPtr, full, outPtr);
  for (let i = full; i < count; i++) {
    let len = <usize>load<u32>(lensPtr + ((<usize>i) << 2));
    keccak256(p, len, outPtr + ((<usize>i) << 5));
    p += len;
  }
}

/**
 * \`keccak256Batch\` for \`count > 0\` messages, all in the slots; returns the end of the input.
 */
function kernel(inPtr: usize, lensPtr: usize, count: u32, outPtr: usize): usize {
${indent(decls, "  ")}
  // Slot k works on the message at pk with lk bytes left (its last block when lk < 136), whose
  // digest goes to ok; fk says it took its last block in this iteration.
  let p = inPtr;
  let next: u32 = 0;
  let done: u32 = 0;
${indent(slotState, "  ")}
  while (true) {
${indent(iteration, "    ")}
  }
}
`;
}
