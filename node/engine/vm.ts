/**
 * Wiring of @ethereumjs at Cancun for Ore: a `Common` hashing with Ore's WASM keccak, an
 * {@link OreStateManager} whose trie nodes and code live in the engine's {@link Store} (Ore's MPT,
 * keyed by hash, never pruned, so any past state root stays readable), and a VM whose BLOCKHASH
 * reads the engine's canonical chain.
 */
import { type Common, createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createVM, type VM } from "@ethereumjs/vm";
import { keccak256 } from "../../core/hash/keccak.ts";
import type { NodeStore } from "../../core/mpt/nodeStore.ts";
import { OreStateManager } from "./stateManager.ts";

/** A Cancun `Common` for `chainId` that hashes with Ore's keccak. */
export function oreCommon(chainId: bigint): Common {
  return createCustomCommon({ chainId: Number(chainId), name: "ore" }, Mainnet, {
    hardfork: Hardfork.Cancun,
    customCrypto: { keccak256 },
  });
}

/** A state manager over `store` (the engine's SQLite store), positioned at `stateRoot`. */
export function createStateManager(store: NodeStore, stateRoot?: Uint8Array): OreStateManager {
  return new OreStateManager(store, stateRoot);
}

/** A VM over `stateManager`; `blockHash(n)` answers BLOCKHASH. */
export async function createOreVM(
  common: Common,
  stateManager: OreStateManager,
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
