/**
 * Source hashes: the 32-byte identity of a deposit's origin, which makes every deposit's
 * transaction hash unique. `keccak256(bytes32(domain) ‖ keccak256(...))` where the inner
 * preimage depends on the domain.
 *
 * Spec: https://specs.optimism.io/protocol/deposits.html#source-hash-computation
 */
import { assertBytesLength, concatBytes } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { uintToBytes as word } from "./words.ts";

/** Source-hash domains (the first 32-byte word of the outer preimage). */
export const SourceHashDomain = {
  /** A `TransactionDeposited` log of the portal. */
  userDeposit: 0n,
  /** The L1 attributes deposit that opens every L2 block. */
  l1InfoDeposit: 1n,
  /** A network-upgrade deposit, keyed by an intent string. */
  upgradeDeposit: 2n,
} as const;

/** Source hash of a user deposit: domain 0, `keccak256(l1BlockHash ‖ bytes32(l1LogIndex))`. */
export function userDepositSourceHash(l1BlockHash: Uint8Array, l1LogIndex: bigint | number): Uint8Array {
  assertBytesLength(l1BlockHash, 32, "l1BlockHash");
  return withDomain(
    SourceHashDomain.userDeposit,
    keccak256(concatBytes(l1BlockHash, word(BigInt(l1LogIndex)))),
  );
}

/**
 * Source hash of an L1 attributes deposit: domain 1, `keccak256(l1BlockHash ‖ bytes32(seqNumber))`
 * where `seqNumber` counts L2 blocks since the L1 origin changed (0 for the first).
 */
export function l1InfoDepositSourceHash(
  l1BlockHash: Uint8Array,
  sequenceNumber: bigint | number,
): Uint8Array {
  assertBytesLength(l1BlockHash, 32, "l1BlockHash");
  return withDomain(
    SourceHashDomain.l1InfoDeposit,
    keccak256(concatBytes(l1BlockHash, word(BigInt(sequenceNumber)))),
  );
}

/** Source hash of an upgrade deposit: domain 2, `keccak256(utf8(intent))`. */
export function upgradeDepositSourceHash(intent: string): Uint8Array {
  return withDomain(SourceHashDomain.upgradeDeposit, keccak256(new TextEncoder().encode(intent)));
}

function withDomain(domain: bigint, inner: Uint8Array): Uint8Array {
  return keccak256(concatBytes(word(domain), inner));
}
