import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { MAX_L2_GAS_LIMIT, MAX_TX_BYTES } from "../engine/provableLimits.ts";
import { computeBlockHash } from "./blockHash.ts";
import { encodeBlockMessage, localSigner, signBlockMessage } from "./blockMessage.ts";
import { BlockGossipValidator, type BlockValidationConfig, unprovablePayload } from "./blockValidation.ts";
import { gossipMessageId } from "./messageId.ts";
import { privateKeyToAddress } from "./signature.ts";
import { snappyCompress } from "./snappy.ts";
import { makeEnvelope, seededBytes } from "./testing.ts";
import { blocksTopicV3 } from "./topics.ts";

const CHAIN = 901n;
const KEY = seededBytes(42, 32);
const SIGNER = privateKeyToAddress(KEY);
const NOW = 1_700_000_000;

function validator(extra: Partial<BlockValidationConfig> = {}) {
  return new BlockGossipValidator({ chainId: CHAIN, signer: () => SIGNER, ...extra });
}

function block(n: number, opts: { timestamp?: number; seed?: number } = {}) {
  return makeEnvelope({
    number: BigInt(n),
    timestamp: BigInt(opts.timestamp ?? NOW),
    parentHash: seededBytes(n, 32),
    seed: opts.seed,
  });
}

describe("gossip block validation", () => {
  test("accepts a block signed by the configured signer, then ignores it as a duplicate", async () => {
    const v = validator();
    const msg = await encodeBlockMessage(block(7), CHAIN, localSigner(KEY));
    const r = v.validate(msg, NOW);
    expect(r.action).toBe("accept");
    if (r.action === "accept") {
      expect(r.signer.toLowerCase()).toBe(SIGNER.toLowerCase());
      expect(r.envelope.executionPayload.blockNumber).toBe(7n);
    }
    expect(v.validate(msg, NOW)).toMatchObject({ action: "ignore", reason: "duplicate" });
  });

  test("timestamps: 60 s old and 5 s ahead pass, one second more is rejected", async () => {
    const v = validator();
    const at = async (ts: number, seed: number) =>
      v.validate(await encodeBlockMessage(block(1, { timestamp: ts, seed }), CHAIN, localSigner(KEY)), NOW);
    expect((await at(NOW - 60, 1)).action).toBe("accept");
    expect((await at(NOW + 5, 2)).action).toBe("accept");
    expect(await at(NOW - 61, 3)).toMatchObject({ action: "reject", reason: "too-old" });
    expect(await at(NOW + 6, 4)).toMatchObject({ action: "reject", reason: "too-new" });
  });

  test("wrong signer, forged signature, tampered payload and bad block hash are rejected", async () => {
    const v = validator();
    const other = seededBytes(43, 32);
    expect(v.validate(await encodeBlockMessage(block(2), CHAIN, localSigner(other)), NOW)).toMatchObject({
      action: "reject",
      reason: "wrong-signer",
    });
    // Signed for another chain id: recovers to some other address.
    expect(v.validate(await encodeBlockMessage(block(2), 902n, localSigner(KEY)), NOW)).toMatchObject({
      action: "reject",
      reason: "wrong-signer",
    });
    const raw = await signBlockMessage(block(3), CHAIN, localSigner(KEY));
    const forged = raw.slice();
    forged[64] = 5; // yParity out of range
    expect(v.validate(snappyCompress(forged), NOW)).toMatchObject({
      action: "reject",
      reason: "bad-signature",
    });
    const zeroSig = raw.slice();
    zeroSig.fill(0, 0, 65);
    expect(v.validate(snappyCompress(zeroSig), NOW)).toMatchObject({
      action: "reject",
      reason: "bad-signature",
    });
    // Change the payload and fix up its block hash: the signature no longer matches.
    const env = block(4);
    const msg = await signBlockMessage(env, CHAIN, localSigner(KEY));
    env.executionPayload.gasUsed += 1n;
    env.executionPayload.blockHash = computeBlockHash(env);
    const resigned = await signBlockMessage(env, CHAIN, () => msg.subarray(0, 65));
    expect(v.validate(snappyCompress(resigned), NOW)).toMatchObject({
      action: "reject",
      reason: "wrong-signer",
    });
    const badHash = block(5);
    badHash.executionPayload.blockHash = seededBytes(1, 32);
    expect(v.validate(await encodeBlockMessage(badHash, CHAIN, localSigner(KEY)), NOW)).toMatchObject({
      action: "reject",
      reason: "bad-block-hash",
    });
  });

  test("size limit, bad compression and bad encoding are rejected", async () => {
    const v = validator({ maxSize: 4096 });
    const big = makeEnvelope({
      number: 1n,
      timestamp: BigInt(NOW),
      parentHash: new Uint8Array(32),
      transactions: [seededBytes(1, 5000)],
    });
    expect(v.validate(await encodeBlockMessage(big, CHAIN, localSigner(KEY)), NOW)).toMatchObject({
      action: "reject",
      reason: "oversized",
    });
    // A small message that claims to decompress past the limit (a zip bomb) is refused up front.
    expect(v.validate(snappyCompress(new Uint8Array(5000)), NOW)).toMatchObject({
      action: "reject",
      reason: "oversized",
    });
    expect(v.validate(seededBytes(3, 700), NOW)).toMatchObject({ action: "reject" });
    expect(v.validate(snappyCompress(seededBytes(4, 300)), NOW)).toMatchObject({
      action: "reject",
      reason: "bad-encoding",
    });
    expect(v.validate(snappyCompress(seededBytes(4, 800)), NOW)).toMatchObject({
      action: "reject",
      reason: "bad-encoding",
    });
  });

  test("withdrawals and blob gas are rejected on the v3 topic", async () => {
    const v = validator();
    const wd = block(9);
    wd.executionPayload.withdrawals = [
      { index: 1n, validatorIndex: 2n, address: new Uint8Array(20), amount: 3n },
    ];
    expect(v.validate(await encodeBlockMessage(wd, CHAIN, localSigner(KEY)), NOW)).toMatchObject({
      action: "reject",
    });
    const blob = block(10);
    blob.executionPayload.blobGasUsed = 131072n;
    blob.executionPayload.blockHash = computeBlockHash(blob);
    expect(v.validate(await encodeBlockMessage(blob, CHAIN, localSigner(KEY)), NOW)).toMatchObject({
      action: "reject",
      reason: "has-blob-gas",
    });
  });

  test("Ore: a transaction over MAX_TX_BYTES or a gas limit over 45M is rejected (never safe)", async () => {
    const v = validator();
    const withTxs = (n: number, transactions: Uint8Array[]) =>
      makeEnvelope({
        number: BigInt(n),
        timestamp: BigInt(NOW),
        parentHash: new Uint8Array(32),
        transactions,
      });
    const send = async (env: ReturnType<typeof block>) =>
      v.validate(await encodeBlockMessage(env, CHAIN, localSigner(KEY)), NOW);
    const atLimit = seededBytes(5, MAX_TX_BYTES);
    expect((await send(withTxs(30, [seededBytes(6, 100), atLimit]))).action).toBe("accept");
    const over = seededBytes(7, MAX_TX_BYTES + 1);
    expect(await send(withTxs(31, [seededBytes(6, 100), over]))).toEqual({
      action: "reject",
      reason: "tx-too-large",
      detail: `transaction 1 of ${MAX_TX_BYTES + 1} bytes > limit ${MAX_TX_BYTES}`,
    });
    const gas = (g: bigint) => {
      const env = block(32, { seed: Number(g % 1000n) });
      env.executionPayload.gasLimit = g;
      env.executionPayload.blockHash = computeBlockHash(env);
      return env;
    };
    expect((await send(gas(MAX_L2_GAS_LIMIT))).action).toBe("accept");
    expect(await send(gas(MAX_L2_GAS_LIMIT + 1n))).toMatchObject({
      action: "reject",
      reason: "gas-limit-too-high",
    });
    expect(unprovablePayload(withTxs(33, [atLimit]).executionPayload)).toBeNull();
  });

  test("a sixth distinct block at one height is rejected; other heights are unaffected", async () => {
    const v = validator();
    for (let seed = 0; seed < 5; seed++) {
      const r = v.validate(await encodeBlockMessage(block(20, { seed }), CHAIN, localSigner(KEY)), NOW);
      expect(r.action).toBe("accept");
    }
    expect(
      v.validate(await encodeBlockMessage(block(20, { seed: 5 }), CHAIN, localSigner(KEY)), NOW),
    ).toMatchObject({ action: "reject", reason: "too-many-at-height" });
    expect(v.validate(await encodeBlockMessage(block(21), CHAIN, localSigner(KEY)), NOW).action).toBe(
      "accept",
    );
  });

  test("no configured signer: ignored, not rejected", async () => {
    const v = new BlockGossipValidator({ chainId: CHAIN, signer: () => undefined });
    expect(v.validate(await encodeBlockMessage(block(1), CHAIN, localSigner(KEY)), NOW)).toMatchObject({
      action: "ignore",
      reason: "no-signer",
    });
  });

  test("random bytes never throw, they are rejected", () => {
    const v = validator();
    for (let i = 0; i < 300; i++) {
      const r = v.validate(seededBytes(i + 1, (i * 37) % 1500), NOW);
      expect(r.action).toBe("reject");
    }
  });
});

describe("message id", () => {
  test("content-based: same bytes same id; valid and invalid snappy hash under different domains", async () => {
    const topic = blocksTopicV3(CHAIN);
    expect(topic).toBe("/optimism/901/2/blocks");
    const msg = await encodeBlockMessage(block(1), CHAIN, localSigner(KEY));
    const id = gossipMessageId(topic, msg);
    expect(id.length).toBe(20);
    expect(toHex(gossipMessageId(topic, msg.slice()))).toBe(toHex(id));
    expect(toHex(gossipMessageId("/optimism/902/2/blocks", msg))).not.toBe(toHex(id));
    const garbage = seededBytes(1, 50);
    expect(gossipMessageId(topic, garbage).length).toBe(20);
  });
});
