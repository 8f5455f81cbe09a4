import { describe, expect, test } from "bun:test";
import { encodeAbiParameters, encodeEventTopics, type Hex } from "viem";
import { systemConfigAbi } from "../../contracts/artifacts/SystemConfig.ts";
import { concatBytes, fromHex, toHex } from "../bytes.ts";
import { decodeDeposit } from "../engine/depositTx.ts";
import { decodeL1InfoEcotone } from "../engine/l1Info.ts";
import { MAX_L2_GAS_LIMIT, MAX_TX_BYTES } from "../engine/provableLimits.ts";
import type { PipelineError } from "../errors.ts";
import { buildAttributes } from "./attributes.ts";
import { deriveDeposits } from "./deposits.ts";
import { InvalidL2BlockError } from "./errors.ts";
import { l2BlockRefFromBlock, systemConfigFromL2Block } from "./l2BlockRef.ts";
import { payloadAttributesToJson } from "./payloadAttributes.ts";
import {
  applySystemConfigUpdates,
  CONFIG_UPDATE_TOPIC,
  ecotoneScalars,
  ecotoneScalarWord,
} from "./systemConfig.ts";
import { ADDR, FakeL1, FakeL2, fakeTx, testConfig } from "./testing/fakes.ts";
import type { L1Receipt, SystemConfig } from "./types.ts";

const config = testConfig();

async function setup() {
  const l1 = new FakeL1();
  const b1 = l1.addBlock([
    fakeTx.deposit({ mint: 5n }),
    fakeTx.setGasLimit(45_000_000n),
    fakeTx.deposit({ value: 7n }),
  ]);
  const l2 = new FakeL2(config);
  return { l1, l2, b1 };
}

describe("buildAttributes", () => {
  test("first block of an epoch: L1 info deposit (sequence 0), then the epoch's deposits, config updates applied", async () => {
    const { l1, l2, b1 } = await setup();
    const head = l2.head();
    // Genesis is at L1 block 0's time; the next L2 block (time +2) may not adopt block 1 (time +12).
    await expect(buildAttributes(config, l1, l2, head, b1)).rejects.toThrow("before L1 origin");
    let parent = head;
    for (let i = 0; i < 5; i++)
      parent = l2.execute(parent, await buildAttributes(config, l1, l2, parent, parent.l1origin));
    const a = await buildAttributes(config, l1, l2, parent, b1);
    expect(a.timestamp).toBe(parent.timestamp + 2);
    expect(a.transactions).toHaveLength(3);
    const info = decodeL1InfoEcotone(decodeDeposit(a.transactions[0]!).data);
    const l1info = await l1.blockInfo(b1.hash);
    expect(info).toEqual({
      baseFeeScalar: 1368,
      blobBaseFeeScalar: 810949,
      sequenceNumber: 0n,
      timestamp: BigInt(b1.timestamp),
      number: 1n,
      baseFee: l1info.baseFeePerGas,
      blobBaseFee: 1n,
      hash: fromHex(b1.hash),
      batcherHash: concatBytes(new Uint8Array(12), fromHex(ADDR.batcher)),
    });
    expect(decodeDeposit(a.transactions[1]!).mint).toBe(5n);
    expect(decodeDeposit(a.transactions[2]!).value).toBe(7n);
    expect(a.gasLimit).toBe(45_000_000n);
    // Next block in the same epoch: sequence 1, no deposits.
    const next = l2.execute(parent, a);
    const b = await buildAttributes(config, l1, l2, next, b1);
    expect(b.transactions).toHaveLength(1);
    expect(decodeL1InfoEcotone(decodeDeposit(b.transactions[0]!).data).sequenceNumber).toBe(1n);
    expect(b.gasLimit).toBe(45_000_000n);
  });

  test("a wrong epoch is a reset error; a failing source is a temporary error", async () => {
    const { l1, l2 } = await setup();
    const head = l2.head();
    const b2 = l1.addBlock();
    const sev = async (p: Promise<unknown>) => ((await p.catch((e) => e)) as PipelineError).severity;
    // Skips an L1 block.
    expect(await sev(buildAttributes(config, l1, l2, { ...head, timestamp: b2.timestamp }, b2))).toBe(
      "reset",
    );
    // Same number as the parent's origin but another hash.
    expect(await sev(buildAttributes(config, l1, l2, head, { number: 0, hash: b2.hash }))).toBe("reset");
    l1.failWith = new Error("down");
    expect(await sev(buildAttributes(config, l1, l2, head, head.l1origin))).toBe("temporary");
  });

  test("engine JSON: quantities as hex, transactions as hex, empty withdrawals", async () => {
    const { l1, l2 } = await setup();
    const a = await buildAttributes(config, l1, l2, l2.head(), l2.head().l1origin);
    const j = payloadAttributesToJson(a);
    expect(j.timestamp).toBe(`0x${a.timestamp.toString(16)}`);
    expect(j.gasLimit).toBe("0x1c9c380");
    expect(j.transactions[0]!.startsWith("0x7e")).toBe(true);
    expect(j.withdrawals).toEqual([]);
  });
});

describe("L2 block → ref and system config", () => {
  test("read back from the L1 info deposit; genesis from the config", async () => {
    const { l1, l2, b1 } = await setup();
    let parent = l2.head();
    for (let i = 0; i < 5; i++)
      parent = l2.execute(parent, await buildAttributes(config, l1, l2, parent, parent.l1origin));
    const head = l2.execute(parent, await buildAttributes(config, l1, l2, parent, b1));
    const block = l2.block(head.hash);
    expect(l2BlockRefFromBlock(block, config.genesis)).toMatchObject({
      l1origin: { number: 1, hash: b1.hash },
      sequenceNumber: 0,
    });
    expect(systemConfigFromL2Block(block, config.genesis)).toEqual({
      ...config.genesis.systemConfig,
      gasLimit: 45_000_000n,
    });
    const g = l2.block(config.genesis.l2.hash);
    expect(l2BlockRefFromBlock(g, config.genesis).l1origin).toEqual(config.genesis.l1);
    expect(systemConfigFromL2Block(g, config.genesis)).toEqual(config.genesis.systemConfig);
    expect(() =>
      l2BlockRefFromBlock({ ...block, transactions: [Uint8Array.of(2, 1)] }, config.genesis),
    ).toThrow(InvalidL2BlockError);
    expect(() => l2BlockRefFromBlock({ ...block, transactions: [] }, config.genesis)).toThrow(
      InvalidL2BlockError,
    );
    expect(() => l2BlockRefFromBlock({ ...g, hash: b1.hash }, config.genesis)).toThrow(InvalidL2BlockError);
  });
});

describe("system config updates", () => {
  const cfg = config.genesis.systemConfig;
  const log = (kind: number, data: Hex, address: Hex = ADDR.systemConfig) => ({
    address,
    topics: encodeEventTopics({
      abi: systemConfigAbi,
      eventName: "ConfigUpdate",
      args: { version: 0n, updateType: kind },
    }) as Hex[],
    data: fromHex(encodeAbiParameters([{ type: "bytes" }], [data])),
    logIndex: 0,
  });
  const apply = (receipts: L1Receipt[], from: SystemConfig = cfg) =>
    applySystemConfigUpdates(config, from, receipts);
  const word = (t: string, v: unknown) => encodeAbiParameters([{ type: t }], [v]);

  test("topic is the contract's event", () => {
    expect(CONFIG_UPDATE_TOPIC).toBe(
      encodeEventTopics({ abi: systemConfigAbi, eventName: "ConfigUpdate" })[0] as Hex,
    );
  });

  test("batcher, gas config (Ecotone scalar), gas limit; unsafe signer ignored", () => {
    const scalar = ecotoneScalarWord({ baseFeeScalar: 7, blobBaseFeeScalar: 9 });
    const r = apply([
      {
        status: true,
        logs: [
          log(0, word("bytes32", `0x${"00".repeat(12)}${ADDR.batcher2.slice(2)}`)),
          log(1, encodeAbiParameters([{ type: "uint256" }, { type: "bytes32" }], [0n, scalar])),
          log(2, word("uint64", 44_000_000n)),
          log(3, word("address", ADDR.user)),
        ],
      },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.config).toEqual({ ...cfg, batcherAddr: ADDR.batcher2, scalar, gasLimit: 44_000_000n });
    expect(ecotoneScalars(r.config)).toEqual({ baseFeeScalar: 7, blobBaseFeeScalar: 9 });
  });

  test("failed receipts, other contracts and invalid Ecotone scalars change nothing", () => {
    const badScalar = `0x01${"11".repeat(31)}` as Hex;
    const r = apply([
      { status: false, logs: [log(2, word("uint64", 1n))] },
      { status: true, logs: [log(2, word("uint64", 2n), ADDR.portal)] },
      {
        status: true,
        logs: [log(1, encodeAbiParameters([{ type: "uint256" }, { type: "bytes32" }], [0n, badScalar]))],
      },
    ]);
    expect(r.config).toEqual(cfg);
    expect(r.errors).toEqual([]);
    expect(r.ignored).toEqual([
      "SystemConfig log in receipt 2, log 0 ignored: invalid Ecotone scalar: ecotone scalar padding not empty",
    ]);
  });

  test("Ore: a gas limit over 45M (SystemConfig's maximum, the provable bound) is ignored, 45M applies", () => {
    const r = apply([
      {
        status: true,
        logs: [
          log(2, word("uint64", 40_000_000n)),
          log(2, word("uint64", MAX_L2_GAS_LIMIT + 1n)),
          log(2, word("uint64", 2n ** 64n - 1n)),
        ],
      },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.config.gasLimit).toBe(40_000_000n);
    expect(r.ignored).toEqual([
      "SystemConfig log in receipt 0, log 1 ignored: gas limit 45000001 > limit 45000000 (unprovable blocks)",
      "SystemConfig log in receipt 0, log 2 ignored: gas limit 18446744073709551615 > limit 45000000 (unprovable blocks)",
    ]);
    expect(apply([{ status: true, logs: [log(2, word("uint64", MAX_L2_GAS_LIMIT))] }]).config.gasLimit).toBe(
      MAX_L2_GAS_LIMIT,
    );
  });

  test("malformed updates are reported", () => {
    const r = apply([
      {
        status: true,
        logs: [
          log(0, word("uint256", 2n ** 200n)),
          log(2, word("uint256", 2n ** 70n)),
          log(9, "0x"),
          { ...log(2, word("uint64", 1n)), data: new Uint8Array(5) },
        ],
      },
    ]);
    expect(r.errors).toHaveLength(4);
  });

  test("Bedrock (version 0) scalars under Ecotone rules", () => {
    const v0 = (low: string) => ({ ...cfg, scalar: `0x${"00".repeat(28)}${low}` as Hex });
    expect(ecotoneScalars(v0("000004d2"))).toEqual({ baseFeeScalar: 1234, blobBaseFeeScalar: 0 });
    expect(ecotoneScalars({ ...cfg, scalar: `0x00${"00".repeat(26)}01000004d2` as Hex })).toEqual({
      baseFeeScalar: 0xffffffff,
      blobBaseFeeScalar: 0,
    });
    expect(ecotoneScalars({ ...cfg, scalar: `0x02${"00".repeat(31)}` as Hex })).toBeNull();
  });
});

describe("deposits", () => {
  test("portal logs of successful receipts, in log order, with block-wide log indices", async () => {
    const l1 = new FakeL1();
    const failed = fakeTx.deposit({ mint: 1n });
    failed.receipt.status = false;
    const elsewhere = fakeTx.deposit({ mint: 2n });
    elsewhere.receipt.logs[0]!.address = ADDR.systemConfig;
    const ref = l1.addBlock([
      fakeTx.setGasLimit(40_000_000n),
      failed,
      elsewhere,
      fakeTx.deposit({ mint: 3n }),
      fakeTx.deposit({ mint: 4n }),
    ]);
    const d = deriveDeposits(config, ref.hash, await l1.receipts(ref.hash));
    expect(d.errors).toEqual([]);
    expect(d.deposits.map((x) => decodeDeposit(x).mint)).toEqual([3n, 4n]);
    // Distinct source hashes (block hash + log index).
    const sources = d.deposits.map((x) => toHex(decodeDeposit(x).sourceHash));
    expect(new Set(sources).size).toBe(2);
  });

  test("a malformed portal log is reported", async () => {
    const l1 = new FakeL1();
    const bad = fakeTx.deposit();
    bad.receipt.logs[0]!.data = new Uint8Array(10);
    const ref = l1.addBlock([bad]);
    expect(deriveDeposits(config, ref.hash, await l1.receipts(ref.hash)).errors).toHaveLength(1);
  });

  test("a deposit over the provable transaction size (not from Ore's portal) is reported", async () => {
    const l1 = new FakeL1();
    // Encoded deposit = data + ~100 bytes of fields: this one is just under, the next just over.
    const under = fakeTx.deposit({ data: new Uint8Array(MAX_TX_BYTES - 200) });
    const over = fakeTx.deposit({ data: new Uint8Array(MAX_TX_BYTES) });
    const ok = l1.addBlock([under]);
    expect(deriveDeposits(config, ok.hash, await l1.receipts(ok.hash)).errors).toEqual([]);
    const bad = l1.addBlock([over]);
    const d = deriveDeposits(config, bad.hash, await l1.receipts(bad.hash));
    expect(d.errors).toHaveLength(1);
    expect(d.errors[0]).toContain(`> limit ${MAX_TX_BYTES}`);
  });
});
