/**
 * Wiring of @ethereumjs at Cancun for Ore: a `Common` hashing with Ore's WASM keccak, a
 * `MerkleStateManager` whose trie nodes and code live in the engine's {@link Store} (keyed by
 * hash, never pruned, so any past state root stays readable), and a VM whose BLOCKHASH reads
 * the engine's canonical chain.
 */
import { type Common, createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { type BatchDBOp, type DB, hexToBytes, ValueEncoding } from "@ethereumjs/util";
import { createVM, type VM } from "@ethereumjs/vm";
import { keccak256 } from "../../core/hash/keccak.ts";
import type { Store } from "./store.ts";

/** A Cancun `Common` for `chainId` that hashes with Ore's keccak. */
export function oreCommon(chainId: bigint): Common {
  return createCustomCommon({ chainId: Number(chainId), name: "ore" }, Mainnet, {
    hardfork: Hardfork.Cancun,
    customCrypto: { keccak256 },
  });
}

/** Adapts the store's node table to the key/value interface @ethereumjs/mpt expects. */
export class TrieNodeDB implements DB<string, string | Uint8Array> {
  constructor(private readonly store: Store) {}
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.store.getNode(hexToBytes(`0x${key}`));
  }
  async put(key: string, value: string | Uint8Array): Promise<void> {
    this.store.putNode(hexToBytes(`0x${key}`), value as Uint8Array);
  }
  // Nodes are shared between states and blocks; the store never deletes them.
  async del(): Promise<void> {}
  async batch(ops: BatchDBOp<string, string | Uint8Array>[]): Promise<void> {
    for (const op of ops) if (op.type === "put") await this.put(op.key, op.value);
  }
  shallowCopy(): DB<string, string | Uint8Array> {
    return this;
  }
  async open(): Promise<void> {}
}

/** A state manager over the store, positioned at `stateRoot`. */
export function createStateManager(store: Store, common: Common, stateRoot?: Uint8Array): MerkleStateManager {
  const trie = new MerklePatriciaTrie({
    db: new TrieNodeDB(store),
    valueEncoding: ValueEncoding.Bytes,
    useKeyHashing: true,
    useKeyHashingFunction: keccak256,
    root: stateRoot,
    common,
  });
  return new MerkleStateManager({ trie, common, prefixCodeHashes: false });
}

/** A VM over `stateManager`; `blockHash(n)` answers BLOCKHASH. */
export async function createOreVM(
  common: Common,
  stateManager: MerkleStateManager,
  blockHash: (n: bigint) => Uint8Array | undefined,
): Promise<VM> {
  const blockchain = {
    async getBlock(n: number) {
      const h = blockHash(BigInt(n)) ?? new Uint8Array(32);
      return { hash: () => h };
    },
    async putBlock() {},
    shallowCopy() {
      return blockchain;
    },
  };
  return createVM({ common, stateManager, blockchain });
}
