/**
 * End-to-end tests of the portal's withdrawal path against a real anvil: proofs built with
 * Ore's own MPT over a real L2ToL1MessagePasser storage layout, proving and finalizing, every
 * revert path (forged, truncated and padded proofs, early and double finalization, replays,
 * deleted outputs, starved gas), failed target calls and their retry, and reentrancy through
 * the target call.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type Address,
  decodeErrorResult,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  parseEther,
  toHex,
  zeroAddress,
} from "viem";
import { getWithdrawalHashStorageSlot } from "viem/op-stack";
import { optimismPortalAbi, testTargetAbi, testTargetBytecode } from "../../contracts/artifacts/index.ts";
import {
  eventsOf,
  increaseTime,
  type L1Fixture,
  referenceWithdrawalHash,
  revertOf,
  send,
  setupL1,
  WithdrawalHarness,
} from "../../contracts/testing.ts";
import {
  hashWithdrawal,
  MESSAGE_PASSER,
  messagePasserSlot,
  type WithdrawalTransaction,
} from "../../contracts/withdrawals.ts";

let f: L1Fixture;
let h: WithdrawalHarness;
const PERIOD = 600n;
const L2_USER: Address = getAddress("0x00000000000000000000000000000000000a11ce");

beforeAll(async () => {
  f = await setupL1({
    submissionInterval: 10n,
    l2BlockTime: 1n,
    startingTimestamp: BigInt(Math.floor(Date.now() / 1000)) - 100_000n,
    finalizationPeriodSeconds: PERIOD,
    proposalBond: parseEther("0.01"),
  });
  h = new WithdrawalHarness(f);
  // Withdrawals pay out of ETH deposited earlier.
  await send(f.publicClient, f.deployer, {
    ...portal(),
    functionName: "donateETH",
    value: parseEther("100"),
  });
  // Unrelated withdrawals give the storage trie a realistic depth (branches and extensions).
  for (let i = 0; i < 40; i++) {
    h.add(h.withdrawal({ sender: L2_USER, target: L2_USER, value: 1n, gasLimit: 100_000n, data: toHex(i) }));
  }
});

afterAll(async () => {
  await f?.stop();
});

const portal = () => ({ address: f.deployment.addresses.OptimismPortal, abi: optimismPortalAbi }) as const;
const call = (functionName: string, args: readonly unknown[]) => ({ ...portal(), functionName, args });

async function deployTarget(): Promise<Address> {
  const hash = await f.user.deployContract({ abi: testTargetAbi, bytecode: testTargetBytecode });
  return (await f.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
}

/** A withdrawal recorded in L2 state, published in a new output and proven. */
async function provenWithdrawal(w: Omit<WithdrawalTransaction, "nonce">) {
  const tx = h.withdrawal(w);
  const hash = h.add(tx);
  const index = await h.publish();
  await h.prove(tx, index);
  return { tx, hash, index };
}

describe("hashing", () => {
  test("withdrawal hash and message-passer slot agree with viem", () => {
    const w = h.withdrawal({
      sender: L2_USER,
      target: L2_USER,
      value: 5n,
      gasLimit: 21_000n,
      data: "0xabcd",
    });
    const expected = referenceWithdrawalHash(w);
    expect(hashWithdrawal(w)).toBe(expected);
    expect(messagePasserSlot(expected)).toBe(getWithdrawalHashStorageSlot({ withdrawalHash: expected }));
    expect(MESSAGE_PASSER).toBe("0x4200000000000000000000000000000000000016");
  });
});

describe("proveWithdrawalTransaction", () => {
  let tx: WithdrawalTransaction;
  let index: bigint;

  beforeAll(async () => {
    tx = h.withdrawal({
      sender: L2_USER,
      target: f.user.account.address,
      value: 1000n,
      gasLimit: 50_000n,
      data: "0x",
    });
    h.add(tx);
    index = await h.publish();
  });

  test("rejects a proof against a missing output or a wrong output-root preimage", async () => {
    const [w, , orp, proof] = h.proveArgs(tx, index);
    expect(
      await revertOf(f.publicClient, f.user, call("proveWithdrawalTransaction", [w, index + 1n, orp, proof])),
    ).toBe("OptimismPortal: output index does not exist");
    const bad = { ...orp, stateRoot: keccak256("0x01") };
    expect(
      await revertOf(f.publicClient, f.user, call("proveWithdrawalTransaction", [w, index, bad, proof])),
    ).toBe("OptimismPortal: invalid output root proof");
    const badVersion = { ...orp, version: toHex(1, { size: 32 }) };
    expect(
      await revertOf(
        f.publicClient,
        f.user,
        call("proveWithdrawalTransaction", [w, index, badVersion, proof]),
      ),
    ).toBe("OptimismPortal: invalid output root proof");
  });

  test("rejects forged, truncated and padded MPT proofs", async () => {
    const [w, , orp, proof] = h.proveArgs(tx, index);
    const reason = (p: readonly Hex[], wt: WithdrawalTransaction = w) =>
      revertOf(f.publicClient, f.user, call("proveWithdrawalTransaction", [wt, index, orp, p]));
    expect(proof.length).toBeGreaterThan(2);
    const last = proof.length - 1;
    // One flipped byte in the leaf: its hash no longer matches its parent's reference.
    const leaf = proof[last]!;
    const flipped =
      `${leaf.slice(0, -2)}${(Number.parseInt(leaf.slice(-2), 16) ^ 1).toString(16).padStart(2, "0")}` as Hex;
    expect(await reason([...proof.slice(0, last), flipped])).toBe("MerkleTrie: invalid node hash");
    // Truncated: the walk runs out before reaching the value.
    expect(await reason(proof.slice(0, last))).toBe("MerkleTrie: ran out of proof elements");
    // Missing root: the first node must hash to the storage root.
    expect(await reason(proof.slice(1))).toBe("MerkleTrie: invalid node hash");
    // Padded: nothing may follow the node holding the value.
    expect(await reason([...proof, proof[last]!])).toBe(
      "MerkleTrie: value node must be the last proof element",
    );
    expect(await reason([])).toBe("MerkleTrie: empty proof");
    // A valid proof of a different withdrawal does not prove this one.
    const other = h.withdrawal({ sender: L2_USER, target: L2_USER, value: 1n, gasLimit: 1n, data: "0x" });
    expect(await reason(proof, other)).toMatch(/^MerkleTrie: /);
    // A withdrawal whose fields were altered (more value) is not in the trie.
    expect(await reason(proof, { ...w, value: w.value + 1n })).toMatch(/^MerkleTrie: /);
    // Garbage in place of a node.
    expect(await reason(["0xdeadbeef"])).toBe("MerkleTrie: invalid node hash");
  });

  test("rejects withdrawals targeting the portal itself", async () => {
    const w = h.withdrawal({
      sender: L2_USER,
      target: portal().address,
      value: 0n,
      gasLimit: 1n,
      data: "0x",
    });
    const [, , orp, proof] = h.proveArgs(tx, index);
    expect(
      await revertOf(f.publicClient, f.user, call("proveWithdrawalTransaction", [w, index, orp, proof])),
    ).toBe("OptimismPortal: you cannot send messages to the portal contract");
  });

  test("a valid proof records the withdrawal and emits WithdrawalProven; proving again is rejected", async () => {
    const r = await h.prove(tx, index);
    const block = await f.publicClient.getBlock({ blockNumber: r.blockNumber });
    const hash = hashWithdrawal(tx);
    expect(eventsOf(r, optimismPortalAbi, portal().address)).toEqual([
      { eventName: "WithdrawalProven", args: { withdrawalHash: hash, from: tx.sender, to: tx.target } },
    ] as never);
    const proven = await f.publicClient.readContract({
      ...portal(),
      functionName: "provenWithdrawals",
      args: [hash],
    });
    expect(proven).toEqual([h.snapshotAt(index).outputRoot, block.timestamp, index]);
    expect(
      await revertOf(f.publicClient, f.user, call("proveWithdrawalTransaction", h.proveArgs(tx, index))),
    ).toBe("OptimismPortal: withdrawal hash has already been proven");
  });
});

describe("finalizeWithdrawalTransaction", () => {
  test("rejects unproven and immature withdrawals; pays once matured; never twice", async () => {
    const unproven = h.withdrawal({ sender: L2_USER, target: L2_USER, value: 1n, gasLimit: 1n, data: "0x" });
    expect(await revertOf(f.publicClient, f.user, call("finalizeWithdrawalTransaction", [unproven]))).toBe(
      "OptimismPortal: withdrawal has not been proven yet",
    );
    const to: Address = "0x000000000000000000000000000000000000b0b0";
    const { tx, hash, index } = await provenWithdrawal({
      sender: L2_USER,
      target: to,
      value: parseEther("1"),
      gasLimit: 30_000n,
      data: "0x",
    });
    expect(await revertOf(f.publicClient, f.user, call("finalizeWithdrawalTransaction", [tx]))).toBe(
      "OptimismPortal: proven withdrawal finalization period has not elapsed",
    );
    expect(await revertOf(f.publicClient, f.user, call("checkWithdrawal", [hash]))).toBe(
      "OptimismPortal: proven withdrawal finalization period has not elapsed",
    );
    expect(
      await f.publicClient.readContract({ ...portal(), functionName: "isOutputFinalized", args: [index] }),
    ).toBe(false);
    await h.mature();
    expect(
      await f.publicClient.readContract({ ...portal(), functionName: "isOutputFinalized", args: [index] }),
    ).toBe(true);
    await f.publicClient.readContract({ ...portal(), functionName: "checkWithdrawal", args: [hash] });
    const r = await h.finalize(tx);
    expect(eventsOf(r, optimismPortalAbi, portal().address)).toEqual([
      { eventName: "WithdrawalFinalized", args: { withdrawalHash: hash, success: true } },
    ] as never);
    expect(await f.publicClient.getBalance({ address: to })).toBe(parseEther("1"));
    expect(
      await f.publicClient.readContract({ ...portal(), functionName: "finalizedWithdrawals", args: [hash] }),
    ).toBe(true);
    // Double finalization and a replay through a fresh proof are both refused.
    expect(await revertOf(f.publicClient, f.user, call("finalizeWithdrawalTransaction", [tx]))).toBe(
      "OptimismPortal: withdrawal has already been finalized",
    );
    expect(
      await revertOf(f.publicClient, f.user, call("proveWithdrawalTransaction", h.proveArgs(tx, index))),
    ).toBe("OptimismPortal: withdrawal hash has already been proven");
    const again = await h.publish();
    expect(
      await revertOf(f.publicClient, f.user, call("proveWithdrawalTransaction", h.proveArgs(tx, again))),
    ).toBe("OptimismPortal: withdrawal hash has already been proven");
    expect(await f.publicClient.getBalance({ address: to })).toBe(parseEther("1"));
  });

  test("a caller cannot starve the target call of its gas limit", async () => {
    const { tx, hash } = await provenWithdrawal({
      sender: L2_USER,
      target: L2_USER,
      value: 0n,
      gasLimit: 1_000_000n,
      data: "0x",
    });
    await h.mature();
    expect(
      await revertOf(f.publicClient, f.user, {
        ...call("finalizeWithdrawalTransaction", [tx]),
        gas: 500_000n,
      }),
    ).toBe("SafeCall: Not enough gas");
    expect(
      await f.publicClient.readContract({ ...portal(), functionName: "finalizedWithdrawals", args: [hash] }),
    ).toBe(false);
  });

  test("proving against a deleted output fails; a withdrawal proven against it must be proven again", async () => {
    const tx = h.withdrawal({ sender: L2_USER, target: L2_USER, value: 7n, gasLimit: 30_000n, data: "0x" });
    const hash = h.add(tx);
    const lost = await h.publish();
    await h.prove(tx, lost);
    const oracle = f.deployment.addresses.L2OutputOracle;
    const { l2OutputOracleAbi } = await import("../../contracts/artifacts/index.ts");
    const id = await f.publicClient.readContract({
      address: oracle,
      abi: l2OutputOracleAbi,
      functionName: "proposalIdOf",
      args: [lost],
    });
    await send(f.publicClient, f.game, {
      address: oracle,
      abi: l2OutputOracleAbi,
      functionName: "deleteL2Outputs",
      args: [lost, id, f.game.account.address],
    });
    expect(
      await revertOf(f.publicClient, f.user, call("proveWithdrawalTransaction", h.proveArgs(tx, lost))),
    ).toBe("OptimismPortal: output index does not exist");
    await h.mature();
    expect(await revertOf(f.publicClient, f.user, call("finalizeWithdrawalTransaction", [tx]))).toBe(
      "OptimismPortal: output root proven is not the same as current output root",
    );
    // A new output at the same index (with another latest block hash, so another root).
    const replacement = await h.publish(keccak256("0x02"));
    expect(replacement).toBe(lost);
    await h.prove(tx, replacement);
    await h.mature();
    const r = await h.finalize(tx);
    expect(eventsOf(r, optimismPortalAbi, portal().address)[0]?.args).toEqual({
      withdrawalHash: hash,
      success: true,
    });
  });

  test("an output deleted and re-proposed with the same root must become final again", async () => {
    const tx = h.withdrawal({ sender: L2_USER, target: L2_USER, value: 3n, gasLimit: 30_000n, data: "0x" });
    h.add(tx);
    const index = await h.publish();
    await h.prove(tx, index);
    await increaseTime(f.testClient, PERIOD / 2n);
    const { l2OutputOracleAbi } = await import("../../contracts/artifacts/index.ts");
    const oracle = { address: f.deployment.addresses.L2OutputOracle, abi: l2OutputOracleAbi } as const;
    const id = await f.publicClient.readContract({ ...oracle, functionName: "proposalIdOf", args: [index] });
    await send(f.publicClient, f.game, {
      ...oracle,
      functionName: "deleteL2Outputs",
      args: [index, id, f.game.account.address],
    });
    // Same L2 state, same latest block hash: the same root, proposed again later.
    expect(await h.publish()).toBe(index);
    // The proof is now mature, the re-proposed output only half way.
    await increaseTime(f.testClient, PERIOD / 2n + 1n);
    expect(await revertOf(f.publicClient, f.user, call("finalizeWithdrawalTransaction", [tx]))).toBe(
      "OptimismPortal: output proposal finalization period has not elapsed",
    );
    await h.mature();
    await h.finalize(tx);
  });

  test("finalize refuses withdrawals targeting the portal", async () => {
    const w = h.withdrawal({
      sender: L2_USER,
      target: portal().address,
      value: 0n,
      gasLimit: 1n,
      data: "0x",
    });
    expect(await revertOf(f.publicClient, f.user, call("finalizeWithdrawalTransaction", [w]))).toBe(
      "OptimismPortal: you cannot send messages to the portal contract",
    );
  });

  test("a failing target call is recorded, keeps its ETH earmarked and can be retried", async () => {
    const target = await deployTarget();
    const t = { address: target, abi: testTargetAbi } as const;
    await send(f.publicClient, f.user, {
      ...t,
      functionName: "configure",
      args: [true, zeroAddress, "0x", false],
    });
    const { tx, hash } = await provenWithdrawal({
      sender: L2_USER,
      target,
      value: 300n,
      gasLimit: 200_000n,
      data: "0x1234",
    });
    await h.mature();
    // During gas estimation (tx.origin = 0x…01) a failing call reverts instead.
    const estimation = await f.publicClient
      .call({
        account: "0x0000000000000000000000000000000000000001",
        to: portal().address,
        data: encodeFunctionData({
          abi: optimismPortalAbi,
          functionName: "finalizeWithdrawalTransaction",
          args: [tx],
        }),
        gas: 1_000_000n,
      })
      .then(
        () => "ok",
        (e: Error) => e.message,
      );
    expect(estimation).toContain("OptimismPortal: withdrawal failed");

    const portalBefore = await f.publicClient.getBalance({ address: portal().address });
    const r = await send(f.publicClient, f.user, {
      ...call("finalizeWithdrawalTransaction", [tx]),
      gas: 1_000_000n,
    });
    expect(eventsOf(r, optimismPortalAbi, portal().address)[0]?.args).toEqual({
      withdrawalHash: hash,
      success: false,
    });
    expect(
      await f.publicClient.readContract({ ...portal(), functionName: "failedWithdrawals", args: [hash] }),
    ).toBe(true);
    expect(await f.publicClient.getBalance({ address: portal().address })).toBe(portalBefore);
    expect(await revertOf(f.publicClient, f.user, call("finalizeWithdrawalTransaction", [tx]))).toBe(
      "OptimismPortal: withdrawal has already been finalized",
    );
    expect(await revertOf(f.publicClient, f.user, call("retryFailedWithdrawal", [tx]))).toBe(
      "OptimismPortal: withdrawal retry failed",
    );

    await send(f.publicClient, f.user, {
      ...t,
      functionName: "configure",
      args: [false, zeroAddress, "0x", false],
    });
    const rr = await send(f.publicClient, f.deployer, call("retryFailedWithdrawal", [tx]));
    expect(eventsOf(rr, optimismPortalAbi, portal().address)).toEqual([
      { eventName: "WithdrawalRetried", args: { withdrawalHash: hash } },
    ] as never);
    expect(await f.publicClient.readContract({ ...t, functionName: "received" })).toBe(300n);
    expect(
      await f.publicClient.readContract({ ...portal(), functionName: "failedWithdrawals", args: [hash] }),
    ).toBe(false);
    expect(await revertOf(f.publicClient, f.user, call("retryFailedWithdrawal", [tx]))).toBe(
      "OptimismPortal: withdrawal has not failed",
    );
  });

  test("reentrancy through the target call cannot finalize or retry another withdrawal", async () => {
    const target = await deployTarget();
    const t = { address: target, abi: testTargetAbi } as const;
    const victim = await provenWithdrawal({
      sender: L2_USER,
      target: L2_USER,
      value: 11n,
      gasLimit: 30_000n,
      data: "0x",
    });
    const outer = await provenWithdrawal({
      sender: L2_USER,
      target,
      value: 0n,
      gasLimit: 500_000n,
      data: "0x",
    });
    await h.mature();
    const lockMessage = "OptimismPortal: can only trigger one withdrawal per transaction";
    for (const inner of [
      encodeFunctionData({
        abi: optimismPortalAbi,
        functionName: "finalizeWithdrawalTransaction",
        args: [victim.tx],
      }),
      encodeFunctionData({
        abi: optimismPortalAbi,
        functionName: "retryFailedWithdrawal",
        args: [victim.tx],
      }),
      encodeFunctionData({
        abi: optimismPortalAbi,
        functionName: "finalizeWithdrawalTransaction",
        args: [outer.tx],
      }),
    ]) {
      await send(f.publicClient, f.user, {
        ...t,
        functionName: "configure",
        args: [false, portal().address, inner, false],
      });
      // Try it on a snapshot, read what the reentrant call saw, and roll back.
      const snap = await f.testClient.snapshot();
      await h.finalize(outer.tx);
      expect(await f.publicClient.readContract({ ...t, functionName: "lastInnerOk" })).toBe(false);
      const seen = await f.publicClient.readContract({ ...t, functionName: "lastInnerReturn" });
      expect(decodeErrorResult({ abi: [], data: seen }).args).toEqual([lockMessage]);
      await f.testClient.revert({ id: snap });
    }
    // Now for real, with the reentrant finalization of the victim.
    const inner = encodeFunctionData({
      abi: optimismPortalAbi,
      functionName: "finalizeWithdrawalTransaction",
      args: [victim.tx],
    });
    await send(f.publicClient, f.user, {
      ...t,
      functionName: "configure",
      args: [false, portal().address, inner, false],
    });
    const r = await h.finalize(outer.tx);
    expect(eventsOf(r, optimismPortalAbi, portal().address)).toEqual([
      { eventName: "WithdrawalFinalized", args: { withdrawalHash: outer.hash, success: true } },
    ] as never);
    expect(await f.publicClient.readContract({ ...t, functionName: "lastInnerOk" })).toBe(false);
    const ret = await f.publicClient.readContract({ ...t, functionName: "lastInnerReturn" });
    expect(decodeErrorResult({ abi: [], data: ret }).args).toEqual([lockMessage]);
    expect(
      await f.publicClient.readContract({
        ...portal(),
        functionName: "finalizedWithdrawals",
        args: [victim.hash],
      }),
    ).toBe(false);
    expect(await f.publicClient.readContract({ ...portal(), functionName: "l2Sender" })).toBe(
      "0x000000000000000000000000000000000000dEaD",
    );
    // The victim is still finalizable on its own, exactly once.
    await h.finalize(victim.tx);
    expect(await f.publicClient.getBalance({ address: L2_USER })).toBeGreaterThanOrEqual(11n);
  });

  test("the target sees l2Sender = the L2 sender during the call", async () => {
    const target = await deployTarget();
    const t = { address: target, abi: testTargetAbi } as const;
    const inner = encodeFunctionData({ abi: optimismPortalAbi, functionName: "l2Sender" });
    await send(f.publicClient, f.user, {
      ...t,
      functionName: "configure",
      args: [false, portal().address, inner, true],
    });
    const { tx } = await provenWithdrawal({
      sender: L2_USER,
      target,
      value: 0n,
      gasLimit: 200_000n,
      data: "0x",
    });
    await h.mature();
    await h.finalize(tx);
    const ret = await f.publicClient.readContract({ ...t, functionName: "lastInnerReturn" });
    expect(ret).toBe(encodeAbiParameters([{ type: "address" }], [L2_USER]));
  });
});
