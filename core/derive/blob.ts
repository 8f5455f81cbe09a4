/**
 * OP's blob encoding: how batcher data (at most 130044 bytes) is packed into one EIP-4844 blob
 * of 4096 field elements of 32 bytes, keeping each element below the BLS modulus by leaving the
 * top two bits of its first byte zero.
 *
 * The data is cut into rounds of 127 bytes (at most 1024 rounds). Each round fills 4 field
 * elements: bytes 1..31 of each take 31 data bytes, and three more data bytes x, y, z are split
 * into four 6-bit values stored in byte 0 of the four elements. Round 0 starts with a 4-byte
 * header instead of data: version 0 and the data length as a big-endian uint24. After the data,
 * every byte of the blob must be zero. Spec (op-service `eth/blob.go`):
 * https://specs.optimism.io/protocol/derivation.html#blob-encoding
 */
import { DecodeError } from "./errors.ts";

/** Bytes in a blob. */
export const BLOB_SIZE = 4096 * 32;

/** Most data one blob carries: 1024 rounds of 127 bytes minus the 4-byte header. */
export const MAX_BLOB_DATA_SIZE = (4 * 31 + 3) * 1024 - 4;

/** Blob encoding version (byte 1 of the blob). */
export const BLOB_ENCODING_VERSION = 0;

/** Packs `data` into a blob. Throws `DecodeError` when it exceeds `MAX_BLOB_DATA_SIZE`. */
export function encodeBlob(data: Uint8Array): Uint8Array {
  if (data.length > MAX_BLOB_DATA_SIZE) {
    throw new DecodeError(`blob: ${data.length} bytes > limit ${MAX_BLOB_DATA_SIZE}`);
  }
  const blob = new Uint8Array(BLOB_SIZE);
  // The stream written into the 31-byte slots: header, then data, zero padded.
  const input = new Uint8Array(4 + data.length);
  input[0] = BLOB_ENCODING_VERSION;
  input[1] = (data.length >>> 16) & 0xff;
  input[2] = (data.length >>> 8) & 0xff;
  input[3] = data.length & 0xff;
  input.set(data, 4);
  const at = (i: number) => (i < input.length ? input[i]! : 0);
  let r = 0; // read position in `input`
  for (let round = 0; round < 1024 && r < input.length; round++) {
    const fe = round * 128;
    // Slot layout of a round in the input stream: [31][x][31][y][31][z][31] = 127 bytes.
    for (let k = 0; k < 31; k++) blob[fe + 1 + k] = at(r + k);
    const x = at(r + 31);
    for (let k = 0; k < 31; k++) blob[fe + 33 + k] = at(r + 32 + k);
    const y = at(r + 63);
    for (let k = 0; k < 31; k++) blob[fe + 65 + k] = at(r + 64 + k);
    const z = at(r + 95);
    for (let k = 0; k < 31; k++) blob[fe + 97 + k] = at(r + 96 + k);
    blob[fe] = x & 0x3f;
    blob[fe + 32] = (y & 0x0f) | ((x & 0xc0) >> 2);
    blob[fe + 64] = z & 0x3f;
    blob[fe + 96] = ((z & 0xc0) >> 2) | ((y & 0xf0) >> 4);
    r += 127;
  }
  return blob;
}

/**
 * Unpacks a blob. Throws `DecodeError` on a wrong size, an unknown version, a length above
 * `MAX_BLOB_DATA_SIZE`, a field element with either top bit set, or any non-zero byte after
 * the data.
 */
export function decodeBlob(blob: Uint8Array): Uint8Array {
  if (blob.length !== BLOB_SIZE)
    throw new DecodeError(`blob: expected ${BLOB_SIZE} bytes, found ${blob.length}`);
  for (let fe = 0; fe < BLOB_SIZE; fe += 32) {
    if ((blob[fe]! & 0xc0) !== 0) throw new DecodeError(`blob: field element ${fe / 32} exceeds 254 bits`);
  }
  if (blob[1] !== BLOB_ENCODING_VERSION) throw new DecodeError(`blob: unknown encoding version ${blob[1]}`);
  const len = (blob[2]! << 16) | (blob[3]! << 8) | blob[4]!;
  if (len > MAX_BLOB_DATA_SIZE) throw new DecodeError(`blob: length ${len} > limit ${MAX_BLOB_DATA_SIZE}`);
  // Rebuild the rounds that hold the data, then check that everything past the data is zero:
  // the rest of those rounds and every later byte of the blob.
  const rounds = Math.ceil((4 + len) / 127);
  const stream = new Uint8Array(rounds * 127);
  for (let round = 0; round < rounds; round++) {
    const fe = round * 128;
    const o = round * 127;
    const a = blob[fe]!;
    const b = blob[fe + 32]!;
    const c = blob[fe + 64]!;
    const d = blob[fe + 96]!;
    stream.set(blob.subarray(fe + 1, fe + 32), o);
    stream[o + 31] = (a & 0x3f) | ((b & 0x30) << 2);
    stream.set(blob.subarray(fe + 33, fe + 64), o + 32);
    stream[o + 63] = (b & 0x0f) | ((d & 0x0f) << 4);
    stream.set(blob.subarray(fe + 65, fe + 96), o + 64);
    stream[o + 95] = (c & 0x3f) | ((d & 0x30) << 2);
    stream.set(blob.subarray(fe + 97, fe + 128), o + 96);
  }
  for (let i = 4 + len; i < stream.length; i++) {
    if (stream[i] !== 0) throw new DecodeError(`blob: non-zero byte after the data at stream offset ${i}`);
  }
  for (let i = rounds * 128; i < BLOB_SIZE; i++) {
    if (blob[i] !== 0) throw new DecodeError(`blob: non-zero byte after the data at blob offset ${i}`);
  }
  return stream.slice(4, 4 + len);
}
