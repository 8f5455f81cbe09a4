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
