/**
 * L2 block headers: the Cancun header as OP Ecotone uses it (difficulty 0, nonce 0, no ommers,
 * an empty withdrawals list, blob gas 0, the L1 origin's beacon root), its RLP encoding and
 * its hash. Fields are listed in encoding order.
 *
 * Spec: https://specs.optimism.io/protocol/exec-engine.html (block header fields) and
 * EIP-4895/4844/4788 for the post-London fields.
 */
import { fromHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { rlpDecodeList, rlpEncode, uintToBytes } from "../rlp.ts";

/** An L2 block header. Hashes and roots are 32 bytes, `coinbase` 20, `logsBloom` 256. */
export interface BlockHeader {
  parentHash: Uint8Array;
  ommersHash: Uint8Array;
  coinbase: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  difficulty: bigint;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
  /** `prevRandao` of the L1 origin (the header's mixHash). */
  mixHash: Uint8Array;
  nonce: Uint8Array;
  baseFeePerGas: bigint;
  withdrawalsRoot: Uint8Array;
  blobGasUsed: bigint;
  excessBlobGas: bigint;
  parentBeaconBlockRoot: Uint8Array;
}

/** keccak256(rlp([])): the ommers hash of every post-merge block. */
export const EMPTY_OMMERS_HASH = fromHex(
  "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
);

/** Root of the empty trie (empty transactions, receipts or withdrawals). */
export const EMPTY_TRIE_ROOT = fromHex("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

/** RLP encoding of a header, fields in the order above. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  const n = uintToBytes;
  return rlpEncode([
    h.parentHash,
    h.ommersHash,
    h.coinbase,
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    n(h.difficulty),
    n(h.number),
    n(h.gasLimit),
    n(h.gasUsed),
    n(h.timestamp),
    h.extraData,
    h.mixHash,
    h.nonce,
    n(h.baseFeePerGas),
    h.withdrawalsRoot,
    n(h.blobGasUsed),
    n(h.excessBlobGas),
    h.parentBeaconBlockRoot,
  ]);
}

/** Block hash: keccak-256 of the header's RLP. */
export function headerHash(h: BlockHeader): Uint8Array {
  return keccak256(encodeHeader(h));
}

/** Decodes a header written by {@link encodeHeader} (used by the store; trusted input). */
export function decodeHeader(raw: Uint8Array): BlockHeader {
  const f = rlpDecodeList(raw) as Uint8Array[];
  const n = (b: Uint8Array): bigint => {
    let v = 0n;
    for (const x of b) v = (v << 8n) | BigInt(x);
    return v;
  };
  return {
    parentHash: f[0]!,
    ommersHash: f[1]!,
    coinbase: f[2]!,
    stateRoot: f[3]!,
    transactionsRoot: f[4]!,
    receiptsRoot: f[5]!,
    logsBloom: f[6]!,
    difficulty: n(f[7]!),
    number: n(f[8]!),
    gasLimit: n(f[9]!),
    gasUsed: n(f[10]!),
    timestamp: n(f[11]!),
    extraData: f[12]!,
    mixHash: f[13]!,
    nonce: f[14]!,
    baseFeePerGas: n(f[15]!),
    withdrawalsRoot: f[16]!,
    blobGasUsed: n(f[17]!),
    excessBlobGas: n(f[18]!),
    parentBeaconBlockRoot: f[19]!,
  };
}
