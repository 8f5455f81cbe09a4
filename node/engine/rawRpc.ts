/**
 * geth's raw `debug_` methods: consensus encodings of headers, blocks, transactions and
 * receipts, so a client (the rollup node) reads the bytes the chain hashes instead of
 * re-encoding them from JSON. Semantics follow geth's `DebugAPI` (internal/ethapi/api.go):
 * https://geth.ethereum.org/docs/interacting-with-geth/rpc/ns-debug
 */
import { fromHex, toHex } from "../../core/bytes.ts";
import { encodeHeader } from "../../core/engine/header.ts";
import { encodeReceipt } from "../../core/engine/receipt.ts";
import { headerLength, rlpEncode, writeHeader } from "../../core/rlp.ts";
import type { TxResult } from "./blockExecutor.ts";
import type { Chain, ChainBlock } from "./chain.ts";
import type { Handler } from "./jsonRpc.ts";
import { bytes32 } from "./params.ts";
import type { TxPool } from "./txPool.ts";

/**
 * The raw methods over `chain` and `pool`; `resolve` turns a block number, tag or hash into a
 * block (throwing -32000 `header not found` for an unknown one), as the user RPC does.
 */
export function rawRpcMethods(
  chain: Chain,
  pool: TxPool,
  resolve: (tag: unknown) => ChainBlock,
): Record<string, Handler> {
  return {
    /** RLP of the header (keccak of it is the block hash). */
    debug_getRawHeader: (p) => toHex(encodeHeader(resolve(p[0]).header)),
    /** RLP of `[header, transactions, uncles, withdrawals]`, as in devp2p and geth's database. */
    debug_getRawBlock: (p) => toHex(encodeBlock(resolve(p[0]))),
    /**
     * EIP-2718 binary encoding of a canonical or pooled transaction (keccak of it is the
     * transaction hash); `0x` when unknown, as geth answers.
     */
    debug_getRawTransaction: (p) => {
      const h = bytes32(p[0], "transactionHash");
      const loc = chain.store.txLocation(h);
      if (loc && chain.isCanonical(loc.block)) return toHex(chain.block(loc.block)!.transactions[loc.index]!);
      return toHex(pool.get(toHex(h)) ?? new Uint8Array(0));
    },
    /** The block's receipts in their consensus encoding (the receipts trie's values). */
    debug_getRawReceipts: (p) => resolve(p[0]).results.map((r) => toHex(encodeReceipt(receiptOf(r)))),
  };
}

/**
 * A block's devp2p RLP. A legacy transaction is an RLP list and goes in as it is; a typed one
 * (EIP-2718 envelope, deposits included) goes in as a byte string.
 */
export function encodeBlock(b: Pick<ChainBlock, "header" | "transactions">): Uint8Array {
  const txs = list(b.transactions.map((t) => (t[0]! >= 0xc0 ? t : rlpEncode(t))));
  const empty = Uint8Array.of(0xc0);
  return list([encodeHeader(b.header), txs, empty, empty]);
}

/** The consensus receipt a stored result stands for. */
function receiptOf(r: TxResult) {
  return {
    type: r.type,
    status: r.status,
    cumulativeGasUsed: BigInt(r.cumulativeGasUsed),
    logsBloom: fromHex(r.logsBloom),
    logs: r.logs.map((l) => ({
      address: fromHex(l.address),
      topics: l.topics.map(fromHex),
      data: fromHex(l.data),
    })),
    depositNonce: r.depositNonce === undefined ? undefined : BigInt(r.depositNonce),
    depositReceiptVersion:
      r.depositReceiptVersion === undefined ? undefined : BigInt(r.depositReceiptVersion),
  };
}

/** An RLP list of items that are already encoded. */
function list(items: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const i of items) n += i.length;
  const out = new Uint8Array(headerLength(n) + n);
  let pos = writeHeader(out, 0, n, 0xc0);
  for (const i of items) {
    out.set(i, pos);
    pos += i.length;
  }
  return out;
}
