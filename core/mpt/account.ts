/**
 * Values of Ethereum's state and storage tries: an account is the RLP list
 * `[nonce, balance, storageRoot, codeHash]` (Yellow Paper, section 4.1); a storage slot's value is
 * the RLP of its integer, without leading zeros (zero is absent, never stored).
 */
import { bytesToUint, RlpError, rlpDecode, rlpEncode, uintToBytes } from "../rlp.ts";
import { EMPTY_CODE_HASH, EMPTY_ROOT } from "./constants.ts";
import { InvalidNodeError } from "./errors.ts";

/** An account as the state trie stores it. */
export interface Account {
  nonce: bigint;
  balance: bigint;
  /** Root of the account's storage trie (the empty root when it has no storage). */
  storageRoot: Uint8Array;
  /** keccak256 of the account's code (`EMPTY_CODE_HASH` when it has none). */
  codeHash: Uint8Array;
}

/** An account with nothing in it: what an absent address reads as. */
export function emptyAccount(): Account {
  return { nonce: 0n, balance: 0n, storageRoot: EMPTY_ROOT.slice(), codeHash: EMPTY_CODE_HASH.slice() };
}

/** The state-trie value of `account`: `rlp([nonce, balance, storageRoot, codeHash])`. */
export function encodeAccount(account: Account): Uint8Array {
  return rlpEncode([
    uintToBytes(account.nonce),
    uintToBytes(account.balance),
    account.storageRoot,
    account.codeHash,
  ]);
}

/** Decodes a state-trie value strictly; throws `InvalidNodeError` on anything but a canonical account. */
export function decodeAccount(value: Uint8Array): Account {
  let v: ReturnType<typeof rlpDecode>;
  try {
    v = rlpDecode(value);
  } catch (e) {
    if (e instanceof RlpError) throw new InvalidNodeError(`account: ${e.message}`, { cause: e });
    throw e;
  }
  if (!Array.isArray(v) || v.length !== 4 || v.some((x) => !(x instanceof Uint8Array))) {
    throw new InvalidNodeError("account: expected an RLP list of 4 strings");
  }
  const [nonce, balance, storageRoot, codeHash] = v as Uint8Array[];
  if (storageRoot!.length !== 32 || codeHash!.length !== 32) {
    throw new InvalidNodeError(
      `account: expected 32-byte storageRoot and codeHash, found ${storageRoot!.length} and ${codeHash!.length}`,
    );
  }
  try {
    return {
      nonce: bytesToUint(nonce!),
      balance: bytesToUint(balance!),
      storageRoot: storageRoot!,
      codeHash: codeHash!,
    };
  } catch (e) {
    throw new InvalidNodeError(`account: ${(e as Error).message}`, { cause: e });
  }
}

/** The storage-trie value of a slot holding `value`: `rlp(value)` (store nothing for zero). */
export function encodeStorageValue(value: bigint): Uint8Array {
  return rlpEncode(uintToBytes(value));
}

/** The integer in a storage-trie value; throws `InvalidNodeError` if it is not a canonical RLP integer. */
export function decodeStorageValue(value: Uint8Array): bigint {
  try {
    const v = rlpDecode(value);
    if (!(v instanceof Uint8Array))
      throw new InvalidNodeError("storage value: expected an RLP string, found a list");
    return bytesToUint(v);
  } catch (e) {
    if (e instanceof InvalidNodeError) throw e;
    throw new InvalidNodeError(`storage value: ${(e as Error).message}`, { cause: e });
  }
}
