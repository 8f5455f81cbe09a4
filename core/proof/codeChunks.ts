/**
 * Code chunking (docs/fault-proof.md §2, `Code`): 31 code bytes per 32-byte chunk, byte 0 being
 * how many bytes at the chunk's start are PUSH immediates of an instruction that began in an
 * earlier chunk (EIP-2926 style). This makes JUMPDEST validity a check inside one chunk.
 */

/** Code bytes per chunk. */
export const CHUNK_CODE_BYTES = 31;

/** The chunks of `code`, each 32 bytes. */
export function chunkCode(code: Uint8Array): Uint8Array[] {
  const n = Math.ceil(code.length / CHUNK_CODE_BYTES);
  const chunks: Uint8Array[] = [];
  // pushEnd: end (exclusive) of the immediates of the last PUSH seen so far.
  let pushEnd = 0;
  let pc = 0;
  for (let i = 0; i < n; i++) {
    const start = i * CHUNK_CODE_BYTES;
    const end = Math.min(start + CHUNK_CODE_BYTES, code.length);
    while (pc < start) {
      const op = code[pc];
      pushEnd = op >= 0x60 && op <= 0x7f ? pc + op - 0x5e : pushEnd;
      pc = op >= 0x60 && op <= 0x7f ? pc + op - 0x5e : pc + 1;
    }
    const chunk = new Uint8Array(32);
    chunk[0] = Math.min(CHUNK_CODE_BYTES, Math.max(0, pushEnd - start));
    chunk.set(code.subarray(start, end), 1);
    chunks.push(chunk);
  }
  return chunks;
}
