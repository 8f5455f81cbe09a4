/**
 * Ore's public, runtime-agnostic entry point: what someone embedding Ore imports. Everything
 * exported here runs unchanged under Bun, Deno and browsers (no runtime-specific APIs).
 *
 * Exports are sorted by module path: byte helpers, the derivation namespace (`derive`, see
 * docs/derivation.md), errors, hashing (keccak-256 in WASM, SHA-256), generalized-index Merkle
 * trees (docs/merkle.md), the Merkle Patricia Trie (docs/mpt.md) and RLP.
 */

export { assertBytes, assertBytesLength, bytesEqual, concatBytes, fromHex, toHex } from "./core/bytes.ts";
export * as derive from "./core/derive/mod.ts";
export { OreError, PipelineError, type Severity } from "./core/errors.ts";
export { type EthereumjsHashes, ethereumjsCrypto } from "./core/hash/ethereumjsCrypto.ts";
export { createKeccak256, type Keccak256Hasher, keccak256, keccak256Many } from "./core/hash/keccak.ts";
export { sha256, sha256Pair } from "./core/hash/sha256.ts";
export { branchRoot, verifyBranch } from "./core/merkle/branch.ts";
export { MultiproofConflictError, MultiproofShapeError } from "./core/merkle/errors.ts";
export {
  branchIndices,
  concatGindices,
  type Gindex,
  type GindexLike,
  gindexAt,
  gindexBit,
  gindexChild,
  gindexDepth,
  gindexParent,
  gindexSibling,
  helperIndices,
  MAX_GINDEX_DEPTH,
  pathIndices,
} from "./core/merkle/gindex.ts";
export {
  type Multiproof,
  multiproofRoot,
  type ProofNode,
  verifyMultiproof,
} from "./core/merkle/multiproof.ts";
export { type Chunks, MerkleTree, merkleize, zeroHash } from "./core/merkle/tree.ts";
export {
  type Account,
  decodeAccount,
  decodeStorageValue,
  emptyAccount,
  encodeAccount,
  encodeStorageValue,
} from "./core/mpt/account.ts";
export { EMPTY_CODE_HASH, EMPTY_ROOT } from "./core/mpt/constants.ts";
export {
  InvalidNodeError,
  InvalidProofError,
  MissingNodeError,
  TrieTooLargeError,
  UncommittedChangesError,
} from "./core/mpt/errors.ts";
export { type AccountProof, getAccountProof, type StorageProof } from "./core/mpt/ethProof.ts";
export {
  type IterableNodeStore,
  MemoryNodeStore,
  type NodeStore,
  type NodeStoreOp,
} from "./core/mpt/nodeStore.ts";
export { accountStorageRoots, type PruneOptions, pruneNodes, reachableNodes } from "./core/mpt/prune.ts";
export { MerkleTrie, type MerkleTrieOptions } from "./core/mpt/trie.ts";
export { secureTrieRoot, type TrieEntry, trieRoot } from "./core/mpt/trieRoot.ts";
export { verifyProof } from "./core/mpt/verifyProof.ts";
export {
  bytesToUint,
  RlpError,
  type RlpInput,
  RlpNonCanonicalError,
  RlpTrailingBytesError,
  RlpTruncatedError,
  RlpTypeError,
  type RlpValue,
  rlpDecode,
  rlpDecodeList,
  rlpEncode,
  uintToBytes,
} from "./core/rlp.ts";
