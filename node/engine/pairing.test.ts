/**
 * Ore's pairing bound (0x08, `core/engine/pairing.ts`): inputs of up to 256 pairs run as in Cancun, a longer
 * one fails whatever the gas, and the bound sits exactly at `MAX_PAIRING_INPUT_BYTES`.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { toHex } from "../../core/bytes.ts";
import { PAIRING_ADDRESS } from "../../core/engine/pairing.ts";
import { MAX_PAIRING_INPUT_BYTES } from "../../core/engine/provableLimits.ts";
import { type TestEngine, testEngine } from "./testing.ts";

let e: TestEngine;

beforeAll(async () => {
  e = await testEngine(":memory:");
}, 60_000);

/** The engine's `eth_call` of 0x08: its output, or "error: <message>". */
async function pairing(input: Uint8Array, gas = 30_000_000n): Promise<string> {
  try {
    return await e.call<string>(
      "eth_call",
      { to: PAIRING_ADDRESS, data: toHex(input), gas: `0x${gas.toString(16)}` },
      "latest",
    );
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

const ONE = `0x${"00".repeat(31)}01`;

describe("the bn254 pairing bound", () => {
  test("256 pairs (points at infinity: the product is 1) succeed; 257 fail whatever the gas", async () => {
    expect(MAX_PAIRING_INPUT_BYTES).toBe(256 * 192);
    expect(await pairing(new Uint8Array(192))).toBe(ONE);
    expect(await pairing(new Uint8Array(MAX_PAIRING_INPUT_BYTES))).toBe(ONE);
    expect(await pairing(new Uint8Array(MAX_PAIRING_INPUT_BYTES + 192))).toMatch(/^error: /);
    expect(await pairing(new Uint8Array(MAX_PAIRING_INPUT_BYTES + 192), 40_000_000n)).toMatch(/^error: /);
    // Cancun's own rules still apply below the bound: a length not a multiple of 192 fails.
    expect(await pairing(new Uint8Array(191))).toMatch(/^error: /);
  }, 60_000);
});
