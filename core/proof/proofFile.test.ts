/**
 * Proof files (docs/fault-proof.md §8.3): version 2 stores the witnesses as a deduplicated node
 * DB, per-step AccessData and preimage dicts; reading it back must rebuild every step's witness
 * byte for byte, and the rebuilt proof must verify. Version 1 still reads. Malformed stores (a
 * missing node, a missing preimage, a wrong-length node) are refused by name.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { seededRandom } from "../mpt/testing.ts";
import { ProofFormatError } from "./errors.ts";
import { generateFrame } from "./generator.ts";
import { decodeProof, encodeProof, type Proof } from "./proofFile.ts";
import { randomProgram } from "./randomProgram.ts";
import { context } from "./testing.ts";
import { verifyProof } from "./verifyProof.ts";
import { buildWorld } from "./world.ts";

/** A frame proof over a world with storage, calls and code (MPT nodes and code as preimages). */
function sample(seed: number): Proof {
  const rand = seededRandom(seed);
  const targets = [1, 2, 3].map((b) => new Uint8Array(20).fill(0x70 + b));
  const accounts = targets.map((address) => ({
    address,
    balance: 1000n,
    code: randomProgram(rand, { world: targets, calls: targets }).code,
    storage: new Map([[1n, 5n]]),
  }));
  const req = context({ code: accounts[0]!.code, gas: 60_000n }, seed);
  req.address = targets[0];
  req.world = buildWorld(accounts);
  const trace = generateFrame(req);
  return { mode: "frame", request: { seed }, ...trace };
}

describe("proof files", () => {
  test("version 2 rebuilds every witness exactly and verifies; version 1 still reads", () => {
    for (const seed of [1, 2, 3]) {
      const p = sample(seed);
      const back = decodeProof(encodeProof(p));
      expect(back.witnesses.map(toHex)).toEqual(p.witnesses.map(toHex));
      expect(back.access).toEqual(p.access);
      expect(verifyProof(back)).toEqual({ ok: true, checked: p.witnesses.length });
      expect(decodeProof(encodeProof(p, 1)).witnesses.map(toHex)).toEqual(p.witnesses.map(toHex));
    }
  }, 30_000);

  test("a missing node, a missing preimage, a bad node length are refused by name", () => {
    const p = sample(5);
    const j = JSON.parse(encodeProof(p));
    const noNode = structuredClone(j);
    noNode.nodes.splice(0, 1);
    expect(() => decodeProof(JSON.stringify(noNode))).toThrow(/is not in the proof's node DB/);
    const dicts = ["mptNodes", "code"].filter((d) => Object.keys(j[d]).length > 0);
    expect(dicts.length).toBeGreaterThan(0);
    for (const d of dicts) {
      const noPre = structuredClone(j);
      delete noPre[d][Object.keys(j[d])[0]!];
      expect(() => decodeProof(JSON.stringify(noPre))).toThrow(/is in none of the proof's dicts/);
    }
    const badLen = structuredClone(j);
    badLen.nodes[0] = "0x00";
    expect(() => decodeProof(JSON.stringify(badLen))).toThrow(ProofFormatError);
    const noKinds = { ...p, kinds: undefined };
    expect(() => encodeProof(noKinds)).toThrow(/preimage kinds/);
  });
});
