/**
 * Argument checks shared by every byte-oriented public function. They throw the standard
 * `TypeError` / `RangeError` and name the offending parameter, so callers see exactly which
 * argument was wrong.
 */

/** Throws `TypeError` unless `value` is a `Uint8Array` (Buffer and other subclasses pass). */
export function assertBytes(value: unknown, param: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    const found = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
    throw new TypeError(`${param}: expected Uint8Array, found ${found}`);
  }
}

/** Throws `TypeError` unless `value` is a `Uint8Array`, and `RangeError` unless it has `length` bytes. */
export function assertBytesLength(
  value: unknown,
  length: number,
  param: string,
): asserts value is Uint8Array {
  assertBytes(value, param);
  if (value.length !== length) {
    throw new RangeError(`${param}: expected ${length} bytes, found ${value.length}`);
  }
}

/** Lower-case `0x`-prefixed hex of `bytes`. */
export function toHex(bytes: Uint8Array): `0x${string}` {
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out as `0x${string}`;
}

/** Bytes of a hex string, with or without `0x`; throws `RangeError` on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  const s = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (s.length % 2 !== 0) throw new RangeError(`hex: expected an even number of digits, found ${s.length}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(s.charCodeAt(2 * i));
    const lo = nibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new RangeError(`hex: invalid digit near position ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** True when `a` and `b` hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenation of `parts` into one new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
