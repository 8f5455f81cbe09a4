import { describe, expect, test } from "bun:test";
import { type Hex, keccak256, toHex } from "viem";
import type { L2BlockRef, PayloadAttributes } from "../../core/derive/types.ts";
import { attributesMismatch } from "./consolidate.ts";
import type { RpcBlock } from "./engineClient.ts";

const h = (b: number): Hex => toHex(new Uint8Array(32).fill(b));
const parent: L2BlockRef = {
  hash: h(1),
  number: 5,
  parentHash: h(0),
  timestamp: 100,
  l1origin: { hash: h(9), number: 3 },
  sequenceNumber: 0,
};
const txs = [Uint8Array.of(0x7e, 1, 2), Uint8Array.of(2, 3, 4)];
const attrs: PayloadAttributes = {
  timestamp: 101,
  prevRandao: h(7),
  suggestedFeeRecipient: "0x4200000000000000000000000000000000000011",
  withdrawals: [],
  parentBeaconBlockRoot: h(0),
  transactions: txs,
  noTxPool: true,
  gasLimit: 30_000_000n,
};
const block = (over: Partial<RpcBlock> = {}): RpcBlock => ({
  hash: h(2),
  parentHash: parent.hash,
  number: "0x6",
  timestamp: "0x65",
  stateRoot: h(3),
  gasLimit: "0x1c9c380",
  mixHash: h(7),
  miner: "0x4200000000000000000000000000000000000011",
  parentBeaconBlockRoot: h(0),
  transactions: txs.map((t) => ({ hash: keccak256(t) }) as RpcBlock["transactions"][number]),
  ...over,
});

describe("attributesMismatch", () => {
  test("a block built from the attributes matches", () => {
    expect(attributesMismatch(attrs, parent, block())).toBeNull();
  });

  test("names the first difference", () => {
    expect(attributesMismatch(attrs, parent, block({ parentHash: h(4) }))).toContain("parent hash");
    expect(attributesMismatch(attrs, parent, block({ timestamp: "0x66" }))).toContain("timestamp");
    expect(attributesMismatch(attrs, parent, block({ mixHash: h(8) }))).toContain("prevRandao");
    expect(attributesMismatch(attrs, parent, block({ gasLimit: "0x1" }))).toContain("gas limit");
    expect(
      attributesMismatch(attrs, parent, block({ transactions: block().transactions.slice(0, 1) })),
    ).toContain("transaction count");
    const swapped = [...block().transactions].reverse();
    expect(attributesMismatch(attrs, parent, block({ transactions: swapped }))).toContain("transaction 0");
  });
});
