import { beforeAll, describe, expect, test } from "bun:test";
import { fromHex, toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { headerHash } from "../../core/engine/header.ts";
import { userDepositSourceHash } from "../../core/engine/sourceHash.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { payloadHeader } from "./engineApi.ts";
import { RpcError } from "./rpcErrors.ts";
import {
  attributes,
  build,
  DEV_ADDRESSES,
  forkchoice,
  head,
  type Payload,
  signedTx,
  type TestEngine,
  testEngine,
  useCommon,
} from "./testing.ts";

const ZERO = toHex(new Uint8Array(32));

/** The error code a method call fails with. */
async function code(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (e instanceof RpcError) return e.code;
    throw e;
  }
}

/** `payload` with `fields` changed and its block hash recomputed (a consistent but wrong block). */
function tamper(payload: Payload, fields: Payload, beaconRoot = ZERO): Payload {
  const p = { ...payload, ...fields };
  const header = payloadHeader(p, fromHex(beaconRoot), p.transactions.map(fromHex));
  return { ...p, blockHash: toHex(headerHash(header)) };
}

const userDeposit = (i: number) =>
  encodeDeposit({
    sourceHash: userDepositSourceHash(new Uint8Array(32).fill(0xaa), i),
    from: fromHex("0x00000000000000000000000000000000000000a0"),
    to: fromHex("0x00000000000000000000000000000000000000b0"),
    mint: 10n ** 18n,
    value: 0n,
    gas: 100_000n,
    isSystemTx: false,
    data: new Uint8Array(0),
  });

describe("Engine API", () => {
  let a: TestEngine; // the sequencer
  let b: TestEngine; // a verifier importing a's payloads
  let genesis: string;
  beforeAll(async () => {
    a = await testEngine();
    b = await testEngine();
    useCommon(a.chain);
    genesis = head(a).hash;
  });

  test("exchangeCapabilities lists every method", async () => {
    const caps = await a.call<string[]>("engine_exchangeCapabilities", []);
    for (const m of [
      "engine_forkchoiceUpdatedV3",
      "engine_getPayloadV3",
      "engine_newPayloadV3",
      "engine_newPayloadV2",
    ]) {
      expect(caps).toContain(m);
    }
  });

  test("forkchoiceUpdatedV3 builds, getPayloadV3 serves, newPayloadV3 on another engine is VALID", async () => {
    const tx = signedTx(0, { nonce: 0n, to: DEV_ADDRESSES[1], value: 5n });
    const attrs = attributes(head(a).timestamp + 2n, [userDeposit(0), tx]);
    const fcu = await a.call<{ payloadStatus: { status: string }; payloadId: string }>(
      "engine_forkchoiceUpdatedV3",
      forkchoice(genesis),
      attrs,
    );
    expect(fcu.payloadStatus.status).toBe("VALID");
    expect(fcu.payloadId).toMatch(/^0x[0-9a-f]{16}$/);
    const got = await a.call<Payload>("engine_getPayloadV3", fcu.payloadId);
    const p = got.executionPayload;
    expect(p.transactions.length).toBe(3);
    expect(got.blobsBundle).toEqual({ commitments: [], proofs: [], blobs: [] });
    expect(got.shouldOverrideBuilder).toBe(false);
    // blockValue: the tip paid to the fee recipient (gas used × 1 gwei here).
    expect(await a.call("eth_getTransactionReceipt", toHex(keccak256(tx)))).toBeNull(); // not canonical yet
    expect(BigInt(got.blockValue)).toBe(21_000n * 1_000_000_000n);

    const verdict = await b.call<Payload>("engine_newPayloadV3", p, [], ZERO);
    expect(verdict).toEqual({ status: "VALID", latestValidHash: p.blockHash, validationError: null });
    // Known payloads answer at once.
    expect((await b.call<Payload>("engine_newPayloadV3", p, [], ZERO)).status).toBe("VALID");
    for (const e of [a, b]) {
      const r = await e.call<Payload>(
        "engine_forkchoiceUpdatedV3",
        forkchoice(p.blockHash, genesis, genesis),
        null,
      );
      expect(r).toEqual({
        payloadStatus: { status: "VALID", latestValidHash: p.blockHash, validationError: null },
        payloadId: null,
      });
    }
    expect((await b.call<Payload>("eth_getBlockByNumber", "latest", false)).hash).toBe(p.blockHash);
    expect((await b.call<Payload>("eth_getBlockByNumber", "safe", false)).hash).toBe(genesis);
  });

  test("newPayloadV3 rejects bad state root, bad block hash, deposits after user txs; unknown parent is SYNCING", async () => {
    const parent = head(a);
    const tx = signedTx(0, { nonce: 1n, to: DEV_ADDRESSES[1], value: 5n });
    const p = await build(a, parent.hash, attributes(parent.timestamp + 2n, [tx]), false);

    const badRoot = tamper(p, { stateRoot: toHex(new Uint8Array(32).fill(1)) });
    expect(await b.call<Payload>("engine_newPayloadV3", badRoot, [], ZERO)).toEqual({
      status: "INVALID",
      latestValidHash: parent.hash,
      validationError: "stateRoot mismatch",
    });
    const badReceipts = tamper(p, { receiptsRoot: toHex(new Uint8Array(32).fill(2)) });
    expect((await b.call<Payload>("engine_newPayloadV3", badReceipts, [], ZERO)).validationError).toBe(
      "receiptsRoot mismatch",
    );
    const badGas = tamper(p, { gasUsed: `0x${(BigInt(p.gasUsed) + 1n).toString(16)}` });
    expect((await b.call<Payload>("engine_newPayloadV3", badGas, [], ZERO)).validationError).toBe(
      "gasUsed mismatch",
    );

    const badHash = { ...p, blockHash: toHex(new Uint8Array(32).fill(3)) };
    const r = await b.call<Payload>("engine_newPayloadV3", badHash, [], ZERO);
    expect(r.status).toBe("INVALID");
    expect(r.latestValidHash).toBeNull();
    expect(r.validationError).toContain("block hash mismatch");
    // The wrong beacon root is a different header, hence a hash mismatch too.
    expect(
      (await b.call<Payload>("engine_newPayloadV3", p, [], toHex(new Uint8Array(32).fill(4)))).status,
    ).toBe("INVALID");

    const late = tamper(p, { transactions: [p.transactions[0], p.transactions[1], toHex(userDeposit(1))] });
    const lateVerdict = await b.call<Payload>("engine_newPayloadV3", late, [], ZERO);
    expect(lateVerdict.status).toBe("INVALID");
    expect(lateVerdict.validationError).toBe("deposits must precede all other transactions");

    const orphan = tamper(p, { parentHash: toHex(new Uint8Array(32).fill(9)) });
    expect(await b.call<Payload>("engine_newPayloadV3", orphan, [], ZERO)).toEqual({
      status: "SYNCING",
      latestValidHash: null,
      validationError: null,
    });
    const wrongNumber = tamper(p, { blockNumber: "0x7" });
    expect((await b.call<Payload>("engine_newPayloadV3", wrongNumber, [], ZERO)).validationError).toBe(
      "number 7 does not follow parent 1",
    );
    expect((await b.call<Payload>("engine_newPayloadV3", p, [toHex(new Uint8Array(32))], ZERO)).status).toBe(
      "INVALID",
    );
    expect((await b.call<Payload>("engine_newPayloadV3", { ...p, withdrawals: [{}] }, [], ZERO)).status).toBe(
      "INVALID",
    );

    // After all that the verifier still imports the genuine payload.
    expect((await b.call<Payload>("engine_newPayloadV3", p, [], ZERO)).status).toBe("VALID");
    expect(await code(b.call("engine_newPayloadV3", { ...p, blockNumber: "seven" }, [], ZERO))).toBe(-32602);
    expect(await code(b.call("engine_newPayloadV3", p, []))).toBe(-32602);
    expect(await code(b.call("engine_newPayloadV2", p))).toBe(-38005);
    await a.call("engine_forkchoiceUpdatedV3", forkchoice(p.blockHash), null);
  });

  test("forkchoiceUpdated errors: unknown head, bad safe block, stale or invalid attributes, V2 with attributes", async () => {
    const h = head(a);
    const unknown = await a.call<Payload>(
      "engine_forkchoiceUpdatedV3",
      forkchoice(toHex(new Uint8Array(32).fill(7))),
      null,
    );
    expect(unknown.payloadStatus.status).toBe("SYNCING");
    expect(unknown.payloadId).toBeNull();
    expect(await code(a.call("engine_forkchoiceUpdatedV3", forkchoice(genesis, h.hash, ZERO), null))).toBe(
      -38002,
    );
    expect(
      await code(a.call("engine_forkchoiceUpdatedV3", forkchoice(h.hash), attributes(h.timestamp))),
    ).toBe(-38003);
    const late = attributes(h.timestamp + 2n, [
      signedTx(0, { nonce: 2n, to: DEV_ADDRESSES[1] }),
      userDeposit(2),
    ]);
    expect(await code(a.call("engine_forkchoiceUpdatedV3", forkchoice(h.hash), late))).toBe(-38003);
    const bad = attributes(h.timestamp + 2n, [signedTx(0, { nonce: 99n, to: DEV_ADDRESSES[1] })]);
    expect(await code(a.call("engine_forkchoiceUpdatedV3", forkchoice(h.hash), bad))).toBe(-38003);
    expect(
      await code(a.call("engine_forkchoiceUpdatedV2", forkchoice(h.hash), attributes(h.timestamp + 2n))),
    ).toBe(-38005);
    expect(
      (await a.call<Payload>("engine_forkchoiceUpdatedV2", forkchoice(h.hash), null)).payloadStatus.status,
    ).toBe("VALID");
    expect(await code(a.call("engine_getPayloadV3", "0x0000000000000001"))).toBe(-38001);
    const fcu = await a.call<Payload>(
      "engine_forkchoiceUpdatedV3",
      forkchoice(h.hash),
      attributes(h.timestamp + 2n),
    );
    expect(await code(a.call("engine_getPayloadV2", fcu.payloadId))).toBe(-38005);
    expect(await code(a.call("engine_forkchoiceUpdatedV3", { headBlockHash: "0x12" }, null))).toBe(-32602);
  });

  test("forkchoiceUpdated reorgs to a sibling and back: canonical blocks and the tx index follow", async () => {
    const base = head(a);
    const tx = signedTx(0, { nonce: 2n, to: DEV_ADDRESSES[2], value: 9n });
    const hashOfTx = toHex(keccak256(tx));
    const x = await build(a, base.hash, attributes(base.timestamp + 2n, [tx]), false);
    const y = await build(a, base.hash, attributes(base.timestamp + 4n), false);
    expect((await a.call<Payload>("eth_getBlockByHash", x.blockHash, false)).transactions[1]).toBe(hashOfTx);
    await a.call("engine_forkchoiceUpdatedV3", forkchoice(x.blockHash), null);
    expect((await a.call<Payload>("eth_getTransactionReceipt", hashOfTx)).blockHash).toBe(x.blockHash);
    expect(await a.call("eth_getBalance", DEV_ADDRESSES[2], "latest")).toBe("0x3635c9adc5dea00009");
    await a.call("engine_forkchoiceUpdatedV3", forkchoice(y.blockHash), null);
    expect((await a.call<Payload>("eth_getBlockByNumber", x.blockNumber, false)).hash).toBe(y.blockHash);
    expect(await a.call("eth_getTransactionReceipt", hashOfTx)).toBeNull();
    expect(await a.call("eth_getBalance", DEV_ADDRESSES[2], "latest")).toBe("0x3635c9adc5dea00000");
    // A longer branch on x, then back to it: the index follows again.
    const z = await build(a, x.blockHash, attributes(BigInt(x.timestamp) + 2n), false);
    await a.call("engine_forkchoiceUpdatedV3", forkchoice(z.blockHash, x.blockHash, base.hash), null);
    expect((await a.call<Payload>("eth_getTransactionReceipt", hashOfTx)).blockHash).toBe(x.blockHash);
    expect((await a.call<Payload>("eth_getBlockByNumber", "finalized", false)).hash).toBe(base.hash);
    expect((await a.call<Payload>("eth_getBlockByNumber", "safe", false)).hash).toBe(x.blockHash);
    expect(BigInt(await a.call<string>("eth_blockNumber"))).toBe(BigInt(z.blockNumber));
  });
});
