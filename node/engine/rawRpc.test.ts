import { beforeAll, describe, expect, test } from "bun:test";
import { fromHex, toHex } from "../../core/bytes.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { trieRoot } from "../../core/mpt/trieRoot.ts";
import { rlpDecodeList, rlpEncode, uintToBytes } from "../../core/rlp.ts";
import { encodeBlock } from "./rawRpc.ts";
import {
  attributes,
  build,
  DEV_ADDRESSES,
  head,
  type Payload,
  signedTx,
  type TestEngine,
  testEngine,
  useCommon,
} from "./testing.ts";

const LOGGER = "0x00000000000000000000000000000000000000c2"; // SSTORE(0, CALLVALUE); LOG1(topic 1)

let e: TestEngine;
let block: Payload;
let txs: Uint8Array[];
let pooled: Uint8Array;
beforeAll(async () => {
  e = await testEngine(":memory:", { [LOGGER]: { code: "0x3460005560016000600ca1" } });
  useCommon(e.chain);
  txs = [
    signedTx(0, { nonce: 0n, to: LOGGER, value: 5n, gasLimit: 60_000n }),
    signedTx(1, {
      type: 0,
      nonce: 0n,
      to: DEV_ADDRESSES[2],
      value: 1n,
      gasPrice: 10_000_000_000n,
      maxFeePerGas: undefined,
      maxPriorityFeePerGas: undefined,
    }),
  ];
  const h = head(e);
  block = await build(e, h.hash, attributes(h.timestamp + 2n, txs));
  pooled = signedTx(2, { nonce: 5n, to: DEV_ADDRESSES[1] }); // a nonce gap keeps it pooled
  await e.call("eth_sendRawTransaction", toHex(pooled));
});

const index = (i: number) => rlpEncode(uintToBytes(i));

describe("raw debug RPC", () => {
  test("debug_getRawTransaction: bytes that hash to the transaction hash (mined, pooled, unknown)", async () => {
    expect(txs[1]![0]).toBeGreaterThanOrEqual(0xc0); // legacy
    for (const raw of [fromHex(block.transactions[0]), ...txs, pooled]) {
      const got = await e.call<string>("debug_getRawTransaction", toHex(keccak256(raw)));
      expect(got).toBe(toHex(raw));
      expect(toHex(keccak256(fromHex(got)))).toBe(toHex(keccak256(raw)));
    }
    expect(await e.call("debug_getRawTransaction", toHex(new Uint8Array(32).fill(9)))).toBe("0x");
  });

  test("debug_getRawHeader and debug_getRawBlock hash to the block hash, by number, tag and hash", async () => {
    for (const tag of [block.blockNumber, "latest", block.blockHash]) {
      const header = fromHex(await e.call<string>("debug_getRawHeader", tag));
      expect(toHex(keccak256(header))).toBe(block.blockHash);
      const raw = fromHex(await e.call<string>("debug_getRawBlock", tag));
      const [h, body, uncles, withdrawals] = rlpDecodeList(raw);
      expect(toHex(keccak256(rlpEncode(h!)))).toBe(block.blockHash);
      expect(uncles).toEqual([]);
      expect(withdrawals).toEqual([]);
      // Typed transactions are byte strings, the legacy one a list; all re-encode to the raw bytes.
      const items = body as (Uint8Array | Uint8Array[])[];
      expect(items.length).toBe(3);
      const back = items.map((t) => (t instanceof Uint8Array ? t : rlpEncode(t)));
      expect(back.map(toHex)).toEqual(block.transactions);
      expect(toHex(trieRoot(back.map((t, i) => [index(i), t] as const)))).toBe(
        toHex(e.chain.block(fromHex(block.blockHash))!.header.transactionsRoot),
      );
    }
    const genesis = fromHex(await e.call<string>("debug_getRawBlock", "earliest"));
    expect(toHex(genesis)).toBe(toHex(encodeBlock(e.chain.block(e.chain.canonicalHash(0n)!)!)));
    await expect(e.call("debug_getRawHeader", "0x99")).rejects.toThrow("header not found");
  });

  test("debug_getRawReceipts: the receipts trie of the block's receipts root", async () => {
    const raw = (await e.call<string[]>("debug_getRawReceipts", block.blockHash)).map(fromHex);
    expect(raw.length).toBe(3);
    expect(raw[0]![0]).toBe(0x7e); // the L1 info deposit
    expect(raw[1]![0]).toBe(0x02);
    expect(raw[2]![0]).toBeGreaterThanOrEqual(0xc0); // legacy: a bare list
    expect(toHex(trieRoot(raw.map((r, i) => [index(i), r] as const)))).toBe(block.receiptsRoot);
    expect(await e.call("debug_getRawReceipts", "earliest")).toEqual([]);
  });
});
