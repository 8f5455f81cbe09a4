/**
 * Precompile calls (docs/fault-proof.md §10) against @ethereumjs/evm: every Cancun precompile
 * with valid and invalid inputs, at the exact gas and one short, through CALL (with value),
 * STATICCALL and DELEGATECALL, with output windows shorter and longer than the output. Point
 * evaluation runs with kzg-wasm on both sides; Ore's pairing bound (256 pairs) and modexp's
 * EIP-7823 bound (1,024-byte lengths) apply on both sides (the reference runs the engine's
 * `core/engine/pairing.ts` and `core/engine/modexp.ts`). Every step verifies from its witness;
 * blake2f over 2^20 rounds in pieces: `blake2f.test.ts`.
 */
import { describe, expect, test } from "bun:test";
import { bn254 } from "@noble/curves/bn254.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { loadKZG } from "kzg-wasm";
import { fromHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { seededRandom } from "../mpt/testing.ts";
import { signDigest } from "../p2p/signature.ts";
import type { MachineOptions } from "./machine.ts";
import { agree, context } from "./testing.ts";
import { buildWorld } from "./world.ts";

const SOAK = process.env.ORE_SOAK === "1";
const hex = (s: string): Uint8Array => fromHex(`0x${s.replace(/\s+/g, "")}`);
const h = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const word = (v: bigint): string => v.toString(16).padStart(64, "0");

function push(n: number | bigint): string {
  let v = BigInt(n).toString(16);
  if (v.length % 2) v = `0${v}`;
  return `${(0x5f + v.length / 2).toString(16)}${v}`;
}

/**
 * Stores `input` in memory from 0 (copied from the code's tail), calls precompile `id` with
 * `op`, `gas` (or all), output window [0x10000, +outLen), then reads RETURNDATASIZE.
 */
function callPrecompile(
  id: number,
  input: Uint8Array,
  o: { op?: number; gas?: number; outLen?: number; value?: number } = {},
) {
  const op = o.op ?? 0xfa;
  const call = (tail: number) =>
    `${push(input.length)} ${push(tail)} 6000 39 ` +
    `${push(o.outLen ?? 32)} 62010000 ${push(input.length)} 6000 ${op === 0xf1 ? push(o.value ?? 0) : ""}` +
    ` ${push(id)} ${o.gas === undefined ? "5a" : push(o.gas)} ${op.toString(16)} 3d 62010000 51 00`;
  let tail = hex(call(0)).length;
  while (hex(call(tail)).length !== tail) tail = hex(call(tail)).length;
  return new Uint8Array([...hex(call(tail)), ...input]);
}

let kzgOpts: MachineOptions | undefined;

async function run(code: Uint8Array, calldata?: Uint8Array, gas = 2_000_000n) {
  kzgOpts ??= { kzg: await loadKZG() };
  const req = context({ code, gas, calldata }, 4);
  const precompiles = Array.from({ length: 10 }, (_, i) => {
    const a = new Uint8Array(20);
    a[19] = i + 1;
    return a;
  });
  req.warm = { addresses: precompiles };
  const accounts = [{ address: req.address!, balance: 10_000n, code }];
  req.world = buildWorld(accounts);
  return agree(req, { accounts, machine: kzgOpts });
}

/** Runs precompile `id` on `input` with all gas, at its exact cost, and one gas short. */
async function atGas(id: number, input: Uint8Array, cost: number) {
  await run(callPrecompile(id, input));
  await run(callPrecompile(id, input, { gas: cost }));
  await run(callPrecompile(id, input, { gas: cost - 1 }));
}

describe("precompiles vs @ethereumjs/evm", () => {
  test("ecrecover: a valid signature, bad v, bad s, short input", async () => {
    const msg = keccak256(new TextEncoder().encode("ore"));
    const key = keccak256(new TextEncoder().encode("key"));
    const sig = signDigest(msg, key);
    const [r, s, v] = [sig.subarray(0, 32), sig.subarray(32, 64), 27n + BigInt(sig[64])];
    const good = hex(`${h(msg)}${word(v)}${h(r)}${h(s)}`);
    await atGas(1, good, 3000);
    await run(callPrecompile(1, hex(`${h(msg)}${word(29n)}${h(r)}${h(s)}`)));
    await run(callPrecompile(1, hex(`${h(msg)}${word(v)}${h(r)}${"ff".repeat(32)}`)));
    await run(callPrecompile(1, good.subarray(0, 70)));
  });

  test("sha256, ripemd160, identity at several lengths; identity's output over several windows", async () => {
    const rand = seededRandom(8);
    for (const len of [0, 1, 55, 64, 100, 1000, 4100]) {
      const input = new Uint8Array(len).map(() => Math.floor(rand() * 256));
      const words = Math.ceil(len / 32);
      await atGas(2, input, 60 + 12 * words);
      await atGas(3, input, 600 + 120 * words);
      await atGas(4, input, 15 + 3 * words);
    }
    const big = new Uint8Array(3000).map((_, i) => i & 0xff);
    await run(callPrecompile(4, big, { outLen: 5 }));
    await run(callPrecompile(4, big, { outLen: 3100 }));
    expect(sha256(big).length).toBe(32);
  });

  test("modexp: small, zero modulus, long exponent, lengths past the input, no modulus", async () => {
    const mod = (b: bigint, e: bigint, m: bigint, bl = 32, el = 32, ml = 32) =>
      hex(
        `${word(BigInt(bl))}${word(BigInt(el))}${word(BigInt(ml))}${b.toString(16).padStart(bl * 2, "0")}${e.toString(16).padStart(el * 2, "0")}${m.toString(16).padStart(ml * 2, "0")}`,
      );
    await run(callPrecompile(5, mod(3n, 65537n, (1n << 255n) - 19n)));
    await run(callPrecompile(5, mod(7n, 5n, 0n)));
    await run(callPrecompile(5, mod(2n, (1n << 500n) + 1n, 1000003n, 32, 64, 32)));
    await run(callPrecompile(5, hex(`${word(1n)}${word(1n)}${word(40n)}0203`), { outLen: 64 }));
    await run(callPrecompile(5, mod(3n, 65537n, (1n << 255n) - 19n), { gas: 199 }));
    // Mlen = 0: no output, decided in the machine (no host call); EIP-2565 still charges the base
    // and exponent: w = 32, 8 · (1,024 − 32) + 255 iterations, 2,795,861 gas.
    const empty = hex(`${word(256n)}${word(1024n)}${word(0n)}${"ab".repeat(256)}${"ff".repeat(32)}`);
    await run(callPrecompile(5, empty), undefined, 8_000_000n);
    await run(callPrecompile(5, empty, { gas: 2_795_861 }), undefined, 8_000_000n);
    await run(callPrecompile(5, empty, { gas: 2_795_860 }), undefined, 8_000_000n);
  });

  test("bn254 add, mul, pairing; invalid points and lengths fail", async () => {
    const g = `${word(1n)}${word(2n)}`;
    await atGas(6, hex(`${g}${g}`), 150);
    await atGas(7, hex(`${g}${word(3n)}`), 6000);
    await run(callPrecompile(6, hex(`${g}${word(1n)}${word(3n)}`))); // not on the curve
    await run(callPrecompile(7, hex(`${word(1n)}${word(3n)}${word(2n)}`)));
    await atGas(8, new Uint8Array(0), 45000);
    await run(callPrecompile(8, new Uint8Array(100))); // not a multiple of 192
  });

  test("blake2f: rounds, final flag, bad flag, bad length", async () => {
    const rand = seededRandom(9);
    const body = (rounds: number, f: number, len = 213) => {
      const b = new Uint8Array(len).map(() => Math.floor(rand() * 256));
      new DataView(b.buffer).setUint32(0, rounds, false);
      if (len === 213) b[212] = f;
      return b;
    };
    await atGas(9, body(12, 1), 12);
    await run(callPrecompile(9, body(0, 0), { outLen: 64 }));
    await run(callPrecompile(9, body(3, 2)));
    await run(callPrecompile(9, body(3, 1, 212)));
  });

  test("point evaluation (KZG): the zero polynomial proves y = 0; a wrong versioned hash fails", async () => {
    const commitment = new Uint8Array(48);
    commitment[0] = 0xc0;
    const versioned = sha256(commitment);
    versioned[0] = 1;
    const input = hex(`${h(versioned)}${word(5n)}${word(0n)}${h(commitment)}${h(commitment)}`);
    await atGas(10, input, 50000);
    const bad = input.slice();
    bad[5] ^= 1;
    await run(callPrecompile(10, bad));
  });

  test("a real pairing: e(P, Q) · e(−P, Q) = 1; random inputs to every precompile", async () => {
    const P = bn254.G1.Point.BASE.multiply(7n).toAffine();
    const Q = bn254.G2.Point.BASE.multiply(11n).toAffine();
    const g1 = (x: bigint, y: bigint) => `${word(x)}${word(y)}`;
    const g2 = `${word(Q.x.c1)}${word(Q.x.c0)}${word(Q.y.c1)}${word(Q.y.c0)}`;
    const fp = bn254.fields.Fp.ORDER;
    await run(callPrecompile(8, hex(`${g1(P.x, P.y)}${g2}${g1(P.x, fp - P.y)}${g2}`)));
    await run(callPrecompile(8, hex(`${g1(P.x, P.y)}${g2}${g1(P.x, P.y)}${g2}`)));
    const rand = seededRandom(12);
    for (let k = 0; k < 40; k++) {
      const id = 1 + (k % 9);
      const len = [0, 31, 64, 96, 128, 192, 213, 300][Math.floor(rand() * 8)];
      const input = new Uint8Array(len).map(() => (rand() < 0.5 ? 0 : Math.floor(rand() * 256)));
      await run(callPrecompile(id, input));
    }
  }, 30_000);

  test(
    `one step: ${SOAK ? "262,144" : "65,536"} bytes in and out agree; a pairing over 262,144 bytes fails`,
    async () => {
      // STATICCALL(gas, id, 0, len, 0x40000, len) over zero memory; RETURNDATASIZE; MLOAD(0x40000).
      const code = (id: number, len: number) =>
        hex(`${push(len)} 62040000 ${push(len)} 5f ${push(id)} 5a fa 3d 62040000 51 00`);
      const len = SOAK ? 262_144 : 65_536;
      await run(code(4, len));
      await run(code(2, len));
      // A pairing over the limit is over Ore's bound of 256 pairs: the call fails.
      await run(code(8, 262_272), undefined, 29_000_000n);
    },
    SOAK ? 600_000 : 60_000,
  );

  test(
    "inputs over the one-step limit: sha256, ripemd160, identity in pieces; too little gas fails",
    async () => {
      // CALLDATACOPY the calldata to memory 0; STATICCALL(gas, id, 0, size, outOff, outLen); RETURNDATASIZE; MLOAD(outOff).
      const code = (id: number, outOff: number, outLen: number, gas?: number) =>
        hex(
          `365f5f37 ${push(outLen)} ${push(outOff)} 36 5f ${push(id)} ${gas === undefined ? "5a" : push(gas)} fa 3d ${push(outOff)} 51 00`,
        );
      const rand = seededRandom(11);
      for (const len of [262_145, SOAK ? 1_000_003 : 300_000]) {
        const data = new Uint8Array(len).map(() => Math.floor(rand() * 256));
        const gas = len > 500_000 ? 30_000_000n : 6_000_000n;
        await run(code(2, 0x50000, 32), data, gas);
        await run(code(3, 0x50000, 32), data, gas);
        await run(code(4, 0x50000, len), data, gas); // the whole output into a separate window
        await run(code(4, 16, 40), data, gas); // a short window over the input itself
        await run(code(4, 0x50000, 0), data, gas); // no window
      }
      const data = new Uint8Array(262_145).fill(7);
      // Exactly the gas, and one short (sha256: 60 + 12 per word; identity: 15 + 3 per word).
      const words = Math.ceil(data.length / 32);
      await run(code(2, 0x50000, 32, 60 + 12 * words), data, 6_000_000n);
      await run(code(2, 0x50000, 32, 60 + 12 * words - 1), data, 6_000_000n);
      await run(code(4, 0x50000, 64, 15 + 3 * words - 1), data, 6_000_000n);
    },
    SOAK ? 600_000 : 120_000,
  );

  test(
    "inputs over the one-step limit to the other precompiles: the used part, a failure, modexp's exponent in pieces",
    async () => {
      const code = (id: number, outLen = 64) =>
        hex(`365f5f37 ${push(outLen)} 62050000 36 5f ${push(id)} 5a fa 3d 62050000 51 00`);
      const long = (head: Uint8Array, len = 262_145) => {
        const d = new Uint8Array(len).fill(0xab);
        d.set(head);
        return d;
      };
      const msg = keccak256(new TextEncoder().encode("long"));
      const sig = signDigest(msg, keccak256(new TextEncoder().encode("key")));
      const rec = hex(`${h(msg)}${word(27n + BigInt(sig[64]!))}${h(sig.subarray(0, 64))}`);
      await run(code(1), long(rec), 6_000_000n); // ecrecover reads 128 bytes
      await run(code(6), long(hex(`${word(1n)}${word(2n)}${word(1n)}${word(2n)}`)), 6_000_000n); // bn254 add: 128
      await run(code(7), long(hex(`${word(1n)}${word(2n)}${word(3n)}`)), 6_000_000n); // bn254 mul: 96
      await run(code(9), long(new Uint8Array(0)), 6_000_000n); // blake2f: not 213 bytes, fails
      await run(code(10), long(new Uint8Array(0)), 6_000_000n); // point evaluation: not 192 bytes, fails
      // modexp reads at most 96 + 3 · 1,024 bytes (EIP-7823): a short used part runs; an empty
      // modulus gives nothing; a declared length over 1,024 fails.
      await run(code(5), long(hex(`${word(1n)}${word(1n)}${word(1n)}03 05 07`)), 6_000_000n);
      await run(code(5), long(hex(`${word(1n)}${word(1024n)}${word(0n)}`), 300_200), 6_000_000n);
      await run(code(5), long(hex(`${word(1n)}${word(300_000n)}${word(0n)}`), 300_200), 6_000_000n);
      await run(code(5), long(hex(`${word(1n)}${word(1n << 40n)}${word(1n)}`)), 6_000_000n);
      // An exponent longer than one piece in a long input goes in pieces on its used part.
      const rand = seededRandom(5);
      const rnd = (n: number) => new Uint8Array(n).map(() => Math.floor(rand() * 256));
      const modexpIn = (bl: number, el: number, ml: number) =>
        long(
          new Uint8Array([
            ...hex(`${word(BigInt(bl))}${word(BigInt(el))}${word(BigInt(ml))}`),
            ...rnd(bl),
            ...rnd(el),
            ...rnd(ml),
          ]),
        );
      await run(code(5), modexpIn(32, 1024, 32), 29_000_000n);
      await run(code(5, 10), modexpIn(1, 1024, 1), 29_000_000n);
      await run(code(5), modexpIn(200, 1000, 300), 29_000_000n);
      // A base over 1,024 bytes fails (it used to be refused by name: EIP-7823 removed the case).
      const r = await run(code(5), modexpIn(1025, 1024, 1), 29_000_000n);
      expect(r.status).toBe(1);
    },
    SOAK ? 1_800_000 : 60_000,
  );

  test(
    "modexp in pieces: exponents of up to 1,024 bytes longer than one piece, bases and moduli of 1 to 1,024 bytes, short and long inputs; at its gas and one short",
    async () => {
      // CALLDATACOPY the input to 0; STATICCALL(gas, 5, 0, size, retOff, retLen); RETURNDATACOPY
      // to 0x60000; RETURN memory [0, 0x60400): the input, the window and the return data.
      const code = (retOff: number, retLen: number, gas?: bigint) =>
        hex(
          `365f5f37 ${push(retLen)} ${push(retOff)} 36 5f 6005 ${gas === undefined ? "5a" : push(gas)} fa` +
            ` 3d 5f 62060000 3e 62060400 5f f3`,
        );
      const rand = seededRandom(33);
      const rnd = (n: number) => new Uint8Array(n).map(() => Math.floor(rand() * 256));
      const be = (v: bigint, n: number) => hex(v.toString(16).padStart(n * 2, "0"));
      /** EIP-2565's gas. */
      const gasOf = (bl: number, e: Uint8Array, ml: number) => {
        const head = BigInt(`0x${h(e.subarray(0, 32)) || "0"}`);
        const bits = head.toString(2).length - (head === 0n ? 1 : 0);
        const iters = BigInt(Math.max(0, 8 * (e.length - 32)) + Math.max(0, bits - 1));
        const w = BigInt(Math.ceil(Math.max(bl, ml) / 8));
        const g = (w * w * (iters > 1n ? iters : 1n)) / 3n;
        return g > 200n ? g : 200n;
      };
      /** An exponent of `n ≤ 1,024` bytes: zero bytes, then `tail` random ones (`lead`: a non-zero first byte). */
      const expOf = (n: number, tail = n, lead = false) => {
        const e = new Uint8Array(n);
        e.set(rnd(tail), n - tail);
        if (lead) e[0] = 0x80;
        return e;
      };
      const input = (b: Uint8Array, e: Uint8Array, m: Uint8Array, lens?: [number, number, number]) => {
        const [bl, el, ml] = lens ?? [b.length, e.length, m.length];
        return new Uint8Array([
          ...be(BigInt(bl), 32),
          ...be(BigInt(el), 32),
          ...be(BigInt(ml), 32),
          ...b,
          ...e,
          ...m,
        ]);
      };
      const big = (b: Uint8Array) => (b.length === 0 ? 0n : BigInt(`0x${h(b)}`));
      const modPow = (b: bigint, e: bigint, m: bigint) => {
        let r = 1n % m;
        for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
        return r;
      };
      const odd = (m: Uint8Array) => {
        m[m.length - 1] |= 1;
        m[0] |= 0x80;
        return m;
      };
      // The transaction's gas: enough for the call after EIP-150's 1/64 (64/64 needs over 45M).
      const txFor = (b: Uint8Array, e: Uint8Array, m: Uint8Array) =>
        (gasOf(b.length, e, m.length) * 64n) / 63n + 2_000_000n;
      const cases: [string, Uint8Array, Uint8Array, Uint8Array][] = [];
      // Up to 64 bytes a piece is 1,023 exponent bytes, so 1,024 take two; wider, more.
      for (const n of [33, 48, 64]) cases.push([`${n}/${n}`, rnd(n), expOf(1024), odd(rnd(n))]);
      cases.push(["1/40", rnd(1), expOf(1024), rnd(40)]);
      cases.push(["40/1", rnd(40), expOf(1024), hex("fb")]);
      cases.push(["56/24 base ≥ modulus", rnd(56), expOf(1024, 700), rnd(24)]);
      cases.push([
        "20/56 even modulus",
        rnd(20),
        expOf(1024),
        rnd(56).map((x, i) => (i === 55 ? x & 0xfe : x)),
      ]);
      const lz = rnd(48);
      lz.fill(0, 0, 30);
      cases.push(["48/48 modulus with 30 leading zero bytes", rnd(48), expOf(1024), lz]);
      cases.push(["0/33", new Uint8Array(0), expOf(1024, 100), odd(rnd(33))]);
      cases.push(["33/33 modulus 0", rnd(33), expOf(1024, 50), new Uint8Array(33)]);
      cases.push(["64/33 modulus 1", rnd(64), expOf(1024, 50), be(1n, 33)]);
      // 72 bytes: 809 a piece; 200/300: 45; 1,024: 4 (the widest, 256 pieces for 1,024 bytes).
      cases.push(["72/72 exponent with a leading bit", rnd(72), expOf(1000, 20, true), odd(rnd(72))]);
      cases.push(["200/300", rnd(200), expOf(1000, 300), odd(rnd(300))]);
      cases.push(["1024/1024", rnd(1024), expOf(1024, SOAK ? 1024 : 40), odd(rnd(1024))]);
      if (SOAK) {
        // Random widths up to 1,024 with random exponents of up to 1,024 bytes.
        for (let k = 0; k < 6; k++) {
          const [bl, ml] = [Math.floor(rand() * 1025), 1 + Math.floor(rand() * 1024)];
          cases.push([`${bl}/${ml} random`, rnd(bl), rnd(1 + Math.floor(rand() * 1024)), rnd(ml)]);
        }
      }
      for (const [name, b, e, m] of cases) {
        const data = input(b, e, m);
        // The output window over the input itself, and apart from it.
        for (const [retOff, retLen] of [
          [0x50000, 100],
          [0, m.length],
        ]) {
          const got = await run(code(retOff, retLen), data, txFor(b, e, m));
          expect(got.status, name).toBe(1);
        }
      }
      // Exactly the gas (the output, also as return data at 0x60000, is b^e mod m), and one short.
      for (const [, b, e, m] of cases.slice(0, 2)) {
        const g = gasOf(b.length, e, m.length);
        const want = h(be(modPow(big(b), big(e), big(m)), m.length));
        const tx = txFor(b, e, m);
        const ok = await run(code(0x50000, 64, g), input(b, e, m), tx);
        expect(h(ok.output.subarray(0x60000, 0x60000 + m.length))).toBe(want);
        expect(h(ok.output.subarray(0x50000, 0x50000 + m.length))).toBe(want);
        const short = await run(code(0x50000, 64, g - 1n), input(b, e, m), tx);
        expect(short.output.subarray(0x50000).every((x) => x === 0)).toBe(true);
      }
      // Within the one-step limit, an exponent longer than one piece also goes in pieces (each
      // host modexp stays under 174,762 gas); one piece's worth runs in one step.
      const short: [Uint8Array, Uint8Array, Uint8Array][] = [
        [rnd(64), rnd(1023), odd(rnd(64))],
        [rnd(64), rnd(1024), odd(rnd(64))],
        [rnd(32), rnd(1000), rnd(32)],
        [rnd(1024), rnd(5), odd(rnd(1024))],
        [rnd(1024), rnd(4), odd(rnd(1024))],
        [rnd(200), rnd(100), rnd(300)],
        [rnd(7), rnd(1024), hex("00000000000000000000000000000001")],
      ];
      const steps: number[] = [];
      for (const [b, e, m] of short) {
        const g = gasOf(b.length, e, m.length);
        const data = input(b, e, m);
        const want = h(be(modPow(big(b), big(e), big(m)), m.length));
        const ok = await run(code(0, m.length, g), data, txFor(b, e, m));
        steps.push(ok.steps);
        expect(h(ok.output.subarray(0x60000, 0x60000 + m.length))).toBe(want);
        expect(h(ok.output.subarray(0, m.length))).toBe(want);
        await run(code(0x50000, 64, g - 1n), data, txFor(b, e, m));
      }
      // 1,023 exponent bytes (one piece's worth): stages 13 and 14; 1,024: stage 13 and two pieces.
      expect(steps[1]).toBe(steps[0] + 1);
      // A header cut at 95 bytes: Mlen's last byte is zero-padded (1,024), Elen 40 > 4 bytes a
      // piece; the modulus lies past the input: zero.
      const cut = input(rnd(1), new Uint8Array(40), new Uint8Array(1024), [1, 40, 1024]).subarray(0, 95);
      cut[94] = 4;
      await run(code(0x50000, 64), cut, 2_000_000n);
      // The input ends inside the modulus (zero-padded: an even modulus) or inside the exponent, or
      // goes on past the used part over the one-step limit.
      const b = rnd(40);
      const e = expOf(1024);
      const m = odd(rnd(48));
      const whole = input(b, e, m);
      await run(code(0x50000, 48), whole.subarray(0, whole.length - 20), txFor(b, e, m));
      await run(code(0x50000, 48), whole.subarray(0, whole.length - 48 - 500), txFor(b, e, m));
      const longer = new Uint8Array(262_145).fill(0xcd);
      longer.set(whole);
      await run(code(0x50000, 48), longer, txFor(b, e, m) + 2_000_000n);
    },
    SOAK ? 3_600_000 : 180_000,
  );

  test("Ore's pairing bound: 256 pairs succeed, 257 fail consuming all the call's gas (20,000,000), through STATICCALL, DELEGATECALL, CALL with a value", async () => {
    const P = bn254.G1.Point.BASE.multiply(5n).toAffine();
    const Q = bn254.G2.Point.BASE.multiply(3n).toAffine();
    const g2 = `${word(Q.x.c1)}${word(Q.x.c0)}${word(Q.y.c1)}${word(Q.y.c0)}`;
    // e(P, Q) · e(−P, Q) = 1; the other pairs are points at infinity (each e(O, O) = 1).
    const head = hex(`${word(P.x)}${word(P.y)}${g2}${word(P.x)}${word(bn254.fields.Fp.ORDER - P.y)}${g2}`);
    const pairs = (n: number) => {
      const d = new Uint8Array(192 * n);
      d.set(head);
      return d;
    };
    const G = 20_000_000;
    // CALLDATACOPY the pairs to 0; op(G, 8, 0, size, 0, 32) (no memory expansion); STOP.
    const code = (op: number, value = 0) =>
      hex(`365f5f37 6020 5f 36 5f ${op === 0xf1 ? push(value) : ""} 6008 ${push(G)} ${op.toString(16)} 00`);
    for (const [op, value] of [
      [0xfa, 0],
      [0xf4, 0],
      [0xf1, 33],
    ]) {
      const spent = async (n: number) => {
        const c = code(op, value);
        const r = await run(c, pairs(n), 25_000_000n);
        const call = r.ops.findIndex((o) => o.pc === c.length - 2);
        expect(r.ops[call + 1].stack).toEqual([n <= 256 ? 1n : 0n]);
        return r.ops[call].gasLeft - r.ops[call + 1].gasLeft;
      };
      // Warm access 100; a value 9,000 and 25,000 for a new account (0x08 has none), its 2,300
      // stipend coming back unless the call fails.
      const base = 100n + (value > 0 ? 9000n + 25_000n : 0n);
      expect(await spent(256)).toBe(base + 45_000n + 34_000n * 256n - (value > 0 ? 2300n : 0n));
      expect(await spent(257)).toBe(base + BigInt(G));
    }
    // Whatever the gas: all of it (over 257 pairs' 8,783,000).
    await run(hex(`365f5f37 6020 5f 36 5f 6008 5a fa 00`), pairs(257), 40_000_000n);
    await run(hex(`365f5f37 6020 5f 36 5f 6008 5a fa 00`), pairs(300), 40_000_000n);
  }, 120_000);

  test("modexp's EIP-7823 bound: lengths of 1,024 run, 1,025 in Blen, Elen or Mlen fail consuming all the call's gas (5,000,000), through STATICCALL, DELEGATECALL, CALL with a value", async () => {
    const G = 5_000_000;
    const lens = (b: bigint, e: bigint, m: bigint, body = "") => hex(`${word(b)}${word(e)}${word(m)}${body}`);
    // CALLDATACOPY the input to 0; op(G, 5, 0, size, 0, 32) (no memory expansion); STOP.
    const code = (op: number, value = 0) =>
      hex(`365f5f37 6020 5f 36 5f ${op === 0xf1 ? push(value) : ""} 6005 ${push(G)} ${op.toString(16)} 00`);
    // Within the bound: Blen = Mlen = 1,024 (w = 128), a 1-byte exponent 3: 5,461 gas; the
    // operands read zero past the input's end (a modulus of 0: 1,024 zero bytes).
    const ok = lens(1024n, 1n, 1024n, `${"ab".repeat(1024)}03${"cd".repeat(1023)}ef`);
    const cases: [Uint8Array, bigint | undefined][] = [
      [ok, 5_461n],
      [lens(1024n, 1n, 1024n), 5_461n],
      [lens(1n, 1024n, 1n, `03${"ff".repeat(1024)}fb`), 2_730n],
      [lens(1025n, 1n, 1n, "0305"), undefined],
      [lens(1n, 1025n, 1n, "0305"), undefined],
      [lens(1n, 1n, 1025n, "0305"), undefined],
      // Cancun alone would take these: no modulus (output empty), base and modulus empty.
      [lens(1025n, 1n, 0n), undefined],
      [lens(0n, 1025n, 0n), undefined],
      // Huge declared lengths.
      [lens(1n << 255n, 1n, 1n), undefined],
      [lens(0n, (1n << 256n) - 1n, 1n), undefined],
      [lens(1n, 1n, 1n << 64n), undefined],
      // A header cut short reads zero past its end: Mlen 0x0400 (1,024) runs, 0x0500 fails, and
      // Elen's first byte 1 (2^248) fails.
      [lens(1n, 1n, 1024n).subarray(0, 95), 5_461n],
      [hex(`${word(1n)}${word(1n)}${"00".repeat(30)}05`), undefined],
      [hex(`${word(1n)}01`), undefined],
    ];
    for (const [op, value] of [
      [0xfa, 0],
      [0xf4, 0],
      [0xf1, 33],
    ]) {
      for (const [data, cost] of cases) {
        const c = code(op, value);
        const r = await run(c, data, 6_000_000n);
        const call = r.ops.findIndex((o) => o.pc === c.length - 2);
        expect(r.ops[call + 1].stack).toEqual([cost === undefined ? 0n : 1n]);
        // Warm access 100; a value 9,000 and 25,000 for a new account (0x05 has none), its 2,300
        // stipend coming back unless the call fails.
        const base = 100n + (value > 0 ? 9000n + 25_000n : 0n);
        const spent = r.ops[call].gasLeft - r.ops[call + 1].gasLeft;
        expect(spent).toBe(cost === undefined ? base + BigInt(G) : base + cost - (value > 0 ? 2300n : 0n));
      }
    }
    // Whatever the gas: all of it, and too little for the gas EIP-2565 would charge.
    await run(hex(`365f5f37 6020 5f 36 5f 6005 5a fa 00`), lens(1n, 1n, 1025n, "0305"), 40_000_000n);
    await run(hex(`365f5f37 6020 5f 36 5f 6005 6001 fa 00`), lens(1n, 1n, 1025n, "0305"), 1_000_000n);
  }, 120_000);

  test("CALL with value to a precompile (undone when it fails), DELEGATECALL, CALLCODE", async () => {
    const g = `${word(1n)}${word(2n)}`;
    await run(callPrecompile(6, hex(`${g}${g}`), { op: 0xf1, value: 77 }));
    await run(callPrecompile(6, hex(`${g}${word(1n)}${word(3n)}`), { op: 0xf1, value: 77 }));
    await run(callPrecompile(2, hex("abcdef"), { op: 0xf4 }));
    await run(callPrecompile(3, hex("abcdef"), { op: 0xf1, value: 1, gas: 700 }));
  });
});
