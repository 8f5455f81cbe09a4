import { describe, expect, test } from "bun:test";
import { encodeAbiParameters, encodeEventTopics, type Hex, parseAbi } from "viem";
import { getL2TransactionHash, opaqueDataToDepositData } from "viem/op-stack";
import { fromHex, toHex } from "../bytes.ts";
import { depositFromLog, encodeOpaqueData, TRANSACTION_DEPOSITED_TOPIC } from "./depositLog.ts";
import { depositTxHash } from "./depositTx.ts";
import { InvalidDepositLogError } from "./errors.ts";

/** The portal event as viem's op-stack `portalAbi` declares it. */
const portalAbi = parseAbi([
  "event TransactionDeposited(address indexed from, address indexed to, uint256 indexed version, bytes opaqueData)",
]);
const portal = fromHex("0x1000000000000000000000000000000000000001");
const blockHash = fromHex(`0x${"ab".repeat(32)}`);

function makeLog(args: { from: Hex; to: Hex; opaque: Uint8Array; version?: bigint; logIndex: number }) {
  const topics = encodeEventTopics({
    abi: portalAbi,
    eventName: "TransactionDeposited",
    args: { from: args.from, to: args.to, version: args.version ?? 0n },
  }) as Hex[];
  const data = encodeAbiParameters([{ type: "bytes" }], [toHex(args.opaque)]);
  return { topics, data };
}

describe("TransactionDeposited log → deposit", () => {
  test("topic constant is the portal event's", () => {
    const topics = encodeEventTopics({ abi: portalAbi, eventName: "TransactionDeposited" }) as Hex[];
    expect(toHex(TRANSACTION_DEPOSITED_TOPIC)).toBe(topics[0]!);
  });

  test("hash matches viem getL2TransactionHash; opaque data matches viem's unpacking", () => {
    const cases = [
      { mint: 0n, value: 0n, gas: 21_000n, isCreation: false, data: new Uint8Array(0) },
      { mint: 10n ** 18n, value: 5n, gas: 100_000n, isCreation: false, data: fromHex("0xdeadbeef00") },
      { mint: 1n, value: 0n, gas: 3_000_000n, isCreation: true, data: fromHex("0x6080604052") },
      {
        mint: (1n << 255n) + 7n,
        value: 2n ** 200n,
        gas: (1n << 64n) - 1n,
        isCreation: false,
        data: new Uint8Array(33),
      },
    ];
    cases.forEach((c, i) => {
      const from = "0x00000000000000000000000000000000000000aa" as Hex;
      const to = "0x00000000000000000000000000000000000000bb" as Hex;
      const opaque = encodeOpaqueData(c);
      const { topics, data } = makeLog({ from, to, opaque, logIndex: i });
      const unpacked = opaqueDataToDepositData(toHex(opaque));
      expect(unpacked).toEqual({ ...c, data: toHex(c.data) });
      const dep = depositFromLog({
        address: portal,
        topics: topics.map((t) => fromHex(t)),
        data: fromHex(data),
        blockHash,
        logIndex: i,
      });
      expect(dep.to === undefined).toBe(c.isCreation);
      const reference = getL2TransactionHash({
        log: {
          blockHash: toHex(blockHash),
          logIndex: i,
          args: { from, to, version: 0n, opaqueData: toHex(opaque) },
        } as unknown as Parameters<typeof getL2TransactionHash>[0]["log"],
      });
      expect(toHex(depositTxHash(dep))).toBe(reference);
    });
  });

  test("rejects malformed logs", () => {
    const from = "0x00000000000000000000000000000000000000aa" as Hex;
    const ok = makeLog({ from, to: from, opaque: new Uint8Array(73), logIndex: 0 });
    const base = {
      address: portal,
      blockHash,
      logIndex: 0,
      topics: ok.topics.map((t) => fromHex(t)),
      data: fromHex(ok.data),
    };
    expect(() => depositFromLog(base)).not.toThrow();
    const v1 = makeLog({ from, to: from, opaque: new Uint8Array(73), version: 1n, logIndex: 0 });
    const short = makeLog({ from, to: from, opaque: new Uint8Array(72), logIndex: 0 });
    const badFlag = new Uint8Array(73);
    badFlag[72] = 2;
    const flag = makeLog({ from, to: from, opaque: badFlag, logIndex: 0 });
    const bad = [
      { ...base, topics: base.topics.slice(0, 3) },
      { ...base, topics: [new Uint8Array(32), ...base.topics.slice(1)] },
      { ...base, topics: v1.topics.map((t) => fromHex(t)) },
      { ...base, data: fromHex(short.data) },
      { ...base, data: fromHex(flag.data) },
      { ...base, data: base.data.subarray(0, 100) },
      { ...base, data: Uint8Array.of(...base.data, 0) },
    ];
    for (const log of bad) expect(() => depositFromLog(log)).toThrow(InvalidDepositLogError);
  });
});
