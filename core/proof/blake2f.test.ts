/**
 * blake2f (0x09) calls against @ethereumjs/evm (docs/fault-proof.md §10): up to 2^20 rounds in one
 * step through the host, more in pieces of 512 rounds run in the machine with the working vector in
 * `op.sponge`. Rounds 0, 1, 12, 2^20, 2^20 + 1, whole pieces and remainders, random h, m, t, f; the
 * exact gas and one short; a bad flag, a bad length and too little gas decided in the first step;
 * STATICCALL, DELEGATECALL and CALL with a value (undone on failure). Every step verifies from its
 * witness. `ORE_SOAK=1` adds 10,000,000 rounds (19,532 pieces).
 */
import { describe, expect, test } from "bun:test";
import { seededRandom } from "../mpt/testing.ts";
import { agree, context } from "./testing.ts";
import { buildWorld } from "./world.ts";

const SOAK = process.env.ORE_SOAK === "1";
const T = 1 << 20;
const PIECE = 512;
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

function push(n: number | bigint): string {
  let v = BigInt(n).toString(16);
  if (v.length % 2) v = `0${v}`;
  return `${(0x5f + v.length / 2).toString(16)}${v}`;
}

/**
 * CALLDATACOPY the input to memory 0; call 0x09 with `op` and `gas` (all when undefined), output
 * window `[0x100, +outLen)`; the success flag at 0x1e0; RETURNDATACOPY to 0x200; RETURN memory
 * `[0, 0x300)`: the input, the window, the flag and the return data.
 */
function code(o: { op?: number; gas?: number; outLen?: number; value?: number } = {}): Uint8Array {
  const op = o.op ?? 0xfa;
  const value = op === 0xf1 || op === 0xf2 ? push(o.value ?? 0) : "";
  return hex(
    `365f5f37 ${push(o.outLen ?? 64)} 610100 36 5f ${value} 6009 ${o.gas === undefined ? "5a" : push(o.gas)}` +
      ` ${op.toString(16)} 6101e0 52 3d 5f 610200 3e 610300 5f f3`,
  );
}

/** A blake2f input: `rounds`, random h, m, t, and the flag byte `f`; `len` cuts or extends it. */
function input(rand: () => number, rounds: number, f: number, len = 213): Uint8Array {
  const b = new Uint8Array(len).map(() => Math.floor(rand() * 256));
  if (len >= 4) new DataView(b.buffer).setUint32(0, rounds, false);
  if (len >= 213) b[212] = f;
  return b;
}

/** Runs `data` through `c` on the machine and on @ethereumjs; returns the machine's run. */
async function run(c: Uint8Array, data: Uint8Array, gas: bigint) {
  const req = context({ code: c, gas, calldata: data }, 4);
  const nine = new Uint8Array(20);
  nine[19] = 9;
  req.warm = { addresses: [nine] };
  const accounts = [{ address: req.address!, balance: 10_000n, code: c }];
  req.world = buildWorld(accounts);
  return agree(req, { accounts });
}

/** The transaction's gas for `rounds`: the call's after EIP-150's 1/64, with room to spare. */
const txGas = (rounds: number): bigint => (BigInt(rounds) * 64n) / 63n + 200_000n;

/** The success flag the code stored. */
const flag = (output: Uint8Array): number => output[0x1ff];

describe("blake2f vs @ethereumjs/evm: one step up to 2^20 rounds, pieces beyond", () => {
  test("rounds 0, 1, 12 and 2^20 in one step; at the exact gas and one short", async () => {
    const rand = seededRandom(152);
    for (const [rounds, f] of [
      [0, 0],
      [1, 1],
      [12, 1],
      [12, 0],
    ]) {
      const data = input(rand, rounds, f);
      const ok = await run(code(), data, txGas(rounds));
      expect(flag(ok.output)).toBe(1);
      expect(ok.steps).toBeLessThan(40);
    }
    const data = input(rand, 12, 1);
    expect(flag((await run(code({ gas: 12 }), data, 100_000n)).output)).toBe(1);
    expect(flag((await run(code({ gas: 11 }), data, 100_000n)).output)).toBe(0);
    const one = await run(code(), input(rand, T, 1), txGas(T));
    expect(flag(one.output)).toBe(1);
    expect(one.steps).toBeLessThan(40);
  }, 60_000);

  test("2^20 + 1 rounds and more: pieces of 512 rounds, whole and with a remainder; random h, m, t, f", async () => {
    const rand = seededRandom(7825);
    const cases = [
      [T + 1, 1],
      [T + PIECE, 0],
      [T + 3 * PIECE + 17, 1],
      [T + 2 * PIECE - 1, 0],
    ];
    const extra: number[] = [];
    for (const [rounds, f] of cases) {
      const r = await run(code(), input(rand, rounds, f), txGas(rounds));
      expect(flag(r.output)).toBe(1);
      extra.push(r.steps - Math.ceil(rounds / PIECE));
    }
    // One step per piece of 512 rounds (the first in the call's stage 13, the call ending with
    // the last), whatever the remainder: 2,049, 2,049, 2,052 and 2,050 pieces.
    expect(new Set(extra).size).toBe(1);
  }, 180_000);

  test("pieces: exact gas and one short; a bad flag, a bad length, too little gas fail in the first step", async () => {
    const rand = seededRandom(9);
    const rounds = T + 700;
    const data = input(rand, rounds, 1);
    const ok = await run(code({ gas: rounds }), data, txGas(rounds));
    expect(flag(ok.output)).toBe(1);
    for (const bad of [
      { c: code({ gas: rounds - 1 }), d: data },
      { c: code(), d: input(rand, rounds, 2) },
      { c: code(), d: input(rand, rounds, 1, 212) },
      { c: code(), d: input(rand, rounds, 1, 214) },
      { c: code(), d: input(rand, 0xffffffff, 0) },
    ]) {
      const r = await run(bad.c, bad.d, txGas(rounds));
      expect(flag(r.output)).toBe(0);
      // The failure is decided before any piece: the run is as short as a one-step call's.
      expect(r.steps).toBeLessThan(40);
    }
  }, 120_000);

  test("pieces through DELEGATECALL and CALL with a value (the stipend counts; undone when it fails); short windows", async () => {
    const rand = seededRandom(10);
    const rounds = T + 5;
    const data = input(rand, rounds, 0);
    expect(flag((await run(code({ op: 0xf4 }), data, txGas(rounds))).output)).toBe(1);
    expect(flag((await run(code({ op: 0xf1, value: 9 }), data, txGas(rounds))).output)).toBe(1);
    expect(
      flag((await run(code({ op: 0xf1, value: 9, gas: rounds - 2301 }), data, txGas(rounds))).output),
    ).toBe(0);
    expect(flag((await run(code({ outLen: 20 }), data, txGas(rounds))).output)).toBe(1);
    expect(flag((await run(code({ outLen: 0 }), data, txGas(rounds))).output)).toBe(1);
  }, 120_000);

  test.if(SOAK)(
    "soak: 10,000,000 rounds (19,532 pieces)",
    async () => {
      const rand = seededRandom(44);
      const r = await run(code(), input(rand, 10_000_000, 1), txGas(10_000_000));
      expect(flag(r.output)).toBe(1);
    },
    1_800_000,
  );
});
