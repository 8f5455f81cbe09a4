/**
 * Ore's bound on the bn254 pairing precompile (0x08; docs/fault-proof.md §10, docs/engine.md
 * "bn254 pairing"): an input longer than 256 pairs fails the call, consuming all the gas given to
 * it, before anything else is checked, exactly as Ore's engine does
 * (`core/engine/provableLimits.ts` `MAX_PAIRING_INPUT_BYTES`, `core/engine/pairing.ts`). A pairing
 * step's one host call (an on-chain verifier: one call to L1's 0x08) then costs at most
 * 45,000 + 34,000 · 256 = 8,749,000 L1 gas.
 */

/** Longest input of the pairing precompile: 256 pairs of 192 bytes. */
export const MAX_PAIRING_INPUT: u64 = 256 * 192;
