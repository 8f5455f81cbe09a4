/**
 * The heap past `POOL_PTR`: a bump allocator in 48-byte units shared by the state tree's nodes
 * (one unit each, addressed by index) and the preimage table (runs of units). It is emptied as
 * a whole when the tree is reset; memory grows on demand and never shrinks.
 */
import { POOL_PTR } from "./layout";

/** Bytes of one unit (one tree node). */
export const UNIT: usize = 48;

let next: u32 = 0;

/** Address of unit `n`. */
export function unitAt(n: u32): usize {
  return POOL_PTR + <usize>n * UNIT;
}

/** Grows memory (by at least 4 MiB at a time) so that it reaches `end`. */
export function ensure(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16) + 64;
    if (memory.grow(pages) < 0) unreachable();
  }
}

/** Empties the heap; the next allocation is unit `first`. */
export function heapReset(first: u32): void {
  next = first;
  ensure(unitAt(first));
}

/** Allocates `n` consecutive units; returns the index of the first. */
export function allocUnits(n: u32): u32 {
  const i = next;
  next += n;
  ensure(unitAt(next));
  return i;
}

/**
 * Address of `bytes` bytes of scratch past the last allocated unit, valid until the next
 * allocation (the tree's hashing sorts its dirty nodes there; it allocates nothing meanwhile).
 */
export function scratch(bytes: usize): usize {
  const a = unitAt(next);
  ensure(a + bytes);
  return a;
}

/** Allocates at least `bytes` bytes (whole units, zeroed); returns the address. */
export function allocBytes(bytes: usize): usize {
  const n = <u32>((bytes + UNIT - 1) / UNIT);
  const a = unitAt(allocUnits(n));
  memory.fill(a, 0, <usize>n * UNIT);
  return a;
}
