/**
 * The step machine against @ethereumjs/evm, opcode by opcode: for hand-written and random
 * programs, the pc, gas, stack and memory size before every opcode, the outcome (status, gas
 * left, output) must be equal, and every step must verify from its witness alone.
 * `ORE_SOAK=1` runs 2,000 random programs instead of 40.
 */
import { describe, expect, test } from "bun:test";
import { fromHex } from "../bytes.ts";
import { seededRandom } from "../mpt/testing.ts";
import { writeFrameState } from "./frameState.ts";
import { G, Phase } from "./layout.ts";
import { StepMachine } from "./machine.ts";
import { randomProgram } from "./randomProgram.ts";
import { agree, context } from "./testing.ts";

const SOAK = process.env.ORE_SOAK === "1";

const hex = (s: string): Uint8Array => fromHex(`0x${s.replace(/\s+/g, "")}`);

describe("step machine vs @ethereumjs/evm", () => {
  test("arithmetic edge cases", async () => {
    const max = `7f${"ff".repeat(32)}`;
    const min = `7f80${"00".repeat(31)}`;
    const progs = [
      `${min} 7f${"ff".repeat(32)} 05 00`, // SDIV(-2^255, -1)
      `${max} ${min} 05 ${max} ${min} 07 6003 ${min} 07 00`,
      `6000 6005 04 6000 6005 06 6000 6005 05 6000 6005 07 00`, // division by zero
      `${max} ${max} ${max} 08 6007 ${max} ${max} 09 6000 6001 6002 09 00`,
      `60ff 6000 0b 6080 6000 0b 61ff7f 6001 0b ${max} 611f 0b 00`, // SIGNEXTEND
      `6002 6003 0a 7f${"11".repeat(32)} 7f${"23".repeat(32)} 0a 6000 6000 0a 00`, // EXP
      `${min} 60ff 1d ${min} 61 0100 1d ${max} 6001 1b ${max} 61 0101 1c 6010 601f 1a 00`,
      `6001 6000 03 6005 6003 12 ${min} 6001 13 6001 ${min} 10 00`,
    ];
    for (const p of progs) await agree(context({ code: hex(p), gas: 1_000_000n }), { memory: true });
  });

  test("memory, copies and KECCAK256 over several sub-steps", async () => {
    const cd = new Uint8Array(3000).map((_, i) => (i * 7 + 3) & 0xff);
    const progs = [
      `61 0bb8 6003 6011 37 61 0bb8 6011 20 00`, // CALLDATACOPY 3000 bytes unaligned, hash it
      `61 0a00 6000 6000 39 6101 00 20 00`, // CODECOPY past the code's end
      `61 0bb8 6000 6000 37 61 0900 6000 6021 5e 61 0900 6021 6000 5e 61 0bb8 6000 20 59 00`, // MCOPY both ways
      `60aa 6005 53 7f${"ab".repeat(32)} 6003 52 6010 51 59 00`,
      `6000 63 ffffffff 20 00`, // zero-size hash at a huge offset
      `6001 63 ffffffff 20 00`, // out of gas expanding
    ];
    for (const p of progs)
      await agree(context({ code: hex(p), calldata: cd, gas: 3_000_000n }), { memory: true });
  });

  test("jumps: JUMPDEST inside PUSH data across chunk boundaries, bad targets", async () => {
    // 30 filler bytes so a PUSH2 straddles chunk 0/1; its data holds a 0x5b.
    const filler = "5b".repeat(30);
    await agree(context({ code: hex(`${filler} 61 5b5b 50 601f 56 00`), gas: 100_000n }));
    await agree(context({ code: hex(`${filler} 61 5b5b 50 6021 56 00`), gas: 100_000n }));
    await agree(context({ code: hex(`6001 6006 57 00 00 5b 6000 6000 57 6004 56`), gas: 100_000n }));
    await agree(context({ code: hex(`7f${"5b".repeat(32)} 6010 56`), gas: 100_000n }));
  });

  test("halts: STOP, RETURN, REVERT, INVALID, undefined opcode, underflow, overflow, end of code", async () => {
    const progs = [
      `6020 6000 f3`,
      `6005 601b fd`,
      `fe`,
      `0c`,
      `01`,
      `${"5f".repeat(1024)} 5f`,
      `6001 7f 0102`,
    ];
    for (const p of progs) await agree(context({ code: hex(p), gas: 30_000n }));
    await agree(context({ code: hex("5b 6000 6000 56"), gas: 3_000n })); // loops until out of gas
  }, 30_000);

  test("context opcodes and BLOCKHASH window", async () => {
    const ctx = "30 32 33 34 36 38 3a 3d 41 42 43 44 45 46 48 4a 58 59 5a 5f";
    await agree(
      context({
        code: hex(`${ctx} 6003 35 61 0383 40 61 0384 40 61 0283 40 61 0284 40 6001 49 6002 49 00`),
        calldata: hex("ff".repeat(40)),
        gas: 100_000n,
      }),
    );
  });

  test(
    `random programs (${SOAK ? 2000 : 40})`,
    async () => {
      const rand = seededRandom(SOAK ? Date.now() : 20240601);
      const n = SOAK ? 2000 : 40;
      let steps = 0;
      for (let i = 0; i < n; i++) {
        const p = randomProgram(rand);
        const run = await agree(context(p, i + 1), { verify: !SOAK || i % 10 === 0 });
        steps += run.steps;
      }
      expect(steps).toBeGreaterThan(n);
    },
    SOAK ? 3_600_000 : 120_000,
  );
});

describe("refusals", () => {
  test("a precompile the host cannot compute fails loudly (point evaluation without KZG)", () => {
    const m = new StepMachine("generator");
    // STATICCALL(gas, 0x0a, 0, 0, 0, 0)
    writeFrameState(m, { code: hex("5f 5f 5f 5f 600a 5a fa"), gas: 100_000n });
    expect(() => {
      for (let i = 0; i < 50; i++) m.step(i);
    }).toThrow("unsupported precompile 0x0a");
  });

  test("a phase the machine does not implement fails loudly", () => {
    const m = new StepMachine("generator");
    writeFrameState(m, { code: hex("00"), gas: 100_000n });
    m.step(0);
    expect(m.getU64(G.phase)).toBe(BigInt(Phase.TxFinalize));
    m.setU64(G.phase, BigInt(Phase.FrameEnter));
    expect(() => m.step(1)).toThrow("unsupported phase FrameEnter at step 1");
  });
});
