import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { InvalidGenesisError } from "./errors.ts";
import { parseGenesis } from "./genesis.ts";

describe("genesis", () => {
  test("parses geth-style alloc with mixed number forms", () => {
    const g = parseGenesis({
      config: { chainId: 901 },
      timestamp: "0x10",
      gasLimit: "30000000",
      alloc: {
        F39FD6E51AAD88F6F4CE6AB8827279CFFFB92266: { balance: "0x10", nonce: 2 },
        "0x4200000000000000000000000000000000000099": {
          code: "0x6000",
          storage: { "0x0": "0x1", "0x1": "0x0" },
        },
      },
      ore: { l1StandardBridge: "0x1000000000000000000000000000000000000002" },
    });
    expect(g.chainId).toBe(901n);
    expect(g.timestamp).toBe(16n);
    expect(g.gasLimit).toBe(30_000_000n);
    expect(g.baseFeePerGas).toBe(1_000_000_000n);
    const a = g.alloc.get("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")!;
    expect(a.balance).toBe(16n);
    expect(a.nonce).toBe(2n);
    const c = g.alloc.get("0x4200000000000000000000000000000000000099")!;
    expect(toHex(c.code)).toBe("0x6000");
    expect([...c.storage]).toEqual([[0n, 1n]]);
    expect(toHex(g.ore.l1StandardBridge!)).toBe("0x1000000000000000000000000000000000000002");
  });

  test("names the bad field", () => {
    const bad: unknown[] = [
      null,
      { config: {} },
      { config: { chainId: -1 } },
      { config: { chainId: 1 }, alloc: { "0x12": {} } },
      { config: { chainId: 1 }, alloc: { ["0x".padEnd(42, "1")]: { balance: "lots" } } },
      { config: { chainId: 1 }, extraData: `0x${"00".repeat(33)}` },
    ];
    for (const b of bad) expect(() => parseGenesis(b)).toThrow(InvalidGenesisError);
  });
});
