/**
 * World-state opcodes (docs/fault-proof.md §5.4) against @ethereumjs/evm over the same world:
 * SLOAD/SSTORE through every EIP-2200/2929/3529 case, BALANCE, SELFBALANCE, EXTCODESIZE,
 * EXTCODEHASH, EXTCODECOPY (several pieces), TLOAD/TSTORE, static-frame and stipend halts, out of
 * gas at each stage, and random programs mixing them. Per opcode: pc, gas, stack; at the end:
 * status, gas left, output, refund and the post-state root. Every step verifies from its witness.
 * `ORE_SOAK=1` runs 1,000 random programs instead of 30.
 */
import { describe, expect, test } from "bun:test";
import { fromHex } from "../bytes.ts";
import { seededRandom } from "../mpt/testing.ts";
import type { FrameRequest } from "./frameState.ts";
import { randomProgram } from "./randomProgram.ts";
import { agree, context, skippedByReference } from "./testing.ts";
import { buildWorld, type WorldAccount } from "./world.ts";

const SOAK = process.env.ORE_SOAK === "1";
const hex = (s: string): Uint8Array => fromHex(`0x${s.replace(/\s+/g, "")}`);
const addr = (b: number): Uint8Array => new Uint8Array(20).fill(b);

const OTHER = addr(0x11);
const EOA = addr(0x22);
const ABSENT = addr(0x33);
const otherCode = new Uint8Array(2500).map((_, i) => (i * 31 + 7) & 0xff);

/** The world: the frame's own contract (with storage), another contract, an EOA. */
function world(self: Uint8Array, code: Uint8Array, extra: WorldAccount[] = []): WorldAccount[] {
  return [
    {
      address: self,
      balance: 1_000_000n,
      nonce: 1n,
      code,
      storage: new Map([
        [1n, 5n],
        [2n, 0x80n],
        [3n, (1n << 255n) + 12345n],
      ]),
    },
    { address: OTHER, code: otherCode, balance: 7n, storage: new Map([[0n, 1n]]) },
    { address: EOA, balance: 10n ** 18n, nonce: 3n },
    ...extra,
  ];
}

/** Runs `code` as the frame of a contract in the test world, against the reference. */
async function run(code: string, gas = 200_000n, over: Partial<FrameRequest> = {}, seed = 1) {
  const req = { ...context({ code: hex(code), gas }, seed), ...over };
  const accounts = world(req.address!, req.code);
  req.world = buildWorld(accounts);
  return agree(req, { accounts });
}

const push20 = (a: Uint8Array): string => `73${Buffer.from(a).toString("hex")}`;

describe("world-state opcodes vs @ethereumjs/evm", () => {
  test("SLOAD: cold, warm, absent slots, large values", async () => {
    await run("6001 54 6001 54 6009 54 6003 54 6002 54 00");
  });

  test("SSTORE through every EIP-2200/3529 case", async () => {
    const cases = [
      "6007 6009 55 00", // 0 -> x
      "6006 6001 55 00", // x -> y
      "6000 6001 55 00", // x -> 0 (refund)
      "6005 6001 55 00", // x -> x (no-op)
      "6000 6009 55 00", // 0 -> 0
      "6007 6009 55 6000 6009 55 00", // 0 -> x -> 0
      "6006 6001 55 6005 6001 55 00", // x -> y -> x
      "6000 6001 55 6007 6001 55 00", // x -> 0 -> y
      "6000 6001 55 6005 6001 55 00", // x -> 0 -> x
      "6006 6001 55 6000 6001 55 00", // x -> y -> 0
      "6006 6001 55 6007 6001 55 6001 54 00", // x -> y -> z, then read
      "6000 6003 55 6000 6002 55 6000 6001 55 00", // the account's storage emptied
    ];
    for (const c of cases) await run(c);
    // A slot warm from the access list.
    const self = context({ code: new Uint8Array(0), gas: 0n }).address!;
    const slot1 = new Uint8Array(32);
    slot1[31] = 1;
    await run("6006 6001 55 6001 54 00", 200_000n, { warm: { slots: [[self, slot1]] } });
  });

  test("SSTORE loops over many slots (a storage trie several levels deep)", async () => {
    // for i in 0..40: sstore(i * 7919, i + 1); then sload each of the first 5 and clear 3.
    const loop = "6000 5b 80 6001 01 81 611eef 02 55 6001 01 80 6028 11 6002 57 50";
    await run(`${loop} 6000 54 611eef 54 600a 54 6000 6000 55 6000 611eef 55 6000 613dde 55 00`, 5_000_000n);
  }, 30_000);

  test("halts: static SSTORE and TSTORE, SSTORE at the 2300 stipend, out of gas at each stage", async () => {
    await run("6001 6001 55 00", 200_000n, { isStatic: true });
    await run("6001 6001 5d 00", 200_000n, { isStatic: true });
    await run("6001 54 00", 200_000n, { isStatic: true }); // reads are fine
    await run("6001 6001 55 00", 2306n); // 2300 left at SSTORE
    await run("6001 6001 55 00", 2307n); // 2301 left: passes the stipend check, then out of gas
    for (const gas of [2200n, 2106n, 2105n, 120n, 104n]) await run("6001 54 00", gas);
    for (const gas of [2700n, 2605n, 2604n, 108n]) await run(`${push20(EOA)} 31 00`, gas);
    for (const gas of [22_110n, 22_106n, 5_010n]) await run("6007 6009 55 00", gas);
    await run("6001 6002 5d 00", 105n);
    await run("6001 6002 5d 00", 104n);
  });

  test("BALANCE, SELFBALANCE, EXTCODESIZE, EXTCODEHASH of contracts, EOAs, absent accounts", async () => {
    const probe = (a: Uint8Array) => `${push20(a)} 31 ${push20(a)} 31 ${push20(a)} 3b ${push20(a)} 3f`;
    await run(`${probe(OTHER)} ${probe(EOA)} ${probe(ABSENT)} 30 31 30 3b 30 3f 47 00`);
    // High address bits are ignored.
    await run(`7fffffffffffffffffffffff${Buffer.from(EOA).toString("hex")} 31 00`);
  });

  test("EXTCODECOPY: inside, across and past the code, huge offsets, several pieces", async () => {
    const copy = (a: Uint8Array, dst: number, off: string, size: number) =>
      `61${size.toString(16).padStart(4, "0")} ${off} 61${dst.toString(16).padStart(4, "0")} ${push20(a)} 3c`;
    await run(
      [
        copy(OTHER, 0, "6005", 40),
        copy(OTHER, 100, "6109c0", 100),
        copy(OTHER, 3, "610000", 2600),
        copy(EOA, 50, "6000", 70),
        copy(ABSENT, 0, "6000", 0),
        copy(OTHER, 7, "7f1000000000000000000000000000000000000000000000000000000000000000", 64),
        "6120 00 59 00",
      ].join(" "),
      400_000n,
    );
    await run(copy(OTHER, 0, "6000", 3000), 2_000n); // out of gas on the copy
  });

  test("TLOAD and TSTORE", async () => {
    await run("602a 6001 5d 6001 5c 6002 5c 6000 6001 5d 6001 5c 7f80 6003 5d 6003 5c 00");
  });

  test(
    `random programs with world-state opcodes (${SOAK ? 1000 : 30})`,
    async () => {
      const rand = seededRandom(SOAK ? Date.now() : 20240607);
      const n = SOAK ? 1000 : 30;
      for (let i = 0; i < n; i++) {
        const p = randomProgram(rand, { world: [OTHER, EOA, ABSENT] });
        const req = context(p, i + 1);
        const accounts = world(req.address!, req.code);
        req.world = buildWorld(accounts);
        const r = await agree(req, { accounts, verify: !SOAK || i % 10 === 0 });
        expect(r.maxPreimages).toBeLessThanOrEqual(2);
      }
      expect(skippedByReference()).toBeLessThan(n / 20);
    },
    SOAK ? 3_600_000 : 120_000,
  );
});
