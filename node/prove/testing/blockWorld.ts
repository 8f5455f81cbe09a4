/**
 * A small world and its helpers for differential tests of the step machine's block mode against
 * Ore's engine (`executeBlock` on @ethereumjs/vm): funded EOAs and a few contracts, signed user
 * transactions, deposits, the block-mode request for a block on top of the world, and
 * {@link compare}, which runs a block on both sides and asserts they agree on everything a block
 * commits to (state root, gas used, receipts root, logs bloom, transactions root, block hash,
 * output root, each transaction's status, gas used and L1 fee; a refused block restarts with its
 * deposits only on both). Shared by `userTxs.test.ts`, `fuzzBlocks.test.ts`,
 * `directPrecompile.test.ts` and `deposits.test.ts`.
 */
import { expect } from "bun:test";
import { createTx } from "@ethereumjs/tx";
import { Address, createAccount, privateToAddress } from "@ethereumjs/util";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { fromHex, toHex } from "../../../core/bytes.ts";
import { nextBaseFee } from "../../../core/engine/baseFee.ts";
import { type DepositTx, encodeDeposit } from "../../../core/engine/depositTx.ts";
import { InvalidBlockError } from "../../../core/engine/errors.ts";
import {
  type BlockHeader,
  EMPTY_OMMERS_HASH,
  EMPTY_TRIE_ROOT,
  headerHash,
} from "../../../core/engine/header.ts";
import { BEACON_ROOTS, PREDEPLOYS } from "../../../core/engine/predeploys.ts";
import { keccak256 } from "../../../core/hash/keccak.ts";
import { MemoryNodeStore } from "../../../core/mpt/nodeStore.ts";
import {
  type BlockRequest,
  generateBlock,
  type TraceOptions,
  type TxsTrace,
} from "../../../core/proof/txs.ts";
import { word32 } from "../../../core/proof/world.ts";
import { type RlpInput, rlpEncode } from "../../../core/rlp.ts";
import { type BlockEnv, type ExecutedBlock, executeBlock } from "../../engine/blockExecutor.ts";
import { createOreVM, createStateManager, oreCommon } from "../../engine/vm.ts";

export const CHAIN_ID = 901n;
export const common = oreCommon(CHAIN_ID);
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
export const addr = (b: number): Uint8Array => new Uint8Array(20).fill(b);
/** `v` as a 32-byte big-endian word. */
export const word = word32;
export const big = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
};
export const uint = (v: bigint): Uint8Array => big(word(v));

export const KEYS = [1, 2, 3].map((i) => keccak256(Uint8Array.of(i)));
export const [ALICE, BOB, CAROL] = KEYS.map((k) => privateToAddress(k));
export const STORE = addr(0x51); // sstore(1, calldataload(0)); LOG1; call CALLEE; stop
export const CALLEE = addr(0x52); // sstore(0, sload(0) + 1); return 32 bytes
export const REVERTS = addr(0x53); // sstore(9, 9); revert
export const COINBASE = addr(0xc0);
export const BASE_FEE = 1_000_000n;

export const CODES: [Uint8Array, Uint8Array][] = [
  [
    STORE,
    hex(
      `600035 6001 55 6001 54 6000 52 60cc 6020 6000 a1 6020 6000 6000 6000 6000 73${Buffer.from(CALLEE).toString("hex")} 5a f1 00`,
    ),
  ],
  [CALLEE, hex("6000 54 6001 01 80 6000 55 6000 52 6020 6000 f3")],
  [REVERTS, hex("6009 6009 55 6000 6000 fd")],
];

/**
 * Init code that runs `prefix` (hex; by default it stores 7 at slot 3) and then deploys
 * `runtime`.
 */
export function deployer(runtime: Uint8Array, prefix = "6007 6003 55"): Uint8Array {
  const n = runtime.length.toString(16).padStart(4, "0");
  const pre = hex(prefix);
  const off = (pre.length + 14).toString(16).padStart(2, "0");
  return new Uint8Array([...pre, ...hex(`61${n} 60${off} 6000 39 61${n} 6000 f3`), ...runtime]);
}

export interface UserTx {
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
export function sign(t: UserTx): Uint8Array {
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
    const fields = [
      uint(t.nonce),
      uint(fees.gasPrice ?? 0n),
      uint(base.gasLimit),
      t.to ?? new Uint8Array(0),
      uint(base.value),
      base.data,
    ];
    return signRaw(rlpEncode(fields), t.key ?? KEYS[0], (rec, r, s) =>
      rlpEncode([...fields, uint(27n + BigInt(rec)), r, s]),
    );
  }
  return createTx({ ...base, ...fees, ...al } as never, { common: c })
    .sign(t.key ?? KEYS[0])
    .serialize();
}

/** Signs keccak(`payload`) and builds the envelope from the signature (r, s minimal). */
export function signRaw(
  payload: Uint8Array,
  key: Uint8Array,
  build: (rec: number, r: Uint8Array, s: Uint8Array) => Uint8Array,
): Uint8Array {
  const sig = secp256k1.sign(keccak256(payload), key, { prehash: false, format: "recovered" });
  return build(sig[0], big(sig.subarray(1, 33)), big(sig.subarray(33, 65)));
}

/** An EIP-1559 transaction with hand-made fields (for encodings @ethereumjs/tx would not write). */
export function rawTyped1559(
  fields: RlpInput[],
  key = KEYS[0],
  yParity?: (rec: number) => Uint8Array,
): Uint8Array {
  const payload = new Uint8Array([2, ...rlpEncode(fields)]);
  return signRaw(payload, key, (rec, r, s) => {
    const all = [...fields, yParity ? yParity(rec) : uint(BigInt(rec)), r, s];
    return new Uint8Array([2, ...rlpEncode(all)]);
  });
}

export let source = 0;
/**
 * A deposit transaction, `d` over the defaults (from 0xdd…dd, a creation with no data, 200,000
 * gas, no mint or value), with a source hash of its own.
 */
export function depositTx(d: Partial<DepositTx>): DepositTx {
  return {
    sourceHash: keccak256(new Uint8Array([source++, 0x55])),
    from: addr(0xdd),
    to: undefined,
    mint: 0n,
    value: 0n,
    gas: 200_000n,
    isSystemTx: false,
    data: new Uint8Array(0),
    ...d,
  };
}

/** {@link depositTx}, encoded (type 0x7e). */
export function deposit(d: Partial<DepositTx>): Uint8Array {
  return encodeDeposit(depositTx(d));
}

export interface World {
  store: MemoryNodeStore;
  sm: ReturnType<typeof createStateManager>;
  parent: { header: BlockHeader; hash: Uint8Array };
}

export async function world(
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

export const ENV: BlockEnv = {
  timestamp: 1_700_000_002n,
  prevRandao: keccak256(hex("01")),
  feeRecipient: COINBASE,
  gasLimit: 30_000_000n,
  parentBeaconBlockRoot: keccak256(hex("02")),
  extraData: new Uint8Array(0),
};

/** Output root v0 of the engine's block: keccak(0 ‖ stateRoot ‖ the message passer's storage root ‖ hash). */
export async function outputRootOf(w: World, block: ExecutedBlock): Promise<Uint8Array> {
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
export function blockRequest(w: World, txs: Uint8Array[], env: BlockEnv = ENV): BlockRequest {
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

/** Both sides' answers for one block: the machine's trace and the engine's block. */
export interface BothSides {
  trace: TxsTrace;
  block: ExecutedBlock;
  /** Why the engine refused the block as given (it then built the deposits-only block). */
  refused?: string;
  /** The output root v0 of the engine's block. */
  outputRoot: Uint8Array;
}

/**
 * Runs `txs` on the machine (block mode, every step re-verified from its witness when
 * `opts.verify`) and on the engine, which builds the deposits-only block when it refuses them.
 */
export async function runBoth(
  w: World,
  txs: Uint8Array[],
  env: BlockEnv = ENV,
  opts: TraceOptions = { verify: true },
): Promise<BothSides> {
  const trace = generateBlock(blockRequest(w, txs, env), opts);
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
  return { trace, block, refused, outputRoot: await outputRootOf(w, block) };
}

/** What the machine said and what the engine said, field by field, as plain comparable values. */
export function sides(b: BothSides): { machine: unknown; engine: unknown } {
  const { trace, block } = b;
  return {
    machine: {
      restarted: trace.restartedAt !== undefined,
      txs: trace.outcomes.map((o) => ({
        status: o.status === 1 ? 1 : 0,
        gasUsed: o.gasUsed,
        l1Fee: o.l1Fee,
      })),
      root: toHex(trace.worldRoot),
      gasUsed: trace.blockGasUsed,
      receiptsRoot: toHex(trace.receiptsRoot),
      logsBloom: toHex(trace.logsBloom),
      transactionsRoot: toHex(trace.transactionsRoot),
      blockHash: toHex(trace.blockHash),
      outputRoot: toHex(trace.outputRoot),
    },
    engine: {
      restarted: b.refused !== undefined,
      txs: block.results.map((r) => ({
        status: r.status,
        gasUsed: BigInt(r.gasUsed),
        l1Fee: BigInt(r.l1Fee ?? "0x0"),
      })),
      root: toHex(block.header.stateRoot),
      gasUsed: block.header.gasUsed,
      receiptsRoot: toHex(block.header.receiptsRoot),
      logsBloom: toHex(block.header.logsBloom),
      transactionsRoot: toHex(block.header.transactionsRoot),
      blockHash: toHex(block.hash),
      outputRoot: toHex(b.outputRoot),
    },
  };
}

/** The names of the fields on which the two sides of `b` disagree (empty: they agree). */
export function disagreements(b: BothSides): string[] {
  const { machine, engine } = sides(b) as {
    machine: Record<string, unknown>;
    engine: Record<string, unknown>;
  };
  const show = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));
  return Object.keys(machine).filter((k) => show(machine[k]) !== show(engine[k]));
}

/**
 * Runs `txs` on the machine (block mode, with `opts`: every step re-verified by default; `kzg`
 * for point evaluation) and on the engine; they must agree.
 */
export async function compare(
  w: World,
  txs: Uint8Array[],
  env: BlockEnv = ENV,
  opts: TraceOptions = { verify: true },
): Promise<TxsTrace> {
  const b = await runBoth(w, txs, env, opts);
  const { trace, block, refused } = b;
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
  const { machine, engine } = sides(b) as {
    machine: Record<string, unknown>;
    engine: Record<string, unknown>;
  };
  const { txs: _m, restarted: _mr, ...m } = machine;
  const { txs: _e, restarted: _er, ...e } = engine;
  expect(m).toEqual(e);
  return trace;
}

/** Decodes an RLP list's items (for re-encoding a signed transaction). */
export function rlpDecodeList(b: Uint8Array): RlpInput[] {
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
export function highS(raw: Uint8Array): Uint8Array {
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
