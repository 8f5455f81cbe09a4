/**
 * The bounds within which every L2 block stays provable by the fault-proof step machine
 * (docs/fault-proof.md §3.3, §7, §10). Outside them a block could only be refused by the
 * machine, so a wrong output root proposed for it could not be disputed: derivation, the pool,
 * gossip validation and the rollup config keep every block inside them.
 */

/**
 * Largest EIP-2718 encoding of a transaction, in bytes. The step machine loads a transaction as
 * one keccak preimage, and a preimage is at most this long (`MAX_PREIMAGE` in
 * `core/proof/witness.ts` and `wasm/assembly/step/preimages.ts`). Derivation drops a batch with
 * a longer transaction (`core/derive/checkBatch.ts`, docs/derivation.md), the pool refuses one
 * (`node/engine/txPool.ts`, whose own limit is smaller) and gossip validation rejects a block with
 * one (`core/p2p/blockValidation.ts`). Deposits stay far below it: the portal caps their data at
 * 120,000 bytes.
 */
export const MAX_TX_BYTES = 262_144;

/**
 * Largest L2 block gas limit: SystemConfig's `MAXIMUM_GAS_LIMIT` (contracts/src/L1/SystemConfig.sol),
 * the largest at which a block cannot afford a precompile call the machine cannot split
 * (docs/fault-proof.md §10). The rollup config refuses a larger genesis gas limit; derivation
 * ignores a larger `ConfigUpdate` (`core/derive/systemConfig.ts`).
 */
export const MAX_L2_GAS_LIMIT = 45_000_000n;

/**
 * Longest input the bn254 pairing precompile (0x08) accepts on Ore's L2: 256 pairs. A longer
 * input fails the call, consuming all the gas given to it (as OP Granite's restriction of the
 * same precompile to 112,687 bytes does, with a smaller bound). The fault-proof machine verifies
 * a pairing step with one call to L1's pairing precompile, which cannot be split: 256 pairs cost
 * 8,749,000 L1 gas plus ~0.8M of calldata, within EIP-7825's 16,777,216-gas transaction cap
 * (Granite's 586 pairs would cost ~20M; the 1,300 pairs a 45M-gas L2 block affords, ~44M).
 */
export const MAX_PAIRING_INPUT_BYTES = 256 * 192;

/**
 * Largest declared length (bytes) of a modexp (0x05) base, exponent or modulus on Ore's L2:
 * EIP-7823's bound, which L1 applies since Fusaka. A call declaring a longer one fails, consuming
 * all the gas given to it (`core/engine/modexp.ts`). The fault-proof machine verifies a modexp
 * step with calls to L1's modexp, which since Fusaka refuses longer lengths and whose price for a
 * base or modulus over 1,024 bytes is not bounded within EIP-7825's 16,777,216-gas transaction cap
 * (one such call could cost ~44M L1 gas); within the bound every host modexp costs at most
 * 174,762 gas (EIP-2565; 2,097,152 at EIP-7883's prices), docs/fault-proof.md §10.
 */
export const MAX_MODEXP_LENGTH = 1024;
