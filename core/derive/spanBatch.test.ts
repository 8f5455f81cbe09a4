import { describe, expect, test } from "bun:test";
import { type Hex, serializeTransaction } from "viem";
import { concatBytes, fromHex, toHex } from "../bytes.ts";
import { rlpEncode } from "../rlp.ts";
import { decodeBatch, type SingularBatch } from "./batch.ts";
import { DecodeError } from "./errors.ts";
import {
  decodeSpanBatch,
  encodeSpanBatch,
  MAX_SPAN_BATCH_ELEMENT_COUNT,
  type SpanBatchParams,
} from "./spanBatch.ts";
import { checkTxData, fromSpanBatchTx, toSpanBatchTx } from "./spanBatchTx.ts";
import { randomBytes, seededRandom } from "./testing/fakes.ts";
import { randomTx } from "./testing/signedTxs.ts";

const params: SpanBatchParams = { genesisTime: 1_700_000_000, blockTime: 2, l2ChainId: 901 };
const chainId = BigInt(params.l2ChainId);

function randomBlocks(rand: () => number, n: number, first = 10): SingularBatch[] {
  let epoch = 100;
  const out: SingularBatch[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rand() < 0.3) epoch++;
    out.push({
      parentHash: toHex(randomBytes(rand, 32)),
      epochNum: epoch,
      epochHash: toHex(randomBytes(rand, 32)),
      timestamp: params.genesisTime + 2 * (first + i),
      transactions: Array.from({ length: Math.floor(rand() * 4) }, () => randomTx(rand)),
    });
  }
  return out;
}

describe("span batch transactions", () => {
  test("legacy (protected and not), EIP-2930, EIP-1559 and creations survive the column split", () => {
    const rand = seededRandom(11);
    for (let i = 0; i < 300; i++) {
      const raw = randomTx(rand);
      const tx = toSpanBatchTx(raw, chainId);
      expect(checkTxData(tx.txData)).toBe(tx.type);
      expect(toHex(fromSpanBatchTx(tx, chainId))).toBe(toHex(raw));
    }
  });

  test("unsupported types, other chains and malformed transactions are refused", () => {
    const rand = seededRandom(12);
    // A protected legacy transaction and a typed one for chain 902.
    for (let i = 0; i < 20; i++) {
      const other = randomTx(rand, 902);
      const unprotected = other[0]! >= 0xc0 && toSpanBatchTx(other, 902n).protected === false;
      if (!unprotected) expect(() => toSpanBatchTx(other, chainId)).toThrow(DecodeError);
    }
    const blob = concatBytes(Uint8Array.of(3), rlpEncode([]));
    for (const raw of [blob, Uint8Array.of(0x7e, 0xc0), new Uint8Array(0), Uint8Array.of(2, 0xc1, 0x80)])
      expect(() => toSpanBatchTx(raw, chainId)).toThrow(DecodeError);
    const typed = fromHex(
      serializeTransaction(
        { type: "eip1559", chainId: 902, nonce: 1, gas: 21000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n },
        { r: "0x01", s: "0x02", yParity: 0 },
      ),
    );
    expect(() => toSpanBatchTx(typed, chainId)).toThrow(DecodeError);
    for (const d of [
      new Uint8Array(0),
      Uint8Array.of(4, 0xc0),
      rlpEncode([Uint8Array.of(1), Uint8Array.of(2)]),
      rlpEncode([Uint8Array.of(0, 1), Uint8Array.of(2), new Uint8Array(0)]),
      concatBytes(
        Uint8Array.of(1),
        rlpEncode([Uint8Array.of(1), Uint8Array.of(2), new Uint8Array(0), [[new Uint8Array(19), []]]]),
      ),
      concatBytes(
        Uint8Array.of(2),
        rlpEncode([
          Uint8Array.of(1),
          Uint8Array.of(2),
          Uint8Array.of(3),
          new Uint8Array(0),
          [[new Uint8Array(20), [new Uint8Array(31)]]],
        ]),
      ),
    ])
      expect(() => checkTxData(d)).toThrow(DecodeError);
  });
});

describe("span batch codec", () => {
  test("random spans round-trip through encode and decode", () => {
    const rand = seededRandom(21);
    for (let k = 0; k < 40; k++) {
      const blocks = randomBlocks(rand, 1 + Math.floor(rand() * 12), Math.floor(rand() * 1000));
      const enc = encodeSpanBatch(blocks, params, rand() < 0.5);
      const d = decodeBatch(enc, params);
      expect(d.type).toBe(1);
      const span = d.type === 1 ? d.batch! : null;
      expect(toHex(span!.parentCheck)).toBe(blocks[0]!.parentHash.slice(0, 42) as Hex);
      expect(toHex(span!.l1OriginCheck)).toBe(blocks.at(-1)!.epochHash.slice(0, 42) as Hex);
      expect(span!.blocks.map((b) => ({ ...b, transactions: b.transactions.map(toHex) }))).toEqual(
        blocks.map((b) => ({
          timestamp: b.timestamp,
          epochNum: b.epochNum,
          transactions: b.transactions.map(toHex),
        })),
      );
    }
  });

  test("layout: prefix, counts and bit lists by hand", () => {
    const rand = seededRandom(22);
    const tx = randomTx(rand);
    const b = (i: number, epoch: number, txs: Uint8Array[]): SingularBatch => ({
      parentHash: `0x${"aa".repeat(32)}`,
      epochNum: epoch,
      epochHash: `0x${"bb".repeat(32)}`,
      timestamp: params.genesisTime + 300 + 2 * i,
      transactions: txs,
    });
    const enc = encodeSpanBatch([b(0, 7, []), b(1, 8, [tx]), b(2, 8, [])], params, true);
    // 0x01, rel_timestamp 300 (0xac 0x02), l1_origin_num 8, 20 × 0xaa, 20 × 0xbb, block_count 3,
    // origin bits 0b011 (block 0 starts its epoch, block 1 moves it), tx counts 0 1 0.
    expect(toHex(enc.subarray(0, 49))).toBe(`0x01ac0208${"aa".repeat(20)}${"bb".repeat(20)}0303000100`);
  });

  test("padded varints are accepted (Go's ReadUvarint), overflowing ones refused", () => {
    const blocks = randomBlocks(seededRandom(23), 2);
    const enc = encodeSpanBatch(blocks, params, false);
    // rel_timestamp 20 = 0x14: pad it to 0x94 0x80 0x00.
    const padded = concatBytes(Uint8Array.of(0x94, 0x80, 0x00), enc.subarray(2));
    expect(decodeSpanBatch(padded, params).blocks[0]!.timestamp).toBe(blocks[0]!.timestamp);
    const over = concatBytes(new Uint8Array(9).fill(0xff), Uint8Array.of(0x02), enc.subarray(2));
    expect(() => decodeSpanBatch(over, params)).toThrow(/overflows/);
    const eleven = concatBytes(new Uint8Array(10).fill(0x80), Uint8Array.of(0x00), enc.subarray(2));
    expect(() => decodeSpanBatch(eleven, params)).toThrow(/overflows/);
  });

  test("a huge rel_timestamp clamps to the far future; origins below block 0 wrap as in op-node", () => {
    const head = (rel: number[], origin: number[], bits: number, n: number) =>
      concatBytes(
        Uint8Array.from(rel),
        Uint8Array.from(origin),
        new Uint8Array(40),
        Uint8Array.of(n, bits),
        new Uint8Array(n),
        Uint8Array.of(0, 0),
        new Uint8Array(0),
      );
    const far = decodeSpanBatch(
      head([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [5], 0, 1),
      params,
    );
    expect(far.blocks[0]!.timestamp).toBe(Number.MAX_SAFE_INTEGER);
    // Three blocks, each moving the origin, ending at origin 1: the first is at -1, which wraps
    // to 2^64 - 1 (op-node's uint64), read as the far future.
    expect(decodeSpanBatch(head([0], [1], 0b110, 3), params).blocks.map((b) => b.epochNum)).toEqual([
      Number.MAX_SAFE_INTEGER,
      0,
      1,
    ]);
    expect(decodeSpanBatch(head([0], [2], 0b111, 3), params).blocks.map((b) => b.epochNum)).toEqual([
      0, 1, 2,
    ]);
  });

  test("limits: empty spans, counts over the limit or past the input, stray bits", () => {
    const pre = concatBytes(Uint8Array.of(0, 5), new Uint8Array(40));
    const uv = (v: number) => {
      const out: number[] = [];
      while (v >= 0x80) {
        out.push((v & 0x7f) | 0x80);
        v = Math.floor(v / 128);
      }
      out.push(v);
      return Uint8Array.from(out);
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ["zero blocks", concatBytes(pre, uv(0)), /at least 1/],
      ["too many blocks", concatBytes(pre, uv(MAX_SPAN_BATCH_ELEMENT_COUNT + 1)), /limit/],
      ["blocks past the input", concatBytes(pre, uv(1000), new Uint8Array(10)), /cannot fit/],
      [
        "stray origin bit",
        concatBytes(pre, uv(3), Uint8Array.of(0b1000), Uint8Array.of(0, 0, 0)),
        /bits set past/,
      ],
      [
        "too many txs in a block",
        concatBytes(pre, uv(1), Uint8Array.of(0), uv(MAX_SPAN_BATCH_ELEMENT_COUNT + 1)),
        /limit/,
      ],
      [
        "txs past the input",
        concatBytes(pre, uv(1), Uint8Array.of(0), uv(1000), new Uint8Array(500)),
        /cannot fit/,
      ],
      ["truncated prefix", Uint8Array.of(0, 5, 1, 2, 3), /parent_check/],
      ["empty", new Uint8Array(0), /truncated/],
    ];
    for (const [name, data, re] of cases) {
      let err: unknown;
      try {
        decodeSpanBatch(data, params);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(DecodeError);
      expect((err as Error).message, name).toMatch(re);
    }
    // Total transactions over the limit: 2 blocks of 6M each (refused before any allocation).
    const total = concatBytes(pre, uv(2), Uint8Array.of(0), uv(6_000_000), uv(6_000_000));
    expect(() => decodeSpanBatch(total, params)).toThrow(/transactions > limit/);
  });

  test("fuzz: truncations, bit flips and random bytes give a batch or a DecodeError, never anything else", () => {
    const rand = seededRandom(25);
    let decoded = 0;
    let refused = 0;
    const attempt = (data: Uint8Array) => {
      try {
        decodeSpanBatch(data, params);
        decoded++;
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        refused++;
      }
    };
    for (let k = 0; k < 150; k++) {
      const enc = encodeSpanBatch(randomBlocks(rand, 1 + Math.floor(rand() * 5)), params, true).subarray(1);
      attempt(enc.subarray(0, Math.floor(rand() * enc.length)));
      for (let f = 0; f < 10; f++) {
        const m = enc.slice();
        for (let j = 0; j < 1 + Math.floor(rand() * 3); j++)
          m[Math.floor(rand() * m.length)]! ^= 1 << Math.floor(rand() * 8);
        attempt(m);
      }
      attempt(randomBytes(rand, Math.floor(rand() * 300)));
      // A plausible prefix followed by garbage.
      attempt(concatBytes(enc.subarray(0, 43), randomBytes(rand, Math.floor(rand() * 200))));
    }
    expect(decoded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  test("trailing bytes after protected_bits are ignored (op-node)", () => {
    const blocks = randomBlocks(seededRandom(26), 3);
    const enc = encodeSpanBatch(blocks, params, true).subarray(1);
    const a = decodeSpanBatch(enc, params);
    const b = decodeSpanBatch(concatBytes(enc, Uint8Array.of(1, 2, 3)), params);
    expect(b).toEqual(a);
  });

  test("the encoder refuses gaps, origin jumps and unsupported transactions", () => {
    const blocks = randomBlocks(seededRandom(27), 3);
    expect(() => encodeSpanBatch([blocks[0]!, blocks[2]!], params, true)).toThrow(RangeError);
    expect(() =>
      encodeSpanBatch([blocks[0]!, { ...blocks[1]!, epochNum: blocks[0]!.epochNum + 2 }], params, true),
    ).toThrow(RangeError);
    expect(() =>
      encodeSpanBatch([{ ...blocks[0]!, transactions: [Uint8Array.of(0x7e, 0xc0)] }], params, true),
    ).toThrow(DecodeError);
    expect(() => encodeSpanBatch([], params, true)).toThrow(RangeError);
  });
});
