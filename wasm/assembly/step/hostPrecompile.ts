/**
 * One precompile run on `len` input bytes at `PRE_IN` with `gasLimit` gas (docs/fault-proof.md
 * §10), shared by calls (`frames.ts`) and by transactions addressed to a precompile
 * (`txprecompile.ts`): identity (0x04) is computed here (15 + 3 per word, the input copied to
 * `PRE_OUT`), the others by the host import into `PRE_OUT`. An output over `PRE_LIMIT` is
 * refused by name (unreachable: the longest, a modexp's, is at most 1,024 bytes).
 */
import { precompile } from "./host";
import {
  ERR_PRECOMPILE_TOO_LARGE,
  ERR_UNSUPPORTED_PRECOMPILE,
  fail,
  PRE_BYTES,
  PRE_IN,
  PRE_LIMIT,
  PRE_OUT,
} from "./layout";

let gasUsed: u64 = 0;

/** The gas the last successful {@link runHostPrecompile} used. */
export function precompileGasUsed(): u64 {
  return gasUsed;
}

/** Runs precompile `id`; the output length (output at `PRE_OUT`), or -1 when it fails. */
export function runHostPrecompile(id: u32, len: u64, gasLimit: u64): i64 {
  if (id === 4) {
    const cost = 15 + 3 * ((len + 31) / 32);
    if (cost > gasLimit) return -1;
    memory.copy(PRE_OUT, PRE_IN, <usize>len);
    gasUsed = cost;
    return <i64>len;
  }
  const r = precompile(id, PRE_IN, <u32>len, gasLimit, PRE_OUT, <u32>PRE_BYTES);
  if (r === -2) fail(ERR_UNSUPPORTED_PRECOMPILE, <u64>id);
  if (r < 0) return -1;
  const used = <u64>r >> 32;
  const outLen = <u64>r & 0xffffffff;
  if (outLen > PRE_LIMIT) fail(ERR_PRECOMPILE_TOO_LARGE, outLen);
  if (used > gasLimit) return -1;
  gasUsed = used;
  return <i64>outLen;
}
