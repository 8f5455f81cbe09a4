import { describe, expect, test } from "bun:test";
import { concat, numberToHex, recoverAddress, serializeSignature, keccak256 as viemKeccak } from "viem";
import { sign, privateKeyToAddress as viemAddress } from "viem/accounts";
import { toHex } from "../bytes.ts";
import { InvalidSignatureError } from "./errors.ts";
import { blockSigningHash, privateKeyToAddress, recoverSigner, signDigest } from "./signature.ts";
import { seededBytes } from "./testing.ts";

describe("block signatures", () => {
  test("signing hash is keccak256(zero domain ‖ uint256 chainId ‖ keccak256(payload)), as viem computes it", () => {
    for (const [chainId, n] of [
      [10n, 0],
      [901n, 700],
      [(1n << 255n) + 3n, 33],
    ] as const) {
      const payload = seededBytes(n + 1, n);
      const want = viemKeccak(
        concat([`0x${"00".repeat(32)}`, numberToHex(chainId, { size: 32 }), viemKeccak(toHex(payload))]),
      );
      expect(toHex(blockSigningHash(chainId, payload))).toBe(want);
    }
  });

  test("signatures equal viem's (RFC 6979, r ‖ s ‖ yParity) and recover to the signer", async () => {
    for (let i = 1; i <= 10; i++) {
      const key = seededBytes(i * 17, 32);
      key[0] = 1; // stay below the curve order
      const digest = seededBytes(i * 23, 32);
      const ours = signDigest(digest, key);
      const theirs = await sign({ hash: toHex(digest), privateKey: toHex(key) });
      const hex = serializeSignature({ r: theirs.r, s: theirs.s, yParity: theirs.yParity ?? 0 });
      expect(toHex(ours) as string).toBe(`${hex.slice(0, 130)}0${theirs.yParity ?? 0}`);
      const addr = viemAddress(toHex(key));
      expect(privateKeyToAddress(key).toLowerCase()).toBe(addr.toLowerCase());
      expect(recoverSigner(digest, ours).toLowerCase()).toBe(addr.toLowerCase());
      expect((await recoverAddress({ hash: toHex(digest), signature: toHex(ours) })).toLowerCase()).toBe(
        addr.toLowerCase(),
      );
    }
  });

  test("malformed signatures are refused", () => {
    const digest = seededBytes(5, 32);
    const sig = signDigest(digest, seededBytes(6, 32));
    expect(() => recoverSigner(digest, sig.subarray(0, 64))).toThrow(InvalidSignatureError);
    const badV = sig.slice();
    badV[64] = 27;
    expect(() => recoverSigner(digest, badV)).toThrow(InvalidSignatureError);
    expect(() => recoverSigner(digest, new Uint8Array(65))).toThrow(InvalidSignatureError);
  });
});
