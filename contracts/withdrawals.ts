/**
 * The L2 side of a withdrawal as the L1 portal checks it (specs/protocol/withdrawals.md):
 * the withdrawal hash, its `sentMessages` slot in L2ToL1MessagePasser, output root v0, and a
 * hand-built L2 state (a state trie holding the message passer's account and storage trie,
 * built with Ore's own MPT) that yields the output-root preimage and the storage proof that
 * `proveWithdrawalTransaction` takes. Tests and tools use it where no L2 node exists yet; a
 * running L2 answers the same questions with `eth_getProof`.
 */
import { type Address, encodeAbiParameters, type Hex } from "viem";
import { concatBytes, fromHex, toHex } from "../core/bytes.ts";
import { keccak256 } from "../core/hash/keccak.ts";
import { encodeAccount, encodeStorageValue } from "../core/mpt/account.ts";
import { EMPTY_CODE_HASH } from "../core/mpt/constants.ts";
import { MemoryNodeStore } from "../core/mpt/nodeStore.ts";
import { MerkleTrie } from "../core/mpt/trie.ts";

/** L2ToL1MessagePasser predeploy. */
export const MESSAGE_PASSER: Address = "0x4200000000000000000000000000000000000016";

/** A withdrawal exactly as L2ToL1MessagePasser hashes it and the portal takes it. */
export interface WithdrawalTransaction {
  nonce: bigint;
  sender: Address;
  target: Address;
  value: bigint;
  gasLimit: bigint;
  data: Hex;
}

/** The preimage of output root v0, in the portal's field order. */
export interface OutputRootProof {
  version: Hex;
  stateRoot: Hex;
  messagePasserStorageRoot: Hex;
  latestBlockhash: Hex;
}

const ZERO32: Hex = `0x${"00".repeat(32)}`;

/** keccak256(abi.encode(nonce, sender, target, value, gasLimit, data)). */
export function hashWithdrawal(w: WithdrawalTransaction): Hex {
  const enc = encodeAbiParameters(
    [
      { type: "uint256" },
      { type: "address" },
      { type: "address" },
      { type: "uint256" },
      { type: "uint256" },
      { type: "bytes" },
    ],
    [w.nonce, w.sender, w.target, w.value, w.gasLimit, w.data],
  );
  return toHex(keccak256(fromHex(enc)));
}

/** Storage slot of `sentMessages[withdrawalHash]` (mapping at slot 0): keccak256(hash ‖ 0). */
export function messagePasserSlot(withdrawalHash: Hex): Hex {
  return toHex(keccak256(concatBytes(fromHex(withdrawalHash), new Uint8Array(32))));
}

/** Output root v0: keccak256(bytes32(0) ‖ stateRoot ‖ messagePasserStorageRoot ‖ latestBlockhash). */
export function outputRootV0(p: Omit<OutputRootProof, "version">): Hex {
  return toHex(
    keccak256(
      concatBytes(
        new Uint8Array(32),
        fromHex(p.stateRoot),
        fromHex(p.messagePasserStorageRoot),
        fromHex(p.latestBlockhash),
      ),
    ),
  );
}

/**
 * A hand-built L2 state holding only what withdrawals need: the message passer's storage
 * (`sentMessages` at slot 0, the message nonce at slot 1) and its account in a state trie.
 * `add` records withdrawals; `snapshot` commits and returns the roots and proofs of that moment.
 */
export class MessagePasserState {
  private readonly store = new MemoryNodeStore();
  private readonly storage = new MerkleTrie(this.store, { secure: true });
  private readonly state = new MerkleTrie(this.store, { secure: true });
  private nonce = 0n;

  /** Records `w` as sent (`sentMessages[hash] = true`) and returns its hash. */
  add(w: WithdrawalTransaction): Hex {
    const hash = hashWithdrawal(w);
    this.storage.put(fromHex(messagePasserSlot(hash)), encodeStorageValue(1n));
    this.nonce++;
    // Slot 1 is msgNonce, as in the real contract; it makes the trie look like a live one.
    this.storage.put(fromHex(`0x${"00".repeat(31)}01`), encodeStorageValue(this.nonce));
    return hash;
  }

  /**
   * Commits the state and returns the output-root preimage (with `latestBlockhash` as given),
   * the output root, and a function proving any recorded withdrawal hash.
   */
  snapshot(latestBlockhash: Hex = ZERO32): {
    outputRootProof: OutputRootProof;
    outputRoot: Hex;
    proveWithdrawal: (withdrawalHash: Hex) => Hex[];
  } {
    const storageRoot = this.storage.commit();
    this.state.put(
      fromHex(MESSAGE_PASSER),
      encodeAccount({ nonce: 0n, balance: 0n, storageRoot, codeHash: EMPTY_CODE_HASH }),
    );
    const stateRoot = this.state.commit();
    const outputRootProof: OutputRootProof = {
      version: ZERO32,
      stateRoot: toHex(stateRoot),
      messagePasserStorageRoot: toHex(storageRoot),
      latestBlockhash,
    };
    // Proofs are taken from this root even if more withdrawals are added later.
    const frozen = this.storage.at(storageRoot);
    return {
      outputRootProof,
      outputRoot: outputRootV0(outputRootProof),
      proveWithdrawal: (withdrawalHash) =>
        frozen.getProof(fromHex(messagePasserSlot(withdrawalHash))).map((n) => toHex(n)),
    };
  }
}
