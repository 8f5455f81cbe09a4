/**
 * The hand-built L2 withdrawal state against references: the message-passer storage trie and
 * the state trie are rebuilt with @ethereumjs/mpt (roots and proofs must match byte for
 * byte), hashes against viem, with random withdrawals.
 */
import { expect, test } from "bun:test";
import { createMerkleProof, createMPT } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { encodeAbiParameters, getAddress, type Hex, hexToBytes, keccak256, toHex } from "viem";
import { getWithdrawalHashStorageSlot } from "viem/op-stack";
import { referenceWithdrawalHash } from "./testing.ts";
import {
  hashWithdrawal,
  MESSAGE_PASSER,
  MessagePasserState,
  messagePasserSlot,
  outputRootV0,
  type WithdrawalTransaction,
} from "./withdrawals.ts";

function randomWithdrawal(nonce: bigint): WithdrawalTransaction {
  const rnd = (n: number) => toHex(crypto.getRandomValues(new Uint8Array(n)));
  return {
    nonce,
    sender: getAddress(rnd(20)),
    target: getAddress(rnd(20)),
    value: BigInt(rnd(8)),
    gasLimit: BigInt(rnd(4)),
    data: rnd(Math.floor(Math.random() * 100)),
  };
}

test("withdrawal hash, slot and output root match independent computations", () => {
  for (let i = 0; i < 20; i++) {
    const w = randomWithdrawal(BigInt(i));
    const hash = referenceWithdrawalHash(w);
    expect(hashWithdrawal(w)).toBe(hash);
    expect(messagePasserSlot(hash)).toBe(getWithdrawalHashStorageSlot({ withdrawalHash: hash }));
  }
  const parts = {
    stateRoot: keccak256("0x01"),
    messagePasserStorageRoot: keccak256("0x02"),
    latestBlockhash: keccak256("0x03"),
  };
  expect(outputRootV0(parts)).toBe(
    keccak256(
      encodeAbiParameters(
        [{ type: "bytes32" }, { type: "bytes32" }, { type: "bytes32" }, { type: "bytes32" }],
        [`0x${"00".repeat(32)}`, parts.stateRoot, parts.messagePasserStorageRoot, parts.latestBlockhash],
      ),
    ),
  );
});

test("storage and state tries, and withdrawal proofs, equal @ethereumjs/mpt's", async () => {
  const state = new MessagePasserState();
  const refStorage = await createMPT({ useKeyHashing: true });
  const hashes: Hex[] = [];
  for (let i = 0; i < 300; i++) {
    const hash = state.add(randomWithdrawal(BigInt(i)));
    hashes.push(hash);
    await refStorage.put(hexToBytes(messagePasserSlot(hash)), RLP.encode(1));
  }
  await refStorage.put(hexToBytes(`0x${"00".repeat(31)}01`), RLP.encode(300));
  const latestBlockhash = keccak256("0xb10c");
  const snap = state.snapshot(latestBlockhash);
  expect(snap.outputRootProof.messagePasserStorageRoot).toBe(toHex(refStorage.root()));

  const refState = await createMPT({ useKeyHashing: true });
  const emptyCodeHash = keccak256("0x");
  await refState.put(
    hexToBytes(MESSAGE_PASSER),
    RLP.encode([0, 0, refStorage.root(), hexToBytes(emptyCodeHash)]),
  );
  expect(snap.outputRootProof.stateRoot).toBe(toHex(refState.root()));
  expect(snap.outputRoot).toBe(outputRootV0(snap.outputRootProof));
  expect(snap.outputRootProof.version).toBe(`0x${"00".repeat(32)}`);

  for (const hash of hashes.slice(0, 25)) {
    const ours = snap.proveWithdrawal(hash);
    const ref = await createMerkleProof(refStorage, hexToBytes(messagePasserSlot(hash)));
    expect(ours).toEqual(ref.map((n) => toHex(n)));
  }
});
