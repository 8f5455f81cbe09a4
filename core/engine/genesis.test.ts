import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { InvalidGenesisError } from "./errors.ts";
import { allocWithPredeploys, parseGenesis } from "./genesis.ts";
import { BEACON_ROOTS, PREDEPLOYS } from "./predeploys.ts";

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
      { config: { chainId: 1 }, gasLimit: 45_000_001 },
      { config: { chainId: 1 }, alloc: { ["0x".padEnd(42, "2")]: {} } },
      {
        config: { chainId: 1 },
        alloc: { ["0x".padEnd(42, "2")]: { balance: "0", storage: { "0x1": "0x1" } } },
      },
    ];
    for (const b of bad) expect(() => parseGenesis(b)).toThrow(InvalidGenesisError);
    // The bounds themselves are accepted.
    const ok = parseGenesis({
      config: { chainId: 1 },
      gasLimit: 45_000_000,
      alloc: { ["0x".padEnd(42, "2")]: { nonce: 1 }, ["0x".padEnd(42, "3")]: { code: "0x00" } },
    });
    expect(ok.gasLimit).toBe(45_000_000n);
    expect(ok.alloc.size).toBe(2);
  });

  test("adds the predeploys and EIP-4788's beacon roots contract, leaving alloc entries alone", () => {
    const code = {
      L1Block: Uint8Array.of(1),
      GasPriceOracle: Uint8Array.of(2),
      L2ToL1MessagePasser: Uint8Array.of(3),
      L2CrossDomainMessenger: Uint8Array.of(4),
      L2StandardBridge: Uint8Array.of(5),
      OptimismMintableERC20Factory: Uint8Array.of(7),
      FeeVault: Uint8Array.of(6),
    };
    const g = parseGenesis({
      config: { chainId: 1 },
      alloc: { [toHex(PREDEPLOYS.L1Block)]: { code: "0x99" } },
    });
    const alloc = allocWithPredeploys(g, code);
    expect(toHex(alloc.get(toHex(PREDEPLOYS.L1Block))!.code)).toBe("0x99");
    expect(toHex(alloc.get(toHex(PREDEPLOYS.L1FeeVault))!.code)).toBe("0x06");
    const beacon = alloc.get(toHex(BEACON_ROOTS.address))!;
    expect(beacon.nonce).toBe(1n);
    expect(toHex(keccak256(beacon.code))).toBe(toHex(BEACON_ROOTS.codeHash));
  });
});
