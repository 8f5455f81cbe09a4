import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTx } from "@ethereumjs/tx";
import { privateToAddress } from "@ethereumjs/util";
import { toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { MAX_TX_BYTES } from "../../core/engine/provableLimits.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { InvalidConfigError } from "./config.ts";
import { Store } from "./store.ts";
import { DEFAULT_POOL_LIMITS, type PoolLimits, type SenderState, TxPool } from "./txPool.ts";
import { oreCommon } from "./vm.ts";

const dir = mkdtempSync(join(tmpdir(), "ore-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const common = oreCommon(901n);
const keys = [1, 2, 3, 4, 5].map((i) => keccak256(Uint8Array.of(i)));
const [A, B, , , E] = keys.map((k) => toHex(privateToAddress(k)));
const GWEI = 1_000_000_000n;

/** A signed EIP-1559 transfer from `keys[who]`. */
function tx(
  who: number,
  nonce: bigint,
  fee: bigint,
  tipFee = fee / 10n,
  extra: Record<string, unknown> = {},
) {
  return createTx(
    {
      type: 2,
      nonce,
      to: "0x00000000000000000000000000000000000000aa",
      value: 1n,
      gasLimit: 21_000n,
      maxFeePerGas: fee,
      maxPriorityFeePerGas: tipFee,
      chainId: 901n,
      ...extra,
    },
    { common },
  )
    .sign(keys[who]!)
    .serialize();
}

function pool(limits: Partial<PoolLimits> = {}, store = new Store(":memory:")) {
  const state = new Map<string, SenderState>();
  const p = new TxPool(
    common,
    store,
    async (s) => state.get(toHex(s)) ?? { nonce: 0n, balance: 10n ** 21n },
    limits,
  );
  return { p, state, store };
}

const hashOf = (raw: Uint8Array) => toHex(keccak256(raw));

/** A signed transaction from `keys[who]` whose EIP-2718 encoding is exactly `size` bytes (zero data). */
function sizedTx(who: number, nonce: bigint, size: number): Uint8Array {
  const make = (n: number) =>
    tx(who, nonce, GWEI, GWEI, { gasLimit: 21_000n + 10n * BigInt(n), data: new Uint8Array(n) });
  // The RLP length prefixes grow with the data, so step the data length until it fits.
  for (let n = size - 150; n < size; n++) {
    const raw = make(n);
    if (raw.length === size) return raw;
    if (raw.length > size) break;
  }
  throw new Error(`no transaction of exactly ${size} bytes`);
}

describe("TxPool", () => {
  test("pending: each sender's consecutive nonces from its state nonce, senders by effective tip", async () => {
    const { p, state } = pool();
    const a = [
      tx(0, 0n, 10n * GWEI, 1n * GWEI),
      tx(0, 1n, 10n * GWEI, 1n * GWEI),
      tx(0, 2n, 10n * GWEI, 5n * GWEI),
    ];
    const b0 = tx(1, 0n, 10n * GWEI, 3n * GWEI);
    const b5 = tx(1, 5n, 10n * GWEI, 9n * GWEI); // a gap: not executable
    for (const raw of [a[2]!, b5, a[0]!, b0, a[1]!]) await p.add(raw);
    expect(p.size).toBe(5);
    const order = (await p.pending(0n)).map(hashOf);
    // B0 (tip 3) first, then A's run in nonce order; A2's higher tip cannot jump its nonce.
    expect(order).toEqual([b0, a[0]!, a[1]!, a[2]!].map(hashOf));
    // At a base fee of 8 gwei, effective tips are min(tip, 2 gwei): A0 (1) after B0 (2).
    expect((await p.pending(8n * GWEI)).map(hashOf)).toEqual([b0, a[0]!, a[1]!, a[2]!].map(hashOf));
    // Fee cap below the base fee ends the run.
    expect(await p.pending(11n * GWEI)).toEqual([]);
    // The chain moves A to nonce 2: prune drops A0 and A1, pending starts at A2.
    state.set(A!, { nonce: 2n, balance: 10n ** 21n });
    await p.prune();
    expect(p.size).toBe(3);
    expect((await p.pending(0n)).map(hashOf)).toEqual([a[2]!, b0].map(hashOf));
    await expect(p.add(tx(0, 1n, 10n * GWEI))).rejects.toThrow("nonce too low: next nonce 2, tx nonce 1");
  });

  test("replacement needs a 10% bump of both fee cap and tip", async () => {
    const { p } = pool();
    const first = tx(0, 0n, 100n * GWEI, 10n * GWEI);
    await p.add(first);
    await expect(p.add(tx(0, 0n, 109n * GWEI, 11n * GWEI))).rejects.toThrow(
      "replacement transaction underpriced",
    );
    await expect(p.add(tx(0, 0n, 110n * GWEI, 10n * GWEI))).rejects.toThrow(
      "replacement transaction underpriced",
    );
    const second = tx(0, 0n, 110n * GWEI, 11n * GWEI);
    expect(await p.add(second)).toBe(hashOf(second));
    expect(p.get(hashOf(first))).toBeUndefined();
    expect(p.size).toBe(1);
    expect(await p.add(second)).toBe(hashOf(second)); // a resend is idempotent
  });

  test("per-sender and global limits; a full pool evicts its cheapest tail for a pricier tx", async () => {
    const { p } = pool({ maxPerSender: 2, maxSize: 3 });
    await p.add(tx(0, 0n, 10n * GWEI));
    await p.add(tx(0, 1n, 12n * GWEI));
    await expect(p.add(tx(0, 2n, 50n * GWEI))).rejects.toThrow("txpool is full for this sender");
    const b0 = tx(1, 0n, 11n * GWEI);
    await p.add(b0);
    // Full. Candidates are each other sender's highest nonce: A1 (12) and B0 (11): B0 goes.
    const c0 = tx(2, 0n, 20n * GWEI);
    await p.add(c0);
    expect(p.size).toBe(3);
    expect(p.get(hashOf(b0))).toBeUndefined();
    // Cheapest tail is now A1 at 12 gwei: 12 gwei does not beat it, 5 gwei even less.
    await expect(p.add(tx(3, 0n, 12n * GWEI))).rejects.toThrow("transaction underpriced");
    await expect(p.add(tx(4, 0n, 5n * GWEI))).rejects.toThrow("transaction underpriced");
    expect(p.size).toBe(3);
  });

  test("admission refuses what could never be included", async () => {
    const { p, state } = pool({ minTip: 2n, maxGas: 1_000_000n });
    state.set(E!, { nonce: 0n, balance: 1000n });
    await expect(p.add(tx(4, 0n, GWEI))).rejects.toThrow("insufficient funds for gas * price + value");
    await expect(p.add(tx(0, 0n, GWEI, GWEI, { gasLimit: 20_000n }))).rejects.toThrow(
      "intrinsic gas too low",
    );
    await expect(p.add(tx(0, 0n, GWEI, GWEI, { gasLimit: 2_000_000n }))).rejects.toThrow(
      "exceeds block gas limit",
    );
    await expect(p.add(tx(0, 0n, GWEI, 1n))).rejects.toThrow("transaction underpriced: tip 1 < minimum 2");
    const otherChain = createTx(
      {
        type: 2,
        nonce: 0n,
        gasLimit: 21_000n,
        maxFeePerGas: GWEI,
        maxPriorityFeePerGas: GWEI,
        chainId: 902n,
      },
      { common: oreCommon(902n) },
    )
      .sign(keys[0]!)
      .serialize();
    await expect(p.add(otherChain)).rejects.toThrow();
    await expect(p.add(Uint8Array.of(0x03, 0xc0))).rejects.toThrow(
      "blob transactions (type 3) are not supported",
    );
    const deposit = encodeDeposit({
      sourceHash: new Uint8Array(32),
      from: new Uint8Array(20),
      to: undefined,
      mint: 0n,
      value: 0n,
      gas: 21_000n,
      isSystemTx: false,
      data: new Uint8Array(0),
    });
    await expect(p.add(deposit)).rejects.toThrow("deposit transactions only enter through L1");
    expect(p.size).toBe(0);
  });

  test("size: a transaction of maxTxBytes (128 KiB) is admitted, one byte more is refused", async () => {
    const { p } = pool();
    expect(DEFAULT_POOL_LIMITS.maxTxBytes).toBe(131_072);
    expect(DEFAULT_POOL_LIMITS.maxTxBytes).toBeLessThanOrEqual(MAX_TX_BYTES);
    const max = DEFAULT_POOL_LIMITS.maxTxBytes;
    await p.add(sizedTx(0, 0n, max));
    await expect(p.add(sizedTx(1, 0n, max + 1))).rejects.toThrow(
      `oversized data: ${max + 1} bytes > limit ${max}`,
    );
    // Up to the protocol's limit when configured so; never past it (derivation would drop it).
    const { p: wide } = pool({ maxTxBytes: MAX_TX_BYTES });
    await wide.add(sizedTx(1, 0n, MAX_TX_BYTES));
    await expect(wide.add(sizedTx(2, 0n, MAX_TX_BYTES + 1))).rejects.toThrow(
      `oversized data: ${MAX_TX_BYTES + 1} bytes > limit ${MAX_TX_BYTES}`,
    );
    expect(() => pool({ maxTxBytes: MAX_TX_BYTES + 1 })).toThrow(InvalidConfigError);
    expect(p.size + wide.size).toBe(2);
  }, 20_000);

  test("pending transactions survive a restart; stale ones are dropped on reload", async () => {
    const path = join(dir, "pool.sqlite");
    const first = pool({}, new Store(path));
    const txs = [tx(0, 0n, 10n * GWEI), tx(0, 1n, 10n * GWEI), tx(1, 0n, 20n * GWEI), tx(2, 0n, 30n * GWEI)];
    for (const raw of txs) await first.p.add(raw);
    first.p.drop(txs[3]!); // included or refused: gone from disk too
    first.store.close();

    const second = pool({}, new Store(path));
    second.state.set(B!, { nonce: 1n, balance: 10n ** 21n }); // B0 was included meanwhile
    await second.p.load();
    expect(second.p.size).toBe(2);
    expect((await second.p.pending()).map(hashOf)).toEqual([txs[0]!, txs[1]!].map(hashOf));
    second.store.close();

    const third = pool({}, new Store(path));
    await third.p.load();
    expect(third.p.size).toBe(2);
    third.store.close();
  });
});
