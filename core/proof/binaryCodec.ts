/**
 * Byte-level reading and writing for the binary proof file (version 3, docs/fault-proof.md
 * §8.3): a growable writer and a bounds-checked reader of little-endian integers and unsigned
 * LEB128 varints. Every read past the end, overlong or non-minimal varint and value over its
 * bound throws {@link ProofFormatError} naming the field, so a malformed file is refused, never
 * crashes the reader.
 */
import { ProofFormatError } from "./errors.ts";

/** A growable byte buffer. */
export class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  /** Bytes written so far. */
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  u32(v: number): void {
    this.room(4);
    const b = this.buf;
    const p = this.length;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = (v >>> 16) & 0xff;
    b[p + 3] = (v >>> 24) & 0xff;
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** An unsigned LEB128 varint of a non-negative safe integer. */
  varint(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  /** An unsigned LEB128 varint of a `bigint` below 2^64. */
  varbig(v: bigint): void {
    if (v <= 0xffffffffn) {
      this.varint(Number(v));
      return;
    }
    this.room(10);
    while (v >= 0x80n) {
      this.buf[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.length++] = Number(v);
  }

  /** Overwrites the 4 bytes at `at` with `v` (little-endian). */
  patchU32(at: number, v: number): void {
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = (v >>> 16) & 0xff;
    this.buf[at + 3] = (v >>> 24) & 0xff;
  }

  /** The bytes written (a view; copy it before writing more). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** A bounds-checked reader over `bytes[start, end)`; `where` prefixes every error message. */
export class ByteReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly where: string,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  /** Bytes left before `end`. */
  get left(): number {
    return this.end - this.pos;
  }

  fail(msg: string): never {
    throw new ProofFormatError(`${this.where}: ${msg}`);
  }

  private need(n: number, field: string): void {
    if (n > this.end - this.pos) {
      this.fail(`truncated: ${field} needs ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++];
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** `n` bytes as a view into the input. */
  bytesView(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /**
   * The hot-loop fast path of {@link varint}: a minimal varint of at most 7 bytes (below 2^49)
   * and at most `max`, or -1 with nothing consumed for anything else, which the caller then reads
   * with {@link varint} or {@link varbig} (to get the value or the error naming its field). Builds
   * no field name: a reader of millions of varints makes no garbage.
   */
  tryVarint(max: number): number {
    const b = this.bytes;
    const start = this.pos;
    const end = Math.min(this.end, start + 7);
    let v = 0;
    let scale = 1;
    for (let p = start; p < end; p++) {
      const x = b[p];
      v += (x & 0x7f) * scale;
      if (x < 0x80) {
        if ((x === 0 && p > start) || v > max) return -1;
        this.pos = p + 1;
        return v;
      }
      scale *= 0x80;
    }
    return -1;
  }

  /** A minimal unsigned LEB128 varint of at most `max` (≤ 2^53 − 1). */
  varint(field: string, max: number = Number.MAX_SAFE_INTEGER): number {
    const at = this.pos;
    const b = this.bytes;
    let v = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail(`truncated: ${field} (a varint) at offset ${at}`);
      if (i === 8) this.fail(`${field}: varint at offset ${at} longer than 8 bytes`);
      const x = b[this.pos++];
      v += (x & 0x7f) * scale;
      scale *= 0x80;
      if (x < 0x80) {
        if (x === 0 && i > 0) this.fail(`${field}: non-minimal varint at offset ${at}`);
        break;
      }
    }
    if (v > max) this.fail(`${field}: ${v} > limit ${max} (offset ${at})`);
    return v;
  }

  /** A minimal unsigned LEB128 varint below 2^64, as a `bigint`. */
  varbig(field: string): bigint {
    const at = this.pos;
    const b = this.bytes;
    let v = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail(`truncated: ${field} (a varint) at offset ${at}`);
      if (i === 10) this.fail(`${field}: varint at offset ${at} longer than 10 bytes`);
      const x = b[this.pos++];
      v |= BigInt(x & 0x7f) << shift;
      shift += 7n;
      if (x < 0x80) {
        if (x === 0 && i > 0) this.fail(`${field}: non-minimal varint at offset ${at}`);
        break;
      }
    }
    if (v >= 1n << 64n) this.fail(`${field}: ${v} ≥ 2^64 (offset ${at})`);
    return v;
  }
}
