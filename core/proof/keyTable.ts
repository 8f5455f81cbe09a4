/**
 * An open-addressing hash table of fixed-length byte keys (32-byte hashes and chunks, 64-byte
 * node contents) to dense indices 0, 1, 2, ..., for the binary proof file's deduplication
 * (docs/fault-proof.md §8.3). Keys live back to back in one growable array, so key `i` is
 * `keys[i·len, (i+1)·len)`: the table is also the store. No strings, no per-key objects.
 */

/** Byte offsets of the words {@link KeyTable} mixes in each 32-byte half of a key. */
const WORDS = [0, 12, 16, 28];

/** A set of `len`-byte keys numbered in insertion order. */
export class KeyTable {
  /** Keys back to back: key `i` at `[i·len, (i+1)·len)`. Grows; re-read it after `insert`. */
  keys: Uint8Array;
  /** Number of keys. */
  count = 0;
  private slots: Int32Array;
  private mask: number;

  constructor(
    readonly len: number,
    capacity = 1 << 12,
  ) {
    this.keys = new Uint8Array(len * capacity);
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity * 2 - 1;
  }

  /**
   * Mixes words 0, 3, 4 and 7 of each 32-byte half: hashes are uniform anywhere, and the other
   * keys (`uint64` chunks, big-endian words, addresses) vary in their first or last bytes. A
   * poor spread only costs probes, never correctness.
   */
  private hashAt(src: Uint8Array, off: number): number {
    let h = 0x9747b28c;
    for (let half = off; half < off + this.len; half += 32) {
      for (let k = 0; k < 4; k++) {
        const i = half + WORDS[k];
        const w = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24);
        h = Math.imul(h ^ w, 0x5bd1e995);
        h ^= h >>> 15;
      }
    }
    return h;
  }

  private equalAt(i: number, src: Uint8Array, off: number): boolean {
    const k = this.keys;
    const base = i * this.len;
    for (let j = 0; j < this.len; j++) if (k[base + j] !== src[off + j]) return false;
    return true;
  }

  /** The empty slot where the last {@link find} that missed stopped (its key's place). */
  private free = -1;

  /** Index of the key `src[off, off + len)`, or -1. */
  find(src: Uint8Array, off = 0): number {
    let s = this.hashAt(src, off) & this.mask;
    for (;;) {
      const i = this.slots[s];
      if (i < 0) {
        this.free = s;
        return -1;
      }
      if (this.equalAt(i, src, off)) return i;
      s = (s + 1) & this.mask;
    }
  }

  /** Adds the key `src[off, off + len)` (absent: check with {@link find}) and returns its index. */
  insert(src: Uint8Array, off = 0): number {
    this.free = -1;
    return this.insertMissed(src, off);
  }

  /**
   * {@link insert} right after a {@link find} of this same key that returned -1, with no other
   * call on this table in between: the key goes where that probe stopped (no second probe).
   */
  insertMissed(src: Uint8Array, off = 0): number {
    let slot = this.free;
    this.free = -1;
    if (this.count * this.len === this.keys.length) {
      this.grow();
      slot = -1;
    }
    const i = this.count++;
    const k = this.keys;
    for (let j = 0, at = i * this.len; j < this.len; j++) k[at + j] = src[off + j];
    if (slot >= 0) this.slots[slot] = i;
    else this.place(i);
    return i;
  }

  /** Index of the key, inserting it first when absent. */
  intern(src: Uint8Array, off = 0): number {
    const i = this.find(src, off);
    return i >= 0 ? i : this.insertMissed(src, off);
  }

  private place(i: number): void {
    let s = this.hashAt(this.keys, i * this.len) & this.mask;
    while (this.slots[s] >= 0) s = (s + 1) & this.mask;
    this.slots[s] = i;
  }

  private grow(): void {
    const keys = new Uint8Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < this.count; i++) this.place(i);
  }
}
