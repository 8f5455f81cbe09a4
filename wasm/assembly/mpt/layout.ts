/**
 * Memory layout shared by the `mpt` module's entry points: where the loader writes its input
 * (`heapBase`), how memory grows, and the constants both the builder and the verifier need.
 */

// keccak256(rlp("")) = keccak256(0x80): the root of the empty trie.
export const EMPTY_ROOT: usize = memory.data<u8>([
  0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48,
  0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
]);

/** First free byte past the module's static data: where the loader writes the input (8-aligned). */
export function heapBase(): usize {
  return (__heap_base + 7) & ~(<usize>7);
}

/**
 * Grows memory so that `[0, end)` is addressable; traps (unreachable) if the host refuses, which
 * the loader reports as an out-of-memory error.
 */
export function ensure(end: usize): void {
  let have = (<usize>memory.size()) << 16;
  if (end <= have) return;
  let need = <i32>((end - have + 0xffff) >> 16);
  // Grow by at least a quarter of the current size so repeated small growths stay amortized.
  let quarter = <i32>(have >> 18);
  if (memory.grow(max<i32>(need, quarter)) < 0) {
    if (memory.grow(need) < 0) unreachable();
  }
}
