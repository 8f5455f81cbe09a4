/**
 * A world state for frame-mode proofs and tests (docs/fault-proof.md §5): accounts with balance,
 * nonce, code and storage, built into Ore's MPT (the state trie keyed by `keccak(address)`, one
 * storage trie per account keyed by `keccak(slot)`), with every node and code by hash as a
 * {@link PreimageSource} for the generator.
 */
import { toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { encodeAccount, encodeStorageValue } from "../mpt/account.ts";
import { EMPTY_CODE_HASH } from "../mpt/constants.ts";
import { MemoryNodeStore } from "../mpt/nodeStore.ts";
import { MerkleTrie } from "../mpt/trie.ts";
import { ProofFormatError } from "./errors.ts";
import type { FrameWorld } from "./frameState.ts";

/** One account of a world state. Omitted fields are zero or empty. */
export interface WorldAccount {
  address: Uint8Array;
  nonce?: bigint;
  balance?: bigint;
  code?: Uint8Array;
  /** Slot (32 bytes) → value; zero values are not stored. */
  storage?: ReadonlyMap<bigint, bigint>;
}

/** A built world: its root, where its nodes and code live, and a preimage source over both. */
export interface BuiltWorld extends FrameWorld {
  store: MemoryNodeStore;
  /** Code by keccak hash (hex). */
  codes: Map<string, Uint8Array>;
}

/** A 32-byte big-endian word. */
export function word32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** Builds `accounts` into a state trie (over `store`, or a new one). */
export function buildWorld(accounts: readonly WorldAccount[], store = new MemoryNodeStore()): BuiltWorld {
  const state = new MerkleTrie(store, { secure: true });
  const codes = new Map<string, Uint8Array>();
  for (const a of accounts) {
    if (a.address.length !== 20)
      throw new ProofFormatError(`account address: expected 20 bytes, found ${a.address.length}`);
    const storage = new MerkleTrie(store, { secure: true });
    for (const [slot, value] of a.storage ?? []) {
      if (value !== 0n) storage.put(word32(slot), encodeStorageValue(value));
    }
    const code = a.code ?? new Uint8Array(0);
    const codeHash = code.length > 0 ? keccak256(code) : EMPTY_CODE_HASH;
    if (code.length > 0) codes.set(toHex(codeHash), code);
    state.put(
      a.address,
      encodeAccount({
        nonce: a.nonce ?? 0n,
        balance: a.balance ?? 0n,
        storageRoot: storage.commit(),
        codeHash,
      }),
    );
  }
  const root = state.commit();
  return {
    root,
    store,
    codes,
    preimages: (h) => store.get(h) ?? codes.get(toHex(h)),
  };
}
