/**
 * Keccak-256 (Ethereum's hash: Keccak-f[1600] with the original 0x01 padding, not SHA3-256) over
 * Ore's WASM module `wasm/assembly/keccak/`. Each call crosses the JS/WASM boundary once per
 * 1 MiB of input: copy in, one call, copy the digest out. Inputs larger than the module's 1 MiB
 * input buffer are streamed through it, so any size works without growing WASM memory.
 */

import { keccakWasm } from "../../wasm/keccak.ts";
import { assertBytes } from "../bytes.ts";

const { hash, hashMany, absorb, finish } = keccakWasm.exports;
const { statePtr: STATE, lensPtr: LENS, outPtr: OUT, dataPtr: DATA, dataBytes: DATA_BYTES } = keccakWasm;
const { maxBatch: MAX_BATCH, rate: RATE } = keccakWasm;
/** Largest multiple of the rate that fits the input buffer: what one `absorb` call takes. */
const CHUNK = DATA_BYTES - (DATA_BYTES % RATE);
const STATE_BYTES = 200;

let mem = keccakWasm.bytes();

/** Keccak-256 of `data`: 32 bytes. Throws `TypeError` if `data` is not a `Uint8Array`. */
export function keccak256(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) assertBytes(data, "data");
  const n = data.length;
  if (n > DATA_BYTES) return streamed(data);
  if (mem.byteLength === 0) mem = keccakWasm.bytes();
  mem.set(data, DATA);
  hash(n);
  return digestAt(OUT);
}

/**
 * Keccak-256 of each input, in order: the same as `inputs.map(keccak256)`, but packing as many
 * inputs as fit (up to 4096 or 1 MiB) into one call into WASM, which is what Merkle-Patricia and
 * tree hashing lean on. Throws `TypeError` naming `inputs` or `inputs[i]` on a bad argument.
 */
export function keccak256Many(inputs: readonly Uint8Array[]): Uint8Array[] {
  if (!Array.isArray(inputs)) {
    const found = inputs === null ? "null" : typeof inputs;
    throw new TypeError(`inputs: expected an array of Uint8Array, found ${found}`);
  }
  const n = inputs.length;
  const out: Uint8Array[] = new Array(n);
  if (mem.byteLength === 0) mem = keccakWasm.bytes();
  const lens = keccakWasm.words();
  const lensBase = LENS >>> 2;
  let i = 0;
  while (i < n) {
    const first = i;
    let count = 0;
    let off = DATA;
    const end = DATA + DATA_BYTES;
    while (i < n && count < MAX_BATCH) {
      const x = inputs[i];
      if (!(x instanceof Uint8Array)) assertBytes(x, `inputs[${i}]`);
      const len = x.length;
      if (off + len > end) break;
      mem.set(x, off);
      lens[lensBase + count] = len;
      off += len;
      count++;
      i++;
    }
    if (count === 0) {
      // An input larger than the whole buffer: hash it on its own, streamed.
      out[i] = streamed(inputs[i]!);
      i++;
      continue;
    }
    hashMany(count);
    for (let k = 0, o = OUT; k < count; k++, o += 32) out[first + k] = digestAt(o);
  }
  return out;
}

/**
 * A new 32-byte array holding the digest at `o` in WASM memory. Each digest owns its buffer
 * (views into one batch copy would keep the whole batch alive). Copied by hand: under JSC
 * `new Uint8Array(32)` plus these stores take ~13 ns against ~26 ns for `mem.slice`, whose
 * generic path costs more than the copy.
 */
function digestAt(o: number): Uint8Array {
  const d = new Uint8Array(32);
  for (let j = 0; j < 32; j += 4) {
    d[j] = mem[o + j]!;
    d[j + 1] = mem[o + j + 1]!;
    d[j + 2] = mem[o + j + 2]!;
    d[j + 3] = mem[o + j + 3]!;
  }
  return d;
}

/** An incremental Keccak-256 hasher, for input that arrives in pieces or is too large to hold. */
export interface Keccak256Hasher {
  /** Absorbs `data`; throws `TypeError` if it is not a `Uint8Array`. */
  update(data: Uint8Array): Keccak256Hasher;
  /**
   * Keccak-256 of everything absorbed so far. Does not change the hasher: more `update`s may
   * follow, and a later `digest` covers them too.
   */
  digest(): Uint8Array;
  /** Forgets everything absorbed, as if newly created. */
  reset(): Keccak256Hasher;
}

/**
 * A new incremental Keccak-256 hasher. Any number may be alive at once: each keeps its 200-byte
 * sponge state and its not-yet-absorbed tail (< 136 bytes) in JS, and only borrows the WASM
 * module's state buffer for the duration of an `update` or `digest` call. That costs two
 * 200-byte copies per call, needs no slot allocation or freeing in WASM, and cannot leak.
 */
export function createKeccak256(): Keccak256Hasher {
  const state = new Uint8Array(STATE_BYTES);
  const pending = new Uint8Array(RATE);
  let pendingLen = 0;
  const hasher: Keccak256Hasher = {
    update(data: Uint8Array): Keccak256Hasher {
      if (!(data instanceof Uint8Array)) assertBytes(data, "data");
      let n = data.length;
      if (pendingLen + n < RATE) {
        pending.set(data, pendingLen);
        pendingLen += n;
        return hasher;
      }
      if (mem.byteLength === 0) mem = keccakWasm.bytes();
      mem.set(state, STATE);
      let pos = 0;
      // Pending tail first, topped up from data, then whole chunks straight from data.
      mem.set(pending.subarray(0, pendingLen), DATA);
      let fill = pendingLen;
      while (fill + n >= RATE) {
        const take = Math.min(n, CHUNK - fill);
        const whole = fill + take - ((fill + take) % RATE);
        mem.set(data.subarray(pos, pos + whole - fill), DATA + fill);
        absorb(whole);
        pos += whole - fill;
        n -= whole - fill;
        fill = 0;
      }
      pending.set(data.subarray(pos), fill);
      pendingLen = fill + n;
      state.set(mem.subarray(STATE, STATE + STATE_BYTES));
      return hasher;
    },
    digest(): Uint8Array {
      if (mem.byteLength === 0) mem = keccakWasm.bytes();
      mem.set(state, STATE);
      mem.set(pending.subarray(0, pendingLen), DATA);
      finish(pendingLen);
      return digestAt(OUT);
    },
    reset(): Keccak256Hasher {
      state.fill(0);
      pendingLen = 0;
      return hasher;
    },
  };
  return hasher;
}

/** Keccak-256 of an input larger than the WASM input buffer, streamed through it in chunks. */
function streamed(data: Uint8Array): Uint8Array {
  if (mem.byteLength === 0) mem = keccakWasm.bytes();
  mem.fill(0, STATE, STATE + STATE_BYTES);
  let pos = 0;
  while (data.length - pos > CHUNK) {
    mem.set(data.subarray(pos, pos + CHUNK), DATA);
    absorb(CHUNK);
    pos += CHUNK;
  }
  mem.set(data.subarray(pos), DATA);
  finish(data.length - pos);
  return digestAt(OUT);
}
