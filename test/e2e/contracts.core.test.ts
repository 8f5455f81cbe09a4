/**
 * End-to-end tests of SystemConfig, BatchFeed, L2OutputOracle and the portal's deposit path
 * against a real anvil: every external function, and every revert path, of those contracts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type Address,
  decodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  pad,
  parseEther,
  parseGwei,
  toHex,
  zeroAddress,
} from "viem";
import { opaqueDataToDepositData } from "viem/op-stack";
import {
  batchFeedAbi,
  l2OutputOracleAbi,
  optimismPortalAbi,
  systemConfigAbi,
  testTargetAbi,
  testTargetBytecode,
} from "../../contracts/artifacts/index.ts";
import {
  applyL1ToL2Alias,
  eventsOf,
  increaseTime,
  type L1Fixture,
  revertOf,
  send,
  setupL1,
} from "../../contracts/testing.ts";
import { MAX_L2_GAS_LIMIT } from "../../core/engine/provableLimits.ts";

let f: L1Fixture;
let startTs: bigint;
const BOND = parseEther("0.05");
const INTERVAL = 10n;
const PERIOD = 600n;

beforeAll(async () => {
  // The anchor is the L1 time at deployment, so the first output (100 s of L2 later) starts
  // out in the future; tests move L1 time forward explicitly.
  f = await setupL1({
    submissionInterval: INTERVAL,
    l2BlockTime: 10n,
    startingBlockNumber: 0n,
    finalizationPeriodSeconds: PERIOD,
    proposalBond: BOND,
  });
  startTs = f.deployment.config.startingTimestamp;
});

afterAll(async () => {
  await f?.stop();
});

const addr = () => f.deployment.addresses;

describe("SystemConfig", () => {
  test("constructor emits one ConfigUpdate per field and the getters read them", async () => {
    const logs = await f.publicClient.getContractEvents({
      address: addr().SystemConfig,
      abi: systemConfigAbi,
      eventName: "ConfigUpdate",
      fromBlock: f.deployment.startBlock,
      toBlock: f.deployment.startBlock,
    });
    expect(logs.map((l) => l.args.updateType)).toEqual([0, 1, 2, 3]);
    expect(logs.every((l) => l.args.version === 0n)).toBe(true);
    const [batcherHash] = decodeAbiParameters([{ type: "bytes32" }], logs[0]!.args.data!);
    expect(batcherHash).toBe(pad(f.batcher.account.address.toLowerCase() as Hex));
    const read = (functionName: string) =>
      f.publicClient.readContract({
        address: addr().SystemConfig,
        abi: systemConfigAbi,
        functionName,
      } as never);
    expect(((await read("batcher")) as string).toLowerCase()).toBe(f.batcher.account.address.toLowerCase());
    expect(await read("gasLimit")).toBe(30_000_000n);
    expect(await read("basefeeScalar")).toBe(1368);
    expect(await read("blobbasefeeScalar")).toBe(810949);
    expect(await read("scalar")).toBe((1n << 248n) | (810949n << 32n) | 1368n);
    expect(await read("overhead")).toBe(0n);
    expect(await read("startBlock")).toBe(f.deployment.startBlock);
    expect(await read("owner")).toBe(f.deployer.account.address);
    expect(await read("unsafeBlockSigner")).toBe(f.deployer.account.address);
    expect(await read("minimumGasLimit")).toBe(21_000_000n);
    // The bound rollup-config validation and derivation enforce (core/engine/provableLimits.ts).
    expect(await read("maximumGasLimit")).toBe(MAX_L2_GAS_LIMIT);
    expect(await read("version")).toBe("2.0.0");
  });

  test("owner setters emit ConfigUpdate with the ABI-encoded value", async () => {
    const sc = { address: addr().SystemConfig, abi: systemConfigAbi } as const;
    const cases: [string, readonly unknown[], number, Hex][] = [
      ["setGasLimit", [40_000_000n], 2, pad(toHex(40_000_000n))],
      ["setUnsafeBlockSigner", [f.user.account.address], 3, pad(f.user.account.address.toLowerCase() as Hex)],
      ["setGasConfig", [7n, 9n], 1, `0x${pad(toHex(7n)).slice(2)}${pad(toHex(9n)).slice(2)}`],
      [
        "setGasConfigEcotone",
        [5, 6],
        1,
        `0x${"00".repeat(32)}${pad(toHex((1n << 248n) | (6n << 32n) | 5n)).slice(2)}`,
      ],
    ];
    for (const [functionName, args, type, data] of cases) {
      const r = await send(f.publicClient, f.deployer, { ...sc, functionName, args });
      const [ev] = eventsOf(r, systemConfigAbi, sc.address).filter((e) => e.eventName === "ConfigUpdate");
      expect(ev?.args).toEqual({ version: 0n, updateType: type, data } as never);
    }
  });

  test("rejects non-owners and out-of-range values", async () => {
    const sc = { address: addr().SystemConfig, abi: systemConfigAbi } as const;
    expect(
      await revertOf(f.publicClient, f.user, { ...sc, functionName: "setGasLimit", args: [30_000_000n] }),
    ).toBe("Ownable: caller is not the owner");
    expect(
      await revertOf(f.publicClient, f.user, { ...sc, functionName: "setBatcherHash", args: [pad("0x01")] }),
    ).toBe("Ownable: caller is not the owner");
    expect(
      await revertOf(f.publicClient, f.user, {
        ...sc,
        functionName: "transferOwnership",
        args: [f.user.account.address],
      }),
    ).toBe("Ownable: caller is not the owner");
    expect(
      await revertOf(f.publicClient, f.deployer, { ...sc, functionName: "setGasLimit", args: [20_999_999n] }),
    ).toBe("SystemConfig: gas limit too low");
    expect(
      await revertOf(f.publicClient, f.deployer, {
        ...sc,
        functionName: "setGasLimit",
        args: [200_000_001n],
      }),
    ).toBe("SystemConfig: gas limit too high");
    expect(
      await revertOf(f.publicClient, f.deployer, {
        ...sc,
        functionName: "setGasConfig",
        args: [0n, 1n << 248n],
      }),
    ).toBe("SystemConfig: scalar exceeds max.");
    expect(
      await revertOf(f.publicClient, f.deployer, {
        ...sc,
        functionName: "setBatcherHash",
        args: [`0x01${"00".repeat(31)}`],
      }),
    ).toBe("SystemConfig: batcher hash is not an address");
    expect(
      await revertOf(f.publicClient, f.deployer, {
        ...sc,
        functionName: "transferOwnership",
        args: [zeroAddress],
      }),
    ).toBe("Ownable: new owner is the zero address");
  });
  test("ownership can be handed over, and only the new owner configures", async () => {
    const sc = { address: addr().SystemConfig, abi: systemConfigAbi } as const;
    const r = await send(f.publicClient, f.deployer, {
      ...sc,
      functionName: "transferOwnership",
      args: [f.user.account.address],
    });
    expect(eventsOf(r, systemConfigAbi, sc.address)).toEqual([
      {
        eventName: "OwnershipTransferred",
        args: { previousOwner: f.deployer.account.address, newOwner: f.user.account.address },
      },
    ] as never);
    expect(
      await revertOf(f.publicClient, f.deployer, { ...sc, functionName: "setGasLimit", args: [30_000_000n] }),
    ).toBe("Ownable: caller is not the owner");
    await send(f.publicClient, f.user, {
      ...sc,
      functionName: "transferOwnership",
      args: [f.deployer.account.address],
    });
  });
});

describe("BatchFeed", () => {
  const feed = () => ({ address: addr().BatchFeed, abi: batchFeedAbi }) as const;

  test("the batcher appends calldata batches; each stores keccak256(data) under the next index", async () => {
    for (let i = 0; i < 3; i++) {
      const data = toHex(crypto.getRandomValues(new Uint8Array(100 + i)));
      const r = await send(f.publicClient, f.batcher, {
        ...feed(),
        functionName: "appendBatch",
        args: [data],
      });
      const [ev] = eventsOf(r, batchFeedAbi, addr().BatchFeed);
      expect(ev?.eventName).toBe("BatchAppended");
      expect(ev?.args).toEqual({
        index: BigInt(i),
        commitment: keccak256(data),
        kind: 0,
        blobHashes: [],
      } as never);
      const block = await f.publicClient.getBlock({ blockNumber: r.blockNumber });
      const stored = await f.publicClient.readContract({
        ...feed(),
        functionName: "getBatch",
        args: [BigInt(i)],
      });
      expect(stored).toEqual({
        commitment: keccak256(data),
        l1BlockNumber: r.blockNumber,
        l1Timestamp: block.timestamp,
        kind: 0,
      });
    }
    expect(await f.publicClient.readContract({ ...feed(), functionName: "batchCount" })).toBe(3n);
  });

  test("a blob batch commits to its versioned hashes in blob order", async () => {
    // The zero blob's KZG commitment and proof are both the point at infinity: a valid
    // sidecar without a KZG library.
    const infinity = () => Uint8Array.from({ length: 48 }, (_, i) => (i === 0 ? 0xc0 : 0));
    const kzg = { blobToKzgCommitment: infinity, computeBlobKzgProof: infinity };
    const hash = await f.batcher.sendTransaction({
      to: addr().BatchFeed,
      data: encodeFunctionData({ abi: batchFeedAbi, functionName: "appendBlobBatch" }),
      blobs: [new Uint8Array(131072), new Uint8Array(131072)],
      kzg,
      maxFeePerBlobGas: parseGwei("30"),
      gas: 300_000n,
    });
    const r = await f.publicClient.waitForTransactionReceipt({ hash });
    expect(r.status).toBe("success");
    const { blobVersionedHashes } = await f.publicClient.getTransaction({ hash });
    expect(blobVersionedHashes?.length).toBe(2);
    const commitment = keccak256(`0x${blobVersionedHashes!.map((h) => h.slice(2)).join("")}`);
    const [ev] = eventsOf(r, batchFeedAbi, addr().BatchFeed);
    expect(ev?.args).toEqual({ index: 3n, commitment, kind: 1, blobHashes: blobVersionedHashes } as never);
    const stored = await f.publicClient.readContract({ ...feed(), functionName: "getBatch", args: [3n] });
    expect(stored.commitment).toBe(commitment);
    expect(stored.kind).toBe(1);
  });

  test("rejects a non-batcher, an empty batch, a blob append without blobs and a missing index", async () => {
    expect(
      await revertOf(f.publicClient, f.user, { ...feed(), functionName: "appendBatch", args: ["0x01"] }),
    ).toBe("BatchFeed: only the batcher may append");
    expect(await revertOf(f.publicClient, f.user, { ...feed(), functionName: "appendBlobBatch" })).toBe(
      "BatchFeed: only the batcher may append",
    );
    expect(
      await revertOf(f.publicClient, f.batcher, { ...feed(), functionName: "appendBatch", args: ["0x"] }),
    ).toBe("BatchFeed: empty batch");
    expect(await revertOf(f.publicClient, f.batcher, { ...feed(), functionName: "appendBlobBatch" })).toBe(
      "BatchFeed: no blobs attached",
    );
    expect(
      await revertOf(f.publicClient, f.batcher, { ...feed(), functionName: "getBatch", args: [99n] }),
    ).toBe("BatchFeed: no batch at this index");
  });

  test("only the batcher currently in SystemConfig may append", async () => {
    const sc = { address: addr().SystemConfig, abi: systemConfigAbi } as const;
    const userHash = pad(f.user.account.address.toLowerCase() as Hex);
    await send(f.publicClient, f.deployer, { ...sc, functionName: "setBatcherHash", args: [userHash] });
    expect(
      await revertOf(f.publicClient, f.batcher, { ...feed(), functionName: "appendBatch", args: ["0x01"] }),
    ).toBe("BatchFeed: only the batcher may append");
    await send(f.publicClient, f.user, { ...feed(), functionName: "appendBatch", args: ["0x01"] });
    const batcherHash = pad(f.batcher.account.address.toLowerCase() as Hex);
    await send(f.publicClient, f.deployer, { ...sc, functionName: "setBatcherHash", args: [batcherHash] });
  });
});

describe("L2OutputOracle", () => {
  const oracle = () => ({ address: addr().L2OutputOracle, abi: l2OutputOracleAbi }) as const;
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    f.publicClient.readContract({ ...oracle(), functionName, args } as never) as Promise<T>;
  const root = (n: number): Hex => keccak256(toHex(`output ${n}`));
  const propose = async (n: bigint, outputRoot: Hex, wallet = f.proposer) => {
    const head = await f.publicClient.getBlock();
    return send(f.publicClient, wallet, {
      ...oracle(),
      functionName: "proposeL2Output",
      args: [outputRoot, n, head.hash, head.number],
      value: BOND,
    });
  };

  test("exposes Bedrock's configuration getters", async () => {
    expect(await read("SUBMISSION_INTERVAL")).toBe(INTERVAL);
    expect(await read("L2_BLOCK_TIME")).toBe(10n);
    expect(await read("FINALIZATION_PERIOD_SECONDS")).toBe(PERIOD);
    expect(await read("PROPOSAL_BOND")).toBe(BOND);
    expect(await read("startingBlockNumber")).toBe(0n);
    expect(await read("startingTimestamp")).toBe(startTs);
    expect(await read("CHALLENGER")).toBe(f.game.account.address);
    expect(await read("disputeGame")).toBe(f.game.account.address);
    expect(await read("PROPOSER")).toBe(zeroAddress);
    expect(await read("computeL2Timestamp", [10n])).toBe(startTs + 100n);
    expect(await read("version")).toBe("2.0.0");
  });

  test("with no outputs: latestBlockNumber is the anchor and lookups revert with Bedrock's messages", async () => {
    expect(await read("latestBlockNumber")).toBe(0n);
    expect(await read("nextBlockNumber")).toBe(INTERVAL);
    expect(await read("nextOutputIndex")).toBe(0n);
    const o = oracle();
    expect(
      await revertOf(f.publicClient, f.user, { ...o, functionName: "getL2OutputIndexAfter", args: [0n] }),
    ).toBe("L2OutputOracle: cannot get output for a block that has not been proposed");
    expect(await revertOf(f.publicClient, f.user, { ...o, functionName: "latestOutputIndex" })).toBe(
      "L2OutputOracle: no outputs have been proposed",
    );
    expect(await revertOf(f.publicClient, f.user, { ...o, functionName: "getL2Output", args: [0n] })).toBe(
      "L2OutputOracle: output index out of range",
    );
  });

  test("rejects a wrong bond, a wrong block number, a future block, a zero root and a wrong L1 hash", async () => {
    const head = await f.publicClient.getBlock();
    const base = { ...oracle(), functionName: "proposeL2Output" };
    const args = (n: bigint, r: Hex, h: Hex = head.hash, num = head.number) => [r, n, h, num] as const;
    const reason = (a: readonly unknown[], value: bigint) =>
      revertOf(f.publicClient, f.proposer, { ...base, args: a, value });
    expect(await reason(args(10n, root(1)), 0n)).toBe("L2OutputOracle: bond must equal PROPOSAL_BOND");
    expect(await reason(args(10n, root(1)), BOND + 1n)).toBe("L2OutputOracle: bond must equal PROPOSAL_BOND");
    expect(await reason(args(20n, root(1)), BOND)).toBe(
      "L2OutputOracle: block number must be equal to next expected block number",
    );
    expect(await reason(args(9n, root(1)), BOND)).toBe(
      "L2OutputOracle: block number must be equal to next expected block number",
    );
    // Block 10 is 100 s of L2 time after the anchor: L1 has not got there yet.
    expect(await reason(args(10n, root(1)), BOND)).toBe(
      "L2OutputOracle: cannot propose L2 output in the future",
    );
    await increaseTime(f.testClient, 5000);
    expect(await reason(args(10n, pad("0x00")), BOND)).toBe(
      "L2OutputOracle: L2 output proposal cannot be the zero hash",
    );
    expect(await reason(args(10n, root(1), pad("0x1234")), BOND)).toBe(
      "L2OutputOracle: block hash does not match the hash at the expected height",
    );
    await propose(10n, root(1));
    for (let n = 20n; n < 500n; n += 10n) await propose(n, root(Number(n)));
  });

  test("proposals are readable through Bedrock's getters and emit OutputProposed and BondPosted", async () => {
    // 49 outputs exist: blocks 10, 20, …, 490 at indices 0..48.
    expect(await read("latestOutputIndex")).toBe(48n);
    expect(await read("nextOutputIndex")).toBe(49n);
    expect(await read("latestBlockNumber")).toBe(490n);
    expect(await read("nextBlockNumber")).toBe(500n);
    const o = await read<{ outputRoot: Hex; timestamp: bigint; l2BlockNumber: bigint }>("getL2Output", [4n]);
    expect(o.outputRoot).toBe(root(50));
    expect(o.l2BlockNumber).toBe(50n);
    // Binary search: the first output at or after the block.
    for (const [block, index] of [
      [0n, 0n],
      [10n, 0n],
      [11n, 1n],
      [250n, 24n],
      [251n, 25n],
      [490n, 48n],
    ] as const) {
      expect(await read("getL2OutputIndexAfter", [block])).toBe(index);
    }
    expect((await read<{ l2BlockNumber: bigint }>("getL2OutputAfter", [251n])).l2BlockNumber).toBe(260n);
    expect(
      await revertOf(f.publicClient, f.user, {
        ...oracle(),
        functionName: "getL2OutputIndexAfter",
        args: [491n],
      }),
    ).toBe("L2OutputOracle: cannot get output for a block that has not been proposed");

    const ok = await propose(500n, root(500));
    const block = await f.publicClient.getBlock({ blockNumber: ok.blockNumber });
    const evs = eventsOf(ok, l2OutputOracleAbi, addr().L2OutputOracle);
    expect(evs[0]).toEqual({
      eventName: "OutputProposed",
      args: { outputRoot: root(500), l2OutputIndex: 49n, l2BlockNumber: 500n, l1Timestamp: block.timestamp },
    } as never);
    expect(evs[1]).toEqual({
      eventName: "BondPosted",
      args: { proposalId: 50n, l2OutputIndex: 49n, proposer: f.proposer.account.address, amount: BOND },
    } as never);
    expect(await read("proposalIdOf", [49n])).toBe(50n);
    expect(await read("proposerOf", [49n])).toBe(f.proposer.account.address);
    expect(await read("isOutputFinalized", [49n])).toBe(false);
    expect(await f.publicClient.getBalance({ address: addr().L2OutputOracle })).toBe(BOND * 50n);
  });

  test("bonds: claimable by anyone once final, paid to the proposer, at most once", async () => {
    const o = oracle();
    expect(await revertOf(f.publicClient, f.user, { ...o, functionName: "claimBond", args: [50n] })).toBe(
      "L2OutputOracle: output is not finalized yet",
    );
    expect(await revertOf(f.publicClient, f.user, { ...o, functionName: "claimBond", args: [999n] })).toBe(
      "L2OutputOracle: no such proposal",
    );
    // Outputs 0..49 become final once PERIOD seconds pass.
    await increaseTime(f.testClient, PERIOD);
    expect(await read("isOutputFinalized", [0n])).toBe(true);
    const before = await f.publicClient.getBalance({ address: f.proposer.account.address });
    const r = await send(f.publicClient, f.user, { ...o, functionName: "claimBond", args: [1n] });
    expect(eventsOf(r, l2OutputOracleAbi, o.address)[0]).toEqual({
      eventName: "BondClaimed",
      args: { proposalId: 1n, recipient: f.proposer.account.address, amount: BOND },
    } as never);
    expect(await f.publicClient.getBalance({ address: f.proposer.account.address })).toBe(before + BOND);
    expect(await revertOf(f.publicClient, f.user, { ...o, functionName: "claimBond", args: [1n] })).toBe(
      "L2OutputOracle: bond already claimed",
    );
  });

  test("deleteL2Outputs: only the dispute game, only a standing and unfinalized output", async () => {
    const o = oracle();
    const del = (args: readonly unknown[]) => ({ ...o, functionName: "deleteL2Outputs", args });
    // Fresh outputs 50..52 (blocks 510..530) on top of the 50 finalized ones.
    await increaseTime(f.testClient, 100);
    for (const n of [510n, 520n, 530n]) await propose(n, root(Number(n)));
    expect(await read("proposalIdOf", [50n])).toBe(51n);
    expect(await revertOf(f.publicClient, f.user, del([50n, 51n, f.user.account.address]))).toBe(
      "L2OutputOracle: only the dispute game can delete outputs",
    );
    expect(await revertOf(f.publicClient, f.game, del([53n, 54n, f.game.account.address]))).toBe(
      "L2OutputOracle: cannot delete outputs after the latest output index",
    );
    expect(await revertOf(f.publicClient, f.game, del([50n, 52n, f.game.account.address]))).toBe(
      "L2OutputOracle: output was already replaced",
    );
    expect(await revertOf(f.publicClient, f.game, del([0n, 1n, f.game.account.address]))).toBe(
      "L2OutputOracle: cannot delete outputs that have already been finalized",
    );
    expect(await revertOf(f.publicClient, f.game, del([50n, 51n, zeroAddress]))).toBe(
      "L2OutputOracle: winner cannot be the zero address",
    );

    const winner = f.user.account.address;
    const r = await send(f.publicClient, f.game, del([50n, 51n, winner]));
    const evs = eventsOf(r, l2OutputOracleAbi, o.address);
    expect(evs).toEqual([
      { eventName: "BondAwarded", args: { proposalId: 51n, winner } },
      { eventName: "OutputsDeleted", args: { prevNextOutputIndex: 53n, newNextOutputIndex: 50n } },
    ] as never);
    expect(await read("nextOutputIndex")).toBe(50n);
    expect(await read("latestBlockNumber")).toBe(500n);
    expect(await read("nextBlockNumber")).toBe(510n);
    expect(await revertOf(f.publicClient, f.user, { ...o, functionName: "getL2Output", args: [50n] })).toBe(
      "L2OutputOracle: output index out of range",
    );
    // A stale game cannot delete the replacement at a reused index.
    await propose(510n, root(9510));
    expect(await read("proposalIdOf", [50n])).toBe(54n);
    expect(await revertOf(f.publicClient, f.game, del([50n, 51n, winner]))).toBe(
      "L2OutputOracle: output was already replaced",
    );

    // The lost bond goes to the winner, the later (deleted) outputs' bonds back to their
    // proposers, both at once; the replacement's bond waits for finality.
    const winnerBefore = await f.publicClient.getBalance({ address: winner });
    const proposerBefore = await f.publicClient.getBalance({ address: f.proposer.account.address });
    for (const id of [51n, 52n, 53n]) {
      await send(f.publicClient, f.deployer, { ...o, functionName: "claimBond", args: [id] });
    }
    expect(await f.publicClient.getBalance({ address: winner })).toBe(winnerBefore + BOND);
    expect(await f.publicClient.getBalance({ address: f.proposer.account.address })).toBe(
      proposerBefore + 2n * BOND,
    );
    expect(await revertOf(f.publicClient, f.user, { ...o, functionName: "claimBond", args: [54n] })).toBe(
      "L2OutputOracle: output is not finalized yet",
    );
  });

  test("a bond whose recipient rejects ETH stays claimable", async () => {
    const hash = await f.user.deployContract({ abi: testTargetAbi, bytecode: testTargetBytecode });
    const target = getAddress((await f.publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
    const t = { address: target, abi: testTargetAbi } as const;
    // Output 51 (block 520) by the contract, on top of output 50; then output 50 loses.
    const head = await f.publicClient.getBlock();
    const inner = encodeFunctionData({
      abi: l2OutputOracleAbi,
      functionName: "proposeL2Output",
      args: [root(9520), 520n, head.hash, head.number],
    });
    await send(f.publicClient, f.user, {
      ...t,
      functionName: "exec",
      args: [addr().L2OutputOracle, BOND, inner],
      value: BOND,
    });
    const id = await read<bigint>("proposalIdOf", [51n]);
    expect(await read("proposerOf", [51n])).toBe(target);
    const lostId = await read<bigint>("proposalIdOf", [50n]);
    await send(f.publicClient, f.game, {
      ...oracle(),
      functionName: "deleteL2Outputs",
      args: [50n, lostId, f.game.account.address],
    });
    await send(f.publicClient, f.user, {
      ...t,
      functionName: "configure",
      args: [true, zeroAddress, "0x", false],
    });
    expect(
      await revertOf(f.publicClient, f.user, { ...oracle(), functionName: "claimBond", args: [id] }),
    ).toBe("L2OutputOracle: bond transfer failed");
    await send(f.publicClient, f.user, {
      ...t,
      functionName: "configure",
      args: [false, zeroAddress, "0x", false],
    });
    await send(f.publicClient, f.user, { ...oracle(), functionName: "claimBond", args: [id] });
    expect(await f.publicClient.readContract({ ...t, functionName: "received" })).toBe(BOND);
    expect(await read("bonds", [id])).toEqual([target, 51n, true]);
  });

  test("the dispute game can be set once, by the deployer, when deployed without one", async () => {
    const { l2OutputOracleBytecode } = await import("../../contracts/artifacts/index.ts");
    const hash = await f.deployer.deployContract({
      abi: l2OutputOracleAbi,
      bytecode: l2OutputOracleBytecode,
      args: [1n, 2n, 0n, 0n, 10n, 1n, zeroAddress],
    });
    const address = (await f.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    const o = { address, abi: l2OutputOracleAbi } as const;
    const set = (a: Address) => ({ ...o, functionName: "setDisputeGame", args: [a] });
    expect(await revertOf(f.publicClient, f.user, set(f.user.account.address))).toBe(
      "L2OutputOracle: only the deployer may set the dispute game",
    );
    expect(await revertOf(f.publicClient, f.deployer, set(zeroAddress))).toBe(
      "L2OutputOracle: dispute game cannot be the zero address",
    );
    await send(f.publicClient, f.deployer, set(f.game.account.address));
    expect(await f.publicClient.readContract({ ...o, functionName: "disputeGame" })).toBe(
      f.game.account.address,
    );
    expect(await revertOf(f.publicClient, f.deployer, set(f.user.account.address))).toBe(
      "L2OutputOracle: dispute game already set",
    );
    // Constructor checks.
    const bad = async (args: readonly unknown[]) =>
      f.publicClient
        .call({
          account: f.deployer.account,
          data: (await import("viem")).encodeDeployData({
            abi: l2OutputOracleAbi,
            bytecode: l2OutputOracleBytecode,
            args,
          } as never),
        })
        .then(
          () => "ok",
          (e: Error) => e.message,
        );
    expect(await bad([0n, 2n, 0n, 0n, 10n, 1n, zeroAddress])).toContain(
      "submission interval must be greater than 0",
    );
    expect(await bad([1n, 0n, 0n, 0n, 10n, 1n, zeroAddress])).toContain(
      "L2 block time must be greater than 0",
    );
    expect(await bad([1n, 2n, 0n, 2n ** 40n, 10n, 1n, zeroAddress])).toContain("starting L2 timestamp");
    expect(await bad([1n, 2n, 0n, 0n, 10n, 0n, zeroAddress])).toContain(
      "proposal bond must be greater than 0",
    );
  });
});

describe("OptimismPortal deposits", () => {
  const portal = () => ({ address: addr().OptimismPortal, abi: optimismPortalAbi }) as const;
  const deposit = (to: Address, value: bigint, gasLimit: bigint, isCreation: boolean, data: Hex) =>
    ({
      ...portal(),
      functionName: "depositTransaction",
      args: [to, value, gasLimit, isCreation, data],
    }) as const;

  test("an EOA deposit emits TransactionDeposited with Bedrock's opaqueData packing", async () => {
    const data = toHex(crypto.getRandomValues(new Uint8Array(77)));
    const to = f.batcher.account.address;
    const r = await send(f.publicClient, f.user, {
      ...deposit(to, 123n, 100_000n, false, data),
      value: 1000n,
    });
    const [ev] = eventsOf(r, optimismPortalAbi, addr().OptimismPortal);
    expect(ev?.eventName).toBe("TransactionDeposited");
    const args = ev!.args as { from: Address; to: Address; version: bigint; opaqueData: Hex };
    expect([args.from, args.to, args.version]).toEqual([f.user.account.address, to, 0n]);
    // abi.encodePacked(uint256 mint, uint256 value, uint64 gasLimit, bool isCreation, bytes data)
    expect(args.opaqueData).toBe(
      `0x${pad(toHex(1000n)).slice(2)}${pad(toHex(123n)).slice(2)}${pad(toHex(100_000n), { size: 8 }).slice(2)}00${data.slice(2)}`,
    );
    expect(opaqueDataToDepositData(args.opaqueData)).toEqual({
      mint: 1000n,
      value: 123n,
      gas: 100_000n,
      isCreation: false,
      data,
    });
  });

  test("a contract caller deposits under its L2 alias; creation needs to = 0", async () => {
    const hash = await f.user.deployContract({ abi: testTargetAbi, bytecode: testTargetBytecode });
    const target = (await f.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    const inner = encodeFunctionData({
      abi: optimismPortalAbi,
      functionName: "depositTransaction",
      args: [zeroAddress, 0n, 200_000n, true, "0x6000"],
    });
    const r = await send(f.publicClient, f.user, {
      address: target,
      abi: testTargetAbi,
      functionName: "exec",
      args: [addr().OptimismPortal, 5n, inner],
      value: 5n,
    });
    const [ev] = eventsOf(r, optimismPortalAbi, addr().OptimismPortal);
    const args = ev!.args as { from: Address; to: Address; opaqueData: Hex };
    expect(args.from).toBe(applyL1ToL2Alias(target));
    expect(args.to).toBe(zeroAddress);
    expect(opaqueDataToDepositData(args.opaqueData)).toMatchObject({
      mint: 5n,
      isCreation: true,
      data: "0x6000",
    });
  });

  test("rejects a gas limit below the data-size minimum, oversized data and creation to an address", async () => {
    const data = toHex(new Uint8Array(100).fill(1));
    expect(
      await f.publicClient.readContract({ ...portal(), functionName: "minimumGasLimit", args: [100n] }),
    ).toBe(22_600n);
    expect(
      await revertOf(f.publicClient, f.user, deposit(f.user.account.address, 0n, 22_599n, false, data)),
    ).toBe("OptimismPortal: gas limit too small");
    await send(f.publicClient, f.user, deposit(f.user.account.address, 0n, 22_600n, false, data));
    const big = toHex(new Uint8Array(120_001));
    expect(
      await revertOf(f.publicClient, f.user, deposit(f.user.account.address, 0n, 5_000_000n, false, big)),
    ).toBe("OptimismPortal: data too large");
    expect(
      await revertOf(f.publicClient, f.user, deposit(f.user.account.address, 0n, 100_000n, true, "0x")),
    ).toBe("OptimismPortal: must send to address(0) when creating a contract");
  });

  test("plain ETH to the portal is a deposit to the sender; donateETH is not", async () => {
    const hash = await f.user.sendTransaction({ to: addr().OptimismPortal, value: 777n });
    const r = await f.publicClient.waitForTransactionReceipt({ hash });
    const [ev] = eventsOf(r, optimismPortalAbi, addr().OptimismPortal);
    const args = ev!.args as { from: Address; to: Address; opaqueData: Hex };
    expect([args.from, args.to]).toEqual([f.user.account.address, f.user.account.address]);
    expect(opaqueDataToDepositData(args.opaqueData)).toEqual({
      mint: 777n,
      value: 777n,
      gas: 100_000n,
      isCreation: false,
      data: "0x",
    });
    const d = await send(f.publicClient, f.user, { ...portal(), functionName: "donateETH", value: 5n });
    expect(d.logs.length).toBe(0);
  });

  test("deposit gas is metered: at most MAX_RESOURCE_LIMIT per L1 block, priced by params()", async () => {
    expect(
      await revertOf(f.publicClient, f.user, deposit(f.user.account.address, 0n, 20_000_001n, false, "0x")),
    ).toBe("ResourceMetering: cannot buy more gas than available gas limit");
    const r = await send(
      f.publicClient,
      f.user,
      deposit(f.user.account.address, 0n, 15_000_000n, false, "0x"),
    );
    const [prevBaseFee, prevBoughtGas, prevBlockNum] = await f.publicClient.readContract({
      ...portal(),
      functionName: "params",
    });
    expect(prevBoughtGas).toBe(15_000_000n);
    expect(prevBlockNum).toBe(r.blockNumber);
    expect(prevBaseFee).toBeGreaterThanOrEqual(parseGwei("1"));
    // Buying above target raises the price in the next block.
    await send(f.publicClient, f.user, deposit(f.user.account.address, 0n, 100_000n, false, "0x"));
    const [nextBaseFee] = await f.publicClient.readContract({ ...portal(), functionName: "params" });
    expect(nextBaseFee).toBeGreaterThan(prevBaseFee);
  });

  test("a gas estimate made blocks before the deposit lands stays enough (wallets estimate exactly)", async () => {
    const d = deposit(f.user.account.address, 0n, 100_000n, false, "0x");
    const short: string[] = [];
    for (let gap = 1; gap <= 5; gap++) {
      for (let late = 1; late <= 5; late++) {
        await send(f.publicClient, f.user, d); // the market's last block is now this one
        await f.testClient.mine({ blocks: gap });
        const est = await f.publicClient.estimateContractGas({ ...d, account: f.user.account });
        await f.testClient.mine({ blocks: late });
        const r = await send(f.publicClient, f.user, { ...d, gas: est }, { allowRevert: true });
        // The burn is what makes the gas used depend on the block: it must have run.
        const block = await f.publicClient.getBlock({ blockNumber: r.blockNumber });
        expect(block.baseFeePerGas!).toBeLessThan(parseGwei("1"));
        if (r.status !== "success")
          short.push(`estimated ${gap} blocks after the last deposit, landed ${late} later`);
      }
    }
    expect(short).toEqual([]);
  });

  test("getters", async () => {
    const read = (functionName: string) =>
      f.publicClient.readContract({ ...portal(), functionName } as never) as Promise<unknown>;
    expect(await read("version")).toBe("2.0.0");
    expect(await read("l2Oracle")).toBe(addr().L2OutputOracle);
    expect(await read("L2_ORACLE")).toBe(addr().L2OutputOracle);
    expect(await read("systemConfig")).toBe(addr().SystemConfig);
    expect(await read("SYSTEM_CONFIG")).toBe(addr().SystemConfig);
    expect(await read("l2Sender")).toBe("0x000000000000000000000000000000000000dEaD");
  });
});

describe("deploy script", () => {
  test("the CLI deploys to an RPC URL and writes the addresses to JSON", async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { spawnSync } = await import("node:child_process");
    const { ANVIL_KEYS } = await import("../helpers/anvil.ts");
    const dir = mkdtempSync(join(tmpdir(), "ore-deploy-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ proposalBond: "7", submissionInterval: 5 }));
    const out = join(dir, "l1.json");
    const r = spawnSync(
      process.execPath,
      [
        join(import.meta.dir, "..", "..", "contracts", "deploy.ts"),
        "--rpc-url",
        f.anvil.rpcUrl,
        "--config",
        join(dir, "config.json"),
        "--out",
        out,
      ],
      { encoding: "utf8", env: { ...process.env, ORE_DEPLOYER_KEY: ANVIL_KEYS[4] } },
    );
    expect(r.status).toBe(0);
    const d = JSON.parse(readFileSync(out, "utf8"));
    expect(d.l1ChainId).toBe(f.anvil.chainId);
    expect(d.deployer).toBe(f.user.account.address);
    expect(d.config.proposalBond).toBe("7");
    expect(Object.keys(d.addresses).sort()).toEqual([
      "BatchFeed",
      "L1CrossDomainMessenger",
      "L1StandardBridge",
      "L2OutputOracle",
      "OptimismPortal",
      "SystemConfig",
    ]);
    const oracle = d.addresses.L2OutputOracle as Address;
    expect(
      await f.publicClient.readContract({
        address: oracle,
        abi: l2OutputOracleAbi,
        functionName: "SUBMISSION_INTERVAL",
      }),
    ).toBe(5n);
    expect(
      await f.publicClient.readContract({
        address: d.addresses.OptimismPortal as Address,
        abi: optimismPortalAbi,
        functionName: "l2Oracle",
      }),
    ).toBe(oracle);
  });
});
