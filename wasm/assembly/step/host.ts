/**
 * Functions the `step` module imports from its host (module `host`; docs/fault-proof.md §9, §10).
 */

/**
 * Runs precompile `id` (0x01..0x0a, never 0x04) on the `inLen` bytes at `inPtr` with `gas`, and
 * writes its output (at most `outCap` bytes) at `outPtr`. Returns `gasUsed · 2^32 + outLength`
 * on success, -1 when the precompile fails (invalid input or not enough gas: the call consumes
 * all its gas), -2 when the host cannot compute it (the step then fails loudly).
 */
export declare function precompile(
  id: u32,
  inPtr: usize,
  inLen: u32,
  gas: u64,
  outPtr: usize,
  outCap: u32,
): i64;
