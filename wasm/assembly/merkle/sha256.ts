/**
 * Functions the merkle module imports from ChainSafe's as-sha256 instance. AssemblyScript names
 * the import module after this file, so both arrive as `sha256.<name>`; the loader
 * (`wasm/merkle.ts`) passes as-sha256's own exports of the same names.
 */

/** SHA-256 of the 64 bytes at `inPtr`, written as 32 bytes at `outPtr`. */
export declare function digest64(inPtr: usize, outPtr: usize): void;

/**
 * Four independent SHA-256 digests of the 4 x 64 bytes in as-sha256's `input` buffer, written as
 * 4 x 32 contiguous bytes at `outPtr` (SIMD in the SIMD build, four `digest64` otherwise).
 */
export declare function batchHash4UintArray64s(outPtr: usize): void;
