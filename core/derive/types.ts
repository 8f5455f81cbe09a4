/**
 * The shapes derivation speaks: block references, the L2 system configuration, payload
 * attributes, and the two narrow interfaces through which the pure pipeline reads the outside
 * world (`L1Source`, `L2Source`). The node implements the sources (viem for L1, the engine for
 * L2); core never dials.
 *
 * Conventions: hashes and addresses are lower-case `0x` hex (`Hex`), as op-node's JSON and viem
 * give them, so refs compare with `===` and serialize as they are; opaque payloads (transaction
 * input, log data, blobs, encoded transactions) are `Uint8Array`. Block numbers and timestamps
 * are `number` (they stay far below 2^53); gas and fees are `bigint`.
 *
 * Spec: https://specs.optimism.io/protocol/derivation.html. Format and rules: docs/derivation.md.
 */

/** Lower-case `0x`-prefixed hex. Hashes are 32 bytes, addresses 20. */
export type Hex = `0x${string}`;

/** A block identified by hash and number (op-node `eth.BlockID`). */
export interface BlockId {
  hash: Hex;
  number: number;
}

/** An L1 block as derivation sees it (op-node `eth.L1BlockRef`). */
export interface L1BlockRef {
  hash: Hex;
  number: number;
  parentHash: Hex;
  /** Seconds since the Unix epoch. */
  timestamp: number;
}

/**
 * An L2 block as derivation sees it (op-node `eth.L2BlockRef`): its L1 origin (epoch) and its
 * position within that epoch, both read from the L1 attributes deposit (`l2BlockRefFromBlock`).
 */
export interface L2BlockRef {
  hash: Hex;
  number: number;
  parentHash: Hex;
  /** Seconds since the Unix epoch. */
  timestamp: number;
  /** The L1 block this L2 block's epoch refers to. */
  l1origin: BlockId;
  /** L2 blocks since the first block of the epoch (0 for the first). */
  sequenceNumber: number;
}

/**
 * The L2 system configuration as L1 sets it (SystemConfig contract, `ConfigUpdate` events) and
 * as derivation carries it (op-node `eth.SystemConfig`).
 * Spec: https://specs.optimism.io/protocol/system-config.html
 */
export interface SystemConfig {
  /** The only account whose BatchFeed appends count. */
  batcherAddr: Hex;
  /** 32-byte pre-Ecotone L1 fee overhead (zero under Ecotone rules). */
  overhead: Hex;
  /**
   * 32-byte versioned fee scalar: byte 0 is the version (1 = Ecotone: bytes 24..27 blob base fee
   * scalar, bytes 28..31 base fee scalar; 0 = Bedrock: the low 4 bytes are the base fee scalar).
   */
  scalar: Hex;
  /** L2 block gas limit. */
  gasLimit: bigint;
}

/**
 * Engine API payload attributes as OP extends them (`PayloadAttributesV3` plus `transactions`,
 * `noTxPool`, `gasLimit`). https://specs.optimism.io/protocol/exec-engine.html#extended-payloadattributesv3
 * `payloadAttributesToJson` gives the engine's JSON; `encodePayloadAttributes` the canonical bytes
 * two nodes compare.
 */
export interface PayloadAttributes {
  /** L2 block timestamp: parent timestamp + block_time. */
  timestamp: number;
  /** The L1 origin's `mixHash` (post-merge: its RANDAO). */
  prevRandao: Hex;
  /** The SequencerFeeVault predeploy. */
  suggestedFeeRecipient: Hex;
  /** Always empty (Canyon). */
  withdrawals: readonly never[];
  /** The L1 origin's `parentBeaconBlockRoot` (zero hash when L1 has none). */
  parentBeaconBlockRoot: Hex;
  /** EIP-2718 encoded transactions: the L1 attributes deposit, the epoch's user deposits, then the batch's. */
  transactions: Uint8Array[];
  /** True for derived blocks; the sequencer sets false unless past the drift limit. */
  noTxPool: boolean;
  /** From the system config in force. */
  gasLimit: bigint;
}

/**
 * One derivation result: attributes for the block on top of `parent` (op-node
 * `AttributesWithParent`). `derivedFrom` is the L1 block the pipeline was at when the batch
 * was complete: the block is safe once that L1 block is canonical, final once it is final.
 */
export interface AttributesWithParent {
  attributes: PayloadAttributes;
  parent: L2BlockRef;
  /** True when this is the last block of its batch (always true for singular batches). */
  isLastInSpan: boolean;
  derivedFrom: L1BlockRef;
}

/** What `L1Source.blockInfo` returns: the header fields the L1 attributes deposit and payload attributes need. */
export interface L1BlockInfo {
  hash: Hex;
  number: number;
  parentHash: Hex;
  timestamp: number;
  /** EIP-1559 base fee (0n before London). */
  baseFeePerGas: bigint;
  /**
   * Blob base fee of this block, from its `excessBlobGas` with the L1 fork's update fraction
   * (`blobBaseFee()` in `blobBaseFee.ts`); 1n when the header has no blob fields.
   */
  blobBaseFee: bigint;
  /** `mixHash` (`prevRandao` after the merge). */
  mixHash: Hex;
  /** `parentBeaconBlockRoot` (EIP-4788), or null when the header has none. */
  parentBeaconBlockRoot: Hex | null;
}

/** One log of an L1 receipt. */
export interface L1Log {
  /** Emitting contract. */
  address: Hex;
  /** 32-byte topics. */
  topics: readonly Hex[];
  data: Uint8Array;
  /** Index of the log within its block (not within its transaction). */
  logIndex: number;
}

/** One L1 receipt; `receipts(h)[i]` belongs to `transactions(h)[i]`. */
export interface L1Receipt {
  /** True when the transaction succeeded (status 1). */
  status: boolean;
  logs: readonly L1Log[];
}

/** One L1 transaction, as much of it as batch retrieval reads. */
export interface L1Transaction {
  hash: Hex;
  /** Recovered sender. */
  from: Hex;
  /** Recipient, null for a contract creation. */
  to: Hex | null;
  input: Uint8Array;
  /** EIP-2718 type (3 = blob transaction). */
  type: number;
  /** Versioned hashes of the blobs the transaction carries (empty unless type 3). */
  blobVersionedHashes: readonly Hex[];
}

/**
 * What derivation needs from L1, implemented by the node (viem). Every method is async and may
 * throw on a transport failure; the pipeline turns throws into temporary errors and retries.
 * Core does all protocol parsing (which transactions and logs count, senders, commitments).
 *
 * For safety against L1 reorgs the node may hand derivation a view that hides the newest
 * blocks (a confirmation depth): `blockRefByNumber` then returns null past that point.
 */
export interface L1Source {
  /** The canonical block at `n`, or null if L1 has no block at `n` yet. */
  blockRefByNumber(n: number): Promise<L1BlockRef | null>;
  /** The block with hash `h` (throws if unknown). */
  blockRefByHash(h: Hex): Promise<L1BlockRef>;
  /** Header fields of the block with hash `h`. */
  blockInfo(h: Hex): Promise<L1BlockInfo>;
  /** Receipts of the block with hash `h`, in transaction order. */
  receipts(h: Hex): Promise<readonly L1Receipt[]>;
  /** Transactions of the block with hash `h`, in block order. */
  transactions(h: Hex): Promise<readonly L1Transaction[]>;
  /**
   * The blobs (131072 bytes each) with `versionedHashes`, in the same order, that `ref` carries
   * (from a beacon node or, on a devnet, a blob archive). Implementations must check each blob
   * against its versioned hash (KZG commitment); derivation checks only the order and count.
   */
  blobs(ref: L1BlockRef, versionedHashes: readonly Hex[]): Promise<readonly Uint8Array[]>;
}

/**
 * What derivation needs from the L2 engine, implemented by the node. `l2BlockRefFromBlock` and
 * `systemConfigFromL2Block` (`l2BlockRef.ts`) turn an engine block into these answers. Throws
 * are temporary errors.
 */
export interface L2Source {
  /** The canonical L2 block at `n` (throws if none). */
  l2BlockRefByNumber(n: number): Promise<L2BlockRef>;
  /**
   * The canonical L2 block at `n` with all its transactions (throws if none): read when a span
   * batch overlaps the safe chain, to compare its blocks with the safe ones.
   */
  l2BlockByNumber(n: number): Promise<L2BlockInput>;
  /** The L2 block with hash `h` (throws if unknown). */
  l2BlockRefByHash(h: Hex): Promise<L2BlockRef>;
  /** The system config in force after the L2 block with hash `h` (from its L1 attributes deposit and gas limit). */
  systemConfigByL2Hash(h: Hex): Promise<SystemConfig>;
}

/** The parts of an L2 block that `l2BlockRefFromBlock` and `systemConfigFromL2Block` read. */
export interface L2BlockInput {
  hash: Hex;
  number: number;
  parentHash: Hex;
  timestamp: number;
  gasLimit: bigint;
  /** EIP-2718 encoded transactions; the first is the L1 attributes deposit. */
  transactions: readonly Uint8Array[];
}
