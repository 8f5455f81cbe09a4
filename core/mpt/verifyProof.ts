/**
 * Verification of Merkle proofs (EIP-1186 `accountProof` / `storageProof` entries, withdrawal
 * proofs). The proof crosses into the `mpt` WASM module once and is walked and hashed there;
 * only a rejected proof comes back to the TypeScript reference (`verifyProofJs`), which applies
 * the same rules and says what is wrong.
 */
import { mptWasm } from "../../wasm/mpt.ts";
import { assertBytes } from "../bytes.ts";
import { InvalidProofError } from "./errors.ts";
import { verifyProofJs } from "./verifyProofJs.ts";

// A view of the WASM memory, renewed when the memory grows (or the instance is replaced).
let view: Uint8Array = new Uint8Array(0);

/**
 * Verifies `proof` (trie nodes, root first) for `key` against `root`. Returns the value stored
 * under `key`, or `null` when the proof validly shows the key absent. A malformed or forged proof
 * throws an {@link InvalidProofError} saying what is wrong (which node, expected vs found).
 *
 * `key` is the trie path: for a secure trie (state, storage) pass `keccak256(address or slot)`.
 * Nodes embedded in their parent (encodings under 32 bytes) may be omitted from the proof, as
 * geth does, or included as their own elements, as @ethereumjs/mpt does; both verify. Every
 * element must be used: extra nodes make a proof invalid. The empty trie's proof is `[]`.
 */
export function verifyProof(
  root: Uint8Array,
  key: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  assertBytes(root, "root");
  assertBytes(key, "key");
  if (root.length !== 32) throw new RangeError(`root: expected 32 bytes, found ${root.length}`);
  if (!Array.isArray(proof)) throw new TypeError("proof: expected an array of Uint8Array");
  const w = mptWasm();
  const base = w.heapBase();
  const lensAt = (base + 32 + key.length + 3) & ~3;
  let end = lensAt + 4 * proof.length;
  for (let i = 0; i < proof.length; i++) {
    const node = proof[i];
    if (!(node instanceof Uint8Array)) assertBytes(node, `proof[${i}]`);
    end += node.length;
  }
  let mem = view;
  if (mem.buffer !== w.memory.buffer) mem = view = new Uint8Array(w.memory.buffer);
  if (end > mem.length) {
    w.memory.grow(Math.ceil((end - mem.length) / 65536));
    mem = view = new Uint8Array(w.memory.buffer);
  }
  mem.set(root, base);
  mem.set(key, base + 32);
  let p = lensAt + 4 * proof.length;
  for (let i = 0; i < proof.length; i++) {
    const node = proof[i]!;
    const len = node.length;
    const l = lensAt + 4 * i;
    mem[l] = len;
    mem[l + 1] = len >>> 8;
    mem[l + 2] = len >>> 16;
    mem[l + 3] = len >>> 24;
    mem.set(node, p);
    p += len;
  }
  const result = w.verify(proof.length, key.length);
  if (result === 1) {
    const at = w.valuePtr();
    return mem.slice(at, at + w.valueLen());
  }
  if (result === 0) return null;
  // Rejected: the reference verifier says why. It must reject too; if it did not, the two
  // disagree, and the proof is refused rather than trusted.
  verifyProofJs(root, key, proof);
  throw new InvalidProofError("rejected by the WASM verifier but not by the reference (please report)");
}
