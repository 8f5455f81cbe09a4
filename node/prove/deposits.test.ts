/**
 * Deposit transactions in the step machine's transaction phases (docs/fault-proof.md §3.3)
 * against Ore's engine itself: the engine's `runDeposit` over its `OreStateManager` (on a memory
 * node store) runs the same deposits one after another; after each, the machine's world-state
 * root, status, gas used and deposit nonce must equal the engine's. Covers calls with and without
 * value, storage writes, logs, nested calls and reverts, creations (a constructor that stores,
 * one that self-destructs), failed deposits (gas below intrinsic, value above the balance) and
 * mints, and random programs called and created by deposits (`ORE_SOAK=1`: 200 blocks instead
 * of 12). Every step verifies from its witness alone.
 */
import { describe, expect, test } from "bun:test";
import { createBlock } from "@ethereumjs/block";
import { Address, createAccount } from "@ethereumjs/util";
import { toHex } from "../../core/bytes.ts";
import { type DepositTx, encodeDeposit } from "../../core/engine/depositTx.ts";
import { MemoryNodeStore } from "../../core/mpt/nodeStore.ts";
import { seededRandom } from "../../core/mpt/testing.ts";
import { randomProgram } from "../../core/proof/randomProgram.ts";
import { generateTxs } from "../../core/proof/txs.ts";
import { runDeposit } from "../engine/depositRunner.ts";
import { createOreVM, createStateManager, oreCommon } from "../engine/vm.ts";
import { addr, CALLEE, CODES, deployer, depositTx, hex, REVERTS, STORE, word } from "./testing/blockWorld.ts";

const SOAK = process.env.ORE_SOAK === "1";

const ALICE = addr(0xa1);
const BOB = addr(0xb0);

/** ALICE's deposit by default. */
const deposit = (d: Partial<DepositTx>): DepositTx => depositTx({ from: ALICE, ...d });

async function compare(deposits: DepositTx[], extra: [Uint8Array, Uint8Array][] = []) {
  const store = new MemoryNodeStore();
  const common = oreCommon(901n);
  const sm = createStateManager(store);
  await sm.putAccount(new Address(ALICE), createAccount({ nonce: 4n, balance: 10n ** 18n }));
  for (const [a, code] of [...CODES, ...extra]) {
    await sm.putAccount(new Address(a), createAccount({ nonce: 1n, balance: 5n }));
    await sm.putCode(new Address(a), code);
  }
  await sm.putStorage(new Address(CALLEE), word(0n), word(41n).subarray(31));
  const root = await sm.getStateRoot();
  const coinbase = addr(0xc0);
  const header = {
    number: 7n,
    timestamp: 1_700_000_000n,
    coinbase,
    gasLimit: 30_000_000n,
    baseFeePerGas: 7n,
    mixHash: new Uint8Array(32),
    parentBeaconBlockRoot: new Uint8Array(32),
    excessBlobGas: 0n,
    blobGasUsed: 0n,
  };
  const block = createBlock({ header }, { common, skipConsensusFormatValidation: true });
  const vm = await createOREVMFor(common, sm);
  // The machine runs first, over the same store (its nodes are the engine's).
  const trace = generateTxs(
    {
      block: {
        number: 7n,
        timestamp: header.timestamp,
        coinbase,
        gasLimit: header.gasLimit,
        baseFee: 7n,
        chainId: 901n,
      },
      world: { root, preimages: (h) => store.get(h) },
      txs: deposits.map(encodeDeposit),
    },
    { verify: true },
  );
  expect(trace.outcomes.length).toBe(deposits.length);
  for (const [i, dep] of deposits.entries()) {
    const out = await runDeposit(vm, block, dep);
    const engineRoot = await sm.getStateRoot();
    const got = trace.outcomes[i];
    expect({
      i,
      root: toHex(got.worldRoot),
      status: got.status === 1 ? 1 : 0,
      gasUsed: got.gasUsed,
      nonce: got.nonce,
    }).toEqual({
      i,
      root: toHex(engineRoot),
      status: out.status,
      gasUsed: out.gasUsed,
      nonce: out.depositNonce,
    });
  }
  return trace;
}

async function createOREVMFor(
  common: ReturnType<typeof oreCommon>,
  sm: ReturnType<typeof createStateManager>,
) {
  return createOreVM(common, sm, () => undefined);
}

describe("deposits in the step machine vs Ore's engine", () => {
  test("calls: value, mint, storage, a log, a nested call, a revert", async () => {
    const t = await compare([
      deposit({ to: BOB, value: 1000n, mint: 5n }),
      deposit({ to: STORE, data: word(77n), mint: 10n ** 15n }),
      deposit({ to: STORE, data: word(0n) }), // clears slot 1: a refund
      deposit({ to: REVERTS, value: 3n }),
      deposit({ from: BOB, to: ALICE, value: 10n, mint: 100n }),
    ]);
    expect(t.witnesses.length).toBeGreaterThan(100);
  }, 60_000);

  test(
    `random programs called and created by deposits (${SOAK ? 200 : 12} blocks)`,
    async () => {
      const rand = seededRandom(SOAK ? Date.now() : 20240612);
      const targets = [addr(0x71), addr(0x72), addr(0x73)];
      for (let k = 0; k < (SOAK ? 200 : 12); k++) {
        const codes = targets.map(
          (a) =>
            [a, randomProgram(rand, { world: targets, calls: targets }).code] as [Uint8Array, Uint8Array],
        );
        const deps: DepositTx[] = [];
        for (let i = 0; i < 4; i++) {
          const r = rand();
          const to = r < 0.7 ? targets[Math.floor(rand() * 3)] : r < 0.85 ? STORE : undefined;
          const data =
            to === undefined
              ? deployer(randomProgram(rand, { world: targets }).code.subarray(0, 100), "")
              : new Uint8Array(Math.floor(rand() * 64)).map(() => Math.floor(rand() * 256));
          deps.push(
            deposit({
              from: rand() < 0.8 ? ALICE : BOB,
              to,
              data,
              value: rand() < 0.5 ? 0n : BigInt(Math.floor(rand() * 1000)),
              mint: rand() < 0.5 ? 0n : 10n ** 16n,
              gas: BigInt([30_000, 100_000, 500_000, 2_000_000][Math.floor(rand() * 4)]),
            }),
          );
        }
        await compare(deps, codes);
      }
    },
    SOAK ? 3_600_000 : 60_000,
  );

  test("failed deposits keep the mint and bump the nonce; creations", async () => {
    await compare([
      deposit({ to: STORE, gas: 20_000n, mint: 9n }), // below intrinsic
      deposit({ to: BOB, value: 10n ** 30n, mint: 1n }), // more than the balance
      deposit({ data: deployer(hex("6000 54 6000 52 6020 6000 f3")), value: 4n }),
      deposit({ data: deployer(new Uint8Array(0), `73${Buffer.from(BOB).toString("hex")} ff`), value: 6n }),
      deposit({ data: hex("fe"), gas: 100_000n }),
      deposit({ data: deployer(hex("00"), ""), gas: 53_100n }), // out of gas in the constructor
    ]);
  }, 60_000);
});
