/**
 * Random blocks for the block-level differential fuzzer (`../fuzzBlocks.test.ts`): a world of
 * EOAs with edge balances and nonces, random programs (`core/proof/randomProgram.ts`), an ERC-20
 * (`contracts/src/test/TestERC20.sol`) and contracts that CALL or STATICCALL a precompile with
 * their calldata; then a few deposits and user transactions whose every field comes from an
 * edge-heavy distribution (types 0/1/2 and invalid ones, every kind of recipient, values at the
 * balance, gas limits at the intrinsic gas, access lists of precompiles and absent accounts).
 * Deterministic for a given random source.
 */
import { Address, createAccount, privateToAddress } from "@ethereumjs/util";
import { encodeFunctionData } from "viem";
import { testERC20Abi, testERC20DeployedBytecode } from "../../../contracts/artifacts/TestERC20.ts";
import { fromHex } from "../../../core/bytes.ts";
import { calldataGas, type L1FeeParams, l1FeeForGas } from "../../../core/engine/l1Fee.ts";
import { PREDEPLOYS } from "../../../core/engine/predeploys.ts";
import { keccak256 } from "../../../core/hash/keccak.ts";
import { randomProgram } from "../../../core/proof/randomProgram.ts";
import { rlpEncode } from "../../../core/rlp.ts";
import { randomBytes } from "../../../core/testing/random.ts";
import type { BlockEnv } from "../../engine/blockExecutor.ts";
import type { createStateManager } from "../../engine/vm.ts";
import {
  ALICE,
  addr,
  BASE_FEE,
  BOB,
  CALLEE,
  COINBASE,
  deployer,
  deposit,
  ENV,
  hex,
  KEYS,
  REVERTS,
  STORE,
  sign,
  type UserTx,
  word,
} from "./blockWorld.ts";
import { precompileInput } from "./precompileInputs.ts";

/** `0x00…0i`: precompile `i` (1–10), or a plain address above 0x0a. */
export const low = (i: number): Uint8Array => {
  const a = new Uint8Array(20);
  a[19] = i;
  return a;
};
const PROGRAMS = [addr(0x71), addr(0x72), addr(0x73)];
const ERC20 = addr(0x81);
/** calldata: [precompile][gas / 1024][input…]; CALLs it, logs the output under the success flag and stores its hash at slot `precompile`. */
const PRECALL = addr(0x82);
const PRESTATIC = addr(0x83);
const ABSENT = [addr(0xa7), addr(0xa8), low(0x0b), low(0x11)];
const MORE_KEYS = [4, 5, 6, 7, 8].map((i) => keccak256(Uint8Array.of(i)));
/** Every key; the last one's account is absent from the world (it may get a deposit's mint). */
const ALL_KEYS = [...KEYS, ...MORE_KEYS];
const PRE_TAIL = "f1 3d 6000 6000 3e 3d 6000 a1 3d 6000 20 5f35 60f8 1c 55 00";
const PRECALL_CODE = hex(
  `36 6002 6000 37 6000 6000 6002 36 03 6000 6000 5f35 60f8 1c 6001 35 60f8 1c 600a 1b ${PRE_TAIL}`,
);
const PRESTATIC_CODE = hex(
  `36 6002 6000 37 6000 6000 6002 36 03 6000 5f35 60f8 1c 6001 35 60f8 1c 600a 1b ${PRE_TAIL.replace("f1", "fa")}`,
);

/** What the fuzzer may put where. */
export interface FuzzOptions {
  /** Precompiles as a transaction's or deposit's `to` (and as the coinbase). */
  precompileTo: boolean;
  /** Calls that reach point evaluation (0x0a, needs the KZG on both sides). */
  pointEvaluation?: Uint8Array;
}

/** One random block: how to build its world, and its environment and transactions. */
export interface RandomBlock {
  codes: [Uint8Array, Uint8Array][];
  l1: { base: bigint; blob: bigint; scalars: bigint };
  baseFee: bigint;
  setup: (sm: ReturnType<typeof createStateManager>) => Promise<void>;
  env: BlockEnv;
  txs: Uint8Array[];
  /** One line per transaction, for a failure's report. */
  notes: string[];
}

interface Sender {
  key: Uint8Array;
  address: Uint8Array;
  nonce: bigint;
  balance: bigint;
  /** Sent or received in this block already: its balance is no longer known. */
  touched: boolean;
}

/** A random block from `rand`. */
export function randomBlock(rand: () => number, opts: FuzzOptions): RandomBlock {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => rand() < p;
  const precompiles = Array.from({ length: opts.pointEvaluation ? 10 : 9 }, (_, i) => low(i + 1));
  const callable = [...PROGRAMS, STORE, CALLEE, REVERTS, ERC20, PRECALL, ...precompiles];
  const codes: [Uint8Array, Uint8Array][] = [
    ...PROGRAMS.map(
      (a) => [a, randomProgram(rand, { world: PROGRAMS, calls: callable }).code] as [Uint8Array, Uint8Array],
    ),
    [ERC20, fromHex(testERC20DeployedBytecode)],
    [PRECALL, PRECALL_CODE],
    [PRESTATIC, PRESTATIC_CODE],
  ];
  const baseFee = pick([0n, BASE_FEE, BASE_FEE, 1n, BigInt(1 + int(10 ** 9))]);
  const l1 = {
    base: pick([0n, 30n, BigInt(int(1000))]),
    blob: pick([0n, 2n, BigInt(int(10 ** 6))]),
    scalars: pick([0n, 1n, 1n, BigInt(int(100))]),
  };
  const l1p: L1FeeParams = {
    l1BaseFee: l1.base * 10n ** 9n,
    l1BlobBaseFee: l1.blob,
    baseFeeScalar: l1.scalars * 1368n,
    blobBaseFeeScalar: l1.scalars * 810_949n,
  };
  const senders: Sender[] = ALL_KEYS.map((key, i) => {
    const address = privateToAddress(key);
    if (i === 0 || i === 1) return { key, address, nonce: 3n, balance: 10n ** 18n, touched: false };
    if (i === 2) return { key, address, nonce: 0n, balance: 10n ** 12n, touched: false };
    if (i === ALL_KEYS.length - 1) return { key, address, nonce: 0n, balance: 0n, touched: false };
    const balance = pick([
      0n,
      1n,
      21_000n * baseFee,
      10n ** 15n,
      10n ** 18n,
      1n << 96n,
      BigInt(int(10 ** 9)),
    ]);
    return {
      key,
      address,
      nonce: balance === 0n ? 1n + BigInt(int(3)) : BigInt(int(3)),
      balance,
      touched: false,
    };
  });
  const erc20Balances = senders.map(() => pick([0n, 1n, 10n ** 18n, (1n << 256n) - 1n]));
  const initial = senders.map((s) => ({ ...s })); // `setup` runs after the block is drawn
  const setup = async (sm: ReturnType<typeof createStateManager>) => {
    for (const [i, s] of initial.entries()) {
      if (i < 3 || i === senders.length - 1) continue;
      await sm.putAccount(new Address(s.address), createAccount({ nonce: s.nonce, balance: s.balance }));
    }
    for (const [i, s] of senders.entries()) {
      if (erc20Balances[i] === 0n) continue;
      const slot = keccak256(
        new Uint8Array([...word(BigInt(`0x${Buffer.from(s.address).toString("hex")}`)), ...word(4n)]),
      );
      await sm.putStorage(new Address(ERC20), slot, strip(word(erc20Balances[i])));
    }
  };
  const coinbase = pick([
    COINBASE,
    ALICE,
    PROGRAMS[0],
    PREDEPLOYS.SequencerFeeVault,
    PREDEPLOYS.BaseFeeVault,
    ABSENT[0],
    ...(opts.precompileTo ? [pick(precompiles)] : []),
  ]);
  const env: BlockEnv = { ...ENV, feeRecipient: coinbase };

  const txs: Uint8Array[] = [];
  const notes: string[] = [];
  const recipients = (): Uint8Array | undefined => {
    const r = rand();
    if (r < 0.1) return undefined; // a creation
    if (r < 0.25) return pick(senders).address;
    if (r < 0.32) return pick(ABSENT);
    if (r < 0.55) return pick(PROGRAMS);
    if (r < 0.62) return pick([STORE, CALLEE, REVERTS]);
    if (r < 0.72) return ERC20;
    if (r < 0.82) return pick([PRECALL, PRESTATIC]);
    if (r < 0.86) return coinbase;
    if (r < 0.9)
      return pick([
        PREDEPLOYS.L1Block,
        PREDEPLOYS.BaseFeeVault,
        PREDEPLOYS.L1FeeVault,
        PREDEPLOYS.SequencerFeeVault,
        PREDEPLOYS.L2ToL1MessagePasser,
      ]);
    return opts.precompileTo ? pick(precompiles) : pick(ABSENT);
  };
  const dataFor = (to: Uint8Array | undefined): Uint8Array => {
    if (to === undefined) {
      const r = rand();
      if (r < 0.6) return deployer(randomProgram(rand, { world: PROGRAMS }).code.subarray(0, 200));
      if (r < 0.8) return randomProgram(rand, { world: PROGRAMS, calls: callable }).code;
      return randomBytes(rand, int(40));
    }
    if (same(to, ERC20)) {
      const who = () => hx(pick([...senders.map((s) => s.address), ...ABSENT]));
      const amount = () => pick([0n, 1n, 10n ** 18n, 10n ** 18n + 1n, (1n << 256n) - 1n]);
      const call = pick([
        "transfer",
        "approve",
        "transferFrom",
        "mint",
        "balanceOf",
        "setTransferFee",
      ] as const);
      const args =
        call === "transferFrom"
          ? [who(), who(), amount()]
          : call === "balanceOf"
            ? [who()]
            : call === "setTransferFee"
              ? [amount()]
              : [who(), amount()];
      return fromHex(encodeFunctionData({ abi: testERC20Abi, functionName: call, args } as never));
    }
    if (same(to, PRECALL) || same(to, PRESTATIC)) {
      const id = chance(0.9) ? 1 + int(precompiles.length) : pick([0, 0x0b, 0x11, 0x82]);
      const gas = pick([0, 1, 3, 4, 255, int(256)]);
      return new Uint8Array([id, gas, ...precompileInput(rand, id, opts.pointEvaluation)]);
    }
    const isPre = to.subarray(0, 19).every((b) => b === 0) && to[19] >= 1 && to[19] <= 10;
    if (isPre) return precompileInput(rand, to[19], opts.pointEvaluation);
    return chance(0.5) ? new Uint8Array(0) : randomBytes(rand, pick([1, 4, 32, 36, 68, int(300)]));
  };
  const accessList = (to: Uint8Array | undefined) => {
    if (chance(0.5)) return [];
    return Array.from({ length: 1 + int(4) }, () => ({
      address: pick([
        ...precompiles,
        ...ABSENT,
        ...PROGRAMS,
        ERC20,
        coinbase,
        senders[0].address,
        ...(to ? [to] : []),
      ]),
      storageKeys: Array.from({ length: int(3) }, () => word(pick([0n, 1n, 3n, BigInt(int(1 << 20))]))),
    }));
  };
  const intrinsic = (to: Uint8Array | undefined, data: Uint8Array, al: { storageKeys: unknown[] }[]) => {
    let g = to === undefined ? 53_000n : 21_000n;
    for (const b of data) g += b === 0 ? 4n : 16n;
    if (to === undefined) g += ((BigInt(data.length) + 31n) / 32n) * 2n;
    for (const e of al) g += 2400n + 1900n * BigInt(e.storageKeys.length);
    return g;
  };

  // Deposits first (sometimes one after a user transaction: the block restarts).
  const deposits = int(4);
  for (let i = 0; i < deposits; i++) {
    const to = chance(0.15) ? undefined : recipients();
    const from = pick([ALICE, senders[senders.length - 1].address, addr(0xdd), PROGRAMS[1], pick(ABSENT)]);
    const data = dataFor(to);
    const need = intrinsic(to, data, []);
    const mint = pick([0n, 1n, 10n ** 18n, BigInt(int(10 ** 9))]);
    const value = pick([0n, 0n, 0n, 1n, 1n, mint, mint, mint + 1n, 10n ** 19n]);
    const gas = pick([
      need - 1n,
      need,
      need,
      need + 1n,
      need + 50_000n,
      need + 50_000n,
      1_000_000n,
      1_000_000n,
    ]);
    txs.push(deposit({ from, to, mint, value, gas, data }));
    notes.push(
      `deposit from ${hx(from)} to ${to ? hx(to) : "create"} mint ${mint} value ${value} gas ${gas} (intrinsic ${need}) data ${data.length}B`,
    );
    for (const s of senders) {
      if (same(s.address, from)) s.nonce++; // even a failed deposit bumps its sender's nonce
      if (same(s.address, from) || (to && same(s.address, to))) s.touched = true;
    }
  }
  const users = 1 + int(7);
  const rich = senders.filter((x) => x.balance >= 10n ** 15n);
  for (let i = 0; i < users; i++) {
    // Mostly valid transactions (an invalid one restarts the block with its deposits only).
    const bad = chance(0.06)
      ? pick([
          "nonce",
          "garbage",
          "type",
          "late deposit",
          "gas low",
          "gas high",
          "fee low",
          "value over",
          "value short",
        ])
      : undefined;
    const mode =
      bad === "value over" || bad === "value short"
        ? "exact"
        : pick(["zero", "zero", "one", "some", "half", "exact"]);
    const fresh = senders.filter((x) => !x.touched && (bad !== undefined || x.balance >= 10n ** 12n));
    const s = mode === "exact" && fresh.length > 0 ? pick(fresh) : pick(rich);
    const type = pick([0, 1, 2] as const);
    const to = recipients();
    const data = dataFor(to);
    const al = type === 0 ? [] : accessList(to);
    const need = intrinsic(to, data, al);
    const gasLimit =
      bad === "gas low"
        ? need - 1n
        : bad === "gas high"
          ? 29_000_000n
          : pick([need, need, need + 1n, need + 100_000n, need + BigInt(int(2_000_000))]);
    let price =
      bad === "fee low"
        ? baseFee - 1n
        : pick([baseFee, baseFee, 2n * baseFee + 5n, baseFee + BigInt(int(100))]);
    if (price < 0n) price = 0n;
    const tips = [0n, 1n, price, BASE_FEE].filter((t) => t <= price);
    const tx: UserTx = { type, key: s.key, nonce: s.nonce, to, data, gasLimit, accessList: al };
    if (type === 2) Object.assign(tx, { maxFee: price, tip: pick(tips) });
    else tx.gasPrice = price;
    tx.value = { zero: 0n, one: 1n, some: BigInt(int(10 ** 6)), half: s.balance / 2n, exact: s.balance }[
      mode
    ];
    if (bad === "value over") tx.value = s.balance + 1n;
    let raw = sign(tx);
    if (mode === "exact" && bad !== "value over") {
      // Exactly the balance left after the L1 fee and gasLimit × fee cap (or one wei short).
      const short = bad === "value short" ? 1n : 0n;
      for (let k = 0; k < 4; k++) {
        const v = s.balance - l1FeeForGas(calldataGas(raw), l1p) - gasLimit * price + short;
        tx.value = v < 0n ? 0n : v;
        raw = sign(tx);
      }
    }
    let note = `${hx(s.address)} type ${type} nonce ${s.nonce} to ${to ? hx(to) : "create"} value ${tx.value} (${mode}) gas ${gasLimit} (intrinsic ${need}) price ${price} data ${data.length}B al ${al.length}`;
    if (bad) note += ` [${bad}]`;
    if (bad === "nonce")
      raw = sign({ ...tx, nonce: s.nonce === 0n || chance(0.5) ? s.nonce + 1n : s.nonce - 1n });
    else if (bad === "garbage") raw = randomBytes(rand, int(80));
    else if (bad === "type")
      raw = new Uint8Array([pick([0x03, 0x04, 0x05, 0x7f, 0xc0]), ...rlpEncode([raw.subarray(1)])]);
    else if (bad === "late deposit") raw = deposit({ from: ALICE, to: BOB, gas: 21_000n });
    if (bad !== "nonce" && bad !== "garbage" && bad !== "type" && bad !== "late deposit") s.nonce++;
    s.touched = true;
    txs.push(raw);
    notes.push(note);
  }
  return { codes, l1, baseFee, setup, env, txs, notes };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function strip(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

function hx(a: Uint8Array): string {
  return `0x${Buffer.from(a).toString("hex")}`;
}
