/**
 * Ore's modexp bound (0x05, EIP-7823, `core/engine/modexp.ts`): declared lengths of up to 1,024
 * bytes run as in Cancun (EIP-2565's gas), a longer base, exponent or modulus fails consuming all
 * the gas given to it, whatever that gas, with huge declared lengths and with inputs shorter than
 * they declare. Checked on the engine's own VM (`createOreVM`) against @ethereumjs's modexp with
 * EIP-7823 switched on (it checks the bound after the gas: the outcome is the same), and through
 * `eth_call`.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { getActivePrecompiles, type PrecompileFunc, paramsEVM } from "@ethereumjs/evm";
import { Address } from "@ethereumjs/util";
import { concatBytes as cat, toHex } from "../../core/bytes.ts";
import { MODEXP_ADDRESS, modexpLength, modexpOverBound } from "../../core/engine/modexp.ts";
import { MAX_MODEXP_LENGTH } from "../../core/engine/provableLimits.ts";
import { MemoryNodeStore } from "../../core/mpt/nodeStore.ts";
import { word32 as word } from "../../core/proof/world.ts";
import { type TestEngine, testEngine } from "./testing.ts";
import { createOreVM, createStateManager, oreCommon } from "./vm.ts";

const bytes = (n: number, seed: number): Uint8Array =>
  new Uint8Array(n).map((_, i) => (i * 37 + seed * 11 + 1) & 0xff);
/** A modexp input declaring `lens` (default: the operands' lengths). */
const input = (b: Uint8Array, e: Uint8Array, m: Uint8Array, lens?: [bigint, bigint, bigint]) => {
  const [bl, el, ml] = lens ?? [BigInt(b.length), BigInt(e.length), BigInt(m.length)];
  return cat(word(bl), word(el), word(ml), b, e, m);
};
/** `v` as `n` big-endian bytes. */
const be = (v: bigint, n: number): Uint8Array =>
  Uint8Array.from(Buffer.from(v.toString(16).padStart(2 * n, "0"), "hex"));
const big = (b: Uint8Array): bigint => b.reduce((v, x) => (v << 8n) | BigInt(x), 0n);
const modPow = (b: bigint, e: bigint, m: bigint): bigint => {
  let r = 1n % m;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
};

/** @ethereumjs's modexp at Cancun with EIP-7823 on: the reference. */
const reference = (() => {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun, eips: [7823], params: paramsEVM });
  const f = getActivePrecompiles(common).get(MODEXP_ADDRESS.slice(2)) as PrecompileFunc;
  return async (data: Uint8Array, gasLimit: bigint) => {
    const r = await f({ data, gasLimit, common, _EVM: undefined } as never);
    return { failed: r.exceptionError !== undefined, gasUsed: r.executionGasUsed, out: toHex(r.returnValue) };
  };
})();

/** A call to 0x05 on the engine's VM with `gasLimit`: whether it failed, its gas used, its output. */
async function oreModexp(data: Uint8Array, gasLimit: bigint) {
  const vm = await createOreVM(oreCommon(901n), createStateManager(new MemoryNodeStore()), () => undefined);
  const res = await vm.evm.runCall({
    to: new Address(Uint8Array.from(Buffer.from(MODEXP_ADDRESS.slice(2), "hex"))),
    data,
    gasLimit,
    skipBalance: true,
  });
  const r = res.execResult;
  return { failed: r.exceptionError !== undefined, gasUsed: r.executionGasUsed, out: toHex(r.returnValue) };
}

/** The engine's VM and the reference agree on `data` with each of `gases`; returns the first. */
async function agree(data: Uint8Array, gases: bigint[]) {
  const runs = [];
  for (const g of gases) {
    const got = await oreModexp(data, g);
    expect(got).toEqual(await reference(data, g));
    runs.push(got);
  }
  return runs[0]!;
}

/** Fails with all of each gas in `gases`. */
async function refused(data: Uint8Array, gases = [1n, 199n, 200n, 5_000n, 1_000_000n, 30_000_000n]) {
  expect(modexpOverBound(data)).toBe(true);
  for (const g of gases) {
    expect(await oreModexp(data, g)).toEqual({ failed: true, gasUsed: g, out: "0x" });
    expect((await reference(data, g)).failed).toBe(true);
  }
}

describe("the modexp bound (EIP-7823)", () => {
  test("the bound is 1,024 bytes", () => {
    expect(MAX_MODEXP_LENGTH).toBe(1024);
  });

  test("lengths of 1,024 run as in Cancun (EIP-2565's gas, the output b^e mod m)", async () => {
    const [b, m] = [bytes(1024, 1), bytes(1024, 2)];
    m[1023]! |= 1;
    // w = 128: 128² · max(1, 1) / 3 = 5,461 for the exponent 3.
    const e = Uint8Array.of(3);
    const r = await agree(input(b, e, m), [5_461n, 5_460n, 1_000_000n]);
    expect(r).toEqual({ failed: false, gasUsed: 5_461n, out: toHex(be(modPow(big(b), 3n, big(m)), 1024)) });
    // A 1,024-byte exponent with 1-byte base and modulus: 8 · 992 + 255 iterations, w = 1.
    const e1024 = new Uint8Array(1024).fill(0xff);
    const r2 = await agree(input(Uint8Array.of(3), e1024, Uint8Array.of(0xfb)), [2_730n, 2_729n, 100_000n]);
    expect(r2).toEqual({ failed: false, gasUsed: 2_730n, out: toHex(be(modPow(3n, big(e1024), 0xfbn), 1)) });
    // All three at 1,024 bytes (w = 128, a 1,024-byte exponent: over 44M gas, more than a call gets
    // in a block; allowed all the same).
    const all = input(bytes(1024, 3), bytes(1024, 4), bytes(1024, 5));
    expect(modexpOverBound(all)).toBe(false);
    const r3 = await agree(all, [50_000_000n, 1_000_000n]);
    expect(r3.failed).toBe(false);
  });

  test("1,025 bytes in Blen, Elen or Mlen fails with all the gas given, whatever the gas", async () => {
    const one = Uint8Array.of(1);
    await refused(input(new Uint8Array(1025), one, Uint8Array.of(7)));
    await refused(input(one, new Uint8Array(1025), Uint8Array.of(7)));
    await refused(input(one, one, new Uint8Array(1025)));
    // Cancun alone would accept these cheaply: Mlen = 0 (no output), Blen = Mlen = 0.
    await refused(input(new Uint8Array(1025), one, new Uint8Array(0)));
    await refused(input(new Uint8Array(0), new Uint8Array(1025), new Uint8Array(0)));
  });

  test("huge declared lengths fail with all the gas", async () => {
    const empty = new Uint8Array(0);
    for (const huge of [1025n, 1n << 32n, 1n << 64n, (1n << 256n) - 1n]) {
      await refused(input(empty, empty, empty, [huge, 0n, 1n]));
      await refused(input(empty, empty, empty, [0n, huge, 1n]));
      await refused(input(empty, empty, empty, [1n, 1n, huge]));
    }
  });

  test("an input shorter than it declares: the lengths and operands read zero past its end", async () => {
    const full = input(bytes(1024, 6), bytes(3, 7), bytes(1024, 8));
    // Only the header: base, exponent and modulus are zero, the output 1,024 zero bytes.
    const head = await agree(full.subarray(0, 96), [5_461n, 5_460n]);
    expect(head).toEqual({ failed: false, gasUsed: 5_461n, out: toHex(new Uint8Array(1024)) });
    // Cut inside the modulus.
    await agree(full.subarray(0, full.length - 500), [1_000_000n]);
    // A header cut at 95 bytes: Mlen's last byte reads zero, so 0x04 there is 1,024 and 0x05 1,280.
    const cut = input(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), [1n, 1n, 1024n]).slice(0, 95);
    expect(modexpLength(cut, 2)).toBe(1024n);
    await agree(cut, [5_461n, 5_460n]);
    cut[94] = 5;
    await refused(cut);
    // A header cut at 33 bytes with a non-zero first byte of Elen: 2^248.
    const short = cat(word(1n), Uint8Array.of(1));
    expect(modexpLength(short, 1)).toBe(1n << 248n);
    await refused(short);
    await agree(cat(word(1n), Uint8Array.of(0)), [200n, 199n]);
  });
});

describe("through eth_call", () => {
  let e: TestEngine;
  beforeAll(async () => {
    e = await testEngine(":memory:");
  }, 60_000);
  const call = async (data: Uint8Array): Promise<string> => {
    try {
      return await e.call<string>(
        "eth_call",
        { to: MODEXP_ADDRESS, data: toHex(data), gas: "0x1c9c380" },
        "latest",
      );
    } catch (err) {
      return `error: ${(err as Error).message}`;
    }
  };

  test("1,024 bytes answer; 1,025 fail", async () => {
    const m = Uint8Array.of(...new Uint8Array(1023), 7);
    expect(await call(input(Uint8Array.of(3), Uint8Array.of(2), m))).toBe(
      toHex(Uint8Array.of(...new Uint8Array(1023), 2)),
    );
    expect(
      await call(input(Uint8Array.of(3), Uint8Array.of(2), Uint8Array.of(...new Uint8Array(1024), 7))),
    ).toMatch(/^error: /);
  }, 60_000);
});
