/**
 * JSON proof files (docs/fault-proof.md §8.3; version 3, binary, in `proofFileV3.test.ts`): version 2 stores the witnesses as a deduplicated node
 * DB, per-step AccessData and preimage dicts; reading it back must rebuild every step's witness
 * byte for byte, and the rebuilt proof must verify. Version 1 still reads. Malformed stores (a
 * missing node, a missing preimage, a wrong-length node) are refused by name.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "../bytes.ts";
import { ProofFormatError } from "./errors.ts";
import { decodeProof, encodeProof, toProof } from "./proofFile.ts";
import { frameSample } from "./proofFileTesting.ts";
import { verifyProof } from "./verifyProof.ts";

describe("proof files", () => {
  test("version 2 rebuilds every witness exactly and verifies; version 1 still reads", () => {
    for (const seed of [1, 2, 3]) {
      const p = frameSample(seed);
      const decoded = decodeProof(encodeProof(p, 2));
      const back = toProof(decoded);
      expect(back.witnesses.map(toHex)).toEqual(p.witnesses.map(toHex));
      expect(back.access).toEqual(p.access);
      expect(verifyProof(decoded)).toEqual({ ok: true, checked: p.witnesses.length });
      expect(toProof(decodeProof(encodeProof(p, 1))).witnesses.map(toHex)).toEqual(p.witnesses.map(toHex));
    }
  }, 30_000);

  test("a missing node, a missing preimage, a bad node length are refused by name", () => {
    const p = frameSample(5);
    const j = JSON.parse(encodeProof(p, 2));
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
    expect(() => encodeProof(noKinds, 2)).toThrow(/preimage kinds/);
    expect(() => encodeProof(noKinds)).toThrow(/preimage kinds/);
  });
});
