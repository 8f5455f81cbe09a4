import { describe, expect, test } from "bun:test";
import { RLP } from "@ethereumjs/rlp";
import { concatBytes, toHex } from "../bytes.ts";
import { rlpEncode } from "../rlp.ts";
import {
  decodeBatch,
  encodeBatchStream,
  encodeSingularBatch,
  readBatchBytes,
  type SingularBatch,
} from "./batch.ts";
import type { ChannelBank, ChannelData } from "./channelBank.ts";
import { ChannelReader } from "./channelReader.ts";
import { DecodeError } from "./errors.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { type DerivationEvent, EOF, NOT_ENOUGH_DATA } from "./stage.ts";
import { fakeUserTx, randomBytes, seededRandom } from "./testing/fakes.ts";
import { nodeCodec } from "./testing/nodeCodec.ts";

const rand = seededRandom(3);
const params = { genesisTime: 1_700_000_000, blockTime: 2, l2ChainId: 901 };
const batch = (i: number, txs = 2): SingularBatch => ({
  parentHash: toHex(randomBytes(rand, 32)),
  epochNum: 100 + i,
  epochHash: toHex(randomBytes(rand, 32)),
  timestamp: 1_700_000_000 + 2 * i,
  transactions: Array.from({ length: txs }, () => fakeUserTx(rand, 50 + Math.floor(rand() * 200))),
});

describe("singular batch codec", () => {
  test("layout: 0x00 ++ rlp([parent, epoch number, epoch hash, timestamp, [txs]])", () => {
    const b = batch(0, 1);
    const enc = encodeSingularBatch(b);
    expect(enc[0]).toBe(0);
    // Reference: @ethereumjs/rlp.
    const body = RLP.encode([
      Uint8Array.from(Buffer.from(b.parentHash.slice(2), "hex")),
      Uint8Array.of(100),
      Uint8Array.from(Buffer.from(b.epochHash.slice(2), "hex")),
      Uint8Array.from(Buffer.from((1_700_000_000).toString(16).padStart(8, "0"), "hex")),
      b.transactions,
    ]);
    expect(enc.subarray(1)).toEqual(body);
  });

  test("random batches round-trip", () => {
    for (let i = 0; i < 30; i++) {
      const b = batch(i, Math.floor(rand() * 5));
      expect(decodeBatch(encodeSingularBatch(b), params)).toEqual({ type: 0, batch: b });
    }
  });

  test("versions other than 0 and 1 are reported, not decoded; a malformed span batch throws", () => {
    expect(decodeBatch(Uint8Array.of(7), params)).toEqual({ type: 7 });
    expect(decodeBatch(Uint8Array.of(2, 0xc0), params)).toEqual({ type: 2 });
    expect(() => decodeBatch(Uint8Array.of(1, 0xc0), params)).toThrow(DecodeError);
  });

  test("malformed singular batches throw DecodeError", () => {
    const b = batch(1);
    const good = encodeSingularBatch(b);
    const h32 = new Uint8Array(32);
    const cases: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["no body", Uint8Array.of(0)],
      ["truncated", good.subarray(0, good.length - 1)],
      ["trailing byte", concatBytes(good, Uint8Array.of(0))],
      [
        "four fields",
        concatBytes(Uint8Array.of(0), rlpEncode([h32, Uint8Array.of(1), h32, Uint8Array.of(1)])),
      ],
      [
        "six fields",
        concatBytes(Uint8Array.of(0), rlpEncode([h32, Uint8Array.of(1), h32, Uint8Array.of(1), [], []])),
      ],
      [
        "short parent hash",
        concatBytes(
          Uint8Array.of(0),
          rlpEncode([h32.subarray(1), Uint8Array.of(1), h32, Uint8Array.of(1), []]),
        ),
      ],
      [
        "leading zero in epoch",
        concatBytes(Uint8Array.of(0), rlpEncode([h32, Uint8Array.of(0, 1), h32, Uint8Array.of(1), []])),
      ],
      [
        "9-byte timestamp",
        concatBytes(Uint8Array.of(0), rlpEncode([h32, Uint8Array.of(1), h32, new Uint8Array(9).fill(1), []])),
      ],
      [
        "tx list is a string",
        concatBytes(
          Uint8Array.of(0),
          rlpEncode([h32, Uint8Array.of(1), h32, Uint8Array.of(1), Uint8Array.of(5)]),
        ),
      ],
      [
        "nested tx",
        concatBytes(
          Uint8Array.of(0),
          rlpEncode([h32, Uint8Array.of(1), h32, Uint8Array.of(1), [[Uint8Array.of(2)]]]),
        ),
      ],
    ];
    for (const [name, data] of cases) expect(() => decodeBatch(data, params), name).toThrow(DecodeError);
  });

  test("batch stream: RLP byte strings back to back", () => {
    const items = [encodeSingularBatch(batch(1)), Uint8Array.of(1, 2, 3)];
    const s = encodeBatchStream(items);
    const a = readBatchBytes(s, 0)!;
    const b = readBatchBytes(s, a.end)!;
    expect([a.data, b.data]).toEqual(items);
    expect(readBatchBytes(s, b.end)).toBeNull();
    expect(() => readBatchBytes(rlpEncode([Uint8Array.of(1)]), 0)).toThrow(DecodeError);
  });
});

/** A channel reader over a fixed list of channels. */
async function readAll(channels: Uint8Array[]) {
  const queue = channels.map((data): ChannelData => ({ id: new Uint8Array(16), data }));
  const origin = {
    hash: `0x${"00".repeat(32)}`,
    number: 1,
    parentHash: `0x${"00".repeat(32)}`,
    timestamp: 0,
  } as const;
  const prev = { origin: () => origin, nextData: async () => queue.shift() ?? EOF } as unknown as ChannelBank;
  const events: DerivationEvent[] = [];
  const config = { genesis: { l2Time: params.genesisTime }, blockTime: 2, l2ChainId: 901 } as RollupConfig;
  const reader = new ChannelReader(config, prev, nodeCodec, (e) => events.push(e));
  const out: SingularBatch[] = [];
  for (;;) {
    const r = await reader.nextBatch();
    if (r === EOF) break;
    if (r !== NOT_ENOUGH_DATA && r.type === 0) out.push(r.batch);
  }
  return { out, events: events.map((e) => e.kind) };
}

const zlibChannel = (items: Uint8Array[]) => nodeCodec.compress("zlib", encodeBatchStream(items));
const brotliChannel = (items: Uint8Array[]) =>
  concatBytes(Uint8Array.of(1), nodeCodec.compress("brotli", encodeBatchStream(items)));

describe("channel reader", () => {
  test("zlib (0x78 header) and brotli (0x01 version byte) channels", async () => {
    const bs = [batch(1), batch(2), batch(3)];
    const z = zlibChannel(bs.map(encodeSingularBatch));
    expect(z[0]).toBe(0x78);
    const r = await readAll([z, brotliChannel(bs.map(encodeSingularBatch))]);
    expect(r.out).toEqual([...bs, ...bs]);
    expect(r.events).toEqual([]);
  });

  test("unknown version byte, garbage and truncated streams drop the channel, not the next one", async () => {
    const good = zlibChannel([encodeSingularBatch(batch(9))]);
    const z = zlibChannel([encodeSingularBatch(batch(1)), encodeSingularBatch(batch(2))]);
    const b = brotliChannel([encodeSingularBatch(batch(1))]);
    const r = await readAll([
      Uint8Array.of(0x02, ...randomBytes(rand, 50)),
      Uint8Array.of(0x78, ...randomBytes(rand, 50)),
      z.subarray(0, z.length - 5),
      b.subarray(0, b.length - 4),
      new Uint8Array(0),
      good,
    ]);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]!.epochNum).toBe(109);
    expect(r.events).toEqual(Array(5).fill("channel-dropped"));
  });

  test("a malformed batch drops the rest of its channel; other versions are skipped", async () => {
    const [b1, b2, b3] = [batch(1), batch(2), batch(3)];
    const r = await readAll([
      zlibChannel([
        encodeSingularBatch(b1),
        Uint8Array.of(2, 0xc0),
        encodeSingularBatch(b2),
        Uint8Array.of(0, 0x01),
        encodeSingularBatch(b3),
      ]),
    ]);
    expect(r.out).toEqual([b1, b2]);
    expect(r.events).toEqual(["batch-skipped", "channel-rest-dropped"]);
  });

  test("a channel over MAX_RLP_BYTES_PER_CHANNEL decompressed is dropped (zip bomb)", async () => {
    const bomb = nodeCodec.compress("zlib", new Uint8Array(10_000_001));
    const r = await readAll([bomb]);
    expect(r.out).toEqual([]);
    expect(r.events).toEqual(["channel-dropped"]);
  });
});
