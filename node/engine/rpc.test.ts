import { beforeAll, describe, expect, test } from "bun:test";
import { fromHex, toHex } from "../../core/bytes.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { decodeAccount, decodeStorageValue } from "../../core/mpt/account.ts";
import { verifyProof } from "../../core/mpt/verifyProof.ts";
import { RpcError } from "./rpcErrors.ts";
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

const STORER = "0x00000000000000000000000000000000000000c3"; // SSTORE(0, 1)
const FORWARDER = "0x00000000000000000000000000000000000000c4"; // CALL(all gas, STORER) or revert
const LOGGER = "0x00000000000000000000000000000000000000c2"; // SSTORE(0, CALLVALUE); LOG1(topic 1)
const REVERTER = "0x00000000000000000000000000000000000000c1";

let e: TestEngine;
let logBlock: Payload;
beforeAll(async () => {
  e = await testEngine(":memory:", {
    [STORER]: { code: "0x600160005500" },
    [FORWARDER]: { code: `0x600060006000600060007300${STORER.slice(4)}5af160295760006000fd5b00` },
    [LOGGER]: { code: "0x3460005560016000600ca1" },
    [REVERTER]: {
      // REVERT with Error("no"): 0x08c379a0 ‖ offset 32 ‖ length 2 ‖ "no".
      code: "0x6308c379a060e01b60005260206004526002602452616e6f60f01b60445260646000fd",
    },
  });
  useCommon(e.chain);
  const h = head(e);
  logBlock = await build(
    e,
    h.hash,
    attributes(h.timestamp + 2n, [signedTx(0, { nonce: 0n, to: LOGGER, value: 77n, gasLimit: 60_000n })]),
  );
});

describe("user RPC", () => {
  test("eth_getProof: account and storage proofs verify with Ore's verifyProof; nodes come back from debug_dbGet", async () => {
    const block = await e.call<Payload>("eth_getBlockByNumber", "latest", false);
    const root = fromHex(block.stateRoot);
    for (const address of [LOGGER, DEV_ADDRESSES[0]!, "0x00000000000000000000000000000000000000ee"]) {
      const slots = ["0x0", `0x${"00".repeat(31)}01`];
      const p = await e.call<Payload>("eth_getProof", address, slots, "latest");
      const value = verifyProof(root, keccak256(fromHex(address)), p.accountProof.map(fromHex));
      if (address.endsWith("ee")) {
        expect(value).toBeNull();
        expect(p.balance).toBe("0x0");
        expect(p.storageHash).toBe("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
      } else {
        const acc = decodeAccount(value!);
        expect(BigInt(p.balance)).toBe(acc.balance);
        expect(BigInt(p.nonce)).toBe(acc.nonce);
        expect(p.codeHash).toBe(toHex(acc.codeHash));
        expect(p.storageHash).toBe(toHex(acc.storageRoot));
        expect(p.balance).toBe(await e.call("eth_getBalance", address, "latest"));
      }
      for (const sp of p.storageProof) {
        const v = verifyProof(fromHex(p.storageHash), keccak256(fromHex(sp.key)), sp.proof.map(fromHex));
        expect(v === null ? 0n : decodeStorageValue(v)).toBe(BigInt(sp.value));
      }
      for (const node of p.accountProof.map(fromHex)) {
        if (node.length >= 32) expect(await e.call("debug_dbGet", toHex(keccak256(node)))).toBe(toHex(node));
      }
    }
    const logger = await e.call<Payload>("eth_getProof", LOGGER, ["0x0"], "latest");
    expect(logger.storageProof[0].value).toBe("0x4d"); // 77 wei sent in the first block
    // Contract code by its code hash (the witness API).
    expect(await e.call("debug_dbGet", logger.codeHash)).toBe(await e.call("eth_getCode", LOGGER, "latest"));
    await expect(e.call("debug_dbGet", toHex(new Uint8Array(32).fill(5)))).rejects.toThrow("not found");
    // An older block's proof still verifies against its own root (nodes are never pruned).
    const g = await e.call<Payload>("eth_getBlockByNumber", "earliest", false);
    const old = await e.call<Payload>("eth_getProof", LOGGER, ["0x0"], "earliest");
    expect(old.storageProof[0].value).toBe("0x0");
    expect(
      verifyProof(fromHex(g.stateRoot), keccak256(fromHex(LOGGER)), old.accountProof.map(fromHex)),
    ).not.toBeNull();
  });

  test("eth_estimateGas binary-searches: enough for the 63/64 a CALL withholds, exact for transfers", async () => {
    expect(
      await e.call("eth_estimateGas", { from: DEV_ADDRESSES[1], to: DEV_ADDRESSES[2], value: "0x1" }),
    ).toBe("0x5208");
    const estimate = BigInt(
      await e.call<string>("eth_estimateGas", { from: DEV_ADDRESSES[1], to: FORWARDER }),
    );
    const h = head(e);
    const ok = signedTx(1, { nonce: 0n, to: FORWARDER, gasLimit: estimate });
    const p = await build(e, h.hash, attributes(h.timestamp + 2n, [ok]));
    const r = (await e.call<Payload[]>("eth_getBlockReceipts", p.blockNumber))[1]!;
    expect(r.status).toBe("0x1");
    const used = BigInt(r.gasUsed);
    expect(estimate).toBeGreaterThan(used);
    expect(estimate).toBeLessThan((used * 103n) / 100n);
    // With exactly the gas it used, the inner call gets 63/64 of too little and the tx reverts.
    const before = `0x${(BigInt(p.blockNumber) - 1n).toString(16)}`;
    const atUsed = { from: DEV_ADDRESSES[1], to: FORWARDER, gas: `0x${used.toString(16)}` };
    await expect(e.call("eth_estimateGas", atUsed, before)).rejects.toThrow("execution reverted");
    // Once the slot is set the call is cheap, and the estimate at the new head says so.
    expect(BigInt(await e.call<string>("eth_estimateGas", atUsed, "latest"))).toBeLessThan(used);
    const err = (await e.call("eth_estimateGas", { to: REVERTER }).catch((x) => x)) as RpcError;
    expect(err.code).toBe(3);
    expect(err.message).toBe("execution reverted: no");
    expect(err.data).toMatch(/^0x08c379a0/);
    await expect(e.call("eth_estimateGas", { to: STORER, gas: "0x5208" })).rejects.toThrow(
      "gas required exceeds allowance",
    );
    await expect(e.call("eth_call", { to: STORER, gas: "0x100" })).rejects.toThrow("intrinsic gas too low");
  });

  test("eth_call, eth_getLogs filters, feeHistory, tags and malformed params", async () => {
    expect(await e.call("eth_call", { to: STORER }, "latest")).toBe("0x");
    const logs = await e.call<Payload[]>("eth_getLogs", {
      fromBlock: "0x0",
      toBlock: "latest",
      address: LOGGER,
    });
    expect(logs.length).toBe(1);
    expect(logs[0]!.topics).toEqual([`0x${"00".repeat(31)}01`]);
    expect(logs[0]!.blockHash).toBe(logBlock.blockHash);
    expect(
      await e.call<Payload[]>("eth_getLogs", { fromBlock: "0x0", topics: [`0x${"00".repeat(31)}02`] }),
    ).toEqual([]);
    expect(
      await e.call<Payload[]>("eth_getLogs", {
        blockHash: logBlock.blockHash,
        topics: [[`0x${"00".repeat(31)}01`]],
      }),
    ).toHaveLength(1);
    const fh = await e.call<Payload>("eth_feeHistory", "0x2", "latest", [50]);
    expect(fh.baseFeePerGas.length).toBe(3);
    expect(fh.reward.length).toBe(2);
    expect(await e.call("eth_getBlockByNumber", "0x99", false)).toBeNull();
    for (const [m, params] of [
      ["eth_getBalance", ["0x12", "latest"]],
      ["eth_getStorageAt", [LOGGER, "zz", "latest"]],
      ["eth_call", ["nope"]],
      ["eth_getProof", [LOGGER, "0x0", "latest"]],
      ["eth_feeHistory", ["0x0", "latest"]],
    ] as const) {
      const err = (await e.call(m, ...params).catch((x) => x)) as RpcError;
      expect(err).toBeInstanceOf(RpcError);
      expect(err.code).toBe(-32602);
    }
  });
});
