/**
 * The proof file's key table (`keyTable.ts`) against a `Map` over hex keys: random hashes,
 * structured keys that differ only in the bytes it does not mix (many probes), duplicates, and
 * growth far past the initial capacity; `find` then `insertMissed` and `intern` agree.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { seededRandom } from "../mpt/testing.ts";
import { KeyTable } from "./keyTable.ts";

describe("KeyTable", () => {
  for (const len of [32, 64]) {
    test(`${len}-byte keys number like a Map`, () => {
      const rand = seededRandom(len);
      const t = new KeyTable(len, 16);
      const ref = new Map<string, number>();
      const pool: Uint8Array[] = [];
      for (let i = 0; i < 20_000; i++) {
        let key: Uint8Array;
        const kind = rand();
        if (kind < 0.3 && pool.length > 0) key = pool[Math.floor(rand() * pool.length)]!;
        else if (kind < 0.6) {
          // Differs only in byte 5 and 20 (words the hash does not mix): all collide.
          key = new Uint8Array(len);
          key[5] = i & 0xff;
          key[20] = (i >> 8) & 0xff;
        } else key = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
        pool.push(key);
        // Keys at an offset inside a larger array, as the DAG writer passes them.
        const buf = new Uint8Array(len + 7);
        buf.set(key, 7);
        const want = ref.get(toHex(key));
        if (i % 2 === 0) {
          expect(t.intern(buf, 7)).toBe(want ?? ref.size);
        } else {
          const found = t.find(buf, 7);
          expect(found).toBe(want ?? -1);
          if (found < 0) expect(t.insertMissed(buf, 7)).toBe(ref.size);
        }
        if (want === undefined) ref.set(toHex(key), ref.size);
      }
      expect(t.count).toBe(ref.size);
      for (const [k, i] of ref) {
        expect(toHex(t.keys.subarray(i * len, (i + 1) * len)) as string).toBe(k);
        expect(t.find(Uint8Array.from(Buffer.from(k.slice(2), "hex")))).toBe(i);
      }
    });
  }
});
