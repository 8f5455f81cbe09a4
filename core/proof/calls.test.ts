/**
 * Call frames (docs/fault-proof.md §3, §6) against @ethereumjs/evm: CALL, CALLCODE,
 * DELEGATECALL and STATICCALL to contracts, EOAs and absent accounts, with and without value;
 * return data and output copies; REVERT and exceptional halts in children restoring state;
 * static frames; nested calls; the 63/64 rule and the stipend; calls that fail early (balance);
 * and random programs that call each other. Per opcode at every depth: pc, gas, stack, memory
 * size; at the end: status, gas left, output, refund and the post-state root. Every step verifies
 * from its witness. `ORE_SOAK=1` runs 500 random call graphs instead of 20.
 */
import { describe, expect, test } from "bun:test";
import { fromHex } from "../bytes.ts";
import { seededRandom } from "../mpt/testing.ts";
import type { FrameRequest } from "./frameState.ts";
import { randomProgram } from "./randomProgram.ts";
import { agree, context } from "./testing.ts";
import { buildWorld, type WorldAccount } from "./world.ts";

const SOAK = process.env.ORE_SOAK === "1";
const hex = (s: string): Uint8Array => fromHex(`0x${s.replace(/\s+/g, "")}`);
const addr = (b: number): Uint8Array => new Uint8Array(20).fill(b);
const a20 = (a: Uint8Array): string => Buffer.from(a).toString("hex");
const push20 = (a: Uint8Array): string => `73${a20(a)}`;

const RET42 = addr(0x42); // returns the 32-byte word 42
const STORER = addr(0x43); // sstore(1, caller), sstore(2, callvalue), returns 64 bytes
const REVERTER = addr(0x44); // sstore(5, 1), then revert with 3 bytes
const BADOP = addr(0x45); // sstore(6, 1), then INVALID
const RELAY = addr(0x46); // calls REVERTER, then STORER with all gas, returns both results
const LOGGER = addr(0x47); // LOG2 of 40 bytes of memory, then returns
const LOG_REVERT = addr(0x48); // LOG1, then reverts
const EOA = addr(0x22);
const ABSENT = addr(0x33);

const CODES = new Map<string, string>([
  [a20(RET42), "602a 6000 52 6020 6000 f3"],
  [a20(STORER), "33 6001 55 34 6002 55 6001 54 6000 52 6002 54 6020 52 6040 6000 f3"],
  [a20(REVERTER), "6001 6005 55 62abcdef 6000 52 6003 601d fd"],
  [a20(BADOP), "6001 6006 55 fe"],
  [
    a20(LOGGER),
    "7f0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 6003 52 61abcd 6007 6028 6002 a2 00",
  ],
  [a20(LOG_REVERT), "6011 6000 6000 a1 6000 6000 fd"],
  [
    a20(RELAY),
    `6020 6000 6000 6000 6000 ${push20(REVERTER)} 5a f1 6000 52 3d 6020 52` +
      ` 6040 6040 6000 6000 6007 ${push20(STORER)} 5a f1 6080 52 6060 6000 f3`,
  ],
]);

/** The world: the caller (frame 0's address) with code, the contracts above, an EOA. */
function world(self: Uint8Array, code: Uint8Array, extra: WorldAccount[] = []): WorldAccount[] {
  const contracts: WorldAccount[] = [...CODES].map(([a, c]) => ({
    address: fromHex(`0x${a}`),
    code: hex(c),
    balance: 100n,
    storage: new Map([[9n, 9n]]),
  }));
  return [
    { address: self, balance: 1_000_000n, nonce: 1n, code, storage: new Map([[1n, 5n]]) },
    ...contracts,
    { address: EOA, balance: 10n ** 18n, nonce: 3n },
    ...extra,
  ];
}

async function run(code: string, gas = 1_000_000n, over: Partial<FrameRequest> = {}, seed = 1) {
  const req = { ...context({ code: hex(code), gas }, seed), ...over };
  const accounts = world(req.address!, req.code);
  req.world = buildWorld(accounts);
  return agree(req, { accounts, memory: true });
}

/** `CALL(gas, to, value, in, inLen, out, outLen)` with everything pushed. */
function call(
  op: number,
  to: Uint8Array,
  opts: { gas?: string; value?: number; inLen?: number; out?: number; outLen?: number } = {},
) {
  const value = op === 0xf1 || op === 0xf2 ? `61${(opts.value ?? 0).toString(16).padStart(4, "0")}` : "";
  return (
    `61${(opts.outLen ?? 0).toString(16).padStart(4, "0")} 61${(opts.out ?? 0).toString(16).padStart(4, "0")}` +
    ` 61${(opts.inLen ?? 0).toString(16).padStart(4, "0")} 6000 ${value} ${push20(to)} ${opts.gas ?? "5a"} ${op.toString(16)}`
  );
}

describe("calls vs @ethereumjs/evm", () => {
  test("CALL returning data: return data, output copy, RETURNDATACOPY", async () => {
    await run(`${call(0xf1, RET42, { outLen: 0x40 })} 6000 51 3d 6020 6000 6040 3e 6040 51 00`);
    await run(`${call(0xf1, RET42, { out: 3, outLen: 5 })} 3d 59 00`); // a shorter window
  });

  test("CALL with value: to an EOA (stipend back), to an absent account (new account), to a contract", async () => {
    await run(`${call(0xf1, EOA, { value: 7 })} 47 00`);
    await run(`${call(0xf1, ABSENT, { value: 7 })} 47 ${push20(ABSENT)} 31 00`);
    await run(`${call(0xf1, STORER, { value: 9, outLen: 0x40 })} ${push20(STORER)} 31 00`);
    await run(`${call(0xf1, ABSENT)} ${call(0xf1, EOA)} 00`); // no value: nothing to touch
    await run(`${call(0xf1, EOA, { value: 2_000_000 })} 3d 00`); // more than the balance: fails early
  });

  test("DELEGATECALL and CALLCODE run the callee's code in the caller's context", async () => {
    await run(`${call(0xf4, STORER, { outLen: 0x40 })} 6001 54 6002 54 00`, 1_000_000n, { value: 55n });
    await run(`${call(0xf2, STORER, { value: 3, outLen: 0x40 })} 6001 54 6002 54 47 00`);
  });

  test("child REVERT and INVALID restore the state; return data of a revert", async () => {
    await run(`${call(0xf1, REVERTER, { outLen: 0x20 })} 6000 51 3d 6005 54 ${push20(REVERTER)} 3b 00`);
    await run(`${call(0xf1, BADOP, { gas: "61c350" })} 3d 5a 00`);
    await run(`${call(0xf1, REVERTER, { value: 11 })} 47 00`); // value transfer reverted too
  });

  test("STATICCALL: reads are fine, a store fails the child", async () => {
    await run(`${call(0xfa, RET42, { outLen: 0x20 })} 6000 51 ${call(0xfa, STORER, { outLen: 0x40 })} 3d 00`);
  });

  test("nested calls, the 63/64 rule, gas requests above what is left", async () => {
    await run(`${call(0xf1, RELAY, { outLen: 0x60 })} 6000 51 6020 51 6040 51 00`);
    await run(
      `${call(0xf1, RELAY, { gas: "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" })} 00`,
    );
    for (const gas of [30_000n, 60_000n, 90_000n])
      await run(`${call(0xf1, RELAY, { outLen: 0x60 })} 00`, gas);
  });

  test("out of gas: memory expansion of the call, cold access, value transfer", async () => {
    await run(`${call(0xf1, RET42, { out: 0xffff, outLen: 0xffff })} 00`, 20_000n);
    await run(`${call(0xf1, RET42)} 00`, 2_610n);
    await run(`${call(0xf1, EOA, { value: 1 })} 00`, 11_700n);
  });

  test("LOG0..LOG4 at every depth; logs of a failed frame are dropped", async () => {
    const logs =
      "6001 6002 6003 6004 6120 6000 a4 6009 6008 6007 6005 6001 a3 6000 6000 a0 6001 6100ff a1 6001 6002 6123 6003 a2";
    await run(
      `6001 6000 52 ${logs} ${call(0xf1, LOGGER)} ${call(0xf1, LOG_REVERT)} ${call(0xfa, LOGGER)} 00`,
    );
    await run("6000 6000 a0 00", 1_000_000n, { isStatic: true }); // a static frame cannot log
    await run("6bffffffffffffffffffffff 6000 a0 00", 100_000n); // out of gas on the data size
    await run(`63${(3000).toString(16).padStart(8, "0")} 6007 a0 00`); // data over three pieces
  });

  test(
    `random call graphs (${SOAK ? 500 : 20})`,
    async () => {
      const rand = seededRandom(SOAK ? Date.now() : 20240610);
      const targets = [addr(0x61), addr(0x62), addr(0x63)];
      let inChildren = 0;
      for (let i = 0; i < (SOAK ? 500 : 20); i++) {
        const codes = targets.map(() => randomProgram(rand, { world: [EOA, ABSENT], calls: targets }).code);
        const p = randomProgram(rand, { world: [EOA, ABSENT], calls: targets });
        const req = context(p, i + 1);
        const accounts = world(
          req.address!,
          req.code,
          targets.map((a, k) => ({ address: a, code: codes[k], balance: 1000n })),
        );
        req.world = buildWorld(accounts);
        const r = await agree(req, { accounts, verify: !SOAK || i % 10 === 0 });
        inChildren += r.ops.filter((o) => o.depth > 0).length;
      }
      expect(inChildren).toBeGreaterThan(100);
    },
    SOAK ? 3_600_000 : 120_000,
  );
});
