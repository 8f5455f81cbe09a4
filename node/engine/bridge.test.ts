import { beforeAll, describe, expect, test } from "bun:test";
import { decodeEventLog, decodeFunctionData, encodeFunctionData, type Hex } from "viem";
import { l1StandardBridgeAbi } from "../../contracts/artifacts/L1StandardBridge.ts";
import { l2CrossDomainMessengerAbi } from "../../contracts/artifacts/L2CrossDomainMessenger.ts";
import { l2StandardBridgeAbi } from "../../contracts/artifacts/L2StandardBridge.ts";
import { l2ToL1MessagePasserAbi } from "../../contracts/artifacts/L2ToL1MessagePasser.ts";
import { optimismMintableERC20Abi } from "../../contracts/artifacts/OptimismMintableERC20.ts";
import { optimismMintableERC20FactoryAbi } from "../../contracts/artifacts/OptimismMintableERC20Factory.ts";
import { testERC20DeployedBytecode } from "../../contracts/artifacts/TestERC20.ts";
import { fromHex, toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { PREDEPLOYS } from "../../core/engine/predeploys.ts";
import { userDepositSourceHash } from "../../core/engine/sourceHash.ts";
import {
  attributes,
  build,
  DEV_ADDRESSES,
  head,
  type Payload,
  signedTx,
  type TestEngine,
  testEngine,
  useCommon,
} from "./testing.ts";

const L1_MESSENGER = "0x1000000000000000000000000000000000000001";
const L1_BRIDGE = "0x1000000000000000000000000000000000000002";
const L1_TOKEN = "0x1000000000000000000000000000000000000003";
const PLAIN_TOKEN = "0x00000000000000000000000000000000000000d1"; // an ordinary ERC-20 on L2
const BRIDGE = toHex(PREDEPLOYS.L2StandardBridge);
const MESSENGER = toHex(PREDEPLOYS.L2CrossDomainMessenger);
const ALICE = DEV_ADDRESSES[0]! as Hex;
const BOB = DEV_ADDRESSES[1]! as Hex;

let e: TestEngine;
let nonce = 0n;
let relayNonce = 0n;
let logIndex = 0;

/** The L1 messenger's aliased address (its deposits' `from`). */
function alias(a: string): Uint8Array {
  const v = (BigInt(a) + 0x1111000000000000000000000000000000001111n) % (1n << 160n);
  return fromHex(`0x${v.toString(16).padStart(40, "0")}`);
}

/** A deposit as the L1 messenger sends it: relayMessage(…) of `message` (and `value` wei) from the L1 bridge. */
function relay(message: Hex, value = 0n): Uint8Array {
  const data = encodeFunctionData({
    abi: l2CrossDomainMessengerAbi,
    functionName: "relayMessage",
    args: [(1n << 240n) | relayNonce++, L1_BRIDGE, BRIDGE, value, 200_000n, message],
  });
  return encodeDeposit({
    sourceHash: userDepositSourceHash(new Uint8Array(32).fill(0xcc), logIndex++),
    from: alias(L1_MESSENGER),
    to: PREDEPLOYS.L2CrossDomainMessenger,
    mint: value,
    value,
    gas: 1_000_000n,
    isSystemTx: false,
    data: fromHex(data),
  });
}

/** Builds a block with `txs` (deposits first) and returns its receipts after the L1 info one. */
async function block(txs: Uint8Array[]): Promise<Payload[]> {
  const h = head(e);
  const p = await build(e, h.hash, attributes(h.timestamp + 2n, txs));
  return (await e.call<Payload[]>("eth_getBlockReceipts", p.blockNumber)).slice(1);
}

function userTx(to: string, data: Hex, gasLimit = 300_000n, value = 0n): Uint8Array {
  return signedTx(0, { nonce: nonce++, to, data: fromHex(data), gasLimit, value });
}

async function balanceOf(token: string, who: Hex): Promise<bigint> {
  const data = encodeFunctionData({ abi: optimismMintableERC20Abi, functionName: "balanceOf", args: [who] });
  return BigInt(await e.call<string>("eth_call", { to: token, data }, "latest"));
}

/** Names of the events in `r` that `abi` decodes, in log order. */
function names(r: Payload, abi: typeof l2CrossDomainMessengerAbi | typeof l2StandardBridgeAbi): string[] {
  return r.logs.flatMap((l: Payload) => {
    try {
      return [decodeEventLog({ abi, data: l.data, topics: l.topics }).eventName];
    } catch {
      return [];
    }
  });
}

async function ethBalance(who: string): Promise<bigint> {
  return BigInt(await e.call<string>("eth_getBalance", who, "latest"));
}

let l2Token: Hex;

describe("L2 ERC-20 bridge", () => {
  beforeAll(async () => {
    e = await testEngine(
      ":memory:",
      { [PLAIN_TOKEN]: { code: testERC20DeployedBytecode } },
      { l1CrossDomainMessenger: L1_MESSENGER, l1StandardBridge: L1_BRIDGE },
    );
    useCommon(e.chain);
  });

  test("the factory creates an OptimismMintableERC20 for an L1 token, once", async () => {
    const create = encodeFunctionData({
      abi: optimismMintableERC20FactoryAbi,
      functionName: "createOptimismMintableERC20",
      args: [L1_TOKEN, "Test Token", "TST"],
    });
    const [r] = await block([userTx(toHex(PREDEPLOYS.OptimismMintableERC20Factory), create, 3_000_000n)]);
    expect(r!.status).toBe("0x1");
    const created = r!.logs
      .map((l: Payload) =>
        decodeEventLog({ abi: optimismMintableERC20FactoryAbi, data: l.data, topics: l.topics }),
      )
      .find((ev: { eventName: string }) => ev.eventName === "OptimismMintableERC20Created")!;
    l2Token = (created.args as { localToken: Hex }).localToken;
    const read = async (functionName: "remoteToken" | "bridge" | "l1Token" | "decimals" | "symbol") =>
      e.call<string>("eth_call", {
        to: l2Token,
        data: encodeFunctionData({ abi: optimismMintableERC20Abi, functionName }),
      });
    expect(BigInt(await read("remoteToken"))).toBe(BigInt(L1_TOKEN));
    expect(BigInt(await read("l1Token"))).toBe(BigInt(L1_TOKEN));
    expect(BigInt(await read("bridge"))).toBe(BigInt(BRIDGE));
    expect(BigInt(await read("decimals"))).toBe(18n);
    for (const id of ["0x01ffc9a7", "0xec4fc8e3", "0x1d1d8b63"] as const) {
      const data = encodeFunctionData({
        abi: optimismMintableERC20Abi,
        functionName: "supportsInterface",
        args: [id],
      });
      expect(BigInt(await e.call<string>("eth_call", { to: l2Token, data }))).toBe(1n);
    }
    // The same token again collides (CREATE2 salt of remote token, name, symbol, decimals).
    const [again] = await block([userTx(toHex(PREDEPLOYS.OptimismMintableERC20Factory), create, 3_000_000n)]);
    expect(again!.status).toBe("0x0");
  });

  test("a deposit relayed from the L1 bridge mints; a wrong token pair fails and stays replayable", async () => {
    const finalize = (local: Hex, remote: Hex, amount: bigint) =>
      encodeFunctionData({
        abi: l2StandardBridgeAbi,
        functionName: "finalizeBridgeERC20",
        args: [local, remote, ALICE, BOB, amount, "0x"],
      });
    const rs = await block([relay(finalize(l2Token, L1_TOKEN, 1000n)), relay(finalize(l2Token, BOB, 5n))]);
    expect(rs.map((r) => r.status)).toEqual(["0x1", "0x1"]); // relays never revert
    expect(names(rs[0]!, l2CrossDomainMessengerAbi)).toContain("RelayedMessage");
    expect(names(rs[0]!, l2StandardBridgeAbi)).toEqual(["DepositFinalized", "ERC20BridgeFinalized"]);
    expect(names(rs[1]!, l2CrossDomainMessengerAbi)).toContain("FailedRelayedMessage");
    expect(await balanceOf(l2Token, BOB)).toBe(1000n);
    // Only the messenger relaying the L1 bridge may finalize.
    const [direct] = await block([userTx(BRIDGE, finalize(l2Token, L1_TOKEN, 1n))]);
    expect(direct!.status).toBe("0x0");
    expect(await balanceOf(l2Token, BOB)).toBe(1000n);
  });

  test("a withdrawal burns and sends finalizeBridgeERC20 for the L1 bridge through the message passer", async () => {
    // Bob got 1000; Alice is the only dev key the helper signs for, so she gets some first.
    const give = encodeFunctionData({
      abi: l2StandardBridgeAbi,
      functionName: "finalizeBridgeERC20",
      args: [l2Token, L1_TOKEN, BOB, ALICE, 300n, "0x"],
    });
    await block([relay(give)]);
    expect(await balanceOf(l2Token, ALICE)).toBe(300n);
    const withdraw = encodeFunctionData({
      abi: l2StandardBridgeAbi,
      functionName: "bridgeERC20To",
      args: [l2Token, L1_TOKEN, BOB, 120n, 100_000, "0xabcd"],
    });
    const legacy = encodeFunctionData({
      abi: l2StandardBridgeAbi,
      functionName: "withdraw",
      args: [l2Token, 80n, 100_000, "0x"],
    });
    const [r1, r2] = await block([userTx(BRIDGE, withdraw), userTx(BRIDGE, legacy)]);
    expect([r1!.status, r2!.status]).toEqual(["0x1", "0x1"]);
    expect(await balanceOf(l2Token, ALICE)).toBe(100n);
    const passed = r1!.logs
      .filter((l: Payload) => l.address === toHex(PREDEPLOYS.L2ToL1MessagePasser))
      .map((l: Payload) =>
        decodeEventLog({ abi: l2ToL1MessagePasserAbi, data: l.data, topics: l.topics }),
      )[0]!;
    const args = passed.args as { sender: Hex; target: Hex; data: Hex };
    expect(BigInt(args.sender)).toBe(BigInt(MESSENGER));
    expect(BigInt(args.target)).toBe(BigInt(L1_MESSENGER));
    const relayCall = decodeFunctionData({ abi: l2CrossDomainMessengerAbi, data: args.data });
    expect(relayCall.functionName).toBe("relayMessage");
    const [, sender, target, , , message] = relayCall.args as [bigint, Hex, Hex, bigint, bigint, Hex];
    expect(BigInt(sender)).toBe(BigInt(BRIDGE));
    expect(BigInt(target)).toBe(BigInt(L1_BRIDGE));
    // What the L1 bridge will run: its own token first, the L2 token as the remote one.
    const onL1 = decodeFunctionData({ abi: l1StandardBridgeAbi, data: message });
    expect(onL1.functionName).toBe("finalizeBridgeERC20");
    const [local, remote, from, to, amount, extra] = onL1.args as [Hex, Hex, Hex, Hex, bigint, Hex];
    expect([BigInt(local), BigInt(remote), BigInt(from), BigInt(to), amount, extra]).toEqual([
      BigInt(L1_TOKEN),
      BigInt(l2Token),
      BigInt(ALICE),
      BigInt(BOB),
      120n,
      "0xabcd",
    ]);
  });

  test("ETH: a deposit relayed from the L1 bridge pays the recipient; bridgeETH and the legacy withdraw send it back", async () => {
    const finalize = encodeFunctionData({
      abi: l2StandardBridgeAbi,
      functionName: "finalizeBridgeETH",
      args: [ALICE, BOB, 7000n, "0x"],
    });
    const bobBefore = await ethBalance(BOB);
    const [r] = await block([relay(finalize, 7000n)]);
    expect(r!.status).toBe("0x1");
    expect(names(r!, l2CrossDomainMessengerAbi)).toContain("RelayedMessage");
    expect(names(r!, l2StandardBridgeAbi)).toEqual(["DepositFinalized", "ETHBridgeFinalized"]);
    expect((await ethBalance(BOB)) - bobBefore).toBe(7000n);

    const bridgeEth = encodeFunctionData({
      abi: l2StandardBridgeAbi,
      functionName: "bridgeETHTo",
      args: [BOB, 100_000, "0x01"],
    });
    const legacy = encodeFunctionData({
      abi: l2StandardBridgeAbi,
      functionName: "withdraw",
      args: ["0xDeadDeAddeAddEAddeadDEaDDEAdDeaDDeAD0000", 30n, 100_000, "0x"],
    });
    const passerBefore = await ethBalance(toHex(PREDEPLOYS.L2ToL1MessagePasser));
    const [w1, w2] = await block([
      userTx(BRIDGE, bridgeEth, 300_000n, 50n),
      userTx(BRIDGE, legacy, 300_000n, 30n),
    ]);
    expect([w1!.status, w2!.status]).toEqual(["0x1", "0x1"]);
    expect(names(w1!, l2StandardBridgeAbi)).toEqual(["WithdrawalInitiated", "ETHBridgeInitiated"]);
    expect(names(w1!, l2CrossDomainMessengerAbi)).toEqual(["SentMessage", "SentMessageExtension1"]);
    // The value goes with the withdrawal into the message passer (which burns it later).
    expect((await ethBalance(toHex(PREDEPLOYS.L2ToL1MessagePasser))) - passerBefore).toBe(80n);
    const passed = w1!.logs
      .filter((l: Payload) => l.address === toHex(PREDEPLOYS.L2ToL1MessagePasser))
      .map((l: Payload) =>
        decodeEventLog({ abi: l2ToL1MessagePasserAbi, data: l.data, topics: l.topics }),
      )[0]!;
    const args = passed.args as { target: Hex; value: bigint; data: Hex };
    expect([BigInt(args.target), args.value]).toEqual([BigInt(L1_MESSENGER), 50n]);
    const relayCall = decodeFunctionData({ abi: l2CrossDomainMessengerAbi, data: args.data });
    const [, sender, target, value, , message] = relayCall.args as [bigint, Hex, Hex, bigint, bigint, Hex];
    expect([BigInt(sender), BigInt(target), value]).toEqual([BigInt(BRIDGE), BigInt(L1_BRIDGE), 50n]);
    const onL1 = decodeFunctionData({ abi: l1StandardBridgeAbi, data: message });
    expect(onL1.functionName).toBe("finalizeBridgeETH");
    const [from, to, amount, extra] = onL1.args as [Hex, Hex, bigint, Hex];
    expect([BigInt(from), BigInt(to), amount, extra]).toEqual([BigInt(ALICE), BigInt(BOB), 50n, "0x01"]);
    // A legacy ETH withdrawal must carry its amount.
    await expect(
      e.call("eth_estimateGas", { from: ALICE, to: BRIDGE, data: legacy, value: "0x1" }),
    ).rejects.toThrow("must include sufficient ETH value");
  });

  test("refused: plain ERC-20s, a wrong remote token, more than the balance, ETH with a token", async () => {
    const attempts = [
      encodeFunctionData({
        abi: l2StandardBridgeAbi,
        functionName: "bridgeERC20",
        args: [PLAIN_TOKEN, L1_TOKEN, 1n, 100_000, "0x"],
      }),
      encodeFunctionData({
        abi: l2StandardBridgeAbi,
        functionName: "bridgeERC20",
        args: [l2Token, BOB, 1n, 100_000, "0x"],
      }),
      encodeFunctionData({
        abi: l2StandardBridgeAbi,
        functionName: "bridgeERC20",
        args: [l2Token, L1_TOKEN, 101n, 100_000, "0x"],
      }),
    ];
    for (const data of attempts) {
      await expect(e.call("eth_estimateGas", { from: ALICE, to: BRIDGE, data })).rejects.toThrow(
        "execution reverted",
      );
    }
    const withEth = encodeFunctionData({
      abi: l2StandardBridgeAbi,
      functionName: "withdraw",
      args: [l2Token, 1n, 100_000, "0x"],
    });
    await expect(
      e.call("eth_estimateGas", { from: ALICE, to: BRIDGE, data: withEth, value: "0x1" }),
    ).rejects.toThrow("ERC20 withdrawals must not include ETH");
    const rs = await block(attempts.map((d) => userTx(BRIDGE, d)));
    expect(rs.map((r) => r.status)).toEqual(["0x0", "0x0", "0x0"]);
    expect(await balanceOf(l2Token, ALICE)).toBe(100n);
  });
});
