import { beforeAll, describe, expect, test } from "bun:test";
import { createTx } from "@ethereumjs/tx";
import { Address, generateAddress } from "@ethereumjs/util";
import { encodeFunctionData } from "viem";
import { gasPriceOracleAbi } from "../../contracts/artifacts/GasPriceOracle.ts";
import { fromHex, toHex } from "../../core/bytes.ts";
import { type DepositTx, encodeDeposit } from "../../core/engine/depositTx.ts";
import { calldataGas, l1FeeForGas, UNSIGNED_TX_OVERHEAD_GAS } from "../../core/engine/l1Fee.ts";
import { BEACON_ROOTS, PREDEPLOYS } from "../../core/engine/predeploys.ts";
import { MAX_TX_BYTES } from "../../core/engine/provableLimits.ts";
import { userDepositSourceHash } from "../../core/engine/sourceHash.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { RpcError } from "./rpcErrors.ts";
import {
  attributes,
  build,
  DEV_ADDRESSES,
  DEV_KEYS,
  head,
  type Payload,
  signedTx,
  TEST_CHAIN_ID,
  TEST_L1_INFO,
  type TestEngine,
  testEngine,
  useCommon,
} from "./testing.ts";

// Runtime code: REVERT(0, 0); and SSTORE(0, CALLVALUE) then LOG1(0, 0, topic 0x01).
const REVERTER = "0x00000000000000000000000000000000000000c1";
const LOGGER = "0x00000000000000000000000000000000000000c2";
const X = "0x00000000000000000000000000000000000000a7"; // a depositor with no L2 balance
const Y = "0x00000000000000000000000000000000000000b7";
const ETH = 10n ** 18n;

let e: TestEngine;
beforeAll(async () => {
  e = await testEngine(":memory:", {
    [REVERTER]: { code: "0x60006000fd" },
    [LOGGER]: { code: "0x3460005560016000600ca1" },
  });
  useCommon(e.chain);
});

const balance = async (a: string, tag = "latest") => BigInt(await e.call<string>("eth_getBalance", a, tag));
const nonce = async (a: string) => BigInt(await e.call<string>("eth_getTransactionCount", a, "latest"));
const receipts = (p: Payload) => e.call<Payload[]>("eth_getBlockReceipts", p.blockNumber);

let logIndex = 0;
function deposit(fields: Partial<DepositTx>): Uint8Array {
  return encodeDeposit({
    sourceHash: userDepositSourceHash(new Uint8Array(32).fill(0xbb), logIndex++),
    from: fromHex(X),
    to: fromHex(Y),
    mint: 0n,
    value: 0n,
    gas: 100_000n,
    isSystemTx: false,
    data: new Uint8Array(0),
    ...fields,
  });
}

describe("deposits (OP Regolith/Canyon semantics)", () => {
  test("mint is kept and the nonce bumped whether the deposit succeeds, reverts or cannot run", async () => {
    const vaults = [PREDEPLOYS.BaseFeeVault, PREDEPLOYS.SequencerFeeVault, PREDEPLOYS.L1FeeVault].map(toHex);
    const vaultsBefore = await Promise.all(vaults.map((v) => balance(v)));
    const h = head(e);
    const txs = [
      // 0: succeeds, moves 1 ETH of the 2 minted to Y.
      deposit({ mint: 2n * ETH, value: ETH }),
      // 1: reverts in the callee: value stays with X, mint and nonce bump stay, gas is what ran.
      deposit({ mint: ETH, value: ETH, to: fromHex(REVERTER) }),
      // 2: gas below intrinsic (21000 + 16 for one data byte): a failed deposit uses all its gas.
      deposit({ mint: ETH, gas: 21_000n, data: Uint8Array.of(1) }),
      // 3: value above balance + mint: failed, mint kept, nothing moves.
      deposit({ mint: ETH, value: 100n * ETH, gas: 50_000n }),
      // 4: a contract creation from X: address from X's nonce before the deposit (4).
      deposit({
        to: undefined,
        gas: 200_000n,
        data: fromHex("0x600a600c600039600a6000f3602a60005260206000f3"),
      }),
    ];
    const p = await build(e, h.hash, attributes(h.timestamp + 2n, txs));
    const rs = await receipts(p);
    expect(rs.map((r) => r.status)).toEqual(["0x1", "0x1", "0x0", "0x0", "0x0", "0x1"]);
    expect(rs.slice(1).map((r) => r.depositNonce)).toEqual(["0x0", "0x1", "0x2", "0x3", "0x4"]);
    for (const r of rs) {
      expect(r.depositReceiptVersion).toBe("0x1");
      expect(r.effectiveGasPrice).toBe("0x0");
      expect(r.type).toBe("0x7e");
    }
    // Gas: the reverted deposit used what ran (intrinsic plus a few ops); failed ones all their gas.
    expect(BigInt(rs[1]!.gasUsed)).toBe(21_000n);
    expect(BigInt(rs[2]!.gasUsed)).toBeGreaterThan(21_000n);
    expect(BigInt(rs[2]!.gasUsed)).toBeLessThan(22_000n);
    expect(BigInt(rs[3]!.gasUsed)).toBe(21_000n);
    expect(BigInt(rs[4]!.gasUsed)).toBe(50_000n);
    const total = rs.reduce((n, r) => n + BigInt(r.gasUsed), 0n);
    expect(BigInt(p.gasUsed)).toBe(total);
    // Balances: 2 + 1 + 1 + 1 minted, 1 sent to Y.
    expect(await balance(X)).toBe(4n * ETH);
    expect(await balance(Y)).toBe(ETH);
    expect(await balance(REVERTER)).toBe(0n);
    expect(await nonce(X)).toBe(5n);
    const created = toHex(generateAddress(fromHex(X), Uint8Array.of(4)));
    expect(rs[5]!.contractAddress).toBe(created);
    expect(await e.call("eth_getCode", created, "latest")).toBe(`0x602a60005260206000f3`);
    // Deposits pay no fee.
    expect(await Promise.all(vaults.map((v) => balance(v)))).toEqual(vaultsBefore);
    // The transaction view of a deposit.
    const t = await e.call<Payload>("eth_getTransactionByHash", rs[1]!.transactionHash);
    expect(t.mint).toBe(`0x${(2n * ETH).toString(16)}`);
    expect(t.sourceHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(t.isSystemTx).toBe(false);
  });

  test("deposits never enter through the pool", async () => {
    const err = await e.call("eth_sendRawTransaction", toHex(deposit({}))).catch((x) => x);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).message).toContain("deposit transactions only enter through L1");
  });
});

describe("eth_sendRawTransaction", () => {
  test("a transaction over the pool's 128 KiB (and over MAX_TX_BYTES) is refused with -32000", async () => {
    for (const n of [128 * 1024, MAX_TX_BYTES]) {
      const raw = signedTx(0, { nonce: 0n, to: Y, gasLimit: 3_000_000n, data: new Uint8Array(n) });
      const err = await e.call("eth_sendRawTransaction", toHex(raw)).catch((x) => x);
      expect(err).toBeInstanceOf(RpcError);
      expect((err as RpcError).code).toBe(-32000);
      expect((err as RpcError).message).toBe(`oversized data: ${raw.length} bytes > limit 131072`);
    }
  }, 20_000);
});

describe("fees", () => {
  test("the vaults receive exactly what users paid: L1 data fee, base fee, priority fee", async () => {
    const h = head(e);
    const common = e.chain.common;
    const base = BigInt((await e.call<Payload>("eth_getBlockByNumber", "latest", false)).baseFeePerGas);
    const next = BigInt((await e.call<Payload>("eth_feeHistory", "0x1", "latest", [])).baseFeePerGas[1]);
    expect(next).toBeLessThanOrEqual(base);
    const n0 = await nonce(DEV_ADDRESSES[0]!);
    const legacy = createTx(
      { type: 0, nonce: n0, to: Y, value: 7n, gasLimit: 21_000n, gasPrice: 5_000_000_000n },
      { common },
    ).sign(DEV_KEYS[0]!);
    const accessList = createTx(
      {
        type: 1,
        nonce: n0 + 1n,
        to: LOGGER,
        value: 3n,
        gasLimit: 100_000n,
        gasPrice: 3_000_000_000n,
        chainId: TEST_CHAIN_ID,
        accessList: [],
      },
      { common },
    ).sign(DEV_KEYS[0]!);
    const txs = [
      legacy.serialize(),
      accessList.serialize(),
      signedTx(1, {
        nonce: 0n,
        to: Y,
        value: 1n,
        maxFeePerGas: 10_000_000_000n,
        maxPriorityFeePerGas: 2_000_000_000n,
      }),
      // Tip capped by the fee cap: pays next + 1 wei per gas in all.
      signedTx(1, { nonce: 1n, to: Y, maxFeePerGas: next + 1n, maxPriorityFeePerGas: next + 1n }),
      // Reverts: still pays for its gas.
      signedTx(2, { nonce: 0n, to: REVERTER, gasLimit: 50_000n, data: Uint8Array.of(0, 0, 5) }),
    ];
    const senders = [DEV_ADDRESSES[0]!, DEV_ADDRESSES[1]!, DEV_ADDRESSES[2]!];
    const vaults = {
      l1: toHex(PREDEPLOYS.L1FeeVault),
      base: toHex(PREDEPLOYS.BaseFeeVault),
      seq: toHex(PREDEPLOYS.SequencerFeeVault),
    };
    const before = new Map<string, bigint>();
    for (const a of [...senders, ...Object.values(vaults), Y, LOGGER]) before.set(a, await balance(a));
    const p = await build(e, h.hash, attributes(h.timestamp + 2n, txs));
    const baseFee = BigInt(p.baseFeePerGas);
    expect(baseFee).toBe(next);
    const rs = (await receipts(p)).slice(1);
    expect(rs.map((r) => r.status)).toEqual(["0x1", "0x1", "0x1", "0x1", "0x0"]);
    expect(BigInt(rs[3]!.effectiveGasPrice)).toBe(next + 1n);
    expect(BigInt(rs[0]!.effectiveGasPrice)).toBe(5_000_000_000n);

    const params = {
      ...TEST_L1_INFO,
      l1BaseFee: TEST_L1_INFO.baseFee,
      l1BlobBaseFee: TEST_L1_INFO.blobBaseFee,
    };
    let l1 = 0n;
    let baseTotal = 0n;
    let tips = 0n;
    const paid = new Map<string, bigint>();
    for (const [i, r] of rs.entries()) {
      const gas = BigInt(r.gasUsed);
      const fee = l1FeeForGas(calldataGas(txs[i]!), params);
      expect(BigInt(r.l1Fee)).toBe(fee);
      expect(BigInt(r.l1GasUsed)).toBe(calldataGas(txs[i]!));
      expect(BigInt(r.l1GasPrice)).toBe(TEST_L1_INFO.baseFee);
      l1 += fee;
      baseTotal += gas * baseFee;
      tips += gas * (BigInt(r.effectiveGasPrice) - baseFee);
      const value = [7n, 3n, 1n, 0n, 0n][i]!;
      paid.set(r.from, (paid.get(r.from) ?? 0n) + value + fee + gas * BigInt(r.effectiveGasPrice));
    }
    const delta = async (a: string) => (await balance(a)) - before.get(a)!;
    expect(await delta(vaults.l1)).toBe(l1);
    expect(await delta(vaults.base)).toBe(baseTotal);
    expect(await delta(vaults.seq)).toBe(tips);
    for (const s of senders) expect(-(await delta(s))).toBe(paid.get(s)!);
    expect(await delta(Y)).toBe(8n);
    expect(await delta(LOGGER)).toBe(3n);
    expect(l1).toBeGreaterThan(0n);

    // GasPriceOracle prices the unsigned form plus 68·16 gas for the signature, as viem expects.
    const unsigned1559 = createTx(
      { type: 2, nonce: 9n, to: Y, value: 1n, gasLimit: 21_000n, maxFeePerGas: 1n, chainId: TEST_CHAIN_ID },
      { common },
    ).getMessageToSign();
    for (const u of [accessList.getMessageToSign(), unsigned1559] as Uint8Array[]) {
      const out = await e.call<string>("eth_call", {
        to: toHex(PREDEPLOYS.GasPriceOracle),
        data: encodeFunctionData({ abi: gasPriceOracleAbi, functionName: "getL1Fee", args: [toHex(u)] }),
      });
      expect(BigInt(out)).toBe(l1FeeForGas(calldataGas(u) + UNSIGNED_TX_OVERHEAD_GAS, params));
    }
  });

  test("a sender who can pay value and gas but not the L1 data fee too is refused", async () => {
    const h = head(e);
    const poor = DEV_KEYS[3]!;
    // Send DEV 3 almost everything first, leaving too little for the next transaction's L1 fee.
    const all = await balance(DEV_ADDRESSES[3]!);
    const gasPrice = 2_000_000_000n;
    const tx1 = createTx(
      { type: 0, nonce: 0n, to: Y, value: 0n, gasLimit: 21_000n, gasPrice },
      { common: e.chain.common },
    ).sign(poor);
    const p1 = await build(e, h.hash, attributes(h.timestamp + 2n, [tx1.serialize()]));
    const r1 = (await receipts(p1))[1]!;
    const left = all - BigInt(r1.l1Fee) - 21_000n * gasPrice;
    expect(await balance(DEV_ADDRESSES[3]!)).toBe(left);
    const tx2 = createTx(
      { type: 0, nonce: 1n, to: Y, value: left - 21_000n * gasPrice, gasLimit: 21_000n, gasPrice },
      { common: e.chain.common },
    ).sign(poor);
    const err = await build(e, p1.blockHash, attributes(BigInt(p1.timestamp) + 2n, [tx2.serialize()])).catch(
      (x) => x,
    );
    expect((err as RpcError).code).toBe(-38003);
    // Enough for value and gas, not for the L1 fee on top: refused (runTx sees the shortfall).
    expect((err as RpcError).message).toContain("doesn't have enough funds");
  });
});

describe("EIP-4788", () => {
  test("each block stores its parent beacon block root in the beacon roots contract", async () => {
    const h = head(e);
    const root = keccak256(Uint8Array.of(42));
    const p = await build(e, h.hash, attributes(h.timestamp + 2n, [], { beaconRoot: root }));
    expect((await e.call<Payload>("eth_getBlockByNumber", "latest", false)).parentBeaconBlockRoot).toBe(
      toHex(root),
    );
    const ts = `0x${BigInt(p.timestamp).toString(16).padStart(64, "0")}`;
    // The contract returns the root for a stored timestamp (any caller but the system address)…
    expect(await e.call("eth_call", { to: toHex(BEACON_ROOTS.address), data: ts }, "latest")).toBe(
      toHex(root),
    );
    // …and reverts for one it does not hold.
    const other = `0x${(BigInt(p.timestamp) + 1n).toString(16).padStart(64, "0")}`;
    await expect(
      e.call("eth_call", { to: toHex(BEACON_ROOTS.address), data: other }, "latest"),
    ).rejects.toThrow("execution reverted");
    const slot = BigInt(p.timestamp) % BEACON_ROOTS.historyLength;
    expect(
      BigInt(
        await e.call<string>(
          "eth_getStorageAt",
          toHex(BEACON_ROOTS.address),
          `0x${slot.toString(16)}`,
          "latest",
        ),
      ),
    ).toBe(BigInt(p.timestamp));
    expect(new Address(BEACON_ROOTS.address).toString()).toBe("0x000f3df6d732807ef1319fb7b8bb8522d0beac02");
  });
});
