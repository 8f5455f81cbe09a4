import { describe, expect, test } from "bun:test";
import type { PayloadAttributesJson } from "../../core/derive/payloadAttributes.ts";
import type { PayloadAttributes } from "../../core/derive/types.ts";
import { PipelineError } from "../../core/errors.ts";
import { buildDerivedBlock, type DerivedBlockEngine, depositsOnly } from "./derivedBlock.ts";
import type { ExecutionPayloadJson, ForkchoiceState } from "./engineClient.ts";
import { EngineError, RpcCallError } from "./errors.ts";

const HASH = `0x${"11".repeat(32)}` as const;
const STATE: ForkchoiceState = { headBlockHash: HASH, safeBlockHash: HASH, finalizedBlockHash: HASH };

function attrs(txs: number[][]): PayloadAttributes {
  return {
    timestamp: 1000,
    prevRandao: HASH,
    suggestedFeeRecipient: `0x${"42".repeat(20)}`,
    withdrawals: [],
    parentBeaconBlockRoot: HASH,
    transactions: txs.map((t) => Uint8Array.from(t)),
    noTxPool: true,
    gasLimit: 30_000_000n,
  };
}

const refusal = () =>
  new RpcCallError("engine_forkchoiceUpdatedV3: Invalid payload attributes: bad nonce", { code: -38003 });

/**
 * A fake engine: `refuse(txs)` decides whether forkchoiceUpdated refuses a transaction list
 * (with the error it returns); it records every list it was asked to build.
 */
function fakeEngine(refuse: (txs: string[]) => Error | undefined, newPayloadStatus = "VALID") {
  const asked: string[][] = [];
  const engine: DerivedBlockEngine = {
    async forkchoiceUpdatedV3(_state, a?: PayloadAttributesJson) {
      const txs = (a?.transactions ?? []) as string[];
      asked.push(txs);
      const err = refuse(txs);
      if (err) throw err;
      return {
        payloadStatus: { status: "VALID", latestValidHash: HASH, validationError: null },
        payloadId: "0x01",
      };
    },
    async getPayloadV3() {
      const executionPayload = { blockHash: `0x${asked.length.toString(16).padStart(64, "0")}` };
      return {
        executionPayload: executionPayload as unknown as ExecutionPayloadJson,
        blockValue: "0x0",
        blobsBundle: { commitments: [], proofs: [], blobs: [] },
        shouldOverrideBuilder: false,
        parentBeaconBlockRoot: HASH,
      };
    },
    async newPayloadV3() {
      return { status: newPayloadStatus, latestValidHash: HASH, validationError: null } as never;
    },
  };
  return { engine, asked };
}

const DEP = [0x7e, 1, 2];
const DEP2 = [0x7e, 3];
const USER = [0x02, 9, 9];
const LEGACY = [0xf8, 1];

describe("buildDerivedBlock", () => {
  test("depositsOnly keeps the deposits, in order, and nothing else", () => {
    const a = attrs([DEP, DEP2, USER, LEGACY]);
    const d = depositsOnly(a);
    expect(d.transactions.map((t) => [...t])).toEqual([DEP, DEP2]);
    expect({ ...d, transactions: [] }).toEqual({ ...a, transactions: [] });
  });

  test("accepted attributes are built once, as they are", async () => {
    const { engine, asked } = fakeEngine(() => undefined);
    let retries = 0;
    const r = await buildDerivedBlock(engine, STATE, attrs([DEP, USER]), () => retries++);
    expect(r.depositsOnly).toBe(false);
    expect(asked).toEqual([["0x7e0102", "0x020909"]]);
    expect(retries).toBe(0);
  });

  test("refused transactions: built again from the deposits alone", async () => {
    const { engine, asked } = fakeEngine((txs) => (txs.length > 2 ? refusal() : undefined));
    const seen: string[] = [];
    const r = await buildDerivedBlock(engine, STATE, attrs([DEP, DEP2, USER, LEGACY]), (e) =>
      seen.push(e.message),
    );
    expect(r.depositsOnly).toBe(true);
    expect(r.envelope.executionPayload.blockHash).toBe(`0x${"2".padStart(64, "0")}`);
    expect(asked).toEqual([
      ["0x7e0102", "0x7e03", "0x020909", "0xf801"],
      ["0x7e0102", "0x7e03"],
    ]);
    expect(seen).toEqual(["engine_forkchoiceUpdatedV3: Invalid payload attributes: bad nonce"]);
  });

  test("a refused deposits-only retry is critical", async () => {
    const { engine, asked } = fakeEngine(() => refusal());
    const e = await buildDerivedBlock(engine, STATE, attrs([DEP, USER])).catch((x) => x);
    expect(e).toBeInstanceOf(PipelineError);
    expect((e as PipelineError).severity).toBe("critical");
    expect((e as Error).message).toContain("deposits-only");
    expect(asked.length).toBe(2);
  });

  test("refused attributes that held only deposits are critical at once (no pointless retry)", async () => {
    const { engine, asked } = fakeEngine(() => refusal());
    let retries = 0;
    const e = await buildDerivedBlock(engine, STATE, attrs([DEP, DEP2]), () => retries++).catch((x) => x);
    expect((e as PipelineError).severity).toBe("critical");
    expect(asked.length).toBe(1);
    expect(retries).toBe(0);
  });

  test("other failures pass through without a retry", async () => {
    for (const err of [
      new RpcCallError("connection refused"),
      new RpcCallError("invalid forkchoice state", { code: -38002 }),
    ]) {
      const { engine, asked } = fakeEngine(() => err);
      expect(await buildDerivedBlock(engine, STATE, attrs([DEP, USER])).catch((x) => x)).toBe(err);
      expect(asked.length).toBe(1);
    }
    const { engine } = fakeEngine(() => undefined, "INVALID");
    expect(await buildDerivedBlock(engine, STATE, attrs([DEP, USER])).catch((x) => x)).toBeInstanceOf(
      EngineError,
    );
  });
});
