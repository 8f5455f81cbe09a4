/**
 * In-memory L1 and L2 for derivation's tests and benchmark (pure). `FakeL1` is a chain of L1
 * blocks the test builds, with batcher transactions, portal deposits, SystemConfig updates and
 * blobs, and can reorg. `FakeL2` is an "engine" that turns attributes into blocks whose hash is
 * `keccak256(parentHash ‖ encodePayloadAttributes(attrs))`, so two chains are equal exactly when
 * their attributes are. Hashes and versioned hashes are made up (no headers, no KZG).
 */
import { concatBytes, fromHex, toHex } from "../../bytes.ts";
import { encodeOpaqueData, TRANSACTION_DEPOSITED_TOPIC } from "../../engine/depositLog.ts";
import { keccak256 } from "../../hash/keccak.ts";
import { randomBytes, seededRandom } from "../../testing/random.ts";
import { APPEND_BLOB_BATCH_SELECTOR, appendBatchCalldata, BATCH_APPENDED_TOPIC } from "../batchFeed.ts";
import { l2BlockRefFromBlock, systemConfigFromL2Block } from "../l2BlockRef.ts";
import { encodePayloadAttributes } from "../payloadAttributes.ts";
import { type RollupConfig, validateRollupConfig } from "../rollupConfig.ts";
import { CONFIG_UPDATE_TOPIC, ConfigUpdateType, ecotoneScalarWord, ZERO32 } from "../systemConfig.ts";
import type {
  Hex,
  L1BlockInfo,
  L1BlockRef,
  L1Log,
  L1Receipt,
  L1Source,
  L1Transaction,
  L2BlockInput,
  L2BlockRef,
  L2Source,
  PayloadAttributes,
  SystemConfig,
} from "../types.ts";

export { randomBytes, seededRandom };

/** Addresses the fakes use. */
export const ADDR = {
  batchFeed: "0xba7c4fee00000000000000000000000000000001",
  portal: "0x0b7a100000000000000000000000000000000002",
  systemConfig: "0x5c00f19000000000000000000000000000000003",
  batcher: "0xba7c4e7000000000000000000000000000000004",
  batcher2: "0xba7c4e7000000000000000000000000000000005",
  user: "0x0000000000000000000000000000000000000abc",
  stranger: "0x5743a6e700000000000000000000000000000006",
} as const satisfies Record<string, Hex>;

const word = (n: bigint | number): Uint8Array => {
  const out = new Uint8Array(32);
  let v = BigInt(n);
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
};
const hashOf = (...parts: (string | number)[]): Hex =>
  toHex(keccak256(new TextEncoder().encode(parts.join("/"))));

/** A rollup config for tests: L1 blocks every 12 s, L2 every 2 s, small windows. */
export function testConfig(over: Partial<Omit<RollupConfig, "genesis">> = {}): RollupConfig {
  const cfg: RollupConfig = {
    genesis: {
      l1: { hash: l1Hash(0, "main"), number: 0 },
      l2: { hash: hashOf("l2-genesis"), number: 0 },
      l2Time: L1_GENESIS_TIME,
      systemConfig: {
        batcherAddr: ADDR.batcher,
        overhead: ZERO32,
        scalar: ecotoneScalarWord({ baseFeeScalar: 1368, blobBaseFeeScalar: 810949 }),
        gasLimit: 30_000_000n,
      },
    },
    blockTime: 2,
    maxSequencerDrift: 60,
    seqWindowSize: 6,
    channelTimeout: 4,
    l1ChainId: 900,
    l2ChainId: 901,
    regolithTime: 0,
    canyonTime: 0,
    deltaTime: 0,
    ecotoneTime: 0,
    batchInboxAddress: ADDR.batchFeed,
    depositContractAddress: ADDR.portal,
    l1SystemConfigAddress: ADDR.systemConfig,
    ...over,
  };
  validateRollupConfig(cfg);
  return cfg;
}

/** Timestamp of the fake L1 genesis block. */
export const L1_GENESIS_TIME = 1_700_000_000;

function l1Hash(n: number, fork: string): Hex {
  return hashOf("l1", fork, n);
}

/** One fake L1 transaction with its receipt (and blobs for a blob batch). */
export interface FakeTx {
  tx: L1Transaction;
  receipt: { status: boolean; logs: Omit<L1Log, "logIndex">[] };
  blobs?: Uint8Array[];
}

/** One fake L1 block. */
export interface FakeL1Block {
  ref: L1BlockRef;
  txs: FakeTx[];
}

/** A user deposit to put in an L1 block. */
export interface DepositSpec {
  from?: Hex;
  to?: Hex;
  mint?: bigint;
  value?: bigint;
  gas?: bigint;
  data?: Uint8Array;
}

let txCounter = 0;

/** Transaction builders for `FakeL1.addBlock`. */
export const fakeTx = {
  /** A successful `appendBatch(data)` from `from` (default: the batcher). */
  calldataBatch(
    data: Uint8Array,
    opts: { from?: Hex; status?: boolean; to?: Hex; commitment?: Uint8Array } = {},
  ): FakeTx {
    const to = opts.to ?? ADDR.batchFeed;
    const status = opts.status ?? true;
    return {
      tx: {
        hash: hashOf("tx", txCounter++),
        from: opts.from ?? ADDR.batcher,
        to,
        input: appendBatchCalldata(data),
        type: 2,
        blobVersionedHashes: [],
      },
      receipt: { status, logs: status ? [batchAppendedLog(to, opts.commitment ?? keccak256(data))] : [] },
    };
  },
  /** A successful `appendBlobBatch()` carrying `blobs`. */
  blobBatch(blobs: Uint8Array[], opts: { from?: Hex } = {}): FakeTx {
    const hashes = blobs.map((b) => {
      const h = keccak256(b);
      h[0] = 1;
      return toHex(h);
    });
    return {
      tx: {
        hash: hashOf("tx", txCounter++),
        from: opts.from ?? ADDR.batcher,
        to: ADDR.batchFeed,
        input: APPEND_BLOB_BATCH_SELECTOR.slice(),
        type: 3,
        blobVersionedHashes: hashes,
      },
      receipt: {
        status: true,
        logs: [batchAppendedLog(ADDR.batchFeed, keccak256(concatBytes(...hashes.map(fromHex))))],
      },
      blobs,
    };
  },
  /** A portal deposit. */
  deposit(d: DepositSpec = {}): FakeTx {
    const opaque = encodeOpaqueData({
      mint: d.mint ?? 10n ** 18n,
      value: d.value ?? 0n,
      gas: d.gas ?? 100_000n,
      isCreation: false,
      data: d.data ?? new Uint8Array(0),
    });
    const padded = new Uint8Array(Math.ceil(opaque.length / 32) * 32);
    padded.set(opaque);
    return {
      tx: {
        hash: hashOf("tx", txCounter++),
        from: d.from ?? ADDR.user,
        to: ADDR.portal,
        input: new Uint8Array(4),
        type: 2,
        blobVersionedHashes: [],
      },
      receipt: {
        status: true,
        logs: [
          {
            address: ADDR.portal,
            topics: [
              toHex(TRANSACTION_DEPOSITED_TOPIC),
              toHex(word(BigInt(d.from ?? ADDR.user))),
              toHex(word(BigInt(d.to ?? ADDR.user))),
              toHex(word(0)),
            ],
            data: concatBytes(word(32), word(opaque.length), padded),
          },
        ],
      },
    };
  },
  /** A SystemConfig `setBatcherHash(batcher)`. */
  setBatcher(batcher: Hex): FakeTx {
    return configUpdate(ConfigUpdateType.batcher, concatBytes(word(32), word(32), word(BigInt(batcher))));
  },
  /** A SystemConfig `setGasLimit(gasLimit)`. */
  setGasLimit(gasLimit: bigint): FakeTx {
    return configUpdate(ConfigUpdateType.gasLimit, concatBytes(word(32), word(32), word(gasLimit)));
  },
  /** A raw SystemConfig `ConfigUpdate` log with any data (for malformed updates). */
  rawConfigUpdate(kind: number, data: Uint8Array): FakeTx {
    return configUpdate(kind, data);
  },
};

function configUpdate(kind: number, data: Uint8Array): FakeTx {
  return {
    tx: {
      hash: hashOf("tx", txCounter++),
      from: ADDR.user,
      to: ADDR.systemConfig,
      input: new Uint8Array(4),
      type: 2,
      blobVersionedHashes: [],
    },
    receipt: {
      status: true,
      logs: [
        {
          address: ADDR.systemConfig,
          topics: [CONFIG_UPDATE_TOPIC, toHex(word(0)), toHex(word(kind))],
          data,
        },
      ],
    },
  };
}

function batchAppendedLog(feed: Hex, commitment: Uint8Array): Omit<L1Log, "logIndex"> {
  return {
    address: feed,
    topics: [BATCH_APPENDED_TOPIC, toHex(word(0)), toHex(commitment)],
    data: new Uint8Array(96),
  };
}

/** An in-memory L1 chain; `head` hides blocks past it from `blockRefByNumber`. */
export class FakeL1 implements L1Source {
  readonly blocks: FakeL1Block[] = [];
  /** Highest block number `blockRefByNumber` reveals (default: all). */
  head = Number.POSITIVE_INFINITY;
  /** When set, every call throws this (to test temporary errors). */
  failWith: Error | null = null;
  /** Number of source calls made (for the benchmark). */
  calls = 0;
  private fork = "main";

  constructor(genesisTime = L1_GENESIS_TIME) {
    this.blocks.push({
      ref: { hash: l1Hash(0, "main"), number: 0, parentHash: ZERO32, timestamp: genesisTime },
      txs: [],
    });
  }

  /** Appends a block 12 s after the tip holding `txs`; returns its ref. */
  addBlock(txs: FakeTx[] = [], opts: { timeDelta?: number } = {}): L1BlockRef {
    const tip = this.blocks.at(-1)!.ref;
    const n = tip.number + 1;
    const ref = {
      hash: l1Hash(n, this.fork),
      number: n,
      parentHash: tip.hash,
      timestamp: tip.timestamp + (opts.timeDelta ?? 12),
    };
    this.blocks.push({ ref, txs });
    return ref;
  }

  /** Drops every block above `n` (new blocks get fresh hashes): an L1 reorg. */
  reorgTo(n: number, fork: string): void {
    this.blocks.length = n + 1;
    this.fork = fork;
  }

  /** The tip's ref. */
  tip(): L1BlockRef {
    return this.blocks.at(-1)!.ref;
  }

  private byHash(h: Hex): FakeL1Block {
    this.calls++;
    if (this.failWith) throw this.failWith;
    const b = this.blocks.find((x) => x.ref.hash === h);
    if (!b) throw new Error(`fake L1: unknown block ${h}`);
    return b;
  }

  async blockRefByNumber(n: number): Promise<L1BlockRef | null> {
    this.calls++;
    if (this.failWith) throw this.failWith;
    if (n > this.head) return null;
    return this.blocks[n]?.ref ?? null;
  }

  async blockRefByHash(h: Hex): Promise<L1BlockRef> {
    return this.byHash(h).ref;
  }

  async blockInfo(h: Hex): Promise<L1BlockInfo> {
    const { ref } = this.byHash(h);
    return {
      ...ref,
      baseFeePerGas: 1_000_000_000n + BigInt(ref.number),
      blobBaseFee: 1n,
      mixHash: hashOf("mix", ref.hash),
      parentBeaconBlockRoot: hashOf("beacon", ref.hash),
    };
  }

  async receipts(h: Hex): Promise<readonly L1Receipt[]> {
    const b = this.byHash(h);
    let logIndex = 0;
    return b.txs.map((t) => ({
      status: t.receipt.status,
      logs: t.receipt.logs.map((l) => ({ ...l, logIndex: logIndex++ })),
    }));
  }

  async transactions(h: Hex): Promise<readonly L1Transaction[]> {
    return this.byHash(h).txs.map((t) => t.tx);
  }

  async blobs(ref: L1BlockRef, versionedHashes: readonly Hex[]): Promise<readonly Uint8Array[]> {
    const b = this.byHash(ref.hash);
    return versionedHashes.map((vh) => {
      for (const t of b.txs) {
        const i = t.tx.blobVersionedHashes.indexOf(vh);
        if (i >= 0 && t.blobs) return t.blobs[i]!;
      }
      throw new Error(`fake L1: no blob ${vh}`);
    });
  }
}

/** A fake engine: blocks are attributes plus a hash; the canonical chain is one array. */
export class FakeL2 implements L2Source {
  private readonly byHash = new Map<Hex, { block: L2BlockInput; ref: L2BlockRef; sysCfg: SystemConfig }>();
  /** Canonical chain by number. */
  readonly chain: L2BlockRef[] = [];

  constructor(readonly config: RollupConfig) {
    const g = config.genesis;
    const block: L2BlockInput = {
      hash: g.l2.hash,
      number: g.l2.number,
      parentHash: ZERO32,
      timestamp: g.l2Time,
      gasLimit: g.systemConfig.gasLimit,
      transactions: [],
    };
    this.put(block);
  }

  private put(block: L2BlockInput): L2BlockRef {
    const ref = l2BlockRefFromBlock(block, this.config.genesis);
    this.byHash.set(block.hash, { block, ref, sysCfg: systemConfigFromL2Block(block, this.config.genesis) });
    this.chain.length = ref.number - this.config.genesis.l2.number;
    this.chain.push(ref);
    return ref;
  }

  /** "Executes" `attrs` on `parent` and makes the block canonical; returns the new head. */
  execute(parent: L2BlockRef, attrs: PayloadAttributes): L2BlockRef {
    const hash = toHex(keccak256(concatBytes(fromHex(parent.hash), encodePayloadAttributes(attrs))));
    return this.put({
      hash,
      number: parent.number + 1,
      parentHash: parent.hash,
      timestamp: attrs.timestamp,
      gasLimit: attrs.gasLimit,
      transactions: attrs.transactions,
    });
  }

  /** The engine block behind `ref` (for the batcher). */
  block(hash: Hex): L2BlockInput {
    const b = this.byHash.get(hash);
    if (!b) throw new Error(`fake L2: unknown block ${hash}`);
    return b.block;
  }

  /** Makes `ref` the canonical head again (an engine rewind after a reorg). */
  rewind(ref: L2BlockRef): this {
    this.chain.length = ref.number - this.config.genesis.l2.number + 1;
    return this;
  }

  /** The canonical head. */
  head(): L2BlockRef {
    return this.chain.at(-1)!;
  }

  async l2BlockRefByNumber(n: number): Promise<L2BlockRef> {
    const r = this.chain[n - this.config.genesis.l2.number];
    if (!r) throw new Error(`fake L2: no block ${n}`);
    return r;
  }

  async l2BlockByNumber(n: number): Promise<L2BlockInput> {
    return this.block((await this.l2BlockRefByNumber(n)).hash);
  }

  async l2BlockRefByHash(h: Hex): Promise<L2BlockRef> {
    const b = this.byHash.get(h);
    if (!b) throw new Error(`fake L2: unknown block ${h}`);
    return b.ref;
  }

  async systemConfigByL2Hash(h: Hex): Promise<SystemConfig> {
    const b = this.byHash.get(h);
    if (!b) throw new Error(`fake L2: unknown block ${h}`);
    return b.sysCfg;
  }
}

/** A fake EIP-1559 transaction: type byte 2 and random RLP-ish bytes (derivation treats txs as opaque). */
export function fakeUserTx(rand: () => number, size = 120): Uint8Array {
  const tx = randomBytes(rand, size);
  tx[0] = 2;
  return tx;
}
