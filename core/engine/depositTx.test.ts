import { describe, expect, test } from "bun:test";
import { type Hex, keccak256 as viemKeccak } from "viem";
import { getSourceHash, parseTransaction, serializeTransaction } from "viem/op-stack";
import { fromHex, toHex } from "../bytes.ts";
import { type DepositTx, decodeDeposit, depositTxHash, encodeDeposit } from "./depositTx.ts";
import { InvalidDepositError } from "./errors.ts";
import { l1InfoDepositSourceHash, userDepositSourceHash } from "./sourceHash.ts";

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s;
  };
}

function randomBytes(next: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = next() & 0xff;
  return out;
}

function randomBig(next: () => number, maxBytes: number): bigint {
  const n = next() % (maxBytes + 1);
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(next() & 0xff);
  return v;
}

function randomDeposit(next: () => number): DepositTx {
  return {
    sourceHash: randomBytes(next, 32),
    from: randomBytes(next, 20),
    to: next() % 4 === 0 ? undefined : randomBytes(next, 20),
    mint: randomBig(next, 32),
    value: randomBig(next, 32),
    gas: randomBig(next, 8),
    isSystemTx: next() % 5 === 0,
    data: randomBytes(next, next() % 3 === 0 ? 0 : next() % 200),
  };
}

function viemSerialize(tx: DepositTx): Hex {
  return serializeTransaction({
    type: "deposit",
    sourceHash: toHex(tx.sourceHash),
    from: toHex(tx.from),
    to: tx.to ? toHex(tx.to) : undefined,
    mint: tx.mint,
    value: tx.value,
    gas: tx.gas,
    isSystemTx: tx.isSystemTx,
    data: toHex(tx.data),
  });
}

describe("deposit transaction", () => {
  test("encoding and hash match viem op-stack on random deposits", () => {
    const next = rng(7);
    for (let i = 0; i < 200; i++) {
      const tx = randomDeposit(next);
      const ours = toHex(encodeDeposit(tx));
      expect(ours).toBe(viemSerialize(tx));
      expect(toHex(depositTxHash(tx))).toBe(viemKeccak(ours));
    }
  });

  test("decode inverts encode and agrees with viem's parser", () => {
    const next = rng(11);
    for (let i = 0; i < 100; i++) {
      const tx = randomDeposit(next);
      const raw = encodeDeposit(tx);
      expect(decodeDeposit(raw)).toEqual(tx);
      const parsed = parseTransaction(toHex(raw)) as { from: Hex; sourceHash: Hex; gas?: bigint };
      expect(parsed.from.toLowerCase()).toBe(toHex(tx.from));
      expect(parsed.sourceHash).toBe(toHex(tx.sourceHash));
    }
  });

  test("rejects malformed envelopes without crashing", () => {
    const good = encodeDeposit(randomDeposit(rng(3)));
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      fromHex("0x02c0"),
      fromHex("0x7e"),
      fromHex("0x7ec0"),
      Uint8Array.of(...good, 0x00),
      good.subarray(0, good.length - 1),
    ];
    for (const b of bad) expect(() => decodeDeposit(b)).toThrow(InvalidDepositError);
    const next = rng(99);
    for (let i = 0; i < 300; i++) {
      const fuzz = Uint8Array.of(0x7e, ...randomBytes(next, next() % 120));
      try {
        decodeDeposit(fuzz);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidDepositError);
      }
    }
  });
});

describe("source hashes", () => {
  test("match viem getSourceHash for both domains", () => {
    const next = rng(5);
    for (let i = 0; i < 50; i++) {
      const blockHash = randomBytes(next, 32);
      const index = next() % 100_000;
      expect(toHex(userDepositSourceHash(blockHash, index))).toBe(
        getSourceHash({ domain: "userDeposit", l1BlockHash: toHex(blockHash), l1LogIndex: index }),
      );
      expect(toHex(l1InfoDepositSourceHash(blockHash, index))).toBe(
        getSourceHash({ domain: "l1InfoDeposit", l1BlockHash: toHex(blockHash), sequenceNumber: index }),
      );
    }
  });
});
