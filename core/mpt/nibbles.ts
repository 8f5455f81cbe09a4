/**
 * Nibble paths and hex-prefix encoding, the path format of MPT leaf and extension nodes
 * (Yellow Paper, appendix C). A key of n bytes is a path of 2n nibbles, high half first.
 * Hex-prefix packs a nibble path into bytes with a flag nibble in front: 2 for a leaf (the path
 * ends at a value), 0 for an extension, plus 1 if the path has odd length (then the first path
 * nibble shares the flag's byte; otherwise a zero nibble pads it).
 */
import { InvalidNodeError } from "./errors.ts";

/** The nibbles of `key`, one per byte (0..15), high half of each byte first. */
export function bytesToNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 0xf;
  }
  return out;
}

/** Hex-prefix encoding of `path` (nibbles) with the leaf (`isLeaf`) or extension flag. */
export function hexPrefixEncode(path: Uint8Array, isLeaf: boolean): Uint8Array {
  const odd = path.length & 1;
  const out = new Uint8Array((path.length >> 1) + 1);
  const flag = (isLeaf ? 2 : 0) + odd;
  let i = 0;
  if (odd) {
    out[0] = (flag << 4) | path[0]!;
    i = 1;
  } else {
    out[0] = flag << 4;
  }
  for (let o = 1; i < path.length; i += 2, o++) out[o] = (path[i]! << 4) | path[i + 1]!;
  return out;
}

/** A decoded hex-prefix path. */
export interface HexPrefixPath {
  /** The path's nibbles. */
  path: Uint8Array;
  /** True for a leaf path (flag 2 or 3), false for an extension path (flag 0 or 1). */
  isLeaf: boolean;
}

/**
 * Decodes hex-prefix bytes strictly: the flag nibble must be 0..3 and, for an even-length path,
 * the padding nibble must be zero. Throws `InvalidNodeError` otherwise.
 */
export function hexPrefixDecode(hp: Uint8Array): HexPrefixPath {
  if (hp.length === 0) throw new InvalidNodeError("hex-prefix path: expected at least 1 byte, found 0");
  const flag = hp[0]! >> 4;
  if (flag > 3) throw new InvalidNodeError(`hex-prefix path: expected flag nibble 0..3, found ${flag}`);
  const odd = flag & 1;
  if (!odd && (hp[0]! & 0xf) !== 0) {
    throw new InvalidNodeError(`hex-prefix path: expected zero padding nibble, found ${hp[0]! & 0xf}`);
  }
  const n = (hp.length - 1) * 2 + odd;
  const path = new Uint8Array(n);
  let o = 0;
  if (odd) path[o++] = hp[0]! & 0xf;
  for (let i = 1; i < hp.length; i++) {
    path[o++] = hp[i]! >> 4;
    path[o++] = hp[i]! & 0xf;
  }
  return { path, isLeaf: flag >= 2 };
}

/** Length of the common prefix of nibble paths `a` (from `ai`) and `b` (from `bi`). */
export function commonPrefixLength(a: Uint8Array, ai: number, b: Uint8Array, bi: number): number {
  const n = Math.min(a.length - ai, b.length - bi);
  let i = 0;
  while (i < n && a[ai + i] === b[bi + i]) i++;
  return i;
}
