/**
 * User transactions (legacy, EIP-2930, EIP-1559) in the step machine's block mode
 * (docs/fault-proof.md §3.3) against Ore's engine itself: `executeBlock` over its
 * `OreStateManager` on a memory node store builds the same block from the same parent state, and
 * the machine's state root at `BlockEnd`, its gas used, and every transaction's status, gas used
 * and L1 fee must equal the engine's. A block the engine refuses (an invalid transaction) must make
 * the machine restart with the deposits only, and then agree with the engine's deposit-only block.
 * Covers fees to the L1FeeVault, BaseFeeVault and coinbase, tips capped by the fee cap, access
 * lists, creations, reverts, refunds, value transfers, unprotected legacy transactions, every
 * validity rule (nonce, balances, fee caps, gas, EIP-3607, EIP-3860, signatures, chain ids,
 * encodings), and random programs called by random transactions (`ORE_SOAK=1`: 150 blocks).
 * Every step verifies from its witness alone.
 */
import { describe, expect, test } from "bun:test";
import { Address, createAccount } from "@ethereumjs/util";
import { toHex } from "../../core/bytes.ts";
import { seededRandom } from "../../core/mpt/testing.ts";
import { randomProgram } from "../../core/proof/randomProgram.ts";
import { blockRootsAt, blockRootsAtAsync, generateBlock } from "../../core/proof/txs.ts";
import { type RlpInput, rlpEncode } from "../../core/rlp.ts";
import {
  ALICE,
  addr,
  BASE_FEE,
  BOB,
  blockRequest,
  CALLEE,
  CAROL,
  CHAIN_ID,
  compare,
  deployer,
  deposit,
  ENV,
  hex,
  highS,
  KEYS,
  REVERTS,
  rawTyped1559,
  rlpDecodeList,
  STORE,
  sign,
  uint,
  word,
  world,
} from "./testing/blockWorld.ts";

const SOAK = process.env.ORE_SOAK === "1";

describe("user transactions in the step machine vs Ore's engine", () => {
  test("legacy, EIP-2930, EIP-1559: fees, value, storage, refunds, reverts, creations", async () => {
    const w = await world();
    const t = await compare(w, [
      deposit({ to: BOB, value: 5n, mint: 10n }),
      sign({ type: 2, nonce: 3n, to: BOB, value: 1234n, gasLimit: 21_000n }),
      sign({ type: 2, nonce: 4n, to: STORE, data: word(77n), tip: 100n, maxFee: BASE_FEE + 5n }), // tip capped
      sign({ type: 0, nonce: 5n, to: STORE, data: word(0n) }), // clears slot 1: a refund
      sign({
        type: 1,
        nonce: 6n,
        to: CALLEE,
        accessList: [
          { address: CALLEE, storageKeys: [word(0n), word(5n)] },
          { address: BOB, storageKeys: [] },
          { address: CALLEE, storageKeys: [word(0n)] },
        ],
      }),
      sign({ type: 2, nonce: 7n, to: REVERTS, value: 9n }),
      sign({ type: 2, nonce: 8n, data: deployer(hex("6000 54 6000 52 6020 6000 f3")), gasLimit: 300_000n }),
      sign({ type: 0, key: KEYS[1], nonce: 3n, to: ALICE, value: 1n, unprotected: true, gasLimit: 30_000n }),
      sign({ type: 2, key: KEYS[1], nonce: 4n, data: hex("fe"), gasLimit: 100_000n }), // halting creation
      sign({ type: 2, key: KEYS[2], nonce: 0n, to: STORE, data: word(3n), tip: 0n }), // no tip: no coinbase credit
    ]);
    expect(t.outcomes.map((o) => o.type)).toEqual([0x7e, 2, 2, 0, 1, 2, 2, 0, 2, 2]);
    expect(t.outcomes.map((o) => o.status)).toEqual([1, 1, 1, 1, 1, 2, 1, 1, 3, 1]);
  }, 120_000);

  test("no L1 fee parameters (L1Block empty); a zero base fee; the coinbase as sender and receiver", async () => {
    const w = await world([], { base: 0n, blob: 0n, scalars: 0n });
    await compare(w, [sign({ type: 2, nonce: 3n, to: BOB, value: 1n })]);
    const free = await world([], undefined, undefined, 0n);
    await compare(free, [
      sign({ type: 2, nonce: 3n, to: BOB, value: 1n, maxFee: 0n, tip: 0n }),
      sign({ type: 0, nonce: 4n, to: CALLEE, gasPrice: 0n }),
      sign({ type: 2, nonce: 5n, to: CALLEE, maxFee: 9n, tip: 2n }),
    ]);
    await compare(
      w,
      [sign({ nonce: 3n, to: BOB, value: 7n }), sign({ key: KEYS[1], nonce: 3n, to: ALICE })],
      {
        ...ENV,
        feeRecipient: ALICE,
      },
    );
  }, 60_000);

  // Each is the block's second user transaction (ALICE's next nonce is 4, CAROL's 0).
  const invalid: [string, () => Uint8Array][] = [
    ["nonce too high", () => sign({ nonce: 5n, to: BOB })],
    ["nonce too low", () => sign({ nonce: 3n, to: BOB })],
    ["value above the balance", () => sign({ key: KEYS[2], nonce: 0n, to: BOB, value: 10n ** 12n })],
    [
      "gas above the balance",
      () => sign({ key: KEYS[2], nonce: 0n, to: BOB, maxFee: 10n ** 7n, gasLimit: 100_000n }),
    ],
    [
      "L1 fee above the balance",
      () =>
        sign({
          key: KEYS[2],
          nonce: 0n,
          to: BOB,
          data: new Uint8Array(20_000).fill(1),
          gasLimit: 400_000n,
          maxFee: BASE_FEE,
          tip: 0n,
        }),
    ],
    ["maxFee below the base fee", () => sign({ nonce: 4n, to: BOB, maxFee: BASE_FEE - 1n, tip: 0n })],
    ["gas price below the base fee", () => sign({ type: 0, nonce: 4n, to: BOB, gasPrice: BASE_FEE - 1n })],
    [
      "tip above maxFee",
      () =>
        rawTyped1559([
          uint(CHAIN_ID),
          uint(4n),
          uint(BASE_FEE + 1n),
          uint(BASE_FEE),
          uint(100_000n),
          BOB,
          new Uint8Array(0),
          new Uint8Array(0),
          [],
        ]),
    ],
    ["gas below intrinsic", () => sign({ nonce: 4n, to: BOB, gasLimit: 20_999n })],
    [
      "access list gas below intrinsic",
      () =>
        sign({
          type: 1,
          nonce: 4n,
          to: BOB,
          gasLimit: 23_000n,
          accessList: [{ address: BOB, storageKeys: [] }],
        }),
    ],
    ["gas above the block's remaining", () => sign({ nonce: 4n, to: BOB, gasLimit: 29_990_000n })],
    [
      "init code over 49,152 bytes",
      () =>
        rawTyped1559([
          uint(CHAIN_ID),
          uint(4n),
          uint(7n),
          uint(3n * BASE_FEE),
          uint(29_000_000n),
          new Uint8Array(0),
          new Uint8Array(0),
          new Uint8Array(49_153),
          [],
        ]),
    ],
    ["wrong chain id", () => sign({ nonce: 4n, to: BOB, chainId: 902n })],
    ["wrong legacy chain id", () => sign({ type: 0, nonce: 4n, to: BOB, chainId: 902n })],
    ["garbage", () => hex("02c3010203")],
    ["trailing bytes", () => new Uint8Array([...sign({ nonce: 4n, to: BOB }), 0])],
    ["blob type", () => hex("03c0")],
    ["unknown type", () => hex("05c0")],
    ["empty", () => new Uint8Array(0)],
    ["high s", () => highS(sign({ nonce: 4n, to: BOB }))],
  ];

  test("invalid transactions restart the block with its deposits only (as the engine's refusal)", async () => {
    const w = await world();
    for (const [name, make] of invalid) {
      const txs = [deposit({ to: BOB, mint: 3n }), sign({ nonce: 3n, to: CALLEE }), make()];
      const t = await compare(w, txs).catch((e) => {
        throw new Error(`${name}: ${(e as Error).message}`);
      });
      expect({ name, restartedAt: t.restartedAt }).toEqual({ name, restartedAt: 2 });
    }
    // A deposit after a user transaction.
    const t = await compare(w, [sign({ nonce: 3n, to: BOB }), deposit({ to: BOB })]);
    expect(t.restartedAt).toBe(1);
  }, 300_000);

  test("encodings @ethereumjs accepts: a chain id with a leading zero, key lists as empty strings", async () => {
    const w = await world();
    const fields = (nonce: bigint, al: RlpInput): RlpInput[] => [
      uint(CHAIN_ID),
      uint(nonce),
      uint(7n),
      uint(3n * BASE_FEE),
      uint(100_000n),
      CALLEE,
      new Uint8Array(0),
      new Uint8Array(0),
      al,
    ];
    const leadingZero = (() => {
      const raw = rawTyped1559(fields(3n, []));
      // Re-encode with chainId 0x00 0x03 0x85: @ethereumjs reads it as 901 and signs canonically.
      const f = fields(3n, []);
      f[0] = new Uint8Array([0, ...uint(CHAIN_ID)]);
      const rest = rlpDecodeList(raw.subarray(1)).slice(9);
      return new Uint8Array([2, ...rlpEncode([...f, ...rest])]);
    })();
    await compare(w, [leadingZero]);
    await compare(w, [rawTyped1559(fields(3n, [[CALLEE, new Uint8Array(0)]]))]);
    await compare(w, [rawTyped1559(fields(3n, new Uint8Array(0)))]);
    await compare(w, [rawTyped1559(fields(3n, [[CALLEE]]))]);
    await compare(w, [rawTyped1559(fields(3n, [[new Uint8Array(19), []]]))]);
    await compare(w, [rawTyped1559(fields(3n, []), KEYS[0], () => new Uint8Array([0]))]); // yParity 0x00
    await compare(w, [rawTyped1559(fields(3n, []), KEYS[0], () => uint(2n))]); // yParity 2
  }, 120_000);

  test("large transactions load in pieces: 70 KB of calldata, 40 KB of init code, 700 access-list entries", async () => {
    const w = await world();
    const many = Array.from({ length: 350 }, (_, i) => ({
      address: addr(i & 0xff),
      storageKeys: [word(BigInt(i))],
    }));
    const t = await compare(w, [
      sign({
        type: 1,
        nonce: 3n,
        to: STORE,
        data: new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff),
        gasLimit: 4_000_000n,
        accessList: many,
      }),
      sign({ nonce: 4n, data: deployer(new Uint8Array(40_000).fill(0x60)), gasLimit: 5_000_000n }),
    ]);
    expect(t.outcomes.map((o) => o.status)).toEqual([1, 3]); // the code is over EIP-170's limit
  }, 120_000);

  test("receipts: 300 of them (keys past 0x7f and 0xff), many and long logs, an empty block", async () => {
    const LOG_MANY = addr(0x61); // 40 × LOG0 with no data
    const LOG_DATA = addr(0x62); // LOG4(1, 2, 3, 4) of its calldata
    const LOG_REVERT = addr(0x63); // LOG0, then REVERT: the log is dropped
    const w = await world([
      [LOG_MANY, hex("6028 5b 5f5f a0 6001 90 03 80 6002 57 00")],
      [LOG_DATA, hex("365f5f37 6004 6003 6002 6001 36 5f a4 00")],
      [LOG_REVERT, hex("5f5f a0 5f5f fd")],
    ]);
    await compare(w, []);
    await compare(w, [deposit({ to: LOG_DATA, data: hex("05") })]);
    const txs: Uint8Array[] = [deposit({ to: LOG_MANY })];
    const datas = [
      new Uint8Array(3000).map((_, i) => i & 0xff),
      hex("05"),
      hex("85"),
      new Uint8Array(0),
      new Uint8Array(55).fill(1),
      new Uint8Array(56).fill(2),
    ];
    let nonce = 3n;
    for (let k = 0; k < 300; k++) {
      const to = k % 50 === 7 ? LOG_MANY : k % 10 === 3 ? LOG_DATA : k % 10 === 5 ? LOG_REVERT : BOB;
      const data = to === LOG_DATA ? datas[((k / 10) % datas.length) | 0] : new Uint8Array(0);
      txs.push(sign({ type: ([0, 1, 2] as const)[k % 3], nonce: nonce++, to, data, gasLimit: 100_000n }));
    }
    const t = await compare(w, txs);
    expect(t.outcomes.length).toBe(301);
  }, 120_000);

  test("an empty account in the state (EIP-161) is refused by name, not proved wrong", async () => {
    const EMPTY = addr(0xee);
    const w = await world([], undefined, async (sm) =>
      sm.putAccount(new Address(EMPTY), createAccount({ nonce: 0n, balance: 0n })),
    );
    // The engine's state manager may drop an empty account; only a state that holds one matters.
    if ((await w.sm.getAccount(new Address(EMPTY))) === undefined) return;
    await expect(compare(w, [sign({ nonce: 3n, to: EMPTY })])).rejects.toThrow(
      /unsupported state: an empty account/,
    );
  }, 60_000);

  test("zero-value touches of absent accounts create no account (EIP-161) on either side", async () => {
    const w = await world();
    const [A1, A2, A3, A4, A5] = [0xa1, 0xa2, 0xa3, 0xa4, 0xa5].map(addr);
    // A constructor that self-destructs to A4 with no balance (EIP-6780: deleted in its own tx).
    const selfDestructTo = hex(`73${A4.slice(2)} ff`);
    const env = { ...ENV, feeRecipient: A5 }; // an absent coinbase that earns nothing (tip 0)
    const t = await compare(
      w,
      [
        deposit({ to: A1 }), // no mint, no value
        deposit({ from: A2, to: A2 }), // a fresh sender: its nonce makes it non-empty
        sign({ type: 2, nonce: 3n, to: A3, tip: 0n }), // no value
        sign({ type: 2, nonce: 4n, data: selfDestructTo, gasLimit: 100_000n, tip: 0n }),
        sign({ type: 0, nonce: 5n, to: A1, gasPrice: BASE_FEE }), // legacy at the base fee: no tip
      ],
      env,
    );
    expect(t.outcomes.map((o) => o.status)).toEqual([1, 1, 1, 1, 1]);
    await w.sm.setStateRoot(t.worldRoot);
    const present = await Promise.all([A1, A2, A3, A4, A5].map((a) => w.sm.getAccount(new Address(a))));
    expect(present.map((a) => a !== undefined)).toEqual([false, true, false, false, false]);
  }, 60_000);

  test("lazy mode in block mode gives the full trace's roots at the asked indices (and the final root past the end)", async () => {
    const w = await world();
    const txs = [
      deposit({ to: BOB, value: 5n, mint: 10n }),
      sign({ type: 2, nonce: 3n, to: STORE, data: word(9n) }),
      sign({ type: 2, nonce: 4n, to: BOB, value: 1n }),
    ];
    const full = generateBlock(blockRequest(w, txs));
    const n = full.roots.length - 1;
    const asked = [0, 1, 17, n >> 1, n - 1, n, n + 1000];
    const lazy = blockRootsAt(blockRequest(w, txs), asked);
    expect(asked.map((i) => toHex(lazy.get(i)!))).toEqual(
      asked.map((i) => toHex(full.roots[Math.min(i, n)])),
    );
    const async = await blockRootsAtAsync(blockRequest(w, txs), asked, async () => undefined);
    expect(asked.map((i) => toHex(async.get(i)!))).toEqual(asked.map((i) => toHex(lazy.get(i)!)));
  }, 60_000);

  test("a sender with code is refused (EIP-3607)", async () => {
    const w = await world([], undefined, async (sm) => sm.putCode(new Address(CAROL), hex("00")));
    const t = await compare(w, [sign({ key: KEYS[2], nonce: 0n, to: BOB })]);
    expect(t.restartedAt).toBe(0);
  }, 60_000);

  test(
    `random programs called by random transactions (${SOAK ? 150 : 6} blocks)`,
    async () => {
      const rand = seededRandom(SOAK ? Date.now() : 20261122);
      const targets = [addr(0x71), addr(0x72), addr(0x73)];
      for (let k = 0; k < (SOAK ? 150 : 6); k++) {
        const codes = targets.map(
          (a) =>
            [a, randomProgram(rand, { world: targets, calls: targets }).code] as [Uint8Array, Uint8Array],
        );
        const w = await world(codes, { base: BigInt(Math.floor(rand() * 100)), blob: 3n, scalars: 1n });
        const nonces = [3n, 3n, 0n];
        const txs: Uint8Array[] = [deposit({ to: targets[0], mint: 10n ** 15n })];
        for (let i = 0; i < 4; i++) {
          const who = rand() < 0.8 ? 0 : 1;
          const type = ([0, 1, 2] as const)[Math.floor(rand() * 3)];
          const r = rand();
          const to = r < 0.8 ? targets[Math.floor(rand() * 3)] : r < 0.9 ? STORE : undefined;
          const data =
            to === undefined
              ? deployer(randomProgram(rand, { world: targets }).code.subarray(0, 100))
              : new Uint8Array(Math.floor(rand() * 64)).map(() => Math.floor(rand() * 256));
          txs.push(
            sign({
              type,
              key: KEYS[who],
              nonce: nonces[who]++,
              to,
              data,
              value: rand() < 0.5 ? 0n : BigInt(Math.floor(rand() * 1000)),
              gasLimit: BigInt([60_000, 100_000, 500_000, 2_000_000][Math.floor(rand() * 4)]),
              tip: BigInt(Math.floor(rand() * 3)) * BASE_FEE,
              accessList:
                type === 0 || rand() < 0.5 ? [] : [{ address: targets[1], storageKeys: [word(1n)] }],
            }),
          );
        }
        await compare(w, txs);
      }
    },
    SOAK ? 3_600_000 : 120_000,
  );
});
