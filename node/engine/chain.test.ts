import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTx } from "@ethereumjs/tx";
import { Address, hexToBytes } from "@ethereumjs/util";
import { fromHex, toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { parseGenesis } from "../../core/engine/genesis.ts";
import { l1InfoDeposit } from "../../core/engine/l1Info.ts";
import { PREDEPLOYS } from "../../core/engine/predeploys.ts";
import { userDepositSourceHash } from "../../core/engine/sourceHash.ts";
import { Chain } from "./chain.ts";
import { predeployCode } from "./predeployCode.ts";
import { Store } from "./store.ts";

const dir = mkdtempSync(join(tmpdir(), "ore-chain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = hexToBytes("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const dev = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const genesis = parseGenesis({
  config: { chainId: 901 },
  timestamp: "0x1000",
  alloc: { [dev]: { balance: "0x3635c9adc5dea00000" } },
});
const l1Hash = fromHex(`0x${"aa".repeat(32)}`);
const info = l1InfoDeposit({
  baseFeeScalar: 1368,
  blobBaseFeeScalar: 810949,
  sequenceNumber: 0n,
  timestamp: 4000n,
  number: 7n,
  baseFee: 10_000_000_000n,
  blobBaseFee: 1n,
  hash: l1Hash,
  batcherHash: new Uint8Array(32),
});

describe("chain", () => {
  test("builds a block with L1 info, a user deposit and a user tx, then re-imports it", async () => {
    const store = new Store(join(dir, "a.sqlite"));
    const chain = await Chain.open(store, genesis, predeployCode());
    const g = chain.headBlock();
    expect(g.header.number).toBe(0n);
    const target = fromHex("0x00000000000000000000000000000000000000b0");
    const deposit = encodeDeposit({
      sourceHash: userDepositSourceHash(l1Hash, 0),
      from: fromHex("0x00000000000000000000000000000000000000a0"),
      to: target,
      mint: 10n ** 18n,
      value: 5n,
      gas: 100_000n,
      isSystemTx: false,
      data: new Uint8Array(0),
    });
    const tx = createTx(
      {
        type: 2,
        nonce: 0n,
        to: target,
        value: 7n,
        gasLimit: 21_000n,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 10n ** 9n,
        chainId: 901n,
      },
      { common: chain.common },
    ).sign(key);
    const env = {
      timestamp: g.header.timestamp + 2n,
      prevRandao: new Uint8Array(32),
      feeRecipient: PREDEPLOYS.SequencerFeeVault,
      gasLimit: 30_000_000n,
      parentBeaconBlockRoot: new Uint8Array(32),
      extraData: new Uint8Array(0),
    };
    const built = await chain.build(g.hash, env, [encodeDeposit(info), deposit, tx.serialize()], []);
    expect(built.results.map((r) => r.status)).toEqual([1, 1, 1]);
    expect(built.results[1]!.depositNonce).toBe("0x0");
    expect(BigInt(built.results[2]!.l1Fee!)).toBeGreaterThan(0n);
    chain.setForkchoice(built.hash);
    const balance = await chain.withState(built.header.stateRoot, async (sm) => {
      return (await sm.getAccount(new Address(target)))!.balance;
    });
    expect(balance).toBe(12n);
    const vault = await chain.withState(built.header.stateRoot, async (sm) => {
      return (await sm.getAccount(new Address(PREDEPLOYS.L1FeeVault)))!.balance;
    });
    expect(vault).toBe(BigInt(built.results[2]!.l1Fee!));
    store.close();

    // A second engine re-executes the same payload and reaches the same hash.
    const store2 = new Store(join(dir, "b.sqlite"));
    const chain2 = await Chain.open(store2, genesis, predeployCode());
    expect(toHex(chain2.headBlock().hash)).toBe(toHex(g.hash));
    const again = await chain2.import(built.header, built.transactions);
    expect(toHex(again.hash)).toBe(toHex(built.hash));
    store2.close();
  });
});
