/**
 * Wiring of @ethereumjs at Cancun for Ore: a `Common` hashing with Ore's WASM keccak, an
 * {@link OreStateManager} whose trie nodes and code live in the engine's {@link Store} (Ore's MPT,
 * keyed by hash, never pruned, so any past state root stays readable), and a VM whose BLOCKHASH
 * asks the chain (which answers from the ancestors of the block being executed) and whose point
 * evaluation (0x0a) runs on Ore's KZG verifier (`kzg.ts`).
 */
import { paramsBlock } from "@ethereumjs/block";
import { Common, Hardfork, Mainnet, type ParamsDict } from "@ethereumjs/common";
import { paramsEVM } from "@ethereumjs/evm";
import { paramsTx } from "@ethereumjs/tx";
import { ecrecover } from "@ethereumjs/util";
import { createVM, paramsVM, type VM } from "@ethereumjs/vm";
import { modexpPrecompile } from "../../core/engine/modexp.ts";
import { pairingPrecompile } from "../../core/engine/pairing.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import type { NodeStore } from "../../core/mpt/nodeStore.ts";
import { oreKzg } from "./kzg.ts";
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

/**
 * `ecrecover` remembering its last `size` answers. A sequencer recovers each transaction's
 * sender when the pool admits it and again when it builds the block (a fresh decode); signature
 * recovery is most of an ETH transfer's cost, so the second time comes from here. Failures are
 * not remembered. The memo belongs to one `Common`, hence to one engine.
 */
export function memoEcrecover(
  size = 16_384,
): NonNullable<ConstructorParameters<typeof Common>[0]["customCrypto"]>["ecrecover"] {
  const memo = new Map<string, Uint8Array>();
  return (msgHash, v, r, s, chainId) => {
    const key = `${bin(msgHash)}${String.fromCharCode(r.length)}${bin(r)}${String.fromCharCode(s.length)}${bin(s)}:${v}:${chainId ?? ""}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const pub = ecrecover(msgHash, v, r, s, chainId);
    if (memo.size >= size) memo.delete(memo.keys().next().value!);
    memo.set(key, pub);
    return pub;
  };
}

function bin(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

/**
 * A Cancun `Common` for `chainId` that hashes with Ore's keccak, memoises `ecrecover` and verifies
 * point evaluations (0x0a) with Ore's KZG (`kzg.ts`).
 */
export function oreCommon(chainId: bigint): Common {
  const common = new PreloadedCommon({
    chain: { ...Mainnet, chainId: Number(chainId), name: "ore" },
    hardfork: Hardfork.Cancun,
    customCrypto: { keccak256, ecrecover: memoEcrecover(), kzg: oreKzg },
  });
  for (const p of PRELOADED) Common.prototype.updateParams.call(common, p);
  return common;
}

/** A state manager over `store` (the engine's SQLite store), positioned at `stateRoot`. */
export function createStateManager(store: NodeStore, stateRoot?: Uint8Array): OreStateManager {
  return new OreStateManager(store, stateRoot);
}

/**
 * A VM over `stateManager`; `blockHash(n)` answers BLOCKHASH. Modexp (0x05) refuses a declared
 * length over 1,024 bytes (EIP-7823, `core/engine/modexp.ts`) and the pairing (0x08) an input over
 * 256 pairs (`core/engine/pairing.ts`).
 */
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
  return createVM({
    common,
    stateManager,
    blockchain,
    evmOpts: {
      customPrecompiles: [modexpPrecompile(common), pairingPrecompile(common)],
    },
  });
}
