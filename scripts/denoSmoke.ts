/**
 * `deno task smoke`: imports the public entry point under Deno and hashes known vectors,
 * proving that mod.ts and its synchronously instantiated WASM modules run outside Bun.
 * Exits non-zero on the first mismatch.
 */
import * as ore from "../mod.ts";

declare const Deno: { exit(code: number): never; version: { deno: string } };

const enc = new TextEncoder();
const checks: [string, () => string, string][] = [
  [
    'keccak256("")',
    () => ore.toHex(ore.keccak256(new Uint8Array(0))),
    "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
  ],
  [
    'keccak256("abc")',
    () => ore.toHex(ore.keccak256(enc.encode("abc"))),
    "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
  ],
  [
    "keccak256Many",
    () =>
      ore
        .keccak256Many([enc.encode("abc"), new Uint8Array(0)])
        .map(ore.toHex)
        .join(","),
    "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45,0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
  ],
  [
    "incremental keccak",
    () => ore.toHex(ore.createKeccak256().update(enc.encode("a")).update(enc.encode("bc")).digest()),
    "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
  ],
  [
    'sha256("abc")',
    () => ore.toHex(ore.sha256(enc.encode("abc"))),
    "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  ],
  [
    "merkleize(2 zero chunks)",
    () => ore.toHex(ore.merkleize(new Uint8Array(64))),
    "0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b",
  ],
  [
    "sha256Pair(zero, zero)",
    () => ore.toHex(ore.sha256Pair(new Uint8Array(32), new Uint8Array(32))),
    "0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b",
  ],
  [
    "empty trie root",
    () => ore.toHex(ore.trieRoot([])),
    "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
  ],
];

let failed = 0;
for (const [name, run, want] of checks) {
  let got: string;
  try {
    got = run();
  } catch (e) {
    got = `threw ${(e as Error).message}`;
  }
  if (got === want) {
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}: expected ${want}, found ${got}`);
  }
}
console.log(`deno ${Deno.version.deno}: ${checks.length - failed} passed, ${failed} failed`);
if (failed > 0) Deno.exit(1);
