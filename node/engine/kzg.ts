/**
 * KZG for EIP-4844's point-evaluation precompile (0x0a) in Ore's engine and prover: kzg-wasm
 * (c-kzg-4844 compiled to WASM, what @ethereumjs recommends) with the mainnet trusted setup, the
 * same library on both sides, so the engine and the step machine's host give the same verdict.
 * c-kzg's setup load (it also precomputes the EIP-7594 cell tables) takes about 11 s of one
 * core in WASM and blocks the thread, after which a verification takes about 5 ms; so it is
 * loaded at most once per process and only when a point evaluation first runs (see
 * docs/engine.md, "Point evaluation").
 *
 * Spec: https://eips.ethereum.org/EIPS/eip-4844#point-evaluation-precompile
 */
import type { Common } from "@ethereumjs/common";
import { type CustomPrecompile, getActivePrecompiles, type PrecompileFunc } from "@ethereumjs/evm";
import { loadKZG } from "kzg-wasm";

/** kzg-wasm's KZG: what `common.customCrypto.kzg` and the step machine's `KzgVerifier` take. */
export type Kzg = Awaited<ReturnType<typeof loadKZG>>;

/** Address of the point-evaluation precompile. */
export const POINT_EVALUATION_ADDRESS = "0x000000000000000000000000000000000000000a";

let loading: Promise<Kzg> | undefined;

/** kzg-wasm with the mainnet trusted setup, loaded once per process (a failed load is retried). */
export function loadKzg(): Promise<Kzg> {
  loading ??= loadKZG().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/**
 * The point-evaluation precompile for an @ethereumjs EVM over `common` (pass it in
 * `evmOpts.customPrecompiles`): @ethereumjs's own 0x0a, run after `common.customCrypto.kzg` is
 * set from {@link loadKzg}. @ethereumjs calls the KZG synchronously and throws "kzg not
 * initialized" without one, which made any block with such a call, deposits included, invalid;
 * loading here, on first use, keeps engines that never see one from paying the setup load.
 * The address stays a precompile, so it is warm from the start of every transaction (EIP-2929).
 */
export function pointEvaluationPrecompile(common: Common): CustomPrecompile {
  const builtin = getActivePrecompiles(common).get(POINT_EVALUATION_ADDRESS.slice(2)) as
    | PrecompileFunc
    | undefined;
  if (builtin === undefined) throw new Error(`no point-evaluation precompile at ${common.hardfork()}`);
  return {
    address: POINT_EVALUATION_ADDRESS,
    function: async (opts) => {
      // `customCrypto` is one object shared by every copy of the `Common`.
      opts.common.customCrypto.kzg ??= await loadKzg();
      return builtin(opts);
    },
  };
}
