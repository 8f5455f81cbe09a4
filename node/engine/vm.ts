/**
 * Wiring of @ethereumjs at Cancun for Ore: a `Common` hashing with Ore's WASM keccak, an
 * {@link OreStateManager} whose trie nodes and code live in the engine's {@link Store} (Ore's MPT,
 * keyed by hash, never pruned, so any past state root stays readable), and a VM whose BLOCKHASH
 * reads the engine's canonical chain.
 */
import { paramsBlock } from "@ethereumjs/block";
import { Common, Hardfork, Mainnet, type ParamsDict } from "@ethereumjs/common";
import { paramsEVM } from "@ethereumjs/evm";
import { paramsTx } from "@ethereumjs/tx";
import { createVM, paramsVM, type VM } from "@ethereumjs/vm";
import { keccak256 } from "../../core/hash/keccak.ts";
import type { NodeStore } from "../../core/mpt/nodeStore.ts";
import { OreStateManager } from "./stateManager.ts";

/** The parameter tables @ethereumjs merges into a `Common` whenever it builds a tx, block, EVM or VM. */
const PRELOADED: readonly ParamsDict[] = [paramsTx, paramsBlock, paramsEVM, paramsVM];

/**
 * A `Common` with the tx, block, EVM and VM parameter tables merged once. @ethereumjs copies the
 * `Common` and calls `updateParams(paramsTx)` for every transaction it decodes (and
 * `updateParams(paramsBlock)` for every header), which re-serialises and re-merges every table:
 * about a tenth of an ETH transfer's cost. Copies keep this prototype, and every copy is made
 * after the tables were merged, so a later `updateParams` with one of those same tables is a no-op.
 */
class PreloadedCommon extends Common {
  override updateParams(params: ParamsDict): void {
    if (!PRELOADED.includes(params)) super.updateParams(params);
  }
}

/** A Cancun `Common` for `chainId` that hashes with Ore's keccak. */
export function oreCommon(chainId: bigint): Common {
  const common = new PreloadedCommon({
    chain: { ...Mainnet, chainId: Number(chainId), name: "ore" },
    hardfork: Hardfork.Cancun,
    customCrypto: { keccak256 },
  });
  for (const p of PRELOADED) Common.prototype.updateParams.call(common, p);
  return common;
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
