import { describe, expect, test } from "bun:test";
import { createMerkleProof, createMPT } from "@ethereumjs/mpt";
import { fromHex, toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import {
  type Account,
  decodeAccount,
  decodeStorageValue,
  encodeAccount,
  encodeStorageValue,
} from "./account.ts";
import { EMPTY_CODE_HASH, EMPTY_ROOT } from "./constants.ts";
import { getAccountProof } from "./ethProof.ts";
import { MemoryNodeStore } from "./nodeStore.ts";
import { randomBytes, seededRandom } from "./testing.ts";
import { MerkleTrie } from "./trie.ts";
import { verifyProof } from "./verifyProof.ts";

describe("eth_getProof", () => {
  test("account and storage proofs match @ethereumjs/mpt and verify", async () => {
    const rand = seededRandom(21);
    const store = new MemoryNodeStore();
    const state = new MerkleTrie(store, { secure: true });
    const refState = await createMPT({ useKeyHashing: true });
    const address = randomBytes(rand, 20);
    const slots = Array.from({ length: 40 }, () => randomBytes(rand, 32));
    const storage = new MerkleTrie(store, { secure: true });
    const refStorage = await createMPT({ useKeyHashing: true });
    for (const [i, slot] of slots.entries()) {
      if (i % 5 === 4) continue; // leave some slots absent
      const v = encodeStorageValue(BigInt(i + 1) * 10n ** 18n);
      storage.put(slot, v);
      await refStorage.put(slot, v);
    }
    const account: Account = {
      nonce: 7n,
      balance: 10n ** 20n,
      storageRoot: storage.commit(),
      codeHash: keccak256(Uint8Array.of(0x60)),
    };
    expect(toHex(account.storageRoot)).toBe(toHex(refStorage.root()));
    for (let i = 0; i < 50; i++) {
      const other = encodeAccount({
        nonce: BigInt(i),
        balance: 1n,
        storageRoot: EMPTY_ROOT,
        codeHash: EMPTY_CODE_HASH,
      });
      const a = randomBytes(rand, 20);
      state.put(a, other);
      await refState.put(a, other);
    }
    state.put(address, encodeAccount(account));
    await refState.put(address, encodeAccount(account));
    const stateRoot = state.commit();
    expect(toHex(stateRoot)).toBe(toHex(refState.root()));

    const p = getAccountProof(store, stateRoot, address, slots);
    expect(p.nonce).toBe(7n);
    expect(p.balance).toBe(10n ** 20n);
    expect(toHex(p.storageHash)).toBe(toHex(account.storageRoot));
    expect(p.accountProof.map(toHex)).toEqual((await createMerkleProof(refState, address)).map(toHex));
    const value = verifyProof(stateRoot, keccak256(address), p.accountProof)!;
    expect(decodeAccount(value)).toEqual(account);
    for (const [i, sp] of p.storageProof.entries()) {
      expect(sp.value).toBe(i % 5 === 4 ? 0n : BigInt(i + 1) * 10n ** 18n);
      expect(sp.proof.map(toHex)).toEqual((await createMerkleProof(refStorage, slots[i]!)).map(toHex));
      const v = verifyProof(p.storageHash, keccak256(sp.key), sp.proof);
      expect(v === null ? 0n : decodeStorageValue(v)).toBe(sp.value);
    }
  });

  test("an absent account proves empty, with an exclusion proof", () => {
    const store = new MemoryNodeStore();
    const state = new MerkleTrie(store, { secure: true });
    state.put(
      fromHex("0x01".padEnd(42, "0")),
      encodeAccount({ nonce: 1n, balance: 0n, storageRoot: EMPTY_ROOT, codeHash: EMPTY_CODE_HASH }),
    );
    const root = state.commit();
    const address = fromHex(`0x${"22".repeat(20)}`);
    const p = getAccountProof(store, root, address, [new Uint8Array(32)]);
    expect(p.nonce).toBe(0n);
    expect(toHex(p.codeHash)).toBe(toHex(EMPTY_CODE_HASH));
    expect(toHex(p.storageHash)).toBe(toHex(EMPTY_ROOT));
    expect(verifyProof(root, keccak256(address), p.accountProof)).toBeNull();
    expect(p.storageProof[0]!.proof).toEqual([]);
    expect(p.storageProof[0]!.value).toBe(0n);
  });

  test("a withdrawal-style storage proof is three lines", () => {
    const slot = keccak256(Uint8Array.of(1, 2, 3));
    // The API the L1 contracts' tests use (docs/mpt.md, "Storage proofs in three lines"):
    const trie = new MerkleTrie(new MemoryNodeStore(), { secure: true });
    trie.put(slot, encodeStorageValue(1n));
    const [root, proof] = [trie.commit(), trie.getProof(slot)];
    expect(decodeStorageValue(verifyProof(root, keccak256(slot), proof)!)).toBe(1n);
  });
});
