/**
 * Transactions whose `to` is a precompile (0x01–0x0a) in the step machine's block mode
 * (docs/fault-proof.md §3.3) against Ore's engine, which runs the precompile at depth 0 on the
 * transaction's data with `gasLimit − intrinsic` gas: success uses the intrinsic gas plus the
 * precompile's, failure (invalid input, too little gas) all of it with status 0, and the value
 * goes to the precompile's address unless it fails. For each precompile, deposits and user
 * transactions of all three types with a valid input (ample gas and a value, exact gas, one
 * short), an invalid one, zero-length data and the precompile in an access list; long data
 * (120–200 KB); modexps whose exponent goes in pieces; Ore's pairing bound (256 pairs), modexp's
 * EIP-7823 bound (1,024-byte lengths) and blake2f over 2^20 rounds in pieces. The state root, gas used, receipts root,
 * logs bloom, block hash and every transaction's status, gas used and L1 fee must agree, and every
 * step verifies from its witness alone.
 */
import { describe, expect, test } from "bun:test";
import { Address, createAccount } from "@ethereumjs/util";
import { bn254 } from "@noble/curves/bn254.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { concatBytes as cat } from "../../core/bytes.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import type { KzgVerifier } from "../../core/proof/precompiles.ts";
import { oreKzg } from "../engine/kzg.ts";
import { monomialCommitment, pointEvaluationInput, pointProof } from "../engine/kzgTesting.ts";
import { compare, deposit, ENV, hex, KEYS, sign, word, world } from "./testing/blockWorld.ts";
import { low as at } from "./testing/randomBlock.ts";

const bytes = (n: number, seed: number): Uint8Array =>
  new Uint8Array(n).map((_, i) => (i * 31 + seed) & 0xff);
const words = (n: number): bigint => BigInt(Math.ceil(n / 32));

/** 21,000 plus 4 per zero and 16 per non-zero data byte (a call's intrinsic gas). */
const intrinsic = (data: Uint8Array): bigint => data.reduce((g, b) => g + (b === 0 ? 4n : 16n), 21_000n);

/**
 * Runs `txs` (all valid: the engine must not refuse the block) on blockWorld's world, where 0x03
 * also holds a balance, on the machine (every step verified, `kzg` as its host's) and on the
 * engine; they must agree. Returns each transaction's status (1 success, 0 failure) and gas used.
 */
async function run(txs: Uint8Array[], kzg?: KzgVerifier): Promise<{ status: number[]; gasUsed: bigint[] }> {
  const w = await world([], undefined, (sm) =>
    sm.putAccount(new Address(at(3)), createAccount({ nonce: 0n, balance: 77n })),
  );
  const trace = await compare(w, txs, ENV, { verify: true, kzg });
  expect(trace.restartedAt).toBeUndefined();
  return {
    status: trace.outcomes.map((o) => (o.status === 1 ? 1 : 0)),
    gasUsed: trace.outcomes.map((o) => o.gasUsed),
  };
}

/** A precompile's inputs: one it accepts and its cost, one it refuses (or answers with nothing). */
interface Case {
  id: number;
  valid: Uint8Array;
  cost: bigint;
  invalid: Uint8Array;
  /** The invalid input still succeeds (ecrecover: no output; the hashes take any input). */
  invalidOk?: boolean;
  /** Zero-length data succeeds. */
  emptyOk: boolean;
}

/** The cases for 0x01..0x09 (0x0a: `pointEvaluationCase`). */
function cases(): Case[] {
  const hash = keccak256(hex("abcdef"));
  const sig = secp256k1.sign(hash, KEYS[0], { prehash: false, format: "recovered" });
  const ecValid = cat(hash, word(27n + BigInt(sig[0])), sig.subarray(1, 33), sig.subarray(33, 65));
  const ecInvalid = ecValid.slice();
  ecInvalid[63] = 30; // v must be 27 or 28
  const hashed = bytes(200, 7);
  const g1 = cat(word(1n), word(2n));
  const offCurve = cat(word(1n), word(3n));
  // A pairing that holds: e(P, Q) · e(−P, Q) = 1.
  const q = bn254.G2.Point.BASE.toAffine();
  const g2 = cat(word(q.x.c1), word(q.x.c0), word(q.y.c1), word(q.y.c0));
  const negP = cat(word(1n), word(bn254.fields.Fp.ORDER - 2n));
  // 64-byte base and modulus, a 32-byte exponent of all ones: EIP-2565's 64 · 255 / 3 = 5,440.
  const modexp = cat(
    word(64n),
    word(32n),
    word(64n),
    bytes(64, 3),
    new Uint8Array(32).fill(0xff),
    bytes(64, 9),
  );
  // blake2f: 12 rounds, h, m, t, final flag 1; a flag of 2 is invalid.
  const blake = cat(hex("0000000c"), bytes(64, 1), bytes(128, 2), bytes(16, 3), hex("01"));
  const blakeBadFlag = blake.slice();
  blakeBadFlag[212] = 2;
  const any = new Uint8Array(33);
  return [
    { id: 1, valid: ecValid, cost: 3000n, invalid: ecInvalid, invalidOk: true, emptyOk: true },
    { id: 2, valid: hashed, cost: 60n + 12n * words(200), invalid: any, invalidOk: true, emptyOk: true },
    { id: 3, valid: hashed, cost: 600n + 120n * words(200), invalid: any, invalidOk: true, emptyOk: true },
    { id: 4, valid: hashed, cost: 15n + 3n * words(200), invalid: any, invalidOk: true, emptyOk: true },
    // A modulus declared over 1,024 bytes fails whatever the gas (EIP-7823).
    { id: 5, valid: modexp, cost: 5440n, invalid: cat(word(0n), word(0n), word(1025n)), emptyOk: true },
    { id: 6, valid: cat(g1, g1), cost: 150n, invalid: cat(offCurve, g1), emptyOk: true },
    { id: 7, valid: cat(g1, word(7n)), cost: 6000n, invalid: cat(offCurve, word(7n)), emptyOk: true },
    {
      id: 8,
      valid: cat(g1, g2, negP, g2),
      cost: 113_000n,
      invalid: cat(g1, g2).subarray(0, 191),
      emptyOk: true,
    },
    { id: 9, valid: blake, cost: 12n, invalid: blakeBadFlag, emptyOk: false },
  ];
}

/** Point evaluation: a valid input and one with a wrong versioned hash. */
function pointEvaluationCase(): Case {
  const coeffs = [3n, 0xfeed_f00dn, 11n, 1n];
  const commitment = monomialCommitment(coeffs);
  const { y, proof } = pointProof(coeffs, 0x4844n);
  const valid = pointEvaluationInput(commitment, 0x4844n, y, proof);
  const invalid = valid.slice();
  invalid[31] ^= 0x80;
  return { id: 10, valid, cost: 50_000n, invalid, emptyOk: false };
}

/**
 * Deposits first: the valid input at exact gas (minting, with a value) and one gas short, the
 * invalid input, no data; then ALICE's: each type with the valid input (ample gas and a value,
 * exact gas, exact gas with the precompile in the access list, one short with a value), the
 * invalid input with a value, no data. The statuses and gas used the engine must report too.
 */
async function direct(c: Case, kzg?: KzgVerifier): Promise<void> {
  const to = at(c.id);
  const need = intrinsic(c.valid) + c.cost;
  const bad = c.invalidOk ? 1 : 0;
  const empty = c.emptyOk ? 1 : 0;
  const r = await run(
    [
      deposit({ to, data: c.valid, mint: 10n ** 15n, value: 9n, gas: need }),
      deposit({ to, data: c.valid, mint: 10n, value: 4n, gas: need - 1n }),
      deposit({ to, data: c.invalid, value: 2n, gas: 150_000n }),
      deposit({ to, gas: 100_000n }),
      sign({ type: 2, nonce: 3n, to, data: c.valid, value: 5n, gasLimit: need + 20_000n }),
      sign({ type: 0, nonce: 4n, to, data: c.valid, gasLimit: need }),
      sign({
        type: 1,
        nonce: 5n,
        to,
        data: c.valid,
        gasLimit: need + 2400n,
        accessList: [{ address: to, storageKeys: [] }],
      }),
      sign({ type: 2, nonce: 6n, to, data: c.valid, value: 7n, gasLimit: need - 1n }),
      sign({ type: 0, nonce: 7n, to, data: c.invalid, value: 3n, gasLimit: 150_000n }),
      sign({ type: 1, nonce: 8n, to, value: 1n, gasLimit: 100_000n }),
    ],
    kzg,
  );
  expect(r.status).toEqual([1, 0, bad, empty, 1, 1, 1, 0, bad, empty]);
  const known = [
    need,
    need - 1n,
    bad ? -1n : 150_000n,
    empty ? -1n : 100_000n,
    need,
    need,
    need + 2400n,
    need - 1n,
  ];
  expect(known.map((g, i) => (g < 0n ? g : r.gasUsed[i]))).toEqual(known);
}

describe("transactions sent to a precompile: the machine runs it at depth 0, as the engine does", () => {
  for (const c of cases())
    test(`0x${c.id.toString(16).padStart(2, "0")}: deposits and user transactions of every type`, () =>
      direct(c));

  test("0x0a: deposits and user transactions of every type (the engine's KZG on both sides)", async () => {
    await direct(pointEvaluationCase(), oreKzg);
  }, 120_000);

  test("long data: 120 KB to sha256 by deposit, 200 KB to identity and ripemd160, 100 KB to modexp and blake2f", async () => {
    const big = bytes(200_000, 5);
    const dep = bytes(120_000, 6);
    // The used part is 99 bytes (3^5 mod 7); the rest is ignored.
    const modexp = cat(word(1n), word(1n), word(1n), hex("030507"), new Uint8Array(100_000 - 99).fill(0xaa));
    const ripemd = intrinsic(big) + 600n + 120n * words(200_000);
    const r = await run([
      deposit({
        to: at(2),
        data: dep,
        value: 1n,
        mint: 10n,
        gas: intrinsic(dep) + 60n + 12n * words(120_000),
      }),
      sign({
        type: 2,
        nonce: 3n,
        to: at(4),
        data: big,
        gasLimit: intrinsic(big) + 15n + 3n * words(200_000),
      }),
      sign({ type: 0, nonce: 4n, to: at(3), data: big, gasLimit: ripemd - 1n }),
      sign({ type: 1, nonce: 5n, to: at(3), data: big, value: 8n, gasLimit: ripemd }),
      sign({ type: 2, nonce: 6n, to: at(5), data: modexp, value: 2n, gasLimit: intrinsic(modexp) + 200n }),
      sign({ type: 2, nonce: 7n, to: at(9), data: modexp, gasLimit: 5_000_000n }),
    ]);
    expect(r.status).toEqual([1, 1, 0, 1, 1, 0]);
  }, 120_000);

  test("Ore's bounds: a pairing over 256 pairs fails with all its gas; a blake2f over 2^20 rounds runs in pieces", async () => {
    const pairs = (n: number) => new Uint8Array(192 * n); // points at infinity: the check holds
    const p256 = pairs(256);
    const p257 = pairs(257);
    const pairing256 = intrinsic(p256) + 45_000n + 34_000n * 256n;
    const rounds = (1 << 20) + 700;
    const blake = (r: number, f: number) => {
      const b = cat(hex("00000000"), bytes(64, 1), bytes(128, 2), bytes(16, 3), Uint8Array.of(f));
      new DataView(b.buffer).setUint32(0, r, false);
      return b;
    };
    const b = blake(rounds, 1);
    const need = intrinsic(b) + BigInt(rounds);
    const b0 = blake(rounds + 1, 0);
    const r = await run([
      deposit({ to: at(8), data: p257, gas: 3_000_000n }),
      deposit({ to: at(9), data: b, mint: 10n, value: 2n, gas: need }),
      sign({ type: 2, nonce: 3n, to: at(8), data: p256, value: 3n, gasLimit: pairing256 }),
      sign({ type: 0, nonce: 4n, to: at(8), data: p257, value: 4n, gasLimit: 2_000_000n }),
      sign({
        type: 1,
        nonce: 5n,
        to: at(9),
        data: blake(rounds + 1, 0),
        value: 5n,
        gasLimit: need + 50_000n,
      }),
      sign({ type: 2, nonce: 6n, to: at(9), data: b, gasLimit: need - 1n }),
      sign({ type: 2, nonce: 7n, to: at(9), data: blake(rounds, 2), gasLimit: need }),
      sign({ type: 0, nonce: 8n, to: at(9), data: b.subarray(0, 212), gasLimit: need }),
    ]);
    expect(r.status).toEqual([0, 1, 1, 0, 1, 0, 0, 0]);
    expect(r.gasUsed.slice(0, 5)).toEqual([
      3_000_000n,
      need,
      pairing256,
      2_000_000n,
      intrinsic(b0) + BigInt(rounds + 1),
    ]);
  }, 180_000);

  test("modexp with an exponent in pieces: 32/1024, 300/1000, 7/1024 with moduli 1, 0 and even; Mlen = 0; exact gas and one short", async () => {
    const input = (b: Uint8Array, e: Uint8Array, m: Uint8Array) =>
      cat(word(BigInt(b.length)), word(BigInt(e.length)), word(BigInt(m.length)), b, e, m);
    const e1024 = bytes(1024, 1);
    e1024[0] = 0x80;
    const e1000 = new Uint8Array(1000).fill(0xff);
    const odd = (n: number, seed: number) => {
      const m = bytes(n, seed);
      m[0] = 0xc3;
      m[n - 1] |= 1;
      return m;
    };
    // EIP-2565: w = ceil(max(Blen, Mlen) / 8), iterations 8 (Elen − 32) + the top 32 bytes' bit length − 1.
    const gasOf = (bLen: number, eLen: number, mLen: number, topBits: number) => {
      const w = BigInt(Math.ceil(Math.max(bLen, mLen) / 8));
      const g = (w * w * (8n * BigInt(eLen - 32) + BigInt(topBits - 1))) / 3n;
      return g < 200n ? 200n : g;
    };
    // 32 bytes: two pieces (1,023 bytes each); a 200-byte base and 300-byte modulus: pieces of 45.
    const a = input(bytes(32, 2), e1024, odd(32, 4));
    const b = input(bytes(200, 5), e1000, odd(300, 6));
    // Base and modulus of 7 bytes, a 1,024-byte exponent (pieces of 1,023): a modulus of 1 or 0
    // ends at once, an even one runs.
    const one = input(bytes(7, 3), e1024, hex("00000000000001"));
    const zero = input(bytes(7, 3), e1024, new Uint8Array(7));
    const even = input(bytes(7, 3), e1024, hex("0a0b0c0d0e0f10"));
    const costA = gasOf(32, 1024, 32, 256);
    const costB = gasOf(200, 1000, 300, 256);
    const cost7 = gasOf(7, 1024, 7, 256);
    // Mlen = 0: no output, decided without a host call; EIP-2565 charges base and exponent.
    const empty = cat(word(64n), word(1000n), word(0n), bytes(64, 8), new Uint8Array(32).fill(0xff));
    const costEmpty = gasOf(64, 1000, 0, 256);
    const r = await run([
      deposit({ to: at(5), data: a, mint: 10n ** 15n, value: 3n, gas: intrinsic(a) + costA }),
      deposit({ to: at(5), data: b, gas: intrinsic(b) + costB - 1n }),
      sign({ type: 2, nonce: 3n, to: at(5), data: a, value: 5n, gasLimit: intrinsic(a) + costA }),
      sign({ type: 0, nonce: 4n, to: at(5), data: a, gasLimit: intrinsic(a) + costA - 1n }),
      sign({ type: 1, nonce: 5n, to: at(5), data: b, gasLimit: intrinsic(b) + costB }),
      sign({ type: 2, nonce: 6n, to: at(5), data: one, gasLimit: intrinsic(one) + cost7 }),
      sign({ type: 2, nonce: 7n, to: at(5), data: zero, gasLimit: intrinsic(zero) + cost7 }),
      sign({ type: 2, nonce: 8n, to: at(5), data: even, value: 1n, gasLimit: intrinsic(even) + cost7 }),
      sign({ type: 0, nonce: 9n, to: at(5), data: even, gasLimit: intrinsic(even) + cost7 - 1n }),
      sign({
        type: 2,
        nonce: 10n,
        to: at(5),
        data: empty,
        value: 1n,
        gasLimit: intrinsic(empty) + costEmpty,
      }),
      sign({ type: 1, nonce: 11n, to: at(5), data: empty, gasLimit: intrinsic(empty) + costEmpty - 1n }),
    ]);
    expect(r.status).toEqual([1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0]);
    expect(costEmpty).toBe(170_645n);
    expect([r.gasUsed[0], r.gasUsed[2], r.gasUsed[4]]).toEqual([
      intrinsic(a) + costA,
      intrinsic(a) + costA,
      intrinsic(b) + costB,
    ]);
  }, 120_000);

  test("modexp's EIP-7823 bound: lengths of 1,024 run; 1,025 in Blen, Elen or Mlen, or a huge one, fail with all the gas", async () => {
    const lens = (b: bigint, e: bigint, m: bigint, body: Uint8Array = new Uint8Array(0)) =>
      cat(word(b), word(e), word(m), body);
    // Blen = Mlen = 1,024 (w = 128), a 1-byte exponent: 5,461 gas; the modulus reads zero past
    // the data's end.
    const ok = lens(1024n, 1n, 1024n, cat(bytes(1024, 4), hex("03"), bytes(1000, 5)));
    const need = intrinsic(ok) + 5_461n;
    const over = [
      lens(1025n, 1n, 1n, hex("0305")),
      lens(1n, 1025n, 1n, hex("0305")),
      lens(1n, 1n, 1025n, hex("0305")),
      lens(1025n, 1n, 0n), // no modulus: Cancun would succeed for 200 gas
      lens(1n, 1n, 1n << 255n, hex("0305")),
    ];
    const r = await run([
      deposit({ to: at(5), data: ok, mint: 10n ** 15n, value: 3n, gas: need }),
      deposit({ to: at(5), data: over[0], value: 2n, gas: 1_000_000n }),
      sign({ type: 2, nonce: 3n, to: at(5), data: ok, value: 5n, gasLimit: need }),
      sign({ type: 0, nonce: 4n, to: at(5), data: ok, gasLimit: need - 1n }),
      ...over.map((data, i) =>
        sign({
          type: (i % 3) as 0 | 1 | 2,
          nonce: 5n + BigInt(i),
          to: at(5),
          data,
          value: 1n,
          gasLimit: 300_000n,
        }),
      ),
    ]);
    expect(r.status).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(r.gasUsed).toEqual([need, 1_000_000n, need, need - 1n, ...over.map(() => 300_000n)]);
  }, 120_000);
});
