/**
 * End-to-end tests of L1CrossDomainMessenger and L1StandardBridge against a real anvil:
 * messages to L2 (deposits through the portal), messages from L2 (withdrawals proven with Ore's
 * MPT and relayed), failed-message replay, reentrancy through a relayed call, ETH deposits and
 * withdrawals, and an ERC-20 round trip with a token the test deploys.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  parseEther,
  zeroAddress,
} from "viem";
import { opaqueDataToDepositData } from "viem/op-stack";
import {
  l1CrossDomainMessengerAbi,
  l1StandardBridgeAbi,
  optimismPortalAbi,
  testERC20Abi,
  testERC20Bytecode,
  testTargetAbi,
  testTargetBytecode,
} from "../../contracts/artifacts/index.ts";
import { L2_PREDEPLOYS } from "../../contracts/deploy.ts";
import {
  applyL1ToL2Alias,
  eventsOf,
  type L1Fixture,
  revertOf,
  send,
  setupL1,
  WithdrawalHarness,
} from "../../contracts/testing.ts";
import type { WithdrawalTransaction } from "../../contracts/withdrawals.ts";

let f: L1Fixture;
let h: WithdrawalHarness;
const L2_USER: Address = getAddress("0x00000000000000000000000000000000000a11ce");
const L2_TOKEN: Address = getAddress("0x000000000000000000000000000000000000e2c0");

beforeAll(async () => {
  f = await setupL1({
    submissionInterval: 10n,
    l2BlockTime: 1n,
    startingTimestamp: BigInt(Math.floor(Date.now() / 1000)) - 100_000n,
    finalizationPeriodSeconds: 600n,
    proposalBond: parseEther("0.01"),
  });
  h = new WithdrawalHarness(f);
  await send(f.publicClient, f.deployer, {
    address: f.deployment.addresses.OptimismPortal,
    abi: optimismPortalAbi,
    functionName: "donateETH",
    value: parseEther("10"),
  });
});

afterAll(async () => {
  await f?.stop();
});

const messenger = () =>
  ({ address: f.deployment.addresses.L1CrossDomainMessenger, abi: l1CrossDomainMessengerAbi }) as const;
const bridge = () =>
  ({ address: f.deployment.addresses.L1StandardBridge, abi: l1StandardBridgeAbi }) as const;
const portalAddress = () => f.deployment.addresses.OptimismPortal;

async function deploy(
  abi: typeof testTargetAbi | typeof testERC20Abi,
  bytecode: Hex,
  args: readonly unknown[] = [],
) {
  const hash = await f.user.deployContract({ abi, bytecode, args } as never);
  return getAddress((await f.publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
}

/** `relayMessage` calldata, whose keccak256 is the message's version-1 hash. */
function relayCalldata(m: {
  nonce: bigint;
  sender: Address;
  target: Address;
  value: bigint;
  minGas: bigint;
  message: Hex;
}) {
  return encodeFunctionData({
    abi: l1CrossDomainMessengerAbi,
    functionName: "relayMessage",
    args: [m.nonce, m.sender, m.target, m.value, m.minGas, m.message],
  });
}

let l2MessageNonce = 0n;

/**
 * A message the L2 messenger sent to L1: wrapped in the withdrawal the message passer records
 * (sender = L2CrossDomainMessenger, target = L1 messenger), published and proven.
 */
async function provenMessage(
  sender: Address,
  target: Address,
  value: bigint,
  message: Hex,
  minGas = 200_000n,
) {
  const m = { nonce: (1n << 240n) | l2MessageNonce++, sender, target, value, minGas, message };
  const data = relayCalldata(m);
  const tx: WithdrawalTransaction = h.withdrawal({
    sender: L2_PREDEPLOYS.L2CrossDomainMessenger,
    target: messenger().address,
    value,
    gasLimit: 600_000n + minGas,
    data,
  });
  h.add(tx);
  const index = await h.publish();
  await h.prove(tx, index);
  return { tx, m, msgHash: keccak256(data) };
}

describe("L1CrossDomainMessenger", () => {
  test("sendMessage deposits a relayMessage call to the L2 messenger, with baseGas and a versioned nonce", async () => {
    const message: Hex = "0x1234abcd";
    const target = L2_USER;
    for (const n of [0n, 1n]) {
      const r = await send(f.publicClient, f.user, {
        ...messenger(),
        functionName: "sendMessage",
        args: [target, message, 100_000],
        value: 5n,
      });
      const nonce = (1n << 240n) | n;
      const evs = eventsOf(r, l1CrossDomainMessengerAbi, messenger().address);
      expect(evs).toEqual([
        {
          eventName: "SentMessage",
          args: { target, sender: f.user.account.address, message, messageNonce: nonce, gasLimit: 100_000n },
        },
        { eventName: "SentMessageExtension1", args: { sender: f.user.account.address, value: 5n } },
      ] as never);
      const [dep] = eventsOf(r, optimismPortalAbi, portalAddress());
      const args = dep!.args as { from: Address; to: Address; opaqueData: Hex };
      expect(args.from).toBe(applyL1ToL2Alias(messenger().address));
      expect(args.to).toBe(L2_PREDEPLOYS.L2CrossDomainMessenger);
      const baseGas = 200_000n + 4n * 16n + (100_000n * 64n) / 63n + 40_000n + 40_000n + 5_000n;
      expect(
        await f.publicClient.readContract({
          ...messenger(),
          functionName: "baseGas",
          args: [message, 100_000],
        }),
      ).toBe(baseGas);
      expect(opaqueDataToDepositData(args.opaqueData)).toEqual({
        mint: 5n,
        value: 5n,
        gas: baseGas,
        isCreation: false,
        data: relayCalldata({
          nonce,
          sender: f.user.account.address,
          target,
          value: 5n,
          minGas: 100_000n,
          message,
        }),
      });
    }
    expect(await f.publicClient.readContract({ ...messenger(), functionName: "messageNonce" })).toBe(
      (1n << 240n) | 2n,
    );
  });

  test("relays a message from the L2 messenger; the target sees xDomainMessageSender", async () => {
    const target = await deploy(testTargetAbi, testTargetBytecode);
    const inner = encodeFunctionData({
      abi: l1CrossDomainMessengerAbi,
      functionName: "xDomainMessageSender",
    });
    await send(f.publicClient, f.user, {
      address: target,
      abi: testTargetAbi,
      functionName: "configure",
      args: [false, messenger().address, inner, true],
    });
    const { tx, msgHash } = await provenMessage(L2_USER, target, 42n, "0xfeed");
    await h.mature();
    const r = await h.finalize(tx);
    expect(eventsOf(r, l1CrossDomainMessengerAbi, messenger().address)).toEqual([
      { eventName: "RelayedMessage", args: { msgHash } },
    ] as never);
    expect(
      await f.publicClient.readContract({
        ...messenger(),
        functionName: "successfulMessages",
        args: [msgHash],
      }),
    ).toBe(true);
    const t = { address: target, abi: testTargetAbi } as const;
    expect(await f.publicClient.readContract({ ...t, functionName: "lastInnerReturn" })).toBe(
      encodeAbiParameters([{ type: "address" }], [L2_USER]),
    );
    expect(await f.publicClient.readContract({ ...t, functionName: "received" })).toBe(42n);
    expect(
      await revertOf(f.publicClient, f.user, { ...messenger(), functionName: "xDomainMessageSender" }),
    ).toBe("CrossDomainMessenger: xDomainMessageSender is not set");
  });

  test("a failed message keeps its ETH and is replayable by anyone, once, without value", async () => {
    const target = await deploy(testTargetAbi, testTargetBytecode);
    const t = { address: target, abi: testTargetAbi } as const;
    await send(f.publicClient, f.user, {
      ...t,
      functionName: "configure",
      args: [true, zeroAddress, "0x", false],
    });
    const { tx, m, msgHash } = await provenMessage(L2_USER, target, 99n, "0x01");
    await h.mature();
    const r = await h.finalize(tx);
    expect(eventsOf(r, l1CrossDomainMessengerAbi, messenger().address)).toEqual([
      { eventName: "FailedRelayedMessage", args: { msgHash } },
    ] as never);
    // The withdrawal itself succeeded: the messenger recorded the failure and holds the ETH.
    expect(eventsOf(r, optimismPortalAbi, portalAddress())[0]?.args).toMatchObject({ success: true });
    expect(
      await f.publicClient.readContract({ ...messenger(), functionName: "failedMessages", args: [msgHash] }),
    ).toBe(true);
    expect(await f.publicClient.getBalance({ address: messenger().address })).toBe(99n);

    const replay = (value = 0n) =>
      ({
        ...messenger(),
        functionName: "relayMessage",
        args: [m.nonce, m.sender, m.target, m.value, m.minGas, m.message],
        value,
        // Explicit gas: estimation would find the least gas at which the relay *records a
        // failure* (it does not revert), as with Bedrock's messenger.
        gas: 1_000_000n,
      }) as const;
    expect(await revertOf(f.publicClient, f.user, replay(99n))).toBe(
      "CrossDomainMessenger: value must be zero unless message is from a system address",
    );
    // Still failing: recorded again, nothing paid.
    await send(f.publicClient, f.deployer, replay());
    expect(await f.publicClient.getBalance({ address: messenger().address })).toBe(99n);

    await send(f.publicClient, f.user, {
      ...t,
      functionName: "configure",
      args: [false, zeroAddress, "0x", false],
    });
    const ok = await send(f.publicClient, f.deployer, replay());
    expect(eventsOf(ok, l1CrossDomainMessengerAbi, messenger().address)).toEqual([
      { eventName: "RelayedMessage", args: { msgHash } },
    ] as never);
    expect(await f.publicClient.readContract({ ...t, functionName: "received" })).toBe(99n);
    expect(await revertOf(f.publicClient, f.user, replay())).toBe(
      "CrossDomainMessenger: message has already been relayed",
    );
  });

  test("rejects unknown messages, wrong versions and blocked targets", async () => {
    const args = (nonce: bigint, target: Address) => [nonce, L2_USER, target, 0n, 0n, "0x"] as const;
    expect(
      await revertOf(f.publicClient, f.user, {
        ...messenger(),
        functionName: "relayMessage",
        args: args(1n << 240n, L2_USER),
      }),
    ).toBe("CrossDomainMessenger: message cannot be replayed");
    expect(
      await revertOf(f.publicClient, f.user, {
        ...messenger(),
        functionName: "relayMessage",
        args: args(5n, L2_USER),
      }),
    ).toBe("CrossDomainMessenger: only version 1 messages are supported at this time");
    // A message from L2 aimed at the portal fails inside the withdrawal, which records it.
    const { tx } = await provenMessage(L2_USER, portalAddress(), 0n, "0x");
    const { tx: tx2 } = await provenMessage(L2_USER, messenger().address, 0n, "0x");
    await h.mature();
    for (const w of [tx, tx2]) {
      const r = await send(f.publicClient, f.user, {
        address: portalAddress(),
        abi: optimismPortalAbi,
        functionName: "finalizeWithdrawalTransaction",
        args: [w],
        gas: 2_000_000n,
      });
      expect(eventsOf(r, optimismPortalAbi, portalAddress())[0]?.args).toMatchObject({ success: false });
    }
    // A withdrawal to the messenger from anyone but the L2 messenger is not a delivery.
    const forged = h.withdrawal({
      sender: L2_USER,
      target: messenger().address,
      value: 0n,
      gasLimit: 500_000n,
      data: relayCalldata({
        nonce: 1n << 240n,
        sender: L2_USER,
        target: L2_USER,
        value: 0n,
        minGas: 0n,
        message: "0x",
      }),
    });
    h.add(forged);
    await h.prove(forged, await h.publish());
    await h.mature();
    const r = await send(f.publicClient, f.user, {
      address: portalAddress(),
      abi: optimismPortalAbi,
      functionName: "finalizeWithdrawalTransaction",
      args: [forged],
      gas: 2_000_000n,
    });
    expect(eventsOf(r, optimismPortalAbi, portalAddress())[0]?.args).toMatchObject({ success: false });
  });

  test("a relayed call cannot re-enter relayMessage: the inner relay is recorded as failed", async () => {
    const victimTarget = await deploy(testTargetAbi, testTargetBytecode);
    await send(f.publicClient, f.user, {
      address: victimTarget,
      abi: testTargetAbi,
      functionName: "configure",
      args: [true, zeroAddress, "0x", false],
    });
    const victim = await provenMessage(L2_USER, victimTarget, 0n, "0x");
    await h.mature();
    await h.finalize(victim.tx); // fails: now replayable
    await send(f.publicClient, f.user, {
      address: victimTarget,
      abi: testTargetAbi,
      functionName: "configure",
      args: [false, zeroAddress, "0x", false],
    });
    const attacker = await deploy(testTargetAbi, testTargetBytecode);
    const v = victim.m;
    const inner = encodeFunctionData({
      abi: l1CrossDomainMessengerAbi,
      functionName: "relayMessage",
      args: [v.nonce, v.sender, v.target, v.value, v.minGas, v.message],
    });
    await send(f.publicClient, f.user, {
      address: attacker,
      abi: testTargetAbi,
      functionName: "configure",
      args: [false, messenger().address, inner, false],
    });
    const outer = await provenMessage(L2_USER, attacker, 0n, "0x", 400_000n);
    await h.mature();
    const r = await h.finalize(outer.tx);
    expect(eventsOf(r, l1CrossDomainMessengerAbi, messenger().address)).toEqual([
      { eventName: "FailedRelayedMessage", args: { msgHash: victim.msgHash } },
      { eventName: "RelayedMessage", args: { msgHash: outer.msgHash } },
    ] as never);
    expect(
      await f.publicClient.readContract({
        ...messenger(),
        functionName: "successfulMessages",
        args: [victim.msgHash],
      }),
    ).toBe(false);
    // Outside the relay, the victim replays normally.
    await send(f.publicClient, f.user, {
      ...messenger(),
      functionName: "relayMessage",
      args: [v.nonce, v.sender, v.target, v.value, v.minGas, v.message],
      gas: 1_000_000n,
    });
    expect(
      await f.publicClient.readContract({
        ...messenger(),
        functionName: "successfulMessages",
        args: [victim.msgHash],
      }),
    ).toBe(true);
  });

  test("getters", async () => {
    const read = (functionName: string) =>
      f.publicClient.readContract({ ...messenger(), functionName } as never) as Promise<unknown>;
    expect(await read("PORTAL")).toBe(portalAddress());
    expect(await read("portal")).toBe(portalAddress());
    expect(await read("OTHER_MESSENGER")).toBe(L2_PREDEPLOYS.L2CrossDomainMessenger);
    expect(await read("otherMessenger")).toBe(L2_PREDEPLOYS.L2CrossDomainMessenger);
    expect(await read("MESSAGE_VERSION")).toBe(1);
    expect(await read("version")).toBe("2.0.0");
  });
});

describe("L1StandardBridge", () => {
  /** The bridge's message to the L2 bridge in a deposit receipt, decoded from the portal event. */
  function bridgeMessage(r: Awaited<ReturnType<typeof send>>): Hex {
    const [sent] = eventsOf(r, l1CrossDomainMessengerAbi, messenger().address);
    expect(sent?.eventName).toBe("SentMessage");
    const args = sent!.args as { target: Address; sender: Address; message: Hex };
    expect(args.target).toBe(L2_PREDEPLOYS.L2StandardBridge);
    expect(args.sender).toBe(bridge().address);
    return args.message;
  }

  test("depositETH / depositETHTo / bridgeETH / receive send finalizeBridgeETH to the L2 bridge", async () => {
    const me = f.user.account.address;
    const cases = [
      ["depositETH", [300_000, "0x01"], me, "0x01"],
      ["depositETHTo", [L2_USER, 300_000, "0x"], L2_USER, "0x"],
      ["bridgeETH", [300_000, "0x"], me, "0x"],
      ["bridgeETHTo", [L2_USER, 300_000, "0x02"], L2_USER, "0x02"],
    ] as const;
    for (const [functionName, args, to, extra] of cases) {
      const r = await send(f.publicClient, f.user, { ...bridge(), functionName, args, value: 1000n });
      expect(bridgeMessage(r)).toBe(
        encodeFunctionData({
          abi: l1StandardBridgeAbi,
          functionName: "finalizeBridgeETH",
          args: [me, to, 1000n, extra],
        }),
      );
      const evs = eventsOf(r, l1StandardBridgeAbi, bridge().address).map((e) => e.eventName);
      expect(evs).toEqual(["ETHDepositInitiated", "ETHBridgeInitiated"]);
    }
    const hash = await f.user.sendTransaction({ to: bridge().address, value: 9n });
    const r = await f.publicClient.waitForTransactionReceipt({ hash });
    expect(bridgeMessage(r)).toBe(
      encodeFunctionData({
        abi: l1StandardBridgeAbi,
        functionName: "finalizeBridgeETH",
        args: [me, me, 9n, "0x"],
      }),
    );
    expect(await f.publicClient.getBalance({ address: bridge().address })).toBe(0n);
  });

  test("the EOA-only entry points refuse contracts", async () => {
    const target = await deploy(testTargetAbi, testTargetBytecode);
    for (const inner of [
      encodeFunctionData({ abi: l1StandardBridgeAbi, functionName: "depositETH", args: [100_000, "0x"] }),
      encodeFunctionData({
        abi: l1StandardBridgeAbi,
        functionName: "depositERC20",
        args: [zeroAddress, L2_TOKEN, 1n, 100_000, "0x"],
      }),
    ]) {
      expect(
        await revertOf(f.publicClient, f.user, {
          address: target,
          abi: testTargetAbi,
          functionName: "exec",
          args: [bridge().address, 0n, inner],
        }),
      ).toBe("StandardBridge: function can only be called from an EOA");
    }
  });

  test("finalize functions only accept the L2 bridge through the messenger", async () => {
    expect(
      await revertOf(f.publicClient, f.user, {
        ...bridge(),
        functionName: "finalizeBridgeETH",
        args: [L2_USER, L2_USER, 1n, "0x"],
        value: 1n,
      }),
    ).toBe("StandardBridge: function can only be called from the other bridge");
    expect(
      await revertOf(f.publicClient, f.user, {
        ...bridge(),
        functionName: "finalizeERC20Withdrawal",
        args: [zeroAddress, L2_TOKEN, L2_USER, L2_USER, 1n, "0x"],
      }),
    ).toBe("StandardBridge: function can only be called from the other bridge");
    // From the messenger but on behalf of another L2 sender: the message fails, replayable.
    const { tx, msgHash } = await provenMessage(
      L2_USER,
      bridge().address,
      0n,
      encodeFunctionData({
        abi: l1StandardBridgeAbi,
        functionName: "finalizeBridgeETH",
        args: [L2_USER, L2_USER, 0n, "0x"],
      }),
    );
    await h.mature();
    const r = await h.finalize(tx);
    expect(eventsOf(r, l1CrossDomainMessengerAbi, messenger().address)).toEqual([
      { eventName: "FailedRelayedMessage", args: { msgHash } },
    ] as never);
  });

  test("ETH withdrawal: the L2 bridge's message pays the recipient (legacy finalizeETHWithdrawal name)", async () => {
    const to: Address = getAddress("0x000000000000000000000000000000000000cafe");
    const message = encodeFunctionData({
      abi: l1StandardBridgeAbi,
      functionName: "finalizeETHWithdrawal",
      args: [L2_USER, to, 5000n, "0x"],
    });
    const { tx } = await provenMessage(L2_PREDEPLOYS.L2StandardBridge, bridge().address, 5000n, message);
    await h.mature();
    const r = await h.finalize(tx);
    expect(eventsOf(r, l1StandardBridgeAbi, bridge().address).map((e) => e.eventName)).toEqual([
      "ETHWithdrawalFinalized",
      "ETHBridgeFinalized",
    ]);
    expect(await f.publicClient.getBalance({ address: to })).toBe(5000n);
    // Amount mismatch and forbidden recipients fail the message (replayable, nothing paid).
    for (const [value, args] of [
      [1n, [L2_USER, to, 2n, "0x"]],
      [1n, [L2_USER, bridge().address, 1n, "0x"]],
      [1n, [L2_USER, messenger().address, 1n, "0x"]],
    ] as const) {
      const msg = encodeFunctionData({ abi: l1StandardBridgeAbi, functionName: "finalizeBridgeETH", args });
      const p = await provenMessage(L2_PREDEPLOYS.L2StandardBridge, bridge().address, value, msg);
      await h.mature();
      const rr = await h.finalize(p.tx);
      expect(eventsOf(rr, l1CrossDomainMessengerAbi, messenger().address)[0]?.eventName).toBe(
        "FailedRelayedMessage",
      );
    }
  });

  test("ERC-20 round trip: deposit escrows per token pair, the L2 bridge's withdrawal releases it", async () => {
    const token = await deploy(testERC20Abi, testERC20Bytecode, ["Test", "TST"]);
    const erc = { address: token, abi: testERC20Abi } as const;
    const me = f.user.account.address;
    await send(f.publicClient, f.user, { ...erc, functionName: "mint", args: [me, 1000n] });
    await send(f.publicClient, f.user, { ...erc, functionName: "approve", args: [bridge().address, 1000n] });

    const r = await send(f.publicClient, f.user, {
      ...bridge(),
      functionName: "depositERC20",
      args: [token, L2_TOKEN, 600n, 200_000, "0xaa"],
    });
    expect(bridgeMessage(r)).toBe(
      encodeFunctionData({
        abi: l1StandardBridgeAbi,
        functionName: "finalizeBridgeERC20",
        // On L2 the L2 token is local and the L1 token remote.
        args: [L2_TOKEN, token, me, me, 600n, "0xaa"],
      }),
    );
    expect(eventsOf(r, l1StandardBridgeAbi, bridge().address)).toEqual([
      {
        eventName: "ERC20DepositInitiated",
        args: { l1Token: token, l2Token: L2_TOKEN, from: me, to: me, amount: 600n, extraData: "0xaa" },
      },
      {
        eventName: "ERC20BridgeInitiated",
        args: { localToken: token, remoteToken: L2_TOKEN, from: me, to: me, amount: 600n, extraData: "0xaa" },
      },
    ] as never);
    await send(f.publicClient, f.user, {
      ...bridge(),
      functionName: "depositERC20To",
      args: [token, L2_TOKEN, L2_USER, 400n, 200_000, "0x"],
    });
    expect(
      await f.publicClient.readContract({ ...bridge(), functionName: "deposits", args: [token, L2_TOKEN] }),
    ).toBe(1000n);
    expect(
      await f.publicClient.readContract({ ...erc, functionName: "balanceOf", args: [bridge().address] }),
    ).toBe(1000n);
    // Not approved any more.
    expect(
      await revertOf(f.publicClient, f.user, {
        ...bridge(),
        functionName: "depositERC20",
        args: [token, L2_TOKEN, 1n, 200_000, "0x"],
      }),
    ).toBe("SafeERC20: token transfer failed");

    // A "token" without code, and a fee-on-transfer token, are refused.
    expect(
      await revertOf(f.publicClient, f.user, {
        ...bridge(),
        functionName: "depositERC20",
        args: [L2_USER, L2_TOKEN, 1n, 200_000, "0x"],
      }),
    ).toBe("StandardBridge: token has no code");
    const feeToken = await deploy(testERC20Abi, testERC20Bytecode, ["Fee", "FEE"]);
    const fee = { address: feeToken, abi: testERC20Abi } as const;
    await send(f.publicClient, f.user, { ...fee, functionName: "mint", args: [me, 100n] });
    await send(f.publicClient, f.user, { ...fee, functionName: "approve", args: [bridge().address, 100n] });
    await send(f.publicClient, f.user, { ...fee, functionName: "setTransferFee", args: [1n] });
    expect(
      await revertOf(f.publicClient, f.user, {
        ...bridge(),
        functionName: "depositERC20",
        args: [feeToken, L2_TOKEN, 10n, 200_000, "0x"],
      }),
    ).toBe("StandardBridge: fee-on-transfer tokens are not supported");

    // Back from L2: 700 of the 1000 to a fresh L1 account, through the legacy name.
    const to: Address = getAddress("0x000000000000000000000000000000000000d00d");
    const withdraw = (amount: bigint, l2Token = L2_TOKEN) =>
      encodeFunctionData({
        abi: l1StandardBridgeAbi,
        functionName: "finalizeERC20Withdrawal",
        args: [token, l2Token, L2_USER, to, amount, "0x"],
      });
    const ok = await provenMessage(L2_PREDEPLOYS.L2StandardBridge, bridge().address, 0n, withdraw(700n));
    // More than was deposited for the pair, and a pair that never received deposits: both fail.
    const tooMuch = await provenMessage(L2_PREDEPLOYS.L2StandardBridge, bridge().address, 0n, withdraw(301n));
    const otherPair = await provenMessage(
      L2_PREDEPLOYS.L2StandardBridge,
      bridge().address,
      0n,
      withdraw(1n, getAddress("0x000000000000000000000000000000000000e2c1")),
    );
    await h.mature();
    const fr = await h.finalize(ok.tx);
    expect(eventsOf(fr, l1StandardBridgeAbi, bridge().address)).toEqual([
      {
        eventName: "ERC20WithdrawalFinalized",
        args: { l1Token: token, l2Token: L2_TOKEN, from: L2_USER, to, amount: 700n, extraData: "0x" },
      },
      {
        eventName: "ERC20BridgeFinalized",
        args: { localToken: token, remoteToken: L2_TOKEN, from: L2_USER, to, amount: 700n, extraData: "0x" },
      },
    ] as never);
    expect(await f.publicClient.readContract({ ...erc, functionName: "balanceOf", args: [to] })).toBe(700n);
    for (const p of [tooMuch, otherPair]) {
      const rr = await h.finalize(p.tx);
      expect(eventsOf(rr, l1CrossDomainMessengerAbi, messenger().address)).toEqual([
        { eventName: "FailedRelayedMessage", args: { msgHash: p.msgHash } },
      ] as never);
    }
    expect(
      await f.publicClient.readContract({ ...bridge(), functionName: "deposits", args: [token, L2_TOKEN] }),
    ).toBe(300n);
    expect(
      await f.publicClient.readContract({ ...erc, functionName: "balanceOf", args: [bridge().address] }),
    ).toBe(300n);
  });

  test("getters", async () => {
    const read = (functionName: string) =>
      f.publicClient.readContract({ ...bridge(), functionName } as never) as Promise<unknown>;
    expect(await read("MESSENGER")).toBe(messenger().address);
    expect(await read("messenger")).toBe(messenger().address);
    expect(await read("OTHER_BRIDGE")).toBe(L2_PREDEPLOYS.L2StandardBridge);
    expect(await read("otherBridge")).toBe(L2_PREDEPLOYS.L2StandardBridge);
    expect(await read("l2TokenBridge")).toBe(L2_PREDEPLOYS.L2StandardBridge);
    expect(await read("version")).toBe("2.0.0");
  });
});
