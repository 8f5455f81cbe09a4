import { describe, expect, test } from "bun:test";
import { createBlockHeader } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createMPT } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { toHex } from "../bytes.ts";
import { checkBlockHash, computeBlockHash } from "./blockHash.ts";
import { InvalidPayloadEncodingError } from "./errors.ts";
import {
  decodeEnvelope,
  decodePayload,
  encodeEnvelope,
  encodePayload,
  envelopeFromJson,
  envelopeToJson,
  PAYLOAD_FIXED_SIZE,
  payloadSize,
} from "./executionPayload.ts";
import { makeEnvelope, seededBytes } from "./testing.ts";

function randomEnvelope(seed: number) {
  const rand = seededBytes(seed, 64);
  const txs = Array.from({ length: rand[0]! % 6 }, (_, i) => seededBytes(seed * 31 + i, rand[i + 1]! * 3));
  const env = makeEnvelope({
    number: BigInt(rand[10]! * 1000 + rand[11]!),
    timestamp: 1_700_000_000n + BigInt(rand[12]!),
    parentHash: seededBytes(seed + 99, 32),
    transactions: txs,
    seed,
  });
  env.executionPayload.extraData = seededBytes(seed + 7, rand[13]! % 33);
  env.executionPayload.baseFeePerGas = BigInt(toHex(seededBytes(seed + 8, 1 + (rand[14]! % 32))));
  env.executionPayload.blockHash = computeBlockHash(env);
  return env;
}

describe("SSZ ExecutionPayload (Ecotone)", () => {
  test("fixed part layout: offsets, little-endian integers, blob gas after the withdrawals offset", () => {
    const env = makeEnvelope({
      number: 0x0102n,
      timestamp: 0x0a0b0cn,
      parentHash: new Uint8Array(32).fill(0xaa),
    });
    const p = env.executionPayload;
    p.extraData = new Uint8Array([1, 2, 3]);
    p.transactions = [new Uint8Array([0xde, 0xad]), new Uint8Array([0xbe])];
    p.blobGasUsed = 5n;
    p.excessBlobGas = 6n;
    const b = encodePayload(p);
    const v = new DataView(b.buffer);
    expect(b.length).toBe(PAYLOAD_FIXED_SIZE + 3 + 8 + 3);
    expect(b.subarray(0, 32).every((x) => x === 0xaa)).toBe(true);
    expect(v.getBigUint64(32 + 20 + 32 + 32 + 256 + 32, true)).toBe(0x0102n); // blockNumber at 404
    expect(v.getBigUint64(428, true)).toBe(0x0a0b0cn); // timestamp
    expect(v.getUint32(436, true)).toBe(528); // extraData offset
    expect(b[440]).toBe(Number(p.baseFeePerGas & 0xffn)); // baseFee little-endian
    expect(v.getUint32(504, true)).toBe(531); // transactions offset
    expect(v.getUint32(508, true)).toBe(531 + 8 + 3); // withdrawals offset
    expect(v.getBigUint64(512, true)).toBe(5n);
    expect(v.getBigUint64(520, true)).toBe(6n);
    expect([...b.subarray(528, 531)]).toEqual([1, 2, 3]);
    expect(v.getUint32(531, true)).toBe(8); // first tx offset, relative to the list
    expect(v.getUint32(535, true)).toBe(10);
    expect([...b.subarray(539)]).toEqual([0xde, 0xad, 0xbe]);
  });

  test("random payloads round-trip through SSZ, the envelope and JSON", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const env = randomEnvelope(seed);
      const bytes = encodeEnvelope(env);
      expect(bytes.length).toBe(32 + payloadSize(env.executionPayload));
      expect(decodeEnvelope(bytes)).toEqual(env);
      expect(envelopeFromJson(envelopeToJson(env))).toEqual(env);
    }
  });

  test("malformed encodings are refused with a reason, never a crash", () => {
    const good = encodePayload(randomEnvelope(3).executionPayload);
    const bad: Uint8Array[] = [good.subarray(0, 100), good.subarray(0, PAYLOAD_FIXED_SIZE - 1)];
    const withOffset = (at: number, value: number) => {
      const c = good.slice();
      new DataView(c.buffer).setUint32(at, value, true);
      return c;
    };
    bad.push(withOffset(436, 527)); // extraData offset not 528
    bad.push(withOffset(504, 528 + 33)); // extraData of 33 bytes
    bad.push(withOffset(508, good.length + 1)); // withdrawals past the end
    bad.push(withOffset(508, 529)); // withdrawals before transactions
    for (const b of bad) expect(() => decodePayload(b)).toThrow(InvalidPayloadEncodingError);
    // Random garbage of every size near the fixed part: errors only of the codec's kind.
    for (let n = 0; n < 200; n++) {
      const g = seededBytes(n + 1000, PAYLOAD_FIXED_SIZE + (n % 40));
      try {
        decodePayload(g);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidPayloadEncodingError);
      }
    }
  });
});

describe("block hash", () => {
  test("matches @ethereumjs/block's Cancun header hash with an @ethereumjs/mpt transactions root", async () => {
    const common = createCustomCommon({ chainId: 901 }, Mainnet, { hardfork: Hardfork.Cancun });
    for (let seed = 1; seed <= 8; seed++) {
      const env = randomEnvelope(seed);
      const p = env.executionPayload;
      const trie = await createMPT();
      for (let i = 0; i < p.transactions.length; i++) await trie.put(RLP.encode(i), p.transactions[i]!);
      const header = createBlockHeader(
        {
          parentHash: p.parentHash,
          coinbase: p.feeRecipient,
          stateRoot: p.stateRoot,
          transactionsTrie: trie.root(),
          receiptTrie: p.receiptsRoot,
          logsBloom: p.logsBloom,
          difficulty: 0n,
          number: p.blockNumber,
          gasLimit: p.gasLimit,
          gasUsed: p.gasUsed,
          timestamp: p.timestamp,
          extraData: p.extraData,
          mixHash: p.prevRandao,
          nonce: new Uint8Array(8),
          baseFeePerGas: p.baseFeePerGas,
          withdrawalsRoot: trie.EMPTY_TRIE_ROOT,
          blobGasUsed: p.blobGasUsed,
          excessBlobGas: p.excessBlobGas,
          parentBeaconBlockRoot: env.parentBeaconBlockRoot,
        },
        { common, skipConsensusFormatValidation: true },
      );
      expect(toHex(computeBlockHash(env))).toBe(toHex(header.hash()));
      expect(checkBlockHash(env)).toBe(true);
      env.executionPayload.gasUsed += 1n;
      expect(checkBlockHash(env)).toBe(false);
    }
  });
});
