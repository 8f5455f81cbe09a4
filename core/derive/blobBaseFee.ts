/**
 * The L1 blob base fee from a header's `excessBlobGas` (EIP-4844 `fake_exponential`), which the
 * node needs to fill `L1BlockInfo.blobBaseFee`. The update fraction depends on the L1 fork:
 * Cancun 3338477, Prague (EIP-7691) 5007716.
 * Spec: https://eips.ethereum.org/EIPS/eip-4844#gas-accounting
 */

/** Blob base fee update fraction per L1 fork. */
export const BLOB_BASE_FEE_UPDATE_FRACTION = {
  cancun: 3338477n,
  prague: 5007716n,
} as const;

/** `MIN_BASE_FEE_PER_BLOB_GAS`. */
export const MIN_BLOB_BASE_FEE = 1n;

/**
 * The blob base fee for `excessBlobGas` under `updateFraction`; 1n when the header has no blob
 * fields (`excessBlobGas` null), as op-node does for pre-Cancun L1 blocks.
 */
export function blobBaseFee(excessBlobGas: bigint | null, updateFraction: bigint): bigint {
  if (excessBlobGas === null) return MIN_BLOB_BASE_FEE;
  let i = 1n;
  let output = 0n;
  let acc = MIN_BLOB_BASE_FEE * updateFraction;
  while (acc > 0n) {
    output += acc;
    acc = (acc * excessBlobGas) / (updateFraction * i);
    i++;
  }
  return output / updateFraction;
}
