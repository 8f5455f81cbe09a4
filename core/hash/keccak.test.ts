import { beforeAll, describe, expect, test } from "bun:test";
import { keccak_256, keccakP } from "@noble/hashes/sha3.js";
import { createKeccak, type IHasher } from "hash-wasm";
import { wasmBytes } from "../../wasm/dist/keccak.wasm.ts";
import { keccakWasm } from "../../wasm/keccak.ts";
import { toHex } from "../bytes.ts";
import { seededBytes as bytes, seededInt } from "../testing/random.ts";
import { createKeccak256, keccak256, keccak256Many } from "./keccak.ts";

let hw: IHasher;
beforeAll(async () => {
  hw = await createKeccak(256);
});
const ref = (x: Uint8Array): string => toHex(hw.init().update(x).digest("binary"));
const hex = (x: Uint8Array): string => toHex(x);

const rand = seededInt(12345);

describe("keccak256", () => {
  test("known vectors (Ethereum padding, not SHA3)", () => {
    expect(hex(keccak256(new Uint8Array()))).toBe(
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(hex(keccak256(new TextEncoder().encode("abc")))).toBe(
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    );
    // keccak256(rlp([])) is Ethereum's empty-ommers hash.
    expect(hex(keccak256(Uint8Array.of(0xc0)))).toBe(
      "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
    );
  });

  test("every length 0..2048 matches @noble/hashes and hash-wasm", () => {
    for (let n = 0; n <= 2048; n++) {
      const x = bytes(n);
      const got = hex(keccak256(x));
      expect(got).toBe(hex(keccak_256(x)));
      expect(got).toBe(ref(x));
    }
  });

  test("around the 136-byte rate boundary and its multiples", () => {
    for (let k = 1; k <= 40; k++) {
      for (const d of [-1, 0, 1]) {
        const x = bytes(136 * k + d, k * 3 + d);
        expect(hex(keccak256(x))).toBe(hex(keccak_256(x)));
      }
    }
  });

  test("around the 1 MiB buffer boundary and random sizes up to 16 MiB", () => {
    const chunk = 1048576 - (1048576 % 136);
    for (const n of [chunk - 1, chunk, chunk + 1, 1048575, 1048576, 1048577, 2 * chunk + 5]) {
      const x = bytes(n);
      expect(hex(keccak256(x))).toBe(ref(x));
    }
    const big = bytes(16 * 1048576);
    expect(hex(keccak256(big))).toBe(hex(keccak_256(big)));
    for (let i = 0; i < 6; i++) {
      const x = big.subarray(rand(1000), rand(16 * 1048576 - 1000) + 1000);
      expect(hex(keccak256(x))).toBe(ref(x));
    }
  });

  test("subarray views hash their own bytes only", () => {
    const buf = bytes(1000);
    const view = buf.subarray(17, 517);
    expect(hex(keccak256(view))).toBe(hex(keccak_256(buf.slice(17, 517))));
  });

  test("a 300 MiB input, then a small one", () => {
    const n = 300 * 1048576;
    const x = new Uint8Array(n);
    for (let i = 0; i < n; i += 4099) x[i] = i & 255;
    expect(hex(keccak256(x))).toBe(ref(x));
    const small = bytes(100);
    expect(hex(keccak256(small))).toBe(hex(keccak_256(small)));
    expect(keccak256Many([small, small]).map(hex)).toEqual([hex(keccak_256(small)), hex(keccak_256(small))]);
  });

  test("results are independent copies", () => {
    const a = keccak256(bytes(5));
    const b = keccak256(bytes(6));
    expect(hex(a)).toBe(hex(keccak_256(bytes(5))));
    expect(a.buffer).not.toBe(b.buffer);
  });

  test("rejects non-Uint8Array input with TypeError naming the parameter", () => {
    for (const bad of [undefined, null, "00", 5, [1, 2], new Uint16Array(2), new ArrayBuffer(4)]) {
      expect(() => keccak256(bad as never)).toThrow(TypeError);
      expect(() => keccak256(bad as never)).toThrow(/^data: expected Uint8Array/);
    }
  });
});

describe("wasm module", () => {
  test("stays small enough for synchronous compilation on a browser main thread", () => {
    // Chromium 91-113 refuse `new WebAssembly.Module` above 4 KiB on the main thread; 114 on
    // allow 8 MB, Firefox and Safari never limited it. The SIMD batch kernel put the module
    // over 4 KiB, and the module needs SIMD (Chromium 91+) anyway, so only Chromium 91-113's
    // main thread is affected (wasm/README.md, "keccak"). 8 KiB keeps it a small module.
    expect(wasmBytes.length).toBeLessThan(8192);
  });

  test("permute is Keccak-f[1600] (against noble's keccakP) on random states", () => {
    const { statePtr } = keccakWasm;
    for (let t = 0; t < 20; t++) {
      const state = t === 0 ? new Uint8Array(200) : bytes(200, t);
      const want = new Uint32Array(state.slice().buffer);
      keccakP(want);
      keccakWasm.bytes().set(state, statePtr);
      keccakWasm.exports.permute();
      expect(hex(keccakWasm.bytes().slice(statePtr, statePtr + 200))).toBe(hex(new Uint8Array(want.buffer)));
    }
  });
});

describe("keccak256Many", () => {
  const same = (inputs: Uint8Array[]) => {
    const got = keccak256Many(inputs).map(hex);
    expect(got).toEqual(inputs.map((x) => hex(keccak_256(x))));
  };

  test("empty list, empty inputs, mixed sizes", () => {
    expect(keccak256Many([])).toEqual([]);
    same([new Uint8Array()]);
    same([new Uint8Array(), new Uint8Array(), bytes(1), new Uint8Array()]);
    same(Array.from({ length: 300 }, (_, i) => bytes(rand(600), i + 1)));
  });

  test("more inputs than one batch holds, and more bytes than the buffer", () => {
    same(Array.from({ length: 10000 }, (_, i) => bytes(i % 70, i + 7)));
    same(Array.from({ length: 40 }, (_, i) => bytes(60000 + i, i + 9)));
  });

  test("inputs larger than the batch buffer, between small ones", () => {
    const big = bytes(1048576 + 3);
    const inputs = [bytes(3), big, bytes(200), bytes(2 * 1048576), big.subarray(5), new Uint8Array()];
    const got = keccak256Many(inputs).map(hex);
    expect(got).toEqual(inputs.map(ref));
  });

  test("each digest is its own 32 bytes", () => {
    const out = keccak256Many([bytes(1), bytes(2)]);
    expect(out[0]!.length).toBe(32);
    expect(out[1]!.length).toBe(32);
    expect(hex(out[1]!)).toBe(hex(keccak_256(bytes(2))));
  });

  test("each digest owns a 32-byte buffer", () => {
    const out = keccak256Many([bytes(1), bytes(2), bytes(3)]);
    for (const d of out) {
      expect(d.byteOffset).toBe(0);
      expect(d.buffer.byteLength).toBe(32);
    }
    expect(out[0]!.buffer).not.toBe(out[1]!.buffer);
  });

  test("rejects a non-array and a non-Uint8Array element, naming it", () => {
    for (const bad of [undefined, null, "ab", 3, new Uint8Array(3), { length: 1, 0: new Uint8Array() }]) {
      expect(() => keccak256Many(bad as never)).toThrow(TypeError);
      expect(() => keccak256Many(bad as never)).toThrow(/^inputs: expected an array/);
    }
    const inputs = [bytes(1), bytes(2), bytes(3), "x", bytes(4)];
    expect(() => keccak256Many(inputs as never)).toThrow(TypeError);
    expect(() => keccak256Many(inputs as never)).toThrow(/^inputs\[3\]: expected Uint8Array, found string/);
    // A failed call leaves nothing behind: the next one is still right.
    same([bytes(10), bytes(20)]);
  });
});

// The batch kernel (wasm/assembly/lib/keccakx2.ts) hashes three messages at a time, two in SIMD
// lanes and one scalar, each slot taking the next message when its own ends. These cover what
// that scheduling and the per-slot padding could get wrong.
describe("keccak256Many batch kernel", () => {
  const same = (inputs: Uint8Array[]) => {
    const got = keccak256Many(inputs).map(hex);
    expect(got).toEqual(inputs.map((x) => hex(keccak_256(x))));
  };

  test("every count from 1 to 40 of same-length inputs (slots left idle at the end)", () => {
    for (const n of [0, 32, 64, 135, 136, 137]) {
      for (let count = 1; count <= 40; count++) {
        same(Array.from({ length: count }, (_, i) => bytes(n, 1000 * count + i + n)));
      }
    }
  });

  test("lengths around the rate and its multiples, in every slot", () => {
    const lens: number[] = [];
    for (let k = 0; k <= 4; k++) for (const d of [-1, 0, 1]) if (136 * k + d >= 0) lens.push(136 * k + d);
    // Each length in each slot position, next to each other length.
    for (const a of lens) {
      same(lens.map((b, i) => bytes(i % 3 === 0 ? a : b, a * 7 + i)));
    }
    same(lens.map((n, i) => bytes(n, i + 3)).reverse());
  });

  test("one long input among short ones, at the start, middle and end", () => {
    const long = bytes(136 * 20 + 5, 99);
    const short = Array.from({ length: 12 }, (_, i) => bytes(i * 11, i + 50));
    same([long, ...short]);
    same([...short.slice(0, 6), long, ...short.slice(6)]);
    same([...short, long]);
    same([long, bytes(136 * 19, 98), long, ...short, long]);
  });

  test("random mixes of lengths and counts", () => {
    for (let t = 0; t < 200; t++) {
      const count = 1 + rand(60);
      const max = t % 4 === 0 ? 1200 : t % 4 === 1 ? 140 : t % 4 === 2 ? 300 : 3;
      same(Array.from({ length: count }, (_, i) => bytes(rand(max), t * 100 + i)));
    }
  });

  test("equals one keccak256 call per input, also across several batches", () => {
    const inputs = Array.from({ length: 9000 }, (_, i) => bytes(i % 3 === 0 ? 64 : rand(300), i + 11));
    expect(keccak256Many(inputs).map(hex)).toEqual(inputs.map((x) => hex(keccak256(x))));
  });
});

describe("createKeccak256", () => {
  test("incremental equals one-shot for random split points", () => {
    for (let t = 0; t < 60; t++) {
      const n = t < 30 ? rand(1200) : rand(3 * 1048576);
      const x = bytes(n, t + 100);
      const h = createKeccak256();
      let pos = 0;
      while (pos < n) {
        const step = Math.min(n - pos, t % 3 === 0 ? rand(300) : rand(n + 1));
        h.update(x.subarray(pos, pos + step));
        pos += step;
      }
      expect(hex(h.digest())).toBe(ref(x));
    }
  });

  test("several hashers alive at once, interleaved", () => {
    const a = createKeccak256();
    const b = createKeccak256();
    const xa = bytes(5000, 1);
    const xb = bytes(7000, 2);
    for (let i = 0; i < 50; i++) {
      a.update(xa.subarray(i * 100, i * 100 + 100));
      b.update(xb.subarray(i * 140, i * 140 + 140));
      keccak256(bytes(i)); // one-shot calls in between must not disturb them
    }
    expect(hex(a.digest())).toBe(hex(keccak_256(xa)));
    expect(hex(b.digest())).toBe(hex(keccak_256(xb)));
  });

  test("digest does not finalize; reset starts over", () => {
    const h = createKeccak256().update(bytes(10));
    expect(hex(h.digest())).toBe(hex(keccak_256(bytes(10))));
    expect(hex(h.digest())).toBe(hex(keccak_256(bytes(10))));
    h.update(bytes(300));
    expect(hex(h.digest())).toBe(hex(keccak_256(new Uint8Array([...bytes(10), ...bytes(300)]))));
    expect(hex(h.reset().digest())).toBe(hex(keccak_256(new Uint8Array())));
  });

  test("update rejects non-Uint8Array with TypeError", () => {
    expect(() => createKeccak256().update("abc" as never)).toThrow(
      /^data: expected Uint8Array, found string/,
    );
  });
});
