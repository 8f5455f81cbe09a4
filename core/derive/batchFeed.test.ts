import { describe, expect, test } from "bun:test";
import {
  decodeFunctionData,
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionData,
  type Hex,
  toFunctionSelector,
} from "viem";
import { batchFeedAbi } from "../../contracts/artifacts/BatchFeed.ts";
import { fromHex, toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { batchBlob, blobBatchCalldata } from "./batcherTx.ts";
import {
  APPEND_BATCH_SELECTOR,
  APPEND_BLOB_BATCH_SELECTOR,
  appendBatchCalldata,
  BATCH_APPENDED_TOPIC,
  batchFeedData,
  decodeAbiBytesArg,
} from "./batchFeed.ts";
import { encodeBlob } from "./blob.ts";
import { encodeBatcherData } from "./frame.ts";
import { ADDR, FakeL1, fakeTx, randomBytes, seededRandom, testConfig } from "./testing/fakes.ts";

const rand = seededRandom(5);

describe("BatchFeed ABI (against viem and the contract artifact)", () => {
  test("selectors and event topic", () => {
    expect(toHex(APPEND_BATCH_SELECTOR)).toBe(toFunctionSelector("appendBatch(bytes)"));
    expect(toHex(APPEND_BLOB_BATCH_SELECTOR)).toBe(toFunctionSelector("appendBlobBatch()"));
    expect(BATCH_APPENDED_TOPIC).toBe(
      encodeEventTopics({ abi: batchFeedAbi, eventName: "BatchAppended" })[0] as Hex,
    );
    expect(toHex(blobBatchCalldata())).toBe(
      encodeFunctionData({ abi: batchFeedAbi, functionName: "appendBlobBatch" }),
    );
  });

  test("appendBatch calldata encodes and decodes as viem does", () => {
    for (const n of [0, 1, 31, 32, 33, 1000]) {
      const data = randomBytes(rand, n);
      const ours = appendBatchCalldata(data);
      expect(toHex(ours)).toBe(
        encodeFunctionData({ abi: batchFeedAbi, functionName: "appendBatch", args: [toHex(data)] }),
      );
      expect(decodeAbiBytesArg(ours)).toEqual(data);
      const viemArgs = decodeFunctionData({ abi: batchFeedAbi, data: toHex(ours) }).args as readonly Hex[];
      expect(viemArgs[0]).toBe(toHex(data));
    }
  });

  test("non-canonical but Solidity-valid encodings decode like Solidity; out-of-bounds ones do not", () => {
    const data = Uint8Array.of(0, 1, 2, 3);
    // Offset 0x40 with a junk word in between, and no padding after the data.
    const args = fromHex(
      encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }, { type: "uint256" }], [0x40n, 7n, 4n]),
    );
    const input = Uint8Array.of(...APPEND_BATCH_SELECTOR, ...args, ...data);
    expect(decodeAbiBytesArg(input)).toEqual(data);
    expect(decodeAbiBytesArg(input.subarray(0, input.length - 1))).toBeNull();
    expect(decodeAbiBytesArg(APPEND_BATCH_SELECTOR)).toBeNull();
    const huge = fromHex(encodeAbiParameters([{ type: "uint256" }], [2n ** 200n]));
    expect(decodeAbiBytesArg(Uint8Array.of(...APPEND_BATCH_SELECTOR, ...huge))).toBeNull();
  });
});

describe("batcher data of an L1 block", () => {
  const config = testConfig();
  const frame = encodeBatcherData([
    { id: new Uint8Array(16), frameNumber: 0, data: Uint8Array.of(1, 2), isLast: true },
  ]);

  test("calldata and blob batches in transaction order; everything else ignored with a reason", async () => {
    const l1 = new FakeL1();
    const other = encodeBatcherData([
      { id: new Uint8Array(16).fill(1), frameNumber: 0, data: Uint8Array.of(3), isLast: true },
    ]);
    const notFeed = fakeTx.calldataBatch(frame, { to: ADDR.portal });
    const wrongSelector = fakeTx.calldataBatch(frame);
    wrongSelector.tx.input = Uint8Array.of(1, 2, 3, 4, ...wrongSelector.tx.input.subarray(4));
    const blobNotType3 = fakeTx.blobBatch([batchBlob([])]);
    blobNotType3.tx.type = 2;
    const badBlob = fakeTx.blobBatch([new Uint8Array(131072).fill(0xff)]);
    const ref = l1.addBlock([
      fakeTx.calldataBatch(frame),
      notFeed,
      fakeTx.calldataBatch(frame, { from: ADDR.stranger }),
      fakeTx.calldataBatch(frame, { status: false }),
      fakeTx.calldataBatch(frame, { commitment: keccak256(other) }),
      wrongSelector,
      fakeTx.blobBatch([batchBlob([]), encodeBlob(other)]),
      blobNotType3,
      badBlob,
      fakeTx.calldataBatch(other),
    ]);
    const r = await batchFeedData(config, l1, ref, ADDR.batcher);
    expect(r.data.map(toHex)).toEqual([frame, encodeBatcherData([]), other, other].map(toHex));
    expect(r.ignored.map((i) => i.reason)).toEqual([
      `sender ${ADDR.stranger} is not the batcher ${ADDR.batcher}`,
      "transaction reverted",
      "no BatchAppended log commits to keccak256(_data)",
      "input is neither appendBatch(bytes) nor appendBlobBatch()",
      "appendBlobBatch with 1 blobs in a type-2 transaction",
      "blob 0: blob: field element 0 exceeds 254 bits",
    ]);
  });
});
