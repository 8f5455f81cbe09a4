/**
 * The agreement tests: real contracts, block after block, built by Ore's engine (an
 * in-process engine with its genesis, predeploys and the L1 attributes deposit first in every
 * block) and proved in block mode (`engineBlock` over the engine's own JSON-RPC methods, the
 * parent state fetched with `debug_dbGet`). Every block's state root, gas used, receipts root and
 * logs bloom from the machine must equal the engine's header, and every step verifies from its
 * witness. The contracts (`testdata/Agreement.sol`, compiled here with solc-js): an ERC-20, a
 * Uniswap-V2-style pair made by a CREATE2 factory and driven through a router (liquidity, swaps,
 * a slippage revert, burning liquidity), nested reverts caught at every level, every precompile
 * but point evaluation, EIP-6780 self-destructs (new and old contracts), transient storage within
 * and across transactions (and as the pair's lock), deposits, and out of gas at many points of a
 * transaction that touches every class of opcode (more with `ORE_SOAK=1`).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { encodeDeployData, encodeFunctionData, getContractAddress, type Hex } from "viem";
import { fromHex, toHex } from "../../core/bytes.ts";
import { encodeDeposit } from "../../core/engine/depositTx.ts";
import { userDepositSourceHash } from "../../core/engine/sourceHash.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { decodeProof, encodeProof, type Proof, toProof } from "../../core/proof/proofFile.ts";
import { generateBlockAsync } from "../../core/proof/txs.ts";
import {
  attributes,
  build,
  DEV_ADDRESSES,
  DEV_KEYS,
  head,
  type Payload,
  signedTx,
  type TestEngine,
  testEngine,
  useCommon,
} from "../engine/testing.ts";
import { engineBlock, type RpcBatch } from "./engineBlock.ts";
import { AGREEMENT_SOL, type Compiled, compileSolidity } from "./testdata/compileSolidity.ts";

const SOAK = process.env.ORE_SOAK === "1";

let e: TestEngine;
let C: Record<string, Compiled>;
const nonces = [0n, 0n, 0n, 0n];
const [ME, YOU] = DEV_ADDRESSES as Hex[];

beforeAll(async () => {
  C = compileSolidity(AGREEMENT_SOL);
  e = await testEngine(":memory:");
  useCommon(e.chain);
}, 60_000);

/** A transaction from dev account `who`. */
function tx(who: number, f: { to?: Hex; data?: Hex; value?: bigint; gas?: bigint }): Uint8Array {
  return signedTx(who, {
    nonce: nonces[who]++,
    to: f.to,
    data: f.data ?? "0x",
    value: f.value ?? 0n,
    gasLimit: f.gas ?? 1_000_000n,
  });
}

/** Deploys contract `name` from dev account `who`; returns the transaction and the address. */
function deploy(who: number, name: string, args: unknown[] = [], gas = 3_000_000n): [Uint8Array, Hex] {
  const address = getContractAddress({ from: DEV_ADDRESSES[who] as Hex, nonce: nonces[who] });
  const data = encodeDeployData({ abi: C[name]!.abi, bytecode: C[name]!.bytecode, args });
  return [tx(who, { data, gas }), address];
}

function call(name: string, fn: string, args: unknown[] = []): Hex {
  return encodeFunctionData({ abi: C[name]!.abi, functionName: fn, args });
}

let depositIndex = 0;
function deposit(to: Hex, data: Hex, mint = 0n, gas = 500_000n): Uint8Array {
  return encodeDeposit({
    sourceHash: userDepositSourceHash(new Uint8Array(32).fill(0xcd), depositIndex++),
    from: fromHex(DEV_ADDRESSES[2]!),
    to: fromHex(to),
    mint,
    value: 0n,
    gas,
    isSystemTx: false,
    data: fromHex(data),
  });
}

const batch: RpcBatch = async (calls) => Promise.all(calls.map(([m, p]) => e.call(m, ...p)));

/**
 * Builds a block of `txs` on the head and proves it; the machine must agree with the engine. With
 * `file`, the proof also goes through a proof file (version 2 must give back every witness).
 */
async function block(
  txs: Uint8Array[],
  file = false,
): Promise<{ p: Payload; receipts: Payload[]; steps: number }> {
  const h = head(e);
  const p = await build(e, h.hash, attributes(h.timestamp + 2n, txs));
  const n = BigInt(p.blockNumber);
  const b = await engineBlock(batch, n);
  const trace = await generateBlockAsync(b.req, b.fetch, { verify: true });
  expect({
    block: n,
    stateRoot: toHex(trace.worldRoot),
    gasUsed: trace.blockGasUsed,
    receiptsRoot: toHex(trace.receiptsRoot),
    logsBloom: toHex(trace.logsBloom),
    blockHash: toHex(trace.blockHash),
    restarted: trace.restartedAt,
  }).toEqual({
    block: n,
    stateRoot: p.stateRoot,
    gasUsed: BigInt(p.gasUsed),
    receiptsRoot: p.receiptsRoot,
    logsBloom: p.logsBloom,
    blockHash: p.blockHash,
    restarted: undefined,
  });
  // The output root v0 over the engine's own account proof of the message passer.
  const proof = await e.call<{ storageHash: string }>(
    "eth_getProof",
    "0x4200000000000000000000000000000000000016",
    [],
    p.blockNumber,
  );
  const out = new Uint8Array(128);
  out.set(fromHex(p.stateRoot), 32);
  out.set(fromHex(proof.storageHash), 64);
  out.set(fromHex(p.blockHash), 96);
  expect(toHex(trace.outputRoot)).toBe(toHex(keccak256(out)));
  const receipts = await e.call<Payload[]>("eth_getBlockReceipts", p.blockNumber);
  let sizes = "";
  if (file) {
    const proof: Proof = {
      mode: "block",
      request: { block: n.toString() },
      ...trace,
      result: {
        worldRoot: trace.worldRoot,
        gasUsed: trace.blockGasUsed,
        receiptsRoot: trace.receiptsRoot,
        logsBloom: trace.logsBloom,
        blockHash: trace.blockHash,
        outputRoot: trace.outputRoot,
      },
    };
    const v2 = encodeProof(proof);
    const back = toProof(decodeProof(v2));
    expect(back.witnesses.map(toHex)).toEqual(trace.witnesses.map(toHex));
    const v1 = encodeProof(proof, 1);
    sizes = `, proof file ${v2.length} bytes (version 1: ${v1.length})`;
    expect(v2.length).toBeLessThan(v1.length);
  }
  console.log(`block ${n}: ${txs.length + 1} transactions, ${trace.roots.length - 1} steps${sizes}`);
  expect(trace.outcomes.map((o) => (o.status === 1 ? "0x1" : "0x0"))).toEqual(receipts.map((r) => r.status));
  return { p, receipts, steps: trace.roots.length - 1 };
}

const statuses = (r: Payload[]) => r.slice(1).map((x) => Number(x.status));

describe("real contracts, block after block: the machine agrees with the engine", () => {
  let tokenA: Hex;
  let tokenB: Hex;
  let factory: Hex;
  let router: Hex;
  let nest: Hex;
  let pre: Hex;
  let spawner: Hex;
  let transient: Hex;
  let sink: Hex;
  let pair: Hex;
  let old: Hex;

  test("block 1: deployments (an ERC-20 pair, a CREATE2 factory with a 5 KB child, the rest)", async () => {
    const txs: Uint8Array[] = [];
    const d = (name: string, args: unknown[] = [], gas?: bigint) => {
      const [t, a] = deploy(0, name, args, gas);
      txs.push(t);
      return a;
    };
    tokenA = d("Token", ["A", "A", 10n ** 24n]);
    tokenB = d("Token", ["B", "B", 10n ** 24n]);
    factory = d("Factory", [], 4_000_000n);
    router = d("Router");
    nest = d("Nest");
    pre = d("Pre");
    spawner = d("Spawner");
    transient = d("Transient");
    sink = d("Sink");
    const { receipts } = await block(txs);
    expect(statuses(receipts)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
  }, 60_000);

  test("block 2: createPair through CREATE2, approvals, a child made for later, a deposit calling a token", async () => {
    pair = getContractAddress({
      from: factory,
      opcode: "CREATE2",
      salt: toHex(
        keccak256(
          fromHex(
            (BigInt(tokenA) < BigInt(tokenB) ? tokenA + tokenB.slice(2) : tokenB + tokenA.slice(2)) as Hex,
          ),
        ),
      ) as Hex,
      bytecode: C.Pair!.bytecode,
    });
    old = getContractAddress({ from: spawner, nonce: 1n });
    const max = 2n ** 256n - 1n;
    const { receipts } = await block(
      [
        deposit(tokenA, call("Token", "approve", [router, 5n])),
        tx(0, { to: factory, data: call("Factory", "createPair", [tokenA, tokenB]), gas: 3_000_000n }),
        tx(0, { to: tokenA, data: call("Token", "approve", [router, max]) }),
        tx(0, { to: tokenB, data: call("Token", "approve", [router, max]) }),
        tx(0, { to: spawner, data: call("Spawner", "make"), value: 1000n }),
        tx(0, { to: tokenA, data: call("Token", "transfer", [YOU, 10n ** 21n]) }),
        tx(1, { to: tokenA, data: call("Token", "approve", [router, max]) }),
      ],
      true,
    );
    expect(statuses(receipts)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    const code = await e.call<string>("eth_getCode", pair, "latest");
    expect(code.length).toBeGreaterThan(100);
  }, 60_000);

  test("block 3: liquidity, swaps both ways, a slippage revert, nested reverts, transient storage", async () => {
    const { receipts } = await block([
      tx(0, { to: router, data: call("Router", "addLiquidity", [pair, 10n ** 21n, 4n * 10n ** 21n]) }),
      tx(0, { to: router, data: call("Router", "swapExactIn", [pair, tokenA, 10n ** 18n, 0n]) }),
      tx(1, { to: router, data: call("Router", "swapExactIn", [pair, tokenA, 3n * 10n ** 18n, 0n]) }),
      tx(0, { to: router, data: call("Router", "swapExactIn", [pair, tokenB, 5n * 10n ** 18n, 0n]) }),
      tx(1, { to: router, data: call("Router", "swapExactIn", [pair, tokenA, 10n ** 18n, 10n ** 30n]) }),
      tx(0, { to: nest, data: call("Nest", "dive", [6n, 3n]) }),
      tx(0, { to: nest, data: call("Nest", "dive", [5n, 99n]) }),
      tx(0, { to: nest, data: call("Nest", "dive", [2n, 2n]) }),
      tx(0, { to: transient, data: call("Transient", "enter") }),
      tx(0, { to: transient, data: call("Transient", "read") }),
    ]);
    expect(statuses(receipts)).toEqual([1, 1, 1, 1, 0, 1, 1, 0, 1, 1]);
  }, 60_000);

  test("block 4: precompiles, EIP-6780 (new and old contracts), burning liquidity, a deposit swap", async () => {
    const h = keccak256(new TextEncoder().encode("ore"));
    const sig = secp256k1.sign(h, DEV_KEYS[0]!, { prehash: false, format: "recovered" });
    const v = 27 + sig[0]!;
    const { receipts } = await block([
      deposit(tokenA, call("Token", "transfer", [pair, 1n])),
      tx(0, {
        to: pre,
        data: call("Pre", "all", [toHex(h), v, toHex(sig.subarray(1, 33)), toHex(sig.subarray(33, 65))]),
      }),
      tx(0, { to: spawner, data: call("Spawner", "spawnAndKill", [YOU]), value: 4000n }),
      tx(0, { to: old, data: call("Child", "kill", [YOU]) }),
      tx(0, { to: pair, data: call("Pair", "transfer", [pair, 10n ** 20n]) }),
      tx(0, { to: pair, data: call("Pair", "burn", [ME]) }),
      tx(0, { to: pair, data: call("Pair", "sync") }),
    ]);
    // The deposit's sender holds no token A: it reverts.
    expect(statuses(receipts)).toEqual([0, 1, 1, 1, 1, 1, 1]);
    // The old child keeps its code (EIP-6780), its balance gone.
    expect((await e.call<string>("eth_getCode", old, "latest")).length).toBeGreaterThan(2);
  }, 60_000);

  test(
    `block 5: out of gas at ${SOAK ? 60 : 12} points of a transaction touching every opcode class`,
    async () => {
      const data = call("Sink", "run", [6n]);
      // What the whole run costs, then limits spread below it.
      const full = tx(0, { to: sink, data, gas: 3_000_000n });
      const first = await block([full]);
      const used = BigInt(first.receipts[1]!.gasUsed);
      const points = SOAK ? 60 : 12;
      const txs: Uint8Array[] = [];
      for (let k = 1; k <= points; k++) {
        const gas = 25_000n + ((used - 25_000n) * BigInt(k)) / BigInt(points + 1) + BigInt(k * 37);
        txs.push(tx(k % 2, { to: sink, data, gas }));
      }
      const { receipts, steps } = await block(txs);
      // Later runs find their slots set and cost less: the highest limits may succeed.
      expect(statuses(receipts).filter((s) => s === 0).length).toBeGreaterThanOrEqual(points / 2);
      expect(steps).toBeGreaterThan(1000);
    },
    SOAK ? 600_000 : 90_000,
  );
});
