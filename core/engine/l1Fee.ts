/**
 * The Ecotone L1 data fee: what a non-deposit L2 transaction pays for the L1 data its batch
 * will take, charged to the sender before execution and paid to the L1FeeVault.
 *
 * ```
 * calldataGas = zeroBytes·4 + nonZeroBytes·16            (of the signed EIP-2718 envelope)
 * l1Fee = calldataGas · (16·baseFeeScalar·l1BaseFee + blobBaseFeeScalar·l1BlobBaseFee) / (16·10⁶)
 * ```
 *
 * The GasPriceOracle computes the same figure from an unsigned transaction by adding
 * `68·16` gas for the signature it lacks (`getL1GasUsed`).
 *
 * Spec: https://specs.optimism.io/protocol/exec-engine.html#ecotone-l1-cost-fee-changes-eip-4844-da
 * Format: docs/fees.md.
 */

/** The L1 prices and scalars an L2 block reads from its L1 attributes deposit. */
export interface L1FeeParams {
  l1BaseFee: bigint;
  l1BlobBaseFee: bigint;
  baseFeeScalar: bigint | number;
  blobBaseFeeScalar: bigint | number;
}

/** Denominator of the Ecotone formula: 16 (calldata gas per byte) · 10⁶ (scalar decimals). */
export const ECOTONE_DIVISOR = 16_000_000n;

/** Gas the GasPriceOracle adds for the 68 signature bytes an unsigned transaction lacks. */
export const UNSIGNED_TX_OVERHEAD_GAS = 68n * 16n;

/** L1 calldata gas of `data`: 4 per zero byte, 16 per non-zero byte. */
export function calldataGas(data: Uint8Array): bigint {
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  return BigInt(zeros) * 4n + BigInt(data.length - zeros) * 16n;
}

/** Ecotone L1 data fee for a given amount of L1 calldata gas. */
export function l1FeeForGas(gas: bigint, p: L1FeeParams): bigint {
  const perGas = 16n * BigInt(p.baseFeeScalar) * p.l1BaseFee + BigInt(p.blobBaseFeeScalar) * p.l1BlobBaseFee;
  return (gas * perGas) / ECOTONE_DIVISOR;
}

/** Ecotone L1 data fee of a signed transaction envelope (what the engine charges). */
export function l1DataFee(signedTx: Uint8Array, p: L1FeeParams): bigint {
  return l1FeeForGas(calldataGas(signedTx), p);
}
