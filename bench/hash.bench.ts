/**
 * `bun run bench hash`: keccak-256 (single calls, `keccak256Many`, 1 MiB) against hash-wasm and
 * @noble/hashes, and Merkleization of 2^20 chunks against loops of @chainsafe/as-sha256
 * `digest64` and noble, all in this process. Prints ratios, machine and date; writes
 * `bench/results/hash.json`.
 */
import { report } from "./harness.ts";
import { benchKeccak } from "./keccak.ts";
import { benchMerkle } from "./merkle.ts";

const rows = [...benchKeccak(), ...benchMerkle()];
report("hash", rows, [
  "targets: keccak256Many(64 B) >= 1.5x hash-wasm; single 32/64 B >= 1.0x hash-wasm; 1 MiB >= 1.0x hash-wasm; >= 5x noble everywhere",
]);
