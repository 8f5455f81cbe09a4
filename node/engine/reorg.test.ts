import { beforeAll, describe, expect, test } from "bun:test";
import { toHex } from "../../core/bytes.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
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

let e: TestEngine;
beforeAll(async () => {
  e = await testEngine();
  useCommon(e.chain);
});

const hashOf = (raw: Uint8Array) => toHex(keccak256(raw));

describe("reorgs and the pool", () => {
  test("transactions of blocks a reorg drops go back to the pool unless used on the new chain", async () => {
    const base = head(e);
    const tx1 = signedTx(0, { nonce: 0n, to: DEV_ADDRESSES[3], value: 1n });
    const tx2 = signedTx(1, { nonce: 0n, to: DEV_ADDRESSES[3], value: 2n });
    await e.call("eth_sendRawTransaction", toHex(tx1));
    await e.call("eth_sendRawTransaction", toHex(tx2));
    const x = await build(e, base.hash, attributes(base.timestamp + 2n, [], { noTxPool: false }));
    expect(x.transactions.slice(1)).toEqual([toHex(tx1), toHex(tx2)]);
    expect(e.pool.size).toBe(0);

    // Reorg to a sibling that spends dev 1's nonce 0 on another transaction: tx1 returns to the
    // pool (pending, no block), tx2 does not (its nonce is used).
    const tx3 = signedTx(1, { nonce: 0n, to: DEV_ADDRESSES[2], value: 3n });
    const y = await build(e, base.hash, attributes(base.timestamp + 4n, [tx3]));
    expect(toHex(e.chain.headBlock().hash)).toBe(y.blockHash);
    expect(e.pool.get(hashOf(tx1))).toEqual(tx1);
    expect(e.pool.get(hashOf(tx2))).toBeUndefined();
    expect(e.pool.size).toBe(1);
    const pending = await e.call<Payload>("eth_getTransactionByHash", hashOf(tx1));
    expect(pending.blockHash).toBeNull();
    expect(await e.call("eth_getTransactionReceipt", hashOf(tx1))).toBeNull();

    // The sequencer includes it again on the new branch.
    const z = await build(e, y.blockHash, attributes(BigInt(y.timestamp) + 2n, [], { noTxPool: false }));
    expect(z.transactions.slice(1)).toEqual([toHex(tx1)]);
    expect(e.pool.size).toBe(0);

    // Back to x: tx1 is in x (not reinjected), tx3's nonce is used by tx2 (refused), and the
    // L1 info deposits are never pooled.
    await e.call("engine_forkchoiceUpdatedV3", forkchoice(x.blockHash), null);
    expect(e.pool.size).toBe(0);
    expect((await e.call<Payload>("eth_getTransactionReceipt", hashOf(tx1))).blockHash).toBe(x.blockHash);
  });

  test("a dropped block's transaction over the pool's size limit is not reinjected", async () => {
    // A block whose forced transactions hold one of 140,000 bytes (an unsafe block from
    // elsewhere could): when a reorg drops it, the small one returns to the pool, the large one
    // is refused, so the sequencer never builds it into a block of its own.
    const base = head(e);
    const small = signedTx(3, { nonce: 0n, to: DEV_ADDRESSES[0], value: 1n });
    const large = signedTx(2, {
      nonce: 0n,
      to: DEV_ADDRESSES[0],
      gasLimit: 1_000_000n,
      data: new Uint8Array(140_000),
    });
    const x = await build(e, base.hash, attributes(base.timestamp + 2n, [small, large]));
    expect(x.transactions.slice(1)).toEqual([toHex(small), toHex(large)]);
    const y = await build(e, base.hash, attributes(base.timestamp + 4n));
    expect(toHex(e.chain.headBlock().hash)).toBe(y.blockHash);
    expect(e.pool.get(hashOf(small))).toEqual(small);
    expect(e.pool.get(hashOf(large))).toBeUndefined();
    expect(e.pool.size).toBe(1);
  });
});
