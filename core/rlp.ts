/**
 * Recursive Length Prefix (RLP), Ethereum's serialization of byte strings and nested lists
 * (Yellow Paper, appendix B; https://ethereum.org/developers/docs/data-structures-and-encoding/rlp).
 *
 * Decoding is strict: it accepts exactly the canonical encoding of each value and rejects
 * everything else (a single byte below 0x80 wrapped in a header, a long form for a payload under
 * 56 bytes, a length with leading zeros, truncation, trailing bytes). Data from the network, L1 or
 * a fraud proof can therefore never have two encodings of one value.
 */
import { assertBytes } from "./bytes.ts";
import { OreError } from "./errors.ts";

/** A value RLP can encode: a byte string or a (nested) list of them. */
export type RlpInput = Uint8Array | readonly RlpInput[];

/** A decoded RLP value: a byte string or a (nested) list of them. */
export type RlpValue = Uint8Array | RlpValue[];

/** Base class of every RLP decoding failure; `offset` is where in the input the fault lies. */
export class RlpError extends OreError {
  override name = "RlpError";
  /** Byte offset in the decoded input where the fault was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`rlp: ${message} (at byte ${offset})`, { details: { offset } });
    this.offset = offset;
  }
}

/** The input ends before the item its header announces. */
export class RlpTruncatedError extends RlpError {
  override name = "RlpTruncatedError";
}

/** The item is valid RLP but not the canonical (shortest) encoding of its value. */
export class RlpNonCanonicalError extends RlpError {
  override name = "RlpNonCanonicalError";
}

/** Bytes remain after the top-level item (or after the last item of a list's payload). */
export class RlpTrailingBytesError extends RlpError {
  override name = "RlpTrailingBytesError";
}

/** A string was found where a list was expected, or the reverse, or an integer is malformed. */
export class RlpTypeError extends RlpError {
  override name = "RlpTypeError";
}

/** Header of one RLP item: where its payload lies and where the item ends. */
export interface RlpItem {
  /** True for a list, false for a byte string. */
  isList: boolean;
  /** Offset of the payload (just past the header). */
  dataStart: number;
  /** Offset just past the payload, i.e. the end of the whole item. */
  end: number;
}

/**
 * Reads the header of the item at `offset` without decoding its payload, enforcing the canonical
 * form of the header itself. `limit` (default: the end of `bytes`) bounds the item, so a list's
 * items can be checked against the list's own end. This is the lazy primitive the proof verifier
 * and node decoder walk with.
 */
export function rlpItem(bytes: Uint8Array, offset: number, limit: number = bytes.length): RlpItem {
  if (offset >= limit) throw new RlpTruncatedError("expected an item, found end of input", offset);
  const b = bytes[offset]!;
  if (b < 0x80) return { isList: false, dataStart: offset, end: offset + 1 };
  if (b <= 0xb7) {
    const len = b - 0x80;
    const end = offset + 1 + len;
    if (end > limit) throw new RlpTruncatedError(`string of ${len} bytes runs past ${limit}`, offset);
    if (len === 1 && bytes[offset + 1]! < 0x80) {
      throw new RlpNonCanonicalError(
        `single byte 0x${hex2(bytes[offset + 1]!)} must not carry a header`,
        offset,
      );
    }
    return { isList: false, dataStart: offset + 1, end };
  }
  if (b < 0xc0) return longItem(bytes, offset, limit, b - 0xb7, false);
  if (b <= 0xf7) {
    const end = offset + 1 + (b - 0xc0);
    if (end > limit) throw new RlpTruncatedError(`list of ${b - 0xc0} bytes runs past ${limit}`, offset);
    return { isList: true, dataStart: offset + 1, end };
  }
  return longItem(bytes, offset, limit, b - 0xf7, true);
}

function longItem(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  lenOfLen: number,
  isList: boolean,
): RlpItem {
  const kind = isList ? "list" : "string";
  if (offset + 1 + lenOfLen > limit) throw new RlpTruncatedError(`${kind} length runs past ${limit}`, offset);
  if (bytes[offset + 1] === 0)
    throw new RlpNonCanonicalError(`${kind} length has a leading zero byte`, offset);
  let len = 0;
  for (let i = 0; i < lenOfLen; i++) len = len * 256 + bytes[offset + 1 + i]!;
  if (len < 56) throw new RlpNonCanonicalError(`${kind} of ${len} bytes must use the short form`, offset);
  const dataStart = offset + 1 + lenOfLen;
  const end = dataStart + len;
  if (end > limit) throw new RlpTruncatedError(`${kind} of ${len} bytes runs past ${limit}`, offset);
  return { isList, dataStart, end };
}

/** Decodes exactly one canonical RLP item filling all of `bytes`. Throws an `RlpError` otherwise. */
export function rlpDecode(bytes: Uint8Array): RlpValue {
  assertBytes(bytes, "bytes");
  const item = rlpItem(bytes, 0);
  if (item.end !== bytes.length) {
    throw new RlpTrailingBytesError(`expected ${item.end} bytes, found ${bytes.length}`, item.end);
  }
  return decodeItem(bytes, item);
}

function decodeItem(bytes: Uint8Array, item: RlpItem): RlpValue {
  if (!item.isList) return bytes.slice(item.dataStart, item.end);
  const out: RlpValue[] = [];
  let pos = item.dataStart;
  while (pos < item.end) {
    const child = rlpItem(bytes, pos, item.end);
    out.push(decodeItem(bytes, child));
    pos = child.end;
  }
  return out;
}

/** Decodes a canonical RLP list and returns its items; throws `RlpTypeError` for a string. */
export function rlpDecodeList(bytes: Uint8Array): RlpValue[] {
  const v = rlpDecode(bytes);
  if (!Array.isArray(v)) throw new RlpTypeError("expected a list, found a string", 0);
  return v;
}

/** Canonical RLP encoding of `input` (a byte string or nested lists of them). */
export function rlpEncode(input: RlpInput): Uint8Array {
  const out = new Uint8Array(encodedLength(input));
  const end = write(out, 0, input);
  // The size pass and the write pass must agree; a mismatch would be a bug here, not bad input.
  if (end !== out.length) throw new Error(`rlp: internal size mismatch ${end} != ${out.length}`);
  return out;
}

/** Length of `rlpEncode(input)` without encoding it. */
export function encodedLength(input: RlpInput): number {
  if (input instanceof Uint8Array) {
    const n = input.length;
    if (n === 1 && input[0]! < 0x80) return 1;
    return headerLength(n) + n;
  }
  if (!Array.isArray(input)) throw new TypeError(`rlp: expected Uint8Array or array, found ${typeof input}`);
  const n = payloadLength(input);
  return headerLength(n) + n;
}

function payloadLength(list: readonly RlpInput[]): number {
  let n = 0;
  for (const item of list) n += encodedLength(item);
  return n;
}

/** Bytes taken by the header of a payload of `n` bytes (strings and lists alike). */
export function headerLength(n: number): number {
  if (n < 56) return 1;
  let l = 1;
  while (n >= 256 ** l) l++;
  return 1 + l;
}

/**
 * Writes the header of a string (`base` 0x80) or list (`base` 0xc0) with an `n`-byte payload at
 * `pos` and returns the offset after it. Exposed so hot encoders (trie nodes) can write in place.
 */
export function writeHeader(out: Uint8Array, pos: number, n: number, base: 0x80 | 0xc0): number {
  if (n < 56) {
    out[pos] = base + n;
    return pos + 1;
  }
  const l = headerLength(n) - 1;
  out[pos] = base + 55 + l;
  for (let i = l; i >= 1; i--) {
    out[pos + i] = n & 0xff;
    n = Math.floor(n / 256);
  }
  return pos + 1 + l;
}

function write(out: Uint8Array, pos: number, input: RlpInput): number {
  if (input instanceof Uint8Array) {
    if (input.length === 1 && input[0]! < 0x80) {
      out[pos] = input[0]!;
      return pos + 1;
    }
    pos = writeHeader(out, pos, input.length, 0x80);
    out.set(input, pos);
    return pos + input.length;
  }
  pos = writeHeader(out, pos, payloadLength(input), 0xc0);
  for (const item of input) pos = write(out, pos, item);
  return pos;
}

/** Minimal big-endian bytes of a non-negative integer (zero is the empty string), as RLP wants. */
export function uintToBytes(value: bigint | number): Uint8Array {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError(`rlp: expected a non-negative integer, found ${v}`);
  const bytes: number[] = [];
  while (v > 0n) {
    bytes.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return Uint8Array.from(bytes.reverse());
}

/** The integer in a canonical RLP integer payload; throws `RlpNonCanonicalError` on a leading zero. */
export function bytesToUint(bytes: Uint8Array): bigint {
  if (bytes.length > 0 && bytes[0] === 0) {
    throw new RlpNonCanonicalError("integer has a leading zero byte", 0);
  }
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, "0");
}
