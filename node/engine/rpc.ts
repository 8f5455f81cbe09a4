/**
 * The user JSON-RPC (`eth_`, `net_`, `web3_`, `debug_dbGet`, the raw `debug_` methods of
 * `rawRpc.ts`) over the chain, the pool and the
 * store. Block tags: `latest` (= `pending`), `safe`, `finalized`, `earliest`, a number, or
 * (where geth allows) a hash. Receipts carry OP's L1 fee fields and deposit fields.
 */
import { createBlock } from "@ethereumjs/block";
import { Address } from "@ethereumjs/util";
import { toHex } from "../../core/bytes.ts";
import { nextBaseFee } from "../../core/engine/baseFee.ts";
import { decodeDeposit, isDepositEnvelope } from "../../core/engine/depositTx.ts";
import { bytesToUint, uintToBytes as word } from "../../core/engine/words.ts";
import { getAccountProof } from "../../core/mpt/ethProof.ts";
import type { TxResult } from "./blockExecutor.ts";
import { decodeUserTx } from "./blockExecutor.ts";
import type { Chain, ChainBlock } from "./chain.ts";
import type { Handler } from "./jsonRpc.ts";
import { addr, bytes32, data, obj, qty, quantity } from "./params.ts";
import { rawRpcMethods } from "./rawRpc.ts";
import { invalidParams, RPC_ERRORS, RpcError } from "./rpcErrors.ts";
import type { TxPool } from "./txPool.ts";

/** Version string of `web3_clientVersion`. */
export const CLIENT_VERSION = "ore-engine/0.1.0";

/** Most blocks `eth_getLogs` scans in one call. */
export const MAX_LOG_RANGE = 10_000n;

/** User RPC methods. */
export function rpcMethods(chain: Chain, pool: TxPool): Record<string, Handler> {
  const resolve = (tag: unknown, name = "block"): ChainBlock => {
    if (tag === undefined || tag === null || tag === "latest" || tag === "pending")
      return chain.headBlock("head");
    if (tag === "safe" || tag === "finalized") return chain.headBlock(tag);
    if (tag === "earliest") return chain.block(chain.canonicalHash(0n)!)!;
    if (typeof tag === "object") {
      const o = tag as Record<string, unknown>;
      if (o.blockHash !== undefined) return byHash(o.blockHash);
      return resolve(o.blockNumber, name);
    }
    if (typeof tag === "string" && tag.length === 66) return byHash(tag);
    const n = quantity(tag, name);
    const h = chain.canonicalHash(n);
    if (!h) throw new RpcError(RPC_ERRORS.serverError, `header not found: block ${n}`);
    return chain.block(h)!;
  };
  const byHash = (v: unknown): ChainBlock => {
    const b = chain.block(bytes32(v, "blockHash"));
    if (!b) throw new RpcError(RPC_ERRORS.serverError, "header not found");
    return b;
  };
  const account = async (address: unknown, tag: unknown) => {
    const a = new Address(addr(address, "address"));
    const b = resolve(tag);
    return chain.withState(b.header.stateRoot, async (sm) => ({ acc: await sm.getAccount(a), sm, a }));
  };

  const txJson = (b: ChainBlock, i: number) => {
    const raw = b.transactions[i]!;
    const r = b.results[i]!;
    const base = {
      blockHash: toHex(b.hash),
      blockNumber: qty(b.header.number),
      transactionIndex: qty(BigInt(i)),
      hash: r.hash,
      from: r.from,
      to: r.to,
      nonce: r.nonce,
      type: qty(BigInt(r.type)),
    };
    if (isDepositEnvelope(raw)) {
      const d = decodeDeposit(raw);
      return {
        ...base,
        sourceHash: toHex(d.sourceHash),
        mint: qty(d.mint),
        value: qty(d.value),
        gas: qty(d.gas),
        gasPrice: "0x0",
        input: toHex(d.data),
        isSystemTx: d.isSystemTx,
        depositReceiptVersion: r.depositReceiptVersion,
        v: "0x0",
        r: "0x0",
        s: "0x0",
      };
    }
    const tx = decodeUserTx(raw, chain.common);
    const j = tx.toJSON() as Record<string, unknown>;
    return {
      ...j,
      ...base,
      gas: j.gasLimit,
      input: j.data,
      gasPrice: r.effectiveGasPrice,
      chainId: qty(chain.chainId),
      yParity: j.v,
    };
  };

  const receiptJson = (b: ChainBlock, i: number, logIndexStart: number) => {
    const r: TxResult = b.results[i]!;
    return {
      ...r,
      status: qty(BigInt(r.status)),
      type: qty(BigInt(r.type)),
      transactionHash: r.hash,
      hash: undefined,
      nonce: undefined,
      transactionIndex: qty(BigInt(i)),
      blockHash: toHex(b.hash),
      blockNumber: qty(b.header.number),
      logs: r.logs.map((l, k) => ({
        ...l,
        blockHash: toHex(b.hash),
        blockNumber: qty(b.header.number),
        transactionHash: r.hash,
        transactionIndex: qty(BigInt(i)),
        logIndex: qty(BigInt(logIndexStart + k)),
        removed: false,
      })),
    };
  };
  const receiptsOf = (b: ChainBlock) => {
    let logIndex = 0;
    return b.results.map((r, i) => {
      const out = receiptJson(b, i, logIndex);
      logIndex += r.logs.length;
      return out;
    });
  };

  const blockJson = (b: ChainBlock, full: boolean) => {
    const h = b.header;
    return {
      hash: toHex(b.hash),
      parentHash: toHex(h.parentHash),
      sha3Uncles: toHex(h.ommersHash),
      miner: toHex(h.coinbase),
      stateRoot: toHex(h.stateRoot),
      transactionsRoot: toHex(h.transactionsRoot),
      receiptsRoot: toHex(h.receiptsRoot),
      logsBloom: toHex(h.logsBloom),
      difficulty: "0x0",
      totalDifficulty: "0x0",
      number: qty(h.number),
      gasLimit: qty(h.gasLimit),
      gasUsed: qty(h.gasUsed),
      timestamp: qty(h.timestamp),
      extraData: toHex(h.extraData),
      mixHash: toHex(h.mixHash),
      nonce: toHex(h.nonce),
      baseFeePerGas: qty(h.baseFeePerGas),
      withdrawalsRoot: toHex(h.withdrawalsRoot),
      withdrawals: [],
      blobGasUsed: qty(h.blobGasUsed),
      excessBlobGas: qty(h.excessBlobGas),
      parentBeaconBlockRoot: toHex(h.parentBeaconBlockRoot),
      size: qty(BigInt(b.transactions.reduce((n, t) => n + t.length, 600))),
      uncles: [],
      transactions: full ? b.transactions.map((_, i) => txJson(b, i)) : b.results.map((r) => r.hash),
    };
  };

  const locate = (hash: unknown) => {
    const h = bytes32(hash, "transactionHash");
    const loc = chain.store.txLocation(h);
    if (!loc || !chain.isCanonical(loc.block)) return undefined;
    return { block: chain.block(loc.block)!, index: loc.index };
  };

  /** A call object of `eth_call` / `eth_estimateGas`, parsed. */
  const parseCall = (callObj: unknown) => {
    const c = obj(callObj, "transaction");
    const input = c.input ?? c.data;
    return {
      from: c.from === undefined || c.from === null ? new Uint8Array(20) : addr(c.from, "from"),
      to: c.to === undefined || c.to === null ? undefined : addr(c.to, "to"),
      value: c.value === undefined || c.value === null ? 0n : quantity(c.value, "value"),
      input: input === undefined || input === null ? new Uint8Array(0) : data(input, "input"),
      gas: c.gas === undefined || c.gas === null ? undefined : quantity(c.gas, "gas"),
    };
  };
  type Call = ReturnType<typeof parseCall>;

  /**
   * Runs `call` as a transaction with gas limit `gas` on top of block `b`'s state (in the
   * context of the next block, base fee 0, balance unchecked) without keeping its effects.
   */
  const simulate = async (call: Call, b: ChainBlock, gas: bigint) => {
    const intrinsic = intrinsicGas(call);
    if (gas < intrinsic)
      throw new RpcError(RPC_ERRORS.serverError, `intrinsic gas too low: have ${gas}, want ${intrinsic}`);
    return chain.withState(
      b.header.stateRoot,
      async (sm, vm) => {
        await sm.checkpoint();
        try {
          const block = createBlock(
            {
              header: {
                number: b.header.number + 1n,
                timestamp: b.header.timestamp + 1n,
                gasLimit: b.header.gasLimit,
                coinbase: b.header.coinbase,
                baseFeePerGas: 0n,
                parentBeaconBlockRoot: b.header.parentBeaconBlockRoot,
              },
            },
            { common: chain.common, skipConsensusFormatValidation: true },
          );
          const res = await vm.evm.runCall({
            block,
            caller: new Address(call.from),
            origin: new Address(call.from),
            to: call.to ? new Address(call.to) : undefined,
            value: call.value,
            data: call.input,
            gasLimit: gas - intrinsic,
            skipBalance: true,
          });
          return res.execResult;
        } finally {
          await sm.revert();
          await vm.evm.journal.cleanup();
        }
      },
      b.hash,
    );
  };

  /**
   * `eth_estimateGas` as geth does it: run at the cap; if that fails, say why; otherwise binary
   * search the smallest gas limit that succeeds, starting from an optimistic guess (gas used plus
   * refund plus the 1/64 calls withhold), stopping within 1.5% (the answer is the upper bound).
   * https://github.com/ethereum/go-ethereum/blob/master/eth/gasestimator/gasestimator.go
   */
  const estimateGas = async (call: Call, b: ChainBlock): Promise<bigint> => {
    const intrinsic = intrinsicGas(call);
    const cap = call.gas ?? b.header.gasLimit;
    const first = await simulate(call, b, cap);
    if (first.exceptionError) {
      if (first.exceptionError.error === "revert") throw revertError(first.returnValue);
      throw new RpcError(
        RPC_ERRORS.serverError,
        `gas required exceeds allowance (${cap}): ${first.exceptionError.error}`,
      );
    }
    if (call.to && first.executionGasUsed === 0n) return intrinsic; // nothing ran: a plain transfer
    const ok = async (gas: bigint) => (await simulate(call, b, gas)).exceptionError === undefined;
    let lo = intrinsic + first.executionGasUsed - 1n;
    let hi = cap;
    const optimistic = ((intrinsic + first.executionGasUsed + (first.gasRefund ?? 0n) + 2300n) * 64n) / 63n;
    if (optimistic < hi) {
      if (await ok(optimistic)) hi = optimistic;
      else lo = optimistic;
    }
    while (lo + 1n < hi) {
      if ((hi - lo) * 1000n < hi * 15n) break;
      let mid = (hi + lo) / 2n;
      if (mid > lo * 2n) mid = lo * 2n;
      if (await ok(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  };

  const revertError = (ret: Uint8Array) => {
    let msg = "execution reverted";
    // Error(string): 0x08c379a0 ‖ offset ‖ length ‖ bytes
    if (ret.length >= 68 && toHex(ret.subarray(0, 4)) === "0x08c379a0") {
      const len = Number(bytesToUint(ret.subarray(36, 68)));
      msg += `: ${new TextDecoder().decode(ret.subarray(68, 68 + len))}`;
    }
    return new RpcError(RPC_ERRORS.executionReverted, msg, toHex(ret));
  };

  return {
    web3_clientVersion: () => CLIENT_VERSION,
    net_version: () => chain.chainId.toString(),
    eth_chainId: () => qty(chain.chainId),
    eth_syncing: () => false,
    eth_blockNumber: () => qty(chain.headBlock().header.number),
    eth_gasPrice: () => qty(nextBaseFeeOf(chain) + 1_000_000n),
    eth_maxPriorityFeePerGas: () => qty(1_000_000n),
    eth_getBlockByNumber: (p) => {
      try {
        return blockJson(resolve(p[0]), p[1] === true);
      } catch (e) {
        if (e instanceof RpcError && e.code === RPC_ERRORS.serverError) return null;
        throw e;
      }
    },
    eth_getBlockByHash: (p) => {
      const b = chain.block(bytes32(p[0], "blockHash"));
      return b ? blockJson(b, p[1] === true) : null;
    },
    eth_getBlockReceipts: (p) => receiptsOf(resolve(p[0])),
    eth_getTransactionByHash: (p) => {
      const loc = locate(p[0]);
      if (loc) return txJson(loc.block, loc.index);
      const raw = pool.get(String(p[0]));
      if (!raw) return null;
      const tx = decodeUserTx(raw, chain.common);
      const j = tx.toJSON() as Record<string, unknown>;
      return {
        ...j,
        hash: String(p[0]).toLowerCase(),
        from: tx.getSenderAddress().toString(),
        gas: j.gasLimit,
        input: j.data,
        blockHash: null,
        blockNumber: null,
        transactionIndex: null,
      };
    },
    eth_getTransactionReceipt: (p) => {
      const loc = locate(p[0]);
      if (!loc) return null;
      let start = 0;
      for (let i = 0; i < loc.index; i++) start += loc.block.results[i]!.logs.length;
      return receiptJson(loc.block, loc.index, start);
    },
    eth_sendRawTransaction: async (p) => {
      // The pool refuses transactions over its size limit (128 KiB, under MAX_TX_BYTES).
      return pool.add(data(p[0], "transaction"));
    },
    eth_getBalance: async (p) => qty((await account(p[0], p[1])).acc?.balance ?? 0n),
    eth_getTransactionCount: async (p) => {
      const { acc } = await account(p[0], p[1]);
      return qty(acc?.nonce ?? 0n);
    },
    eth_getCode: async (p) => {
      const a = new Address(addr(p[0], "address"));
      return chain.withState(resolve(p[1]).header.stateRoot, async (sm) => toHex(await sm.getCode(a)));
    },
    eth_getStorageAt: async (p) => {
      const a = new Address(addr(p[0], "address"));
      const slot = quantity(p[1], "slot");
      return chain.withState(resolve(p[2]).header.stateRoot, async (sm) => {
        const v = await sm.getStorage(a, word(slot));
        return toHex(word(bytesToUint(v)));
      });
    },
    eth_call: async (p) => {
      const call = parseCall(p[0]);
      const b = resolve(p[1]);
      const r = await simulate(call, b, call.gas ?? b.header.gasLimit);
      if (r.exceptionError) {
        if (r.exceptionError.error === "revert") throw revertError(r.returnValue);
        throw new RpcError(RPC_ERRORS.serverError, r.exceptionError.error);
      }
      return toHex(r.returnValue);
    },
    eth_estimateGas: async (p) => qty(await estimateGas(parseCall(p[0]), resolve(p[1]))),
    eth_getLogs: (p) => {
      const f = obj(p[0] ?? {}, "filter");
      let blocks: ChainBlock[];
      if (f.blockHash !== undefined) blocks = [byHash(f.blockHash)];
      else {
        const from = resolve(f.fromBlock ?? "latest", "fromBlock").header.number;
        const to = resolve(f.toBlock ?? "latest", "toBlock").header.number;
        if (to - from > MAX_LOG_RANGE)
          throw new RpcError(RPC_ERRORS.serverError, `block range ${to - from} exceeds ${MAX_LOG_RANGE}`);
        blocks = [];
        for (let n = from; n <= to; n++) blocks.push(chain.block(chain.canonicalHash(n)!)!);
      }
      const addrs =
        f.address === undefined || f.address === null
          ? []
          : (Array.isArray(f.address) ? f.address : [f.address]).map((a) => toHex(addr(a, "address")));
      const topics = Array.isArray(f.topics) ? f.topics : [];
      const out = [];
      for (const b of blocks) {
        for (const r of receiptsOf(b)) {
          for (const l of r.logs) {
            if (addrs.length && !addrs.includes(l.address as `0x${string}`)) continue;
            const ok = topics.every(
              (t, i) =>
                t === null ||
                (Array.isArray(t)
                  ? t
                      .map(String)
                      .map((x) => x.toLowerCase())
                      .includes(l.topics[i]!)
                  : String(t).toLowerCase() === l.topics[i]),
            );
            if (ok) out.push(l);
          }
        }
      }
      return out;
    },
    eth_feeHistory: (p) => {
      const count = Number(typeof p[0] === "number" ? BigInt(p[0]) : quantity(p[0], "blockCount"));
      if (count < 1 || count > 1024) throw invalidParams("blockCount: expected 1..1024");
      const newest = resolve(p[1], "newestBlock");
      const blocks: ChainBlock[] = [];
      for (let n = newest.header.number; n >= 0n && blocks.length < count; n--)
        blocks.unshift(chain.block(chain.canonicalHash(n)!)!);
      const pct = Array.isArray(p[2]) ? p[2] : [];
      return {
        oldestBlock: qty(blocks[0]!.header.number),
        baseFeePerGas: [...blocks.map((b) => qty(b.header.baseFeePerGas)), qty(nextBaseFeeOf(chain, newest))],
        gasUsedRatio: blocks.map((b) => Number(b.header.gasUsed) / Number(b.header.gasLimit)),
        reward: pct.length ? blocks.map(() => pct.map(() => qty(1_000_000n))) : undefined,
      };
    },
    eth_getProof: async (p) => {
      const a = new Address(addr(p[0], "address"));
      if (!Array.isArray(p[1])) throw invalidParams("storageKeys: expected an array");
      const keys = p[1].map((k, i) =>
        word(quantity(typeof k === "string" ? k.replace(/^0x0+(?=.)/, "0x") : k, `storageKeys[${i}]`)),
      );
      // Straight from Ore's MPT over the store: EIP-1186's shape, nodes root first.
      const proof = getAccountProof(chain.store, resolve(p[2]).header.stateRoot, a.bytes, keys);
      return {
        address: toHex(proof.address),
        accountProof: proof.accountProof.map(toHex),
        balance: qty(proof.balance),
        codeHash: toHex(proof.codeHash),
        nonce: qty(proof.nonce),
        storageHash: toHex(proof.storageHash),
        storageProof: proof.storageProof.map((sp) => ({
          key: toHex(sp.key),
          value: qty(sp.value),
          proof: sp.proof.map(toHex),
        })),
      };
    },
    debug_dbGet: (p) => {
      const v = chain.store.getNode(bytes32(p[0], "key"));
      if (!v) throw new RpcError(RPC_ERRORS.serverError, "not found");
      return toHex(v);
    },
    ...rawRpcMethods(chain, pool, resolve),
  };
}

function nextBaseFeeOf(chain: Chain, b = chain.headBlock()): bigint {
  return nextBaseFee(b.header);
}

/** Intrinsic gas of a call as a Cancun transaction: base, calldata, EIP-3860 init-code words. */
function intrinsicGas(call: { to?: Uint8Array; input: Uint8Array }): bigint {
  let gas = call.to ? 21_000n : 53_000n + ((BigInt(call.input.length) + 31n) / 32n) * 2n;
  for (const x of call.input) gas += x === 0 ? 4n : 16n;
  return gas;
}
