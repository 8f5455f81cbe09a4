import { describe, expect, test } from "bun:test";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { wasmBytes } from "./dist/merkle.wasm.ts";
import { instantiateMerkle, levelLayout, merkleRoot, RETAIN_BYTES, simd, zeroHashTable } from "./merkle.ts";

/** Section ids of a wasm binary, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]!);
    let size = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[at++]!;
      size |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    at += size;
  }
  return ids;
}

describe("merkle.wasm", () => {
  test("has no data segments and imports only as-sha256's memory and hash functions", () => {
    // Static data would be placed at fixed addresses inside as-sha256's memory and could
    // overwrite its heap; the design relies on there being none (data = 11, data count = 12).
    const ids = sectionIds(wasmBytes);
    expect(ids).not.toContain(11);
    expect(ids).not.toContain(12);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasmBytes as BufferSource));
    expect(imports.map((i) => `${i.module}.${i.name}:${i.kind}`).sort()).toEqual([
      "env.memory:memory",
      "sha256.batchHash4UintArray64s:function",
      "sha256.digest64:function",
    ]);
  });

  test("runs on the SIMD build here, and the scalar build gives the same roots", () => {
    expect(simd).toBe(true);
    const scalar = instantiateMerkle(false);
    for (const n of [1, 2, 3, 4, 5, 8, 9, 63, 64, 65, 1000]) {
      const chunks = new Uint8Array(32 * n).map((_, i) => (i * 31 + n) & 255);
      const need = scalar.work + 32 * (n + 1) - scalar.memory.buffer.byteLength;
      if (need > 0) scalar.memory.grow(Math.ceil(need / 65536));
      new Uint8Array(scalar.memory.buffer).set(chunks, scalar.work);
      let depth = 0;
      while (2 ** depth < n) depth++;
      const at = scalar.ex.merkleize(scalar.work, n, depth, 0);
      expect(new Uint8Array(scalar.memory.buffer, at, 32).slice()).toEqual(
        merkleRoot(chunks, n, depth).slice(),
      );
    }
  });

  test("zero-hash table and level layout", () => {
    const table = zeroHashTable();
    let z = new Uint8Array(32);
    for (let l = 0; l <= 64; l++) {
      expect(table.subarray(32 * l, 32 * l + 32)).toEqual(z);
      z = nobleSha256(new Uint8Array([...z, ...z]));
    }
    expect(levelLayout(5, 3)).toEqual({ counts: [5, 3, 2, 1], offsets: [0, 192, 320, 384], bytes: 416 });
    expect(levelLayout(1, 0)).toEqual({ counts: [1], offsets: [0], bytes: 32 });
  });

  test("a call that grows memory past the retention cap still returns the right root", () => {
    const n = RETAIN_BYTES / 32 + 1;
    const chunks = new Uint8Array(32 * n);
    let depth = 0;
    while (2 ** depth < n) depth++;
    const root = merkleRoot(chunks, n, depth);
    expect(root).toEqual(zeroHashTable().subarray(32 * depth, 32 * depth + 32));
    const small = new Uint8Array(64).fill(7);
    expect(merkleRoot(small, 2, 1)).toEqual(nobleSha256(small));
  }, 30_000);
});
