import { describe, expect, test } from "bun:test";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { createTx } from "@ethereumjs/tx";
import {
  Account,
  Address,
  bytesToHex,
  generateAddress,
  hexToBytes,
  privateToAddress,
} from "@ethereumjs/util";
import { createVM, runTx } from "@ethereumjs/vm";
import { encodeFunctionData } from "viem";
import { testERC20Abi, testERC20Bytecode } from "../../contracts/artifacts/TestERC20.ts";
import { bytesEqual, toHex } from "../../core/bytes.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { decodeAccount } from "../../core/mpt/account.ts";
import { getAccountProof } from "../../core/mpt/ethProof.ts";
import { MemoryNodeStore } from "../../core/mpt/nodeStore.ts";
import { randomBytes, seededRandom } from "../../core/mpt/testing.ts";
import { verifyProof } from "../../core/mpt/verifyProof.ts";
import { OreStateManager } from "./stateManager.ts";

const common = () => createCustomCommon({ chainId: 901 }, Mainnet, { hardfork: Hardfork.Cancun });

/** Applies one random operation to both managers; returns false if it was skipped. */
async function step(
  rand: () => number,
  ore: OreStateManager,
  ref: MerkleStateManager,
  addrs: Address[],
  slots: Uint8Array[],
  depth: { n: number },
): Promise<void> {
  const a = addrs[(rand() * addrs.length) | 0]!;
  const r = rand();
  const exists = (await ref.getAccount(a)) !== undefined;
  if (r < 0.2) {
    const acc = new Account(BigInt((rand() * 5) | 0), BigInt((rand() * 1e6) | 0));
    const prev = await ref.getAccount(a);
    if (prev) {
      acc.codeHash = prev.codeHash;
      acc.storageRoot = prev.storageRoot;
    }
    for (const sm of [ore, ref]) {
      await sm.putAccount(a, acc);
      // A (re)created account starts with empty storage, as the EVM ensures with clearStorage.
      if (!exists) await sm.clearStorage(a);
    }
  } else if (r < 0.5 && exists) {
    const k = slots[(rand() * slots.length) | 0]!;
    const v = rand() < 0.3 ? new Uint8Array(0) : randomBytes(rand, 1 + ((rand() * 32) | 0));
    await ore.putStorage(a, k, v);
    await ref.putStorage(a, k, v);
  } else if (r < 0.55 && exists) {
    await ore.deleteAccount(a);
    await ref.deleteAccount(a);
  } else if (r < 0.6 && exists) {
    await ore.clearStorage(a);
    await ref.clearStorage(a);
  } else if (r < 0.65 && exists) {
    const code = randomBytes(rand, 1 + ((rand() * 40) | 0));
    await ore.putCode(a, code);
    await ref.putCode(a, code);
  } else if (r < 0.75) {
    depth.n++;
    await ore.checkpoint();
    await ref.checkpoint();
  } else if (r < 0.85 && depth.n > 0) {
    depth.n--;
    await ore.commit();
    await ref.commit();
  } else if (r < 0.95 && depth.n > 0) {
    depth.n--;
    await ore.revert();
    await ref.revert();
  } else if (depth.n === 0) {
    expect(toHex(await ore.getStateRoot())).toBe(toHex(await ref.getStateRoot()));
  }
}

async function compareReads(
  ore: OreStateManager,
  ref: MerkleStateManager,
  addrs: Address[],
  slots: Uint8Array[],
) {
  for (const a of addrs) {
    const x = await ore.getAccount(a);
    const y = await ref.getAccount(a);
    expect(x === undefined).toBe(y === undefined);
    if (x && y) {
      expect([x.nonce, x.balance, toHex(x.codeHash)]).toEqual([y.nonce, y.balance, toHex(y.codeHash)]);
      expect(toHex(await ore.getCode(a))).toBe(toHex(await ref.getCode(a)));
      for (const k of slots)
        expect(toHex(await ore.getStorage(a, k))).toBe(toHex(await ref.getStorage(a, k)));
    }
  }
}

describe("OreStateManager", () => {
  test("random accounts, storage, code and nested checkpoints match @ethereumjs MerkleStateManager", async () => {
    const runs = process.env.ORE_SOAK ? 200 : 12;
    for (let seed = 1; seed <= runs; seed++) {
      const rand = seededRandom(seed);
      const store = new MemoryNodeStore();
      const ore = new OreStateManager(store);
      const ref = new MerkleStateManager({ common: common() });
      const addrs = Array.from({ length: 6 }, () => new Address(randomBytes(rand, 20)));
      const slots = Array.from({ length: 6 }, () => randomBytes(rand, 32));
      const depth = { n: 0 };
      for (let i = 0; i < 300; i++) {
        await step(rand, ore, ref, addrs, slots, depth);
        if (i % 25 === 0) await compareReads(ore, ref, addrs, slots);
      }
      while (depth.n > 0) {
        depth.n--;
        await ore.commit();
        await ref.commit();
      }
      await compareReads(ore, ref, addrs, slots);
      const root = await ore.getStateRoot();
      expect(toHex(root)).toBe(toHex(await ref.getStateRoot()));

      // Every account proves against the root with Ore's verifier, storage included.
      for (const a of addrs) {
        const p = getAccountProof(store, root, a.bytes, slots);
        const value = verifyProof(root, keccak256(a.bytes), p.accountProof);
        const acc = await ref.getAccount(a);
        expect(value === null).toBe(acc === undefined);
        if (value) expect(toHex(decodeAccount(value).storageRoot)).toBe(toHex(p.storageHash));
        for (const sp of p.storageProof) {
          const v = verifyProof(p.storageHash, keccak256(sp.key), sp.proof);
          const expected = await ref.getStorage(a, sp.key);
          expect(v === null ? 0n : sp.value).toBe(expected.length ? BigInt(bytesToHex(expected)) : 0n);
        }
      }
    }
  });

  test("a second manager over the same store reads a committed root; caches survive consecutive roots", async () => {
    const store = new MemoryNodeStore();
    const sm = new OreStateManager(store);
    const a = new Address(new Uint8Array(20).fill(1));
    const slot = new Uint8Array(32).fill(2);
    await sm.putAccount(a, new Account(1n, 5n));
    await sm.putStorage(a, slot, Uint8Array.of(0, 0, 7));
    await sm.putCode(a, Uint8Array.of(0x60, 0x00));
    const r1 = await sm.getStateRoot();
    await sm.setStateRoot(r1); // same root: a no-op
    await sm.putStorage(a, slot, new Uint8Array(0));
    const r2 = await sm.getStateRoot();
    const other = new OreStateManager(store, r1);
    expect(toHex(await other.getStorage(a, slot))).toBe("0x07");
    expect(toHex(await other.getCode(a))).toBe("0x6000");
    await other.setStateRoot(r2);
    expect((await other.getStorage(a, slot)).length).toBe(0);
    expect((await other.getAccount(a))!.balance).toBe(5n);
    await expect(other.setStateRoot(new Uint8Array(32).fill(9))).rejects.toThrow("not found");
  });

  test("transactions through @ethereumjs/vm runTx give the same roots as the stock state manager", async () => {
    const key = hexToBytes("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    const sender = new Address(privateToAddress(key));
    const c = common();
    const ore = new OreStateManager(new MemoryNodeStore());
    const ref = new MerkleStateManager({ common: c });
    const vms = [
      await createVM({ common: c, stateManager: ore }),
      await createVM({ common: c, stateManager: ref }),
    ];
    for (const sm of [ore, ref]) await sm.putAccount(sender, new Account(0n, 10n ** 21n));
    const token = new Address(generateAddress(sender.bytes, Uint8Array.of(1)));
    const other = "0x00000000000000000000000000000000000000b0";
    const calls: { to?: Address; data: Uint8Array; value?: bigint }[] = [
      { to: new Address(hexToBytes(other)), data: new Uint8Array(0), value: 5n },
      { data: hexToBytes(encodeCtor()) },
      {
        to: token,
        data: hexToBytes(
          encodeFunctionData({ abi: testERC20Abi, functionName: "mint", args: [sender.toString(), 1000n] }),
        ),
      },
      {
        to: token,
        data: hexToBytes(
          encodeFunctionData({ abi: testERC20Abi, functionName: "transfer", args: [other, 400n] }),
        ),
      },
      {
        to: token,
        data: hexToBytes(
          encodeFunctionData({ abi: testERC20Abi, functionName: "transfer", args: [other, 600n] }),
        ),
      },
      // Reverts: balance is now zero.
      {
        to: token,
        data: hexToBytes(
          encodeFunctionData({ abi: testERC20Abi, functionName: "transfer", args: [other, 1n] }),
        ),
      },
      {
        to: token,
        data: hexToBytes(
          encodeFunctionData({ abi: testERC20Abi, functionName: "approve", args: [other, 0n] }),
        ),
      },
      // Init code CALLER SELFDESTRUCT: created and destroyed in one transaction (EIP-6780).
      { data: Uint8Array.of(0x33, 0xff), value: 3n },
      // A call to the identity precompile, an empty account touched with value 0 (EIP-161).
      {
        to: new Address(hexToBytes("0x0000000000000000000000000000000000000004")),
        data: Uint8Array.of(1, 2),
      },
      {
        to: new Address(hexToBytes("0x00000000000000000000000000000000000000c0")),
        data: new Uint8Array(0),
        value: 0n,
      },
    ];
    const statuses: boolean[] = [];
    for (const [nonce, call] of calls.entries()) {
      const tx = createTx(
        {
          type: 2,
          nonce: BigInt(nonce),
          to: call.to,
          value: call.value ?? 0n,
          data: call.data,
          gasLimit: 2_000_000n,
          maxFeePerGas: 10n ** 9n,
          maxPriorityFeePerGas: 1n,
          chainId: 901n,
        },
        { common: c },
      ).sign(key);
      const roots: string[] = [];
      const status: boolean[] = [];
      for (const vm of vms) {
        const res = await runTx(vm, { tx, skipBlockGasLimitValidation: true, skipHardForkValidation: true });
        status.push(res.execResult.exceptionError === undefined);
        roots.push(toHex(await vm.stateManager.getStateRoot()));
      }
      expect(roots[0]).toBe(roots[1]!);
      expect(status[0]).toBe(status[1]!);
      statuses.push(status[0]!);
    }
    expect(statuses).toEqual([true, true, true, true, true, false, true, true, true, true]);
    // Slot 0 holds name(): "T" as a short string, left-aligned, length·2 in the last byte.
    expect(toHex(await ore.getStorage(token, new Uint8Array(32)))).toBe(`0x54${"00".repeat(30)}02`);
    expect(bytesEqual(await ore.getCode(token), await ref.getCode(token))).toBe(true);
  });
});

function encodeCtor(): `0x${string}` {
  // TestERC20("T", "T"): creation code ‖ abi.encode("T", "T").
  const word = (n: number) => n.toString(16).padStart(64, "0");
  const str = `${word(1)}${"54".padEnd(64, "0")}`;
  return `${testERC20Bytecode}${word(64)}${word(128)}${str}${str}`;
}
