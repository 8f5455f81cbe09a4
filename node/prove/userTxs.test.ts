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
import { createTx } from "@ethereumjs/tx";
import { Address, createAccount, privateToAddress } from "@ethereumjs/util";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { fromHex, toHex } from "../../core/bytes.ts";
import { nextBaseFee } from "../../core/engine/baseFee.ts";
import { type DepositTx, encodeDeposit } from "../../core/engine/depositTx.ts";
import { InvalidBlockError } from "../../core/engine/errors.ts";
import {
  type BlockHeader,
  EMPTY_OMMERS_HASH,
  EMPTY_TRIE_ROOT,
  headerHash,
} from "../../core/engine/header.ts";
import { BEACON_ROOTS, PREDEPLOYS } from "../../core/engine/predeploys.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { MemoryNodeStore } from "../../core/mpt/nodeStore.ts";
import { seededRandom } from "../../core/mpt/testing.ts";
import { randomProgram } from "../../core/proof/randomProgram.ts";
import {
  type BlockRequest,
  blockRootsAt,
  blockRootsAtAsync,
  generateBlock,
  type TxsTrace,
} from "../../core/proof/txs.ts";
import { type RlpInput, rlpEncode } from "../../core/rlp.ts";
import { type BlockEnv, type ExecutedBlock, executeBlock } from "../engine/blockExecutor.ts";
import { createOreVM, createStateManager, oreCommon } from "../engine/vm.ts";

const SOAK = process.env.ORE_SOAK === "1";
const CHAIN_ID = 901n;
const common = oreCommon(CHAIN_ID);
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const addr = (b: number): Uint8Array => new Uint8Array(20).fill(b);
const word = (v: bigint): Uint8Array => {
  const c = new Uint8Array(32);
  for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) c[i] = Number(v & 0xffn);
  return c;
};
const big = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
};
const uint = (v: bigint): Uint8Array => big(word(v));

const KEYS = [1, 2, 3].map((i) => keccak256(Uint8Array.of(i)));
const [ALICE, BOB, CAROL] = KEYS.map((k) => privateToAddress(k));
const STORE = addr(0x51); // sstore(1, calldataload(0)); LOG1; call CALLEE; stop
const CALLEE = addr(0x52); // sstore(0, sload(0) + 1); return 32 bytes
const REVERTS = addr(0x53); // sstore(9, 9); revert
const COINBASE = addr(0xc0);
const BASE_FEE = 1_000_000n;

const CODES: [Uint8Array, Uint8Array][] = [
  [
    STORE,
    hex(
      `600035 6001 55 6001 54 6000 52 60cc 6020 6000 a1 6020 6000 6000 6000 6000 73${Buffer.from(CALLEE).toString("hex")} 5a f1 00`,
    ),
  ],
  [CALLEE, hex("6000 54 6001 01 80 6000 55 6000 52 6020 6000 f3")],
  [REVERTS, hex("6009 6009 55 6000 6000 fd")],
];

/** Init code that stores 7 at slot 3 and deploys `runtime`. */
function deployer(runtime: Uint8Array): Uint8Array {
  const n = runtime.length.toString(16).padStart(4, "0");
  return new Uint8Array([...hex(`6007 6003 55 61${n} 6013 6000 39 61${n} 6000 f3`), ...runtime]);
}

interface UserTx {
  type?: 0 | 1 | 2;
  key?: Uint8Array;
  nonce: bigint;
  to?: Uint8Array;
  value?: bigint;
  data?: Uint8Array;
  gasLimit?: bigint;
  gasPrice?: bigint;
  maxFee?: bigint;
  tip?: bigint;
  accessList?: { address: Uint8Array; storageKeys: Uint8Array[] }[];
  chainId?: bigint;
  unprotected?: boolean;
}

/** A transaction signed by @ethereumjs/tx (the engine's own library). */
function sign(t: UserTx): Uint8Array {
  const type = t.type ?? 2;
  const base = {
    type,
    nonce: t.nonce,
    to: t.to ? new Address(t.to) : undefined,
    value: t.value ?? 0n,
    data: t.data ?? new Uint8Array(0),
    gasLimit: t.gasLimit ?? 200_000n,
  };
  const fees =
    type === 2
      ? { maxFeePerGas: t.maxFee ?? 3n * BASE_FEE, maxPriorityFeePerGas: t.tip ?? 7n }
      : { gasPrice: t.gasPrice ?? 2n * BASE_FEE };
  const al = type === 0 ? {} : { accessList: (t.accessList ?? []).map((e) => [e.address, e.storageKeys]) };
  const c = t.chainId === undefined ? common : oreCommon(t.chainId);
  if (t.unprotected) {
    // Pre-EIP-155: v = 27/28 over the six-field payload.
    const payload = rlpEncode([
      uint(t.nonce),
      uint(fees.gasPrice ?? 0n),
      uint(base.gasLimit),
      t.to ?? new Uint8Array(0),
      uint(base.value),
      base.data,
    ]);
    return signRaw(payload, t.key ?? KEYS[0], (rec, r, s) =>
      rlpEncode([
        uint(t.nonce),
        uint(fees.gasPrice ?? 0n),
        uint(base.gasLimit),
        t.to ?? new Uint8Array(0),
        uint(base.value),
        base.data,
        uint(27n + BigInt(rec)),
        r,
        s,
      ]),
    );
  }
  return createTx({ ...base, ...fees, ...al } as never, { common: c })
    .sign(t.key ?? KEYS[0])
    .serialize();
}

/** Signs keccak(`payload`) and builds the envelope from the signature (r, s minimal). */
function signRaw(
  payload: Uint8Array,
  key: Uint8Array,
  build: (rec: number, r: Uint8Array, s: Uint8Array) => Uint8Array,
): Uint8Array {
  const sig = secp256k1.sign(keccak256(payload), key, { prehash: false, format: "recovered" });
  return build(sig[0], big(sig.subarray(1, 33)), big(sig.subarray(33, 65)));
}

/** An EIP-1559 transaction with hand-made fields (for encodings @ethereumjs/tx would not write). */
function rawTyped1559(fields: RlpInput[], key = KEYS[0], yParity?: (rec: number) => Uint8Array): Uint8Array {
  const payload = new Uint8Array([2, ...rlpEncode(fields)]);
  return signRaw(payload, key, (rec, r, s) => {
    const all = [...fields, yParity ? yParity(rec) : uint(BigInt(rec)), r, s];
    return new Uint8Array([2, ...rlpEncode(all)]);
  });
}

let source = 0;
function deposit(d: Partial<DepositTx>): Uint8Array {
  return encodeDeposit({
    sourceHash: keccak256(new Uint8Array([source++, 0x55])),
    from: addr(0xdd),
    to: undefined,
    mint: 0n,
    value: 0n,
    gas: 200_000n,
    isSystemTx: false,
    data: new Uint8Array(0),
    ...d,
  });
}

interface World {
  store: MemoryNodeStore;
  sm: ReturnType<typeof createStateManager>;
  parent: { header: BlockHeader; hash: Uint8Array };
}

async function world(
  extra: [Uint8Array, Uint8Array][] = [],
  l1 = { base: 30n, blob: 2n, scalars: 1n },
  setup?: (sm: ReturnType<typeof createStateManager>) => Promise<void>,
  baseFee = BASE_FEE,
) {
  const store = new MemoryNodeStore();
  const sm = createStateManager(store);
  for (const a of [ALICE, BOB])
    await sm.putAccount(new Address(a), createAccount({ nonce: 3n, balance: 10n ** 18n }));
  await sm.putAccount(new Address(CAROL), createAccount({ nonce: 0n, balance: 10n ** 12n }));
  for (const [a, code] of [...CODES, ...extra]) {
    await sm.putAccount(new Address(a), createAccount({ nonce: 1n, balance: 5n }));
    await sm.putCode(new Address(a), code);
  }
  await sm.putStorage(new Address(CALLEE), word(0n), word(41n).subarray(31));
  await sm.putStorage(new Address(STORE), word(1n), word(5n).subarray(31));
  // L1Block's fee parameters (slots 1, 3, 7) and EIP-4788's contract.
  const l1Block = new Address(PREDEPLOYS.L1Block);
  await sm.putAccount(l1Block, createAccount({ nonce: 1n, balance: 0n }));
  await sm.putCode(l1Block, hex("00"));
  // slot 3: blobBaseFeeScalar at bits 64..95, baseFeeScalar at bits 96..127.
  const packed = ((l1.scalars * 810_949n) << 64n) | ((l1.scalars * 1368n) << 96n);
  if (l1.base) await sm.putStorage(l1Block, word(1n), big(word(l1.base * 10n ** 9n)));
  if (packed) await sm.putStorage(l1Block, word(3n), big(word(packed)));
  if (l1.blob) await sm.putStorage(l1Block, word(7n), big(word(l1.blob)));
  const beacon = new Address(BEACON_ROOTS.address);
  await sm.putAccount(beacon, createAccount({ nonce: 1n, balance: 0n }));
  await sm.putCode(beacon, BEACON_ROOTS.code);
  if (setup) await setup(sm);
  const root = await sm.getStateRoot();
  const header: BlockHeader = {
    parentHash: new Uint8Array(32),
    ommersHash: EMPTY_OMMERS_HASH,
    coinbase: COINBASE,
    stateRoot: root,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256),
    difficulty: 0n,
    number: 6n,
    gasLimit: 30_000_000n,
    gasUsed: 5_000_000n, // the target: the next base fee stays
    timestamp: 1_700_000_000n,
    extraData: new Uint8Array(0),
    mixHash: new Uint8Array(32),
    nonce: new Uint8Array(8),
    baseFeePerGas: baseFee,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: new Uint8Array(32),
  };
  return { store, sm, parent: { header, hash: headerHash(header) } } satisfies World;
}

const ENV: BlockEnv = {
  timestamp: 1_700_000_002n,
  prevRandao: keccak256(hex("01")),
  feeRecipient: COINBASE,
  gasLimit: 30_000_000n,
  parentBeaconBlockRoot: keccak256(hex("02")),
  extraData: new Uint8Array(0),
};

/** Output root v0 of the engine's block: keccak(0 ‖ stateRoot ‖ the message passer's storage root ‖ hash). */
async function outputRootOf(w: World, block: ExecutedBlock): Promise<Uint8Array> {
  await w.sm.setStateRoot(block.header.stateRoot);
  const mp = await w.sm.getAccount(new Address(PREDEPLOYS.L2ToL1MessagePasser));
  const buf = new Uint8Array(128);
  buf.set(block.header.stateRoot, 32);
  buf.set(
    mp?.storageRoot ?? fromHex("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"),
    64,
  );
  buf.set(block.hash, 96);
  return keccak256(buf);
}

/** The block-mode request for `txs` on top of `w`'s parent. */
function blockRequest(w: World, txs: Uint8Array[], env: BlockEnv = ENV): BlockRequest {
  const h = w.parent.header;
  return {
    parentHash: w.parent.hash,
    number: h.number + 1n,
    timestamp: env.timestamp,
    prevRandao: env.prevRandao,
    feeRecipient: env.feeRecipient,
    gasLimit: env.gasLimit,
    baseFee: nextBaseFee(h),
    parentBeaconRoot: env.parentBeaconBlockRoot,
    parentStateRoot: h.stateRoot,
    txs,
    chainId: CHAIN_ID,
    blobBaseFee: 1n,
    preimages: (x) => w.store.get(x),
  };
}

/** Runs `txs` on the machine (block mode) and on the engine; they must agree. */
async function compare(w: World, txs: Uint8Array[], env: BlockEnv = ENV): Promise<TxsTrace> {
  const trace = generateBlock(blockRequest(w, txs, env), { verify: true });
  const vm = await createOreVM(common, w.sm, () => undefined);
  const ctx = { vm, stateManager: w.sm, common };
  let block: ExecutedBlock;
  let refused: string | undefined;
  try {
    block = await executeBlock(ctx, w.parent, env, txs);
  } catch (e) {
    if (!(e instanceof InvalidBlockError)) throw e;
    refused = e.message;
    if (process.env.DEBUG_REFUSED) console.log("refused:", refused);
    block = await executeBlock(
      ctx,
      w.parent,
      env,
      txs.filter((t) => t[0] === 0x7e),
    );
  }
  expect({ refused: refused !== undefined, at: trace.restartedAt !== undefined }).toEqual({
    refused: refused !== undefined,
    at: refused !== undefined,
  });
  expect(trace.outcomes.length).toBe(block.results.length);
  for (const [i, r] of block.results.entries()) {
    const got = trace.outcomes[i];
    expect({
      i,
      status: got.status === 1 ? 1 : 0,
      gasUsed: got.gasUsed,
      l1Fee: got.l1Fee,
    }).toEqual({ i, status: r.status, gasUsed: BigInt(r.gasUsed), l1Fee: BigInt(r.l1Fee ?? "0x0") });
  }
  expect({
    root: toHex(trace.worldRoot),
    gasUsed: trace.blockGasUsed,
    receiptsRoot: toHex(trace.receiptsRoot),
    logsBloom: toHex(trace.logsBloom),
    transactionsRoot: toHex(trace.transactionsRoot),
    blockHash: toHex(trace.blockHash),
    outputRoot: toHex(trace.outputRoot),
  }).toEqual({
    root: toHex(block.header.stateRoot),
    gasUsed: block.header.gasUsed,
    receiptsRoot: toHex(block.header.receiptsRoot),
    logsBloom: toHex(block.header.logsBloom),
    transactionsRoot: toHex(block.header.transactionsRoot),
    blockHash: toHex(block.hash),
    outputRoot: toHex(await outputRootOf(w, block)),
  });
  return trace;
}

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

/** Decodes an RLP list's items (for re-encoding a signed transaction). */
function rlpDecodeList(b: Uint8Array): RlpInput[] {
  // A small decoder: enough for transactions (strings and nested lists).
  const read = (p: number): [RlpInput, number] => {
    const x = b[p];
    if (x < 0x80) return [b.subarray(p, p + 1), p + 1];
    if (x < 0xb8) return [b.subarray(p + 1, p + 1 + x - 0x80), p + 1 + x - 0x80];
    if (x < 0xc0) {
      const ll = x - 0xb7;
      const len = Number(BigInt(`0x${Buffer.from(b.subarray(p + 1, p + 1 + ll)).toString("hex")}`));
      return [b.subarray(p + 1 + ll, p + 1 + ll + len), p + 1 + ll + len];
    }
    let start: number;
    let len: number;
    if (x < 0xf8) {
      start = p + 1;
      len = x - 0xc0;
    } else {
      const ll = x - 0xf7;
      len = Number(BigInt(`0x${Buffer.from(b.subarray(p + 1, p + 1 + ll)).toString("hex")}`));
      start = p + 1 + ll;
    }
    const items: RlpInput[] = [];
    let q = start;
    while (q < start + len) {
      const [it, nq] = read(q);
      items.push(it);
      q = nq;
    }
    return [items, start + len];
  };
  return read(0)[0] as RlpInput[];
}

/** `raw` (an EIP-1559 transaction) with its signature's s replaced by n − s and the parity flipped: the same signature with a high s. */
function highS(raw: Uint8Array): Uint8Array {
  const items = rlpDecodeList(raw.subarray(1));
  const y = items[9] as Uint8Array;
  let sv = 0n;
  for (const x of items[11] as Uint8Array) sv = (sv << 8n) | BigInt(x);
  const n = secp256k1.Point.CURVE().n;
  return new Uint8Array([
    2,
    ...rlpEncode([...items.slice(0, 9), uint(y.length === 0 ? 1n : 0n), items[10], uint(n - sv)]),
  ]);
}
