import { describe, expect, test } from "bun:test";
import { type Hex, keccak256, parseGwei, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { EngineError } from "./errors.ts";
import { type RpcTransactionJson, rawTransaction } from "./l2Transactions.ts";

const account = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

/** The JSON an engine serves for a signed transaction, built from viem's own parse. */
async function jsonOf(raw: Hex, fields: Partial<RpcTransactionJson>): Promise<RpcTransactionJson> {
  const { parseTransaction } = await import("viem");
  const tx = parseTransaction(raw);
  const q = (v: bigint | number | undefined) =>
    v === undefined ? undefined : (`0x${v.toString(16)}` as Hex);
  return {
    hash: keccak256(raw),
    type: q({ legacy: 0, eip2930: 1, eip1559: 2 }[tx.type as "legacy"])!,
    from: account.address,
    to: tx.to ?? null,
    nonce: q(tx.nonce),
    value: q(tx.value ?? 0n)!,
    input: tx.data ?? "0x",
    gas: q(tx.gas)!,
    gasPrice: q(tx.gasPrice),
    maxFeePerGas: q(tx.maxFeePerGas),
    maxPriorityFeePerGas: q(tx.maxPriorityFeePerGas),
    chainId: q(tx.chainId),
    accessList: tx.accessList as RpcTransactionJson["accessList"],
    v: q(tx.v),
    r: tx.r,
    s: tx.s,
    yParity: q(tx.yParity),
    ...fields,
  };
}

describe("rawTransaction", () => {
  test("re-encodes EIP-1559, EIP-2930 and legacy transactions byte for byte", async () => {
    const base = {
      to: "0x000000000000000000000000000000000000bEEF" as Hex,
      value: 5n,
      data: "0x1234" as Hex,
      gas: 50_000n,
      nonce: 7,
    };
    const raws = [
      await account.signTransaction({
        ...base,
        chainId: 901,
        maxFeePerGas: parseGwei("3"),
        maxPriorityFeePerGas: 1n,
      }),
      await account.signTransaction({
        ...base,
        chainId: 901,
        type: "eip2930",
        gasPrice: parseGwei("2"),
        accessList: [{ address: base.to, storageKeys: [toHex(1n, { size: 32 })] }],
      }),
      await account.signTransaction({ ...base, chainId: 901, type: "legacy", gasPrice: parseGwei("2") }),
      await account.signTransaction({ ...base, type: "legacy", gasPrice: parseGwei("2") }),
    ];
    for (const raw of raws) expect(toHex(rawTransaction(await jsonOf(raw, {})))).toBe(raw);
  });

  test("re-encodes deposits", () => {
    const raw = encodeDeposit({
      sourceHash: new Uint8Array(32).fill(1),
      from: new Uint8Array(20).fill(2),
      to: undefined,
      mint: 10n,
      value: 3n,
      gas: 100_000n,
      isSystemTx: false,
      data: Uint8Array.of(0xde, 0xad),
    });
    const json: RpcTransactionJson = {
      hash: keccak256(raw),
      type: "0x7e",
      from: toHex(new Uint8Array(20).fill(2)),
      to: null,
      value: "0x3",
      input: "0xdead",
      gas: "0x186a0",
      sourceHash: toHex(new Uint8Array(32).fill(1)),
      mint: "0xa",
      isSystemTx: false,
    };
    expect(rawTransaction(json)).toEqual(raw);
  });

  test("refuses a re-encoding that does not match the reported hash", async () => {
    const raw = await account.signTransaction({
      to: account.address,
      chainId: 901,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
      gas: 21_000n,
    });
    const json = await jsonOf(raw, { value: "0x1" });
    expect(() => rawTransaction(json)).toThrow(EngineError);
  });
});
