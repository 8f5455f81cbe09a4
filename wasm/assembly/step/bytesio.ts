/**
 * Byte runs over chunked byte strings in the state (memory, calldata, return data of any frame):
 * the string whose data subtree is at gindex `base` (height `h`) has its byte `p` in chunk
 * `p / 32` at gindex `base · 2^h + p / 32`. Reads and writes touch only the chunks they cover.
 */
import { read, write } from "./tree";

const WT: usize = memory.data(32, 16);

/** Copies `n` bytes at offset `off` to `dst`; bytes at or past `len` read as zero. */
export function readRun(base: u64, h: u32, len: u64, off: u64, n: u64, dst: usize): void {
  memory.fill(dst, 0, <usize>n);
  if (off >= len) return;
  const end = min<u64>(off + n, len);
  let p = off;
  while (p < end) {
    const j = p >> 5;
    const s = p & 31;
    const take = min<u64>(32 - s, end - p);
    memory.copy(dst + <usize>(p - off), read((base << h) | j) + <usize>s, <usize>take);
    p += take;
  }
}

/** Writes the `n` bytes at `src` at offset `off` (partial chunks read, patched, written). */
export function writeRun(base: u64, h: u32, off: u64, src: usize, n: u64): void {
  let done: u64 = 0;
  while (done < n) {
    const p = off + done;
    const j = p >> 5;
    const s = p & 31;
    const take = min<u64>(32 - s, n - done);
    const g = (base << h) | j;
    if (take === 32) write(g, src + <usize>done);
    else {
      memory.copy(WT, read(g), 32);
      memory.copy(WT + <usize>s, src + <usize>done, <usize>take);
      write(g, WT);
    }
    done += take;
  }
}
