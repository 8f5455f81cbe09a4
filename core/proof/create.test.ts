/**
 * CREATE and CREATE2 (docs/fault-proof.md §3.2) against @ethereumjs/evm: deployments and calls
 * into the new code, constructors that store, log, create and call; value; collisions; init
 * code that reverts or halts; the deposit limits (EIP-170 size, EIP-3541 0xEF, deposit gas);
 * EIP-3860's init code limit; init code over several pieces with PUSH data across them; random
 * constructors. Per opcode at every depth, status, gas, output, refund, logs and the post-state
 * root. Every step verifies from its witness. `ORE_SOAK=1` runs 300 random deployments, not 15.
 */
import { describe, test } from "bun:test";
import { fromHex } from "../bytes.ts";
import { seededRandom } from "../mpt/testing.ts";
import type { FrameRequest } from "./frameState.ts";
import { randomProgram } from "./randomProgram.ts";
import { agree, context } from "./testing.ts";
import { buildWorld, type WorldAccount } from "./world.ts";

const SOAK = process.env.ORE_SOAK === "1";
const hex = (s: string): Uint8Array => fromHex(`0x${s.replace(/\s+/g, "")}`);
const h = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const push20 = (a: Uint8Array): string => `73${h(a)}`;

/** PUSHn of `n` (minimal width, at least 1 byte). */
function push(n: number | bigint): string {
  let v = BigInt(n).toString(16);
  if (v.length % 2) v = `0${v}`;
  const len = v.length / 2;
  return `${(0x5f + len).toString(16)}${v}`;
}

/** Init code that returns `runtime` (copied from its own tail). */
function deployer(runtime: Uint8Array, prefix = ""): Uint8Array {
  // prefix; CODECOPY(0, tail, len); RETURN(0, len); tail
  const body = (tail: number) =>
    `${prefix} ${push(runtime.length)} ${push(tail)} 6000 39 ${push(runtime.length)} 6000 f3`;
  let tail = hex(body(0)).length;
  while (hex(body(tail)).length !== tail) tail = hex(body(tail)).length;
  return new Uint8Array([...hex(body(tail)), ...runtime]);
}

/** A program that copies `init` from its own tail into memory and runs `use` on it (`{len}`). */
function withInit(init: Uint8Array, use: (len: number) => string): Uint8Array {
  const body = (tail: number) => `${push(init.length)} ${push(tail)} 6000 39 ${use(init.length)} 00`;
  let tail = hex(body(0)).length;
  while (hex(body(tail)).length !== tail) tail = hex(body(tail)).length;
  return new Uint8Array([...hex(body(tail)), ...init]);
}

const create = (len: number, value = 0) => `${push(len)} 6000 ${push(value)} f0`;
const create2 = (len: number, salt: number, value = 0) => `${push(salt)} ${push(len)} 6000 ${push(value)} f5`;
/** Calls the address on top of the stack (kept), return data to memory 0x1000.. */
const callTop = "6040 611000 6000 6000 6000 85 5a f1 50";

async function run(
  code: Uint8Array,
  gas = 3_000_000n,
  over: Partial<FrameRequest> = {},
  extra: WorldAccount[] = [],
) {
  const req = { ...context({ code, gas }, 3), ...over };
  const accounts: WorldAccount[] = [
    { address: req.address!, balance: 1_000_000n, nonce: 5n, code },
    ...extra,
  ];
  req.world = buildWorld(accounts);
  return agree(req, { accounts });
}

// Runtime code: returns sload(0) and 42.
const RUNTIME = hex("6000 54 6000 52 602a 6020 52 6040 6000 f3");
// Constructor: sstore(0, 7), LOG1, then deploy RUNTIME.
const CTOR = deployer(RUNTIME, "6007 6000 55 6009 6000 6000 a1");

describe("creates vs @ethereumjs/evm", () => {
  test("CREATE and CREATE2 deploy; the new code runs; CREATE2 twice collides", async () => {
    await run(withInit(CTOR, (n) => `${create(n)} ${callTop} 3b 00`));
    await run(withInit(CTOR, (n) => `${create2(n, 9)} ${callTop} ${create2(n, 9)} ${create2(n, 10)} 00`));
  });

  test("value, insufficient balance, nested creates from a constructor", async () => {
    await run(withInit(CTOR, (n) => `${create(n, 1000)} 31 ${create(n, 2_000_000)} 3d 00`));
    const inner = withInit(deployer(RUNTIME), (n) => `${create(n)}`); // a constructor that creates
    await run(withInit(inner, (n) => `${create(n)} 00`));
    await run(withInit(inner, (n) => `${create2(n, 1, 5)} 00`));
  });

  test("init code that reverts (return data), halts, or deposits bad code", async () => {
    await run(withInit(hex("61beef 6000 52 6002 601e fd"), (n) => `${create(n)} 3d 6002 6000 6000 3e 00`));
    await run(withInit(hex("fe"), (n) => `${create(n)} 5a 00`));
    await run(withInit(hex("60ef 6000 53 6001 6000 f3"), (n) => `${create(n)} 00`)); // 0xEF first byte
    await run(withInit(hex("61 6001 6000 f3"), (n) => `${create(n)} 00`)); // 24,577 bytes: too large
    await run(
      withInit(hex("61 6000 6000 f3"), (n) => `${create(n)} 3b 00`),
      8_000_000n,
    ); // exactly 24,576
    await run(
      withInit(hex("61 1000 6000 f3"), (n) => `${create(n)} 00`),
      700_000n,
    ); // deposit out of gas
    await run(withInit(new Uint8Array(0), (n) => `${create(n)} 3b ${create2(n, 3)} 00`)); // empty init code
  }, 30_000);

  test("init code over several pieces, PUSH data across piece and chunk boundaries, size limits", async () => {
    // 3,000 bytes: JUMPDESTs hidden in PUSH32 data across the 1,023-byte pieces, a real one at the end.
    const body: string[] = [];
    while (body.join("").length / 2 < 2900) body.push(`7f${"5b".repeat(32)} 50`.replace(/\s/g, ""));
    const bytes = hex(body.join(""));
    const init = new Uint8Array([
      ...bytes,
      ...hex(`61${(bytes.length + 7).toString(16).padStart(4, "0")} 56 00 00 00 5b 00`),
    ]);
    await run(
      withInit(init, (n) => `${create(n)} ${create2(n, 1)} 00`),
      10_000_000n,
    );
    await run(hex(`${push(49153)} 6000 6000 f0 00`)); // EIP-3860: over the limit halts
    await run(hex(`${push(49152)} 6000 6000 f0 00`), 10_000_000n);
  }, 30_000);

  test("SELFDESTRUCT (EIP-6780): old and new contracts, to self, to an absent account, in children", async () => {
    const eoa = new Uint8Array(20).fill(0x22);
    const absent = new Uint8Array(20).fill(0x33);
    const old = new Uint8Array(20).fill(0x55);
    const sd = (to: Uint8Array | "self") => (to === "self" ? "30 ff" : `73${h(to)} ff`);
    const world = [
      { address: eoa, balance: 5n },
      { address: old, balance: 777n, code: hex(`73${h(eoa)} ff`) },
    ];
    await run(hex(`${sd(eoa)}`), 100_000n, {}, world); // the frame's own (old) contract
    await run(hex(`${sd("self")}`), 100_000n, {}, world);
    await run(hex(`${sd(absent)}`), 100_000n, {}, world); // 25000: value to an empty account
    await run(hex(`${sd(absent)}`), 30_000n, {}, world); // ... and out of gas for it
    await run(hex(`6000 6000 6000 6000 6000 73${h(old)} 5a f1 ${push20(old)} 3b 00`), 200_000n, {}, world);
    // A contract created in this transaction destroys itself in its constructor, or when called.
    await run(
      withInit(hex(`73${h(eoa)} ff`), (n) => `${create(n, 50)} 3b 00`),
      500_000n,
      {},
      world,
    );
    await run(
      withInit(deployer(hex("30 ff")), (n) => `${create(n, 50)} ${callTop} 31 00`),
      500_000n,
      {},
      world,
    );
    await run(hex(`${sd(eoa)}`), 100_000n, { isStatic: true }, world);
  });

  test("static frames cannot create", async () => {
    await run(
      withInit(CTOR, (n) => `${create(n)} 00`),
      1_000_000n,
      { isStatic: true },
    );
  });

  test(
    `random constructors (${SOAK ? 300 : 15})`,
    async () => {
      const rand = seededRandom(SOAK ? Date.now() : 20240611);
      const target = new Uint8Array(20).fill(0x71);
      for (let i = 0; i < (SOAK ? 300 : 15); i++) {
        const ctor = randomProgram(rand, { world: [target], calls: [target] }).code;
        const deployed = deployer(ctor.subarray(0, Math.min(ctor.length, 200)), h(ctor));
        const salt = Math.floor(rand() * 4);
        const code = withInit(
          deployed,
          (n) => `${create2(n, salt, i % 3)} ${callTop} ${create(n)} ${callTop} 00`,
        );
        await run(code, 5_000_000n, {}, [
          { address: target, code: new Uint8Array([0x60, 0x01, 0x00]), balance: 9n },
        ]);
      }
    },
    SOAK ? 3_600_000 : 120_000,
  );
});
