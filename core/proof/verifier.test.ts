/**
 * The single-step verifier under bad input: forged, truncated, padded, reordered and pruned
 * witnesses, wrong pre- and post-roots and random garbage must each give a clear "invalid
 * witness" (or "wrong post-root") answer: never a crash, never a wrong "valid". The same for the
 * preimage section (trie nodes and code): missing, forged, swapped, too many, malformed.
 */
import { describe, expect, test } from "bun:test";
import { fromHex } from "../bytes.ts";
import { seededRandom } from "../mpt/testing.ts";
import { frameRootsAt, generateFrame } from "./generator.ts";
import { verifyStep } from "./verifier.ts";
import { decodeWitness, encodeWitness, terminalGindices, type WitnessNode, witnessRoot } from "./witness.ts";
import { buildWorld } from "./world.ts";

// A program with memory, a multi-sub-step hash and a loop: CALLDATACOPY 2000 bytes, KECCAK256
// them, then count down from 5 with JUMPI.
const code = fromHex("0x6107d0600060003761 07d06000 20 6005 5b 6001 90 03 80 6010 57 00".replace(/\s+/g, ""));
const calldata = new Uint8Array(2000).map((_, i) => i & 0xff);
const trace = generateFrame({ code, calldata, gas: 1_000_000n });
const steps = trace.witnesses.length;

function inner(n: WitnessNode): n is { left: WitnessNode; right: WitnessNode } {
  return !("value" in n);
}

/** All inner nodes of a tree, pre-order. */
function inners(n: WitnessNode, out: { left: WitnessNode; right: WitnessNode }[] = []) {
  if (inner(n)) {
    out.push(n);
    inners(n.left, out);
    inners(n.right, out);
  }
  return out;
}

describe("verifyStep", () => {
  test("every honest step verifies and links the roots", () => {
    expect(trace.result.status).toBe(1);
    expect(steps).toBeGreaterThan(20);
    for (let i = 0; i < steps; i++) {
      const v = verifyStep(trace.roots[i], trace.witnesses[i], trace.roots[i + 1]);
      expect(v.ok).toBe(true);
    }
  });

  test("the JS codec reads every witness, hashes it to the pre-root and re-encodes it byte for byte", () => {
    for (let i = 0; i < steps; i++) {
      const w = decodeWitness(trace.witnesses[i]);
      const t = w.tree;
      expect(witnessRoot(t)).toEqual(trace.roots[i]);
      expect(encodeWitness(w)).toEqual(trace.witnesses[i]);
      // Every accessed gindex is a terminal or has one below it.
      const terms = terminalGindices(t);
      for (const g of trace.access[i]) {
        expect(
          terms.some(
            (x) => x === g || (x > g && x >> BigInt(x.toString(2).length - g.toString(2).length) === g),
          ),
        ).toBe(true);
      }
    }
  });

  test("a wrong claimed post-root is refused", () => {
    const v = verifyStep(trace.roots[3], trace.witnesses[3], trace.roots[5]);
    expect(v).toMatchObject({ ok: false, kind: "wrong-post-root" });
  });

  test("a witness for another step does not match the pre-root", () => {
    const v = verifyStep(trace.roots[4], trace.witnesses[3], trace.roots[5]);
    expect(v).toMatchObject({ ok: false, kind: "invalid-witness" });
    expect(v.ok || v.reason).toContain("is not the pre-step root");
  });

  test("a forged value anywhere in the witness changes its root", () => {
    const rand = seededRandom(11);
    for (let k = 0; k < 200; k++) {
      const i = Math.floor(rand() * steps);
      const t = decodeWitness(trace.witnesses[i]).tree;
      // Flip one bit in a terminal value (not in a tag or the header).
      const terms: Uint8Array[] = [];
      const collect = (n: WitnessNode): void => {
        if (inner(n)) {
          collect(n.left);
          collect(n.right);
        } else terms.push(n.value);
      };
      collect(t);
      const target = terms[Math.floor(rand() * terms.length)];
      target[Math.floor(rand() * 32)] ^= 1 << Math.floor(rand() * 8);
      const v = verifyStep(trace.roots[i], encodeWitness({ tree: t, preimages: [] }), trace.roots[i + 1]);
      expect(v).toMatchObject({ ok: false, kind: "invalid-witness" });
    }
  });

  test("subtrees swapped (values at the wrong gindex) are refused", () => {
    for (let i = 0; i < steps; i += 3) {
      const t = decodeWitness(trace.witnesses[i]).tree;
      for (const n of inners(t).slice(1, 6)) {
        const l = n.left;
        n.left = n.right;
        n.right = l;
        if (witnessRoot(n.left).toString() === witnessRoot(n.right).toString()) continue;
        const v = verifyStep(trace.roots[i], encodeWitness({ tree: t, preimages: [] }), trace.roots[i + 1]);
        expect(v).toMatchObject({ ok: false, kind: "invalid-witness" });
        n.right = n.left;
        n.left = l;
      }
    }
  });

  test("a pruned witness (a needed node replaced by its hash: same root) reports the missing node", () => {
    let pruned = 0;
    for (let i = 0; i < steps; i++) {
      const t = decodeWitness(trace.witnesses[i]).tree;
      const all = inners(t);
      // Collapse the deepest inner node: its root is unchanged, but the step needs inside it.
      const victim = all[all.length - 1];
      const h = witnessRoot(victim);
      const replaced = victim as unknown as { value?: Uint8Array; left?: WitnessNode; right?: WitnessNode };
      delete replaced.left;
      delete replaced.right;
      replaced.value = h;
      const w = encodeWitness({ tree: t, preimages: [] });
      const v = verifyStep(trace.roots[i], w, trace.roots[i + 1]);
      expect(v).toMatchObject({ ok: false, kind: "invalid-witness" });
      expect(v.ok || v.reason).toContain("missing node at gindex");
      pruned++;
    }
    expect(pruned).toBe(steps);
  });

  test("truncated, padded, mis-versioned, mis-tagged and deep witnesses are malformed", () => {
    const w = trace.witnesses[5];
    const pre = trace.roots[5];
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      w.slice(0, 4),
      w.slice(0, w.length - 1),
      w.slice(0, w.length - 33),
      new Uint8Array([...w, 0]),
      Uint8Array.from(w, (b, i) => (i === 0 ? b ^ 1 : b)),
      Uint8Array.from(w, (b, i) => (i === 1 ? b + 1 : b)),
      Uint8Array.from(w, (b, i) => (i === 5 ? 2 : b)),
      (() => {
        const deep = new Uint8Array(5 + 100 + 4);
        deep[0] = 1;
        deep.fill(1, 5, 105);
        new DataView(deep.buffer).setUint32(1, 100, true);
        return deep;
      })(),
      (() => {
        const leaf = new Uint8Array(5 + 33 + 4);
        leaf[0] = 1;
        new DataView(leaf.buffer).setUint32(1, 33, true);
        return leaf;
      })(),
    ];
    for (const b of bad) {
      const v = verifyStep(pre, b, trace.roots[6]);
      expect(v).toMatchObject({ ok: false, kind: "invalid-witness" });
      expect(v.ok || v.reason).toStartWith("invalid witness");
    }
  });

  test("random garbage never verifies and never throws", () => {
    const rand = seededRandom(99);
    for (let k = 0; k < 300; k++) {
      const len = Math.floor(rand() * 400);
      const b = new Uint8Array(len).map(() => Math.floor(rand() * 256));
      if (len > 9) {
        b[0] = 1;
        new DataView(b.buffer).setUint32(1, len - 9, true);
        new DataView(b.buffer).setUint32(len - 4, 0, true);
        if (rand() < 0.5) b[5] = 1;
      }
      const v = verifyStep(trace.roots[0], b, trace.roots[1]);
      expect(v.ok).toBe(false);
    }
  });
});

describe("lazy mode", () => {
  test("roots at requested indices equal the full generation's, past-the-end indices give the final root", () => {
    const want = [0, 1, 7, Math.floor(steps / 2), steps - 1, steps, steps + 10];
    const got = frameRootsAt({ code, calldata, gas: 1_000_000n }, want);
    for (const i of want) expect(got.get(i)).toEqual(trace.roots[Math.min(i, steps)]);
  });
});

describe("verifyStep with trie nodes and code (preimages)", () => {
  // A contract that reads and writes storage, reads another account's code size and calls it.
  const self = new Uint8Array(20).fill(0x11);
  const other = new Uint8Array(20).fill(0x22);
  const otherCode = fromHex("0x600160005500");
  const wcode = fromHex(
    `0x6005 6001 55 6001 54 6009 6002 55 73${"22".repeat(20)} 3b 6000 6000 6000 6000 6000 73${"22".repeat(20)} 5a f1 00`.replace(
      /\s+/g,
      "",
    ),
  );
  const accounts = [
    { address: self, code: wcode, storage: new Map([[2n, 3n]]) },
    { address: other, code: otherCode, balance: 1n },
  ];
  const world = buildWorld(accounts);
  const wtrace = generateFrame({ code: wcode, address: self, gas: 1_000_000n, world });
  const withPreimages = wtrace.witnesses
    .map((w, i) => [i, decodeWitness(w)] as const)
    .filter(([, w]) => w.preimages.length > 0);

  test("the trace reads trie nodes and code, and every step verifies", () => {
    expect(withPreimages.length).toBeGreaterThan(10);
    expect(withPreimages.some(([, w]) => w.preimages.some((p) => p.length === otherCode.length))).toBe(true);
    for (let i = 0; i < wtrace.witnesses.length; i++) {
      expect(verifyStep(wtrace.roots[i], wtrace.witnesses[i], wtrace.roots[i + 1]).ok).toBe(true);
    }
  });

  test("a missing, forged or swapped preimage is an invalid witness", () => {
    for (const [i, w] of withPreimages) {
      const pre = wtrace.roots[i];
      const post = wtrace.roots[i + 1];
      const missing = verifyStep(pre, encodeWitness({ tree: w.tree, preimages: w.preimages.slice(1) }), post);
      expect(missing).toMatchObject({ ok: false, kind: "invalid-witness" });
      expect(missing.ok || missing.reason).toContain("missing preimage");
      const forged = w.preimages.map((p) => p.slice());
      forged[0][forged[0].length - 1] ^= 1;
      expect(verifyStep(pre, encodeWitness({ tree: w.tree, preimages: forged }), post)).toMatchObject({
        ok: false,
        kind: "invalid-witness",
      });
      // A preimage of another step (a real trie node, the wrong one) is no better.
      const [, other] = withPreimages[(withPreimages.findIndex(([k]) => k === i) + 1) % withPreimages.length];
      if (other.preimages[0].join() !== w.preimages[0].join()) {
        const swapped = verifyStep(pre, encodeWitness({ tree: w.tree, preimages: other.preimages }), post);
        expect(swapped.ok).toBe(false);
      }
    }
  });

  test("extra preimages are harmless; too many, empty, oversized or truncated ones are malformed", () => {
    const [i, w] = withPreimages[0];
    const pre = wtrace.roots[i];
    const post = wtrace.roots[i + 1];
    expect(
      verifyStep(pre, encodeWitness({ tree: w.tree, preimages: [...w.preimages, otherCode] }), post).ok,
    ).toBe(true);
    const bad = [
      encodeWitness({
        tree: w.tree,
        preimages: [...w.preimages, otherCode, otherCode, otherCode, otherCode],
      }),
      encodeWitness({ tree: w.tree, preimages: [...w.preimages, new Uint8Array(0)] }),
      encodeWitness({ tree: w.tree, preimages: [...w.preimages, new Uint8Array(262145)] }),
    ];
    const full = encodeWitness(w);
    bad.push(full.slice(0, full.length - 1));
    for (const b of bad) {
      const v = verifyStep(pre, b, post);
      expect(v).toMatchObject({ ok: false, kind: "invalid-witness" });
    }
  });
});
