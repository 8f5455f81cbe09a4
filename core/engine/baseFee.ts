/**
 * EIP-1559 base fee of the next L2 block, with OP's Canyon parameters: elasticity 6 (target =
 * gasLimit / 6) and max change denominator 250. Follows geth's `CalcBaseFee`.
 *
 * Spec: https://specs.optimism.io/protocol/canyon/exec-engine.html#eip-1559-parameters
 */

/** EIP-1559 parameters of an L2 chain. */
export interface Eip1559Params {
  elasticity: bigint;
  denominator: bigint;
}

/** OP Canyon's EIP-1559 parameters. */
export const CANYON_EIP1559: Eip1559Params = { elasticity: 6n, denominator: 250n };

/** Base fee of the child of a block with the given gas limit, gas used and base fee. */
export function nextBaseFee(
  parent: { gasLimit: bigint; gasUsed: bigint; baseFeePerGas: bigint },
  p: Eip1559Params = CANYON_EIP1559,
): bigint {
  const target = parent.gasLimit / p.elasticity;
  if (target === 0n || parent.gasUsed === target) return parent.baseFeePerGas;
  if (parent.gasUsed > target) {
    const delta = (parent.baseFeePerGas * (parent.gasUsed - target)) / target / p.denominator;
    return parent.baseFeePerGas + (delta > 1n ? delta : 1n);
  }
  const delta = (parent.baseFeePerGas * (target - parent.gasUsed)) / target / p.denominator;
  const next = parent.baseFeePerGas - delta;
  return next > 0n ? next : 0n;
}
