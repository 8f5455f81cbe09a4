/**
 * Contract code into a frame's `code` (docs/fault-proof.md §5.3): 31 code bytes per chunk after a
 * leading byte counting how many of them are PUSH data continued from an earlier chunk (so
 * `JUMPDEST` checks need only the chunk), then the code's length. Used by a call's and a
 * transaction's code load alike.
 */
import { fCode, wrU64 } from "./state";
import { write } from "./tree";

const CHUNK: usize = memory.data(32, 16);

/** Writes the `len` code bytes at `code` as frame `depth`'s code chunks and length. */
export function writeCodeChunks(depth: u64, code: usize, len: usize): void {
  let pushEnd: usize = 0;
  let pc: usize = 0;
  for (let k: usize = 0; k * 31 < len; k++) {
    const start = k * 31;
    while (pc < start) {
      const b = <usize>load<u8>(code + pc);
      if (b >= 0x60 && b <= 0x7f) {
        pc += b - 0x5e;
        pushEnd = pc;
      } else pc++;
    }
    memory.fill(CHUNK, 0, 32);
    store<u8>(CHUNK, <u8>(pushEnd > start ? min<usize>(31, pushEnd - start) : 0));
    memory.copy(CHUNK + 1, code + start, min<usize>(31, len - start));
    write((fCode(depth) << 11) | <u64>k, CHUNK);
  }
  wrU64(fCode(depth) + 1, <u64>len);
}
