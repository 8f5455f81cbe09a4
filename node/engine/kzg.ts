/**
 * KZG for EIP-4844's point-evaluation precompile (0x0a) in Ore's engine and prover: Ore's own
 * `verify_kzg_proof` over @noble/curves (`kzgVerify.ts`), the same code on both sides, so the
 * engine and the step machine's host give the same verdict, and c-kzg's (kzg-wasm's) on every
 * input, which `kzgVerify.test.ts` checks differentially against kzg-wasm. It needs only
 * `[τ]G2` of the mainnet setup, read on first use in tens of milliseconds, so there is no setup
 * load (kzg-wasm's took 12–13 s of one core and blocked the thread); a verification takes about
 * 6 ms (see docs/engine.md, "Point evaluation").
 *
 * Spec: https://eips.ethereum.org/EIPS/eip-4844#point-evaluation-precompile
 */
import type { Common } from "@ethereumjs/common";
import { type CustomPrecompile, getActivePrecompiles, type PrecompileFunc } from "@ethereumjs/evm";
import type { KZG } from "@ethereumjs/util";
import { OreError } from "../../core/errors.ts";
import { verifyKzgProofHex } from "./kzgVerify.ts";

/** What `common.customCrypto.kzg` takes; the step machine's `KzgVerifier` is its `verifyProof`. */
export type Kzg = KZG;

/** Address of the point-evaluation precompile. */
export const POINT_EVALUATION_ADDRESS = "0x000000000000000000000000000000000000000a";

/** A blob operation asked of Ore's KZG, which only verifies point proofs. */
export class KzgUnsupportedError extends OreError {
  override name = "KzgUnsupportedError";
}

const unsupported = (name: string) => (): never => {
  throw new KzgUnsupportedError(`kzg ${name}: not supported (Ore's KZG only verifies point proofs)`);
};

/**
 * Ore's KZG for @ethereumjs and the step machine: `verifyProof` is {@link verifyKzgProofHex};
 * the blob and cell operations of @ethereumjs's interface (for building blob transactions,
 * which Ore's L2 refuses) throw {@link KzgUnsupportedError}.
 */
export const oreKzg: Kzg = {
  verifyProof: verifyKzgProofHex,
  blobToKzgCommitment: unsupported("blobToKzgCommitment"),
  computeBlobProof: unsupported("computeBlobProof"),
  verifyBlobProofBatch: unsupported("verifyBlobProofBatch"),
  computeCells: unsupported("computeCells"),
  computeCellsAndProofs: unsupported("computeCellsAndProofs"),
  recoverCellsAndProofs: unsupported("recoverCellsAndProofs"),
  verifyCellKzgProofBatch: unsupported("verifyCellKzgProofBatch"),
};

/** {@link oreKzg}, for callers that take a loader; resolves at once (there is nothing to load). */
export function loadKzg(): Promise<Kzg> {
  return Promise.resolve(oreKzg);
}

/**
 * The point-evaluation precompile for an @ethereumjs EVM over `common` (pass it in
 * `evmOpts.customPrecompiles`): @ethereumjs's own 0x0a, run after `common.customCrypto.kzg` is
 * set to {@link oreKzg}. @ethereumjs throws "kzg not initialized" without one, which made any
 * block with such a call, deposits included, invalid. It is set here, when a point evaluation
 * first runs, as when kzg-wasm was loaded on first use, so a `Common` that never runs one is
 * left as it was. @ethereumjs treats a `false` as "kzg proof invalid" and a throw as a failed call;
 * both consume the call's gas. The address stays a precompile, so it is warm from the start of
 * every transaction (EIP-2929).
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
      opts.common.customCrypto.kzg ??= oreKzg;
      return builtin(opts);
    },
  };
}
