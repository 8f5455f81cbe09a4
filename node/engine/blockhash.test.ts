import { beforeAll, describe, expect, test } from "bun:test";
import { Address } from "@ethereumjs/util";
import { fromHex, toHex } from "../../core/bytes.ts";
import { PREDEPLOYS } from "../../core/engine/predeploys.ts";
import { uintToBytes } from "../../core/engine/words.ts";
import { payloadJson } from "./engineApi.ts";
import {
  attributes,
  build,
  forkchoice,
  type Payload,
  signedTx,
  type TestEngine,
  testEngine,
  useCommon,
} from "./testing.ts";

/** Stores BLOCKHASH(calldata word 0) in slot 0 and returns it. */
const PROBE = "0x00000000000000000000000000000000000000b1";
const PROBE_CODE = "0x600035408060005560005260206000f3";
const alloc = { [PROBE]: { balance: "0x0", code: PROBE_CODE } };
const ZERO = new Uint8Array(32);
const word = (n: bigint) => toHex(uintToBytes(n));

let a: TestEngine;
let b: TestEngine;
beforeAll(async () => {
  a = await testEngine(":memory:", alloc);
  b = await testEngine(":memory:", alloc);
  useCommon(a.chain);
});

const newPayload = (e: TestEngine, p: Payload) => e.call<Payload>("engine_newPayloadV3", p, [], toHex(ZERO));

describe("BLOCKHASH", () => {
  test("answers from the executing block's branch, not the canonical chain", async () => {
    const g = a.chain.headBlock();
    const gh = toHex(g.hash);
    const t = g.header.timestamp;
    // Side branch B1 on genesis, then the canonical branch A1 ← A2 (A1 ≠ B1 at height 1).
    const b1 = await build(a, gh, attributes(t + 2n), false);
    const a1 = await build(a, gh, attributes(t + 4n));
    const a2 = await build(a, a1.blockHash, attributes(t + 6n));
    expect(toHex(a.chain.headBlock().hash)).toBe(a2.blockHash);
    expect(b1.blockHash).not.toBe(a1.blockHash);

    // Build B2 on the non-canonical B1 with a tx storing BLOCKHASH(1).
    const probe = signedTx(0, { nonce: 0n, to: PROBE, gasLimit: 100_000n, data: word(1n) });
    const attrs = attributes(t + 4n, [probe]);
    const b2 = await a.chain.build(
      fromHex(b1.blockHash),
      {
        timestamp: t + 4n,
        prevRandao: ZERO,
        feeRecipient: PREDEPLOYS.SequencerFeeVault,
        gasLimit: 30_000_000n,
        parentBeaconBlockRoot: ZERO,
        extraData: new Uint8Array(0),
      },
      attrs.transactions.map((x) => fromHex(x)),
      [],
    );
    expect(b2.results[1]!.status).toBe(1);
    expect(await a.call("eth_getStorageAt", PROBE, "0x0", toHex(b2.hash))).toBe(b1.blockHash);
    expect(toHex(a.chain.headBlock().hash)).toBe(a2.blockHash);

    // eth_call at a block answers from that block's branch.
    const call = { to: PROBE, data: word(1n) };
    expect(await a.call("eth_call", call, b1.blockHash)).toBe(b1.blockHash);
    expect(await a.call("eth_call", call, a2.blockHash)).toBe(a1.blockHash);
    expect(await a.call("eth_call", call, "latest")).toBe(a1.blockHash);

    // A second engine with A1 ← A2 canonical imports B1 and B2 and agrees on the state root.
    for (const p of [a1, a2]) expect((await newPayload(b, p)).status).toBe("VALID");
    await b.call("engine_forkchoiceUpdatedV3", forkchoice(a2.blockHash), null);
    expect((await newPayload(b, b1)).status).toBe("VALID");
    const st = await newPayload(b, payloadJson(b2));
    expect(st.validationError).toBeNull();
    expect(st.status).toBe("VALID");
    const imported = b.chain.block(b2.hash)!;
    expect(toHex(imported.header.stateRoot)).toBe(toHex(b2.header.stateRoot));
    const slot = await b.chain.withState(imported.header.stateRoot, (sm) =>
      sm.getStorage(new Address(fromHex(PROBE)), uintToBytes(0n)),
    );
    expect(toHex(slot)).toBe(b1.blockHash);
  });
});
