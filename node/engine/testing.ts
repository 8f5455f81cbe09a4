/**
 * Test helpers: an engine in-process (chain, pool, Engine API and user RPC method tables over an
 * in-memory or file store), signed transactions from well-known dev keys, and payload
 * attributes with the L1 attributes deposit first. Tests call the method tables directly; the
 * HTTP layer has its own end-to-end test (`test/e2e/engine.test.ts`).
 */
import { createTx } from "@ethereumjs/tx";
import { Address, privateToAddress } from "@ethereumjs/util";
import { toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { parseGenesis } from "../../core/engine/genesis.ts";
import { type L1BlockInfo, l1InfoDeposit } from "../../core/engine/l1Info.ts";
import { PREDEPLOYS } from "../../core/engine/predeploys.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { Chain } from "./chain.ts";
import { engineMethods } from "./engineApi.ts";
import type { Handler } from "./jsonRpc.ts";
import { predeployCode } from "./predeployCode.ts";
import { rpcMethods } from "./rpc.ts";
import { Store } from "./store.ts";
import { TxPool } from "./txPool.ts";

/** Dev keys (keccak of 1, 2, 3, …) and their addresses, each funded with 1000 ETH at genesis. */
export const DEV_KEYS = Array.from({ length: 4 }, (_, i) => keccak256(Uint8Array.of(i + 1)));
/** Addresses of {@link DEV_KEYS}, lower-case hex. */
export const DEV_ADDRESSES = DEV_KEYS.map((k) => toHex(privateToAddress(k)));

/** Chain id of test engines. */
export const TEST_CHAIN_ID = 901n;

/** A test engine: its chain, pool and method tables. */
export interface TestEngine {
  chain: Chain;
  pool: TxPool;
  store: Store;
  engine: Record<string, Handler>;
  rpc: Record<string, Handler>;
  /** Calls an Engine API or RPC method, throwing on an error like the server would answer it. */
  call<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
}

/**
 * Opens an engine over `path` (default in memory) with the dev accounts funded, plus `alloc`
 * and the genesis `ore` section (L1 messenger, bridge, fee recipient) when given.
 */
export async function testEngine(
  path = ":memory:",
  alloc: Record<string, unknown> = {},
  ore: Record<string, string> = {},
): Promise<TestEngine> {
  const genesis = parseGenesis({
    config: { chainId: Number(TEST_CHAIN_ID) },
    timestamp: "0x1000",
    alloc: {
      ...Object.fromEntries(DEV_ADDRESSES.map((a) => [a, { balance: "0x3635c9adc5dea00000" }])),
      ...alloc,
    },
    ore,
  });
  const store = new Store(path);
  const chain = await Chain.open(store, genesis, predeployCode());
  const pool = new TxPool(chain.common, store, async (sender) =>
    chain.withState(chain.headBlock().header.stateRoot, async (sm) => {
      const acc = await sm.getAccount(new Address(sender));
      return { nonce: acc?.nonce ?? 0n, balance: acc?.balance ?? 0n };
    }),
  );
  await pool.load();
  const engine = engineMethods(chain, pool);
  const rpc = rpcMethods(chain, pool);
  return {
    chain,
    pool,
    store,
    engine,
    rpc,
    async call<T>(method: string, ...params: unknown[]): Promise<T> {
      const fn = engine[method] ?? rpc[method];
      if (!fn) throw new Error(`no method ${method}`);
      return (await fn(params)) as T;
    },
  };
}

/** A signed EIP-1559 transaction from `DEV_KEYS[who]` (fields override the defaults). */
export function signedTx(who: number, fields: Record<string, unknown>): Uint8Array {
  return createTx(
    {
      type: 2,
      gasLimit: 21_000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
      chainId: TEST_CHAIN_ID,
      ...fields,
    },
    { common: chainCommon },
  )
    .sign(DEV_KEYS[who]!)
    .serialize();
}

let chainCommon: Chain["common"];
/** Must be called once with any test engine's chain before {@link signedTx}. */
export function useCommon(chain: Chain): void {
  chainCommon = chain.common;
}

/** L1 values the test attributes use. */
export const TEST_L1_INFO: Omit<L1BlockInfo, "sequenceNumber"> = {
  baseFeeScalar: 1368,
  blobBaseFeeScalar: 810949,
  timestamp: 5000n,
  number: 9n,
  baseFee: 7_000_000_000n,
  blobBaseFee: 3n,
  hash: new Uint8Array(32).fill(0xaa),
  batcherHash: new Uint8Array(32),
};

/** `PayloadAttributesV3` JSON with the L1 attributes deposit first, then `txs`. */
export function attributes(
  timestamp: bigint,
  txs: Uint8Array[] = [],
  opts: { noTxPool?: boolean; beaconRoot?: Uint8Array } = {},
) {
  const info = l1InfoDeposit({ ...TEST_L1_INFO, sequenceNumber: timestamp });
  return {
    timestamp: `0x${timestamp.toString(16)}`,
    prevRandao: toHex(new Uint8Array(32)),
    suggestedFeeRecipient: toHex(PREDEPLOYS.SequencerFeeVault),
    withdrawals: [],
    parentBeaconBlockRoot: toHex(opts.beaconRoot ?? new Uint8Array(32)),
    transactions: [toHex(encodeDeposit(info)), ...txs.map(toHex)],
    noTxPool: opts.noTxPool ?? true,
    gasLimit: "0x1c9c380",
  };
}

/** A forkchoice state JSON with every pointer at `head` (or as given). */
export function forkchoice(head: string, safe = head, finalized = head) {
  return { headBlockHash: head, safeBlockHash: safe, finalizedBlockHash: finalized };
}

// biome-ignore lint/suspicious/noExplicitAny: payload JSON is checked field by field by the tests
export type Payload = Record<string, any>;

/**
 * Builds a block on `head` from `attrs` (forkchoiceUpdatedV3 + getPayloadV3), makes it the head
 * when `adopt` (the default), and returns its payload.
 */
export async function build(e: TestEngine, head: string, attrs: ReturnType<typeof attributes>, adopt = true) {
  const fcu = await e.call<{ payloadId: string }>("engine_forkchoiceUpdatedV3", forkchoice(head), attrs);
  const got = await e.call<{ executionPayload: Payload; blockValue: string }>(
    "engine_getPayloadV3",
    fcu.payloadId,
  );
  const p = got.executionPayload;
  if (adopt) await e.call("engine_forkchoiceUpdatedV3", forkchoice(p.blockHash), null);
  return p;
}

/** The head block's hash and timestamp. */
export function head(e: TestEngine): { hash: string; timestamp: bigint } {
  const h = e.chain.headBlock();
  return { hash: toHex(h.hash), timestamp: h.header.timestamp };
}
