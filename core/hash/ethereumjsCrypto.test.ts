import { describe, expect, test } from "bun:test";
import { Common, createCustomCommon, Mainnet } from "@ethereumjs/common";
import { createMPT } from "@ethereumjs/mpt";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { toHex } from "../bytes.ts";
import { ethereumjsCrypto } from "./ethereumjsCrypto.ts";

describe("ethereumjsCrypto", () => {
  test("hashes like @noble/hashes (keccak256, sha256)", () => {
    const c = ethereumjsCrypto();
    for (const n of [0, 1, 135, 136, 137, 1000]) {
      const data = new Uint8Array(n).map((_, i) => i * 7);
      expect(toHex(c.keccak256(data))).toBe(toHex(keccak_256(data)));
      expect(toHex(c.sha256(data))).toBe(toHex(nobleSha256(data)));
    }
  });

  test("a Common built with it drives @ethereumjs/mpt with Ore's keccak, same roots", async () => {
    const crypto = ethereumjsCrypto();
    let calls = 0;
    const counted = {
      ...crypto,
      keccak256: (m: Uint8Array) => {
        calls++;
        return crypto.keccak256(m);
      },
    };
    const common = new Common({ chain: Mainnet, customCrypto: counted });
    const custom = createCustomCommon({ chainId: 42069 }, Mainnet, { customCrypto: crypto });
    expect(custom.customCrypto.keccak256).toBe(crypto.keccak256);
    const ours = await createMPT({ common, useKeyHashing: true });
    const theirs = await createMPT({ useKeyHashing: true });
    for (let i = 0; i < 50; i++) {
      const k = Uint8Array.of(i, i * 3);
      const v = new Uint8Array(40).fill(i);
      await ours.put(k, v);
      await theirs.put(k, v);
    }
    expect(calls).toBeGreaterThan(0);
    expect(toHex(ours.root())).toBe(toHex(theirs.root()));
  });
});
