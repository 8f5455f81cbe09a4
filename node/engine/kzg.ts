/**
 * KZG for EIP-4844's point-evaluation precompile (0x0a) in Ore's engine and prover: Ore's own
 * `verify_kzg_proof` over @noble/curves (`kzgVerify.ts`), the same code on both sides, so the
 * engine and the step machine's host give the same verdict, and c-kzg's (kzg-wasm's) on every
 * input, which `kzgVerify.test.ts` checks differentially against kzg-wasm. It needs only
 * `[τ]G2` of the mainnet setup, read on first use in tens of milliseconds, so there is no setup
 * load (kzg-wasm's took 12–13 s of one core and blocked the thread); a verification takes about
 * 6 ms (see docs/engine.md, "Point evaluation"). The engine's `Common` carries it as
 * `customCrypto.kzg` (`vm.ts`), so @ethereumjs's own 0x0a runs on it.
 *
 * Spec: https://eips.ethereum.org/EIPS/eip-4844#point-evaluation-precompile
 */
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
