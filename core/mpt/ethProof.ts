/**
 * `eth_getProof` (EIP-1186, https://eips.ethereum.org/EIPS/eip-1186): an account's proof in the
 * state trie plus proofs of some of its storage slots in its storage trie, read from a node store
 * at a given state root. The RPC layer turns the result into JSON (quantities and hex).
 */
import { assertBytes, bytesEqual } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { decodeAccount, decodeStorageValue, emptyAccount } from "./account.ts";
import { EMPTY_ROOT } from "./constants.ts";
import { bytesToNibbles } from "./nibbles.ts";
import type { NodeStore } from "./nodeStore.ts";
import { proofAlong } from "./proof.ts";
import { MerkleTrie } from "./trie.ts";

/** One entry of `storageProof`: the slot, its value (0 when absent) and its proof. */
export interface StorageProof {
  /** The 32-byte slot key as asked (not hashed). */
  key: Uint8Array;
  value: bigint;
  /** Storage-trie nodes on the path of `keccak256(key)`, root first. */
  proof: Uint8Array[];
}

/** The result of `eth_getProof`: the account's fields and proofs (EIP-1186 shape). */
export interface AccountProof {
  address: Uint8Array;
  /** State-trie nodes on the path of `keccak256(address)`, root first. */
  accountProof: Uint8Array[];
  balance: bigint;
  codeHash: Uint8Array;
  nonce: bigint;
  /** The account's storage root (the empty root for an absent account). */
  storageHash: Uint8Array;
  storageProof: StorageProof[];
}

/**
 * Builds the EIP-1186 proof of `address` (20 bytes) and its `storageKeys` (32 bytes each) in the
 * state trie at `stateRoot`. An absent account proves as empty (zero nonce and balance, empty
 * code hash and storage root) with an exclusion proof; absent slots have value 0.
 */
export function getAccountProof(
  store: NodeStore,
  stateRoot: Uint8Array,
  address: Uint8Array,
  storageKeys: readonly Uint8Array[] = [],
): AccountProof {
  assertBytes(stateRoot, "stateRoot");
  assertBytes(address, "address");
  storageKeys.forEach((k, i) => {
    assertBytes(k, `storageKeys[${i}]`);
  });
  const state = new MerkleTrie(store, { root: stateRoot, secure: true });
  const raw = state.get(address);
  const account = raw === undefined ? emptyAccount() : decodeAccount(raw);
  const storage = bytesEqual(account.storageRoot, EMPTY_ROOT)
    ? undefined
    : new MerkleTrie(store, { root: account.storageRoot, secure: true });
  const storageProof = storageKeys.map((key): StorageProof => {
    const value = storage?.get(key);
    return {
      key: key.slice(),
      value: value === undefined ? 0n : decodeStorageValue(value),
      proof: proofAlong(store, account.storageRoot, bytesToNibbles(keccak256(key))),
    };
  });
  return {
    address: address.slice(),
    accountProof: state.getProof(address),
    balance: account.balance,
    codeHash: account.codeHash,
    nonce: account.nonce,
    storageHash: account.storageRoot,
    storageProof,
  };
}
