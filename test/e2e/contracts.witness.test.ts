/**
 * `StepWitness.sol` (docs/fault-proof.md §8.2.1) against the TypeScript/WASM step machine, on a
 * real anvil: real witnesses of a block (a deposit and user transactions: block, transaction,
 * MPT-walk and opcode steps) and of a frame that calls the SHA-256 precompile. For a sample of
 * steps of every kind, the contract's root is the generator's `r[n]`, its `get` answers what the
 * WASM verifier and the TypeScript codec read at every gindex the step touched, and writing the
 * values the WASM verifier's step left there gives the generator's `r[n+1]`. Random writes are
 * compared with a TypeScript recomputation of the partial tree; every malformation is refused
 * with the same error (and offset) as core/proof/witness.ts and the WASM `loadWitness`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BaseError, ContractFunctionRevertedError, type Hex, toHex } from "viem";
import { stepWitnessHarnessAbi } from "../../contracts/artifacts/index.ts";
import {
  deployStepWitnessHarness,
  depthOf,
  MissingNodeError,
  randomTree,
  syntheticWitness,
  valueAt,
  withValue,
} from "../../contracts/stepWitnessTesting.ts";
import { type L1Fixture, setupL1 } from "../../contracts/testing.ts";
import { fromHex } from "../../core/bytes.ts";
import { keccak256 } from "../../core/hash/keccak.ts";
import { generateFrame } from "../../core/proof/generator.ts";
import { G } from "../../core/proof/layout.ts";
import { StepMachine } from "../../core/proof/machine.ts";
import { blockSample } from "../../core/proof/proofFileTesting.ts";
import { context } from "../../core/proof/testing.ts";
import {
  decodeWitness,
  encodeWitness,
  terminalGindices,
  type WitnessNode,
  witnessRoot,
} from "../../core/proof/witness.ts";
import { buildWorld } from "../../core/proof/world.ts";
import { randomBytes, seededRandom } from "../../core/testing/random.ts";

let f: L1Fixture;
let harness: Hex;

/** One step of a generated trace. */
interface Step {
  label: string;
  kind: string;
  witness: Uint8Array;
  pre: Uint8Array;
  post: Uint8Array;
  access: bigint[];
}

const verifier = new StepMachine("verifier");

/** The step's kind as its pre-state says: an MPT walk mode, or the phase. */
function kindOf(witness: Uint8Array): string {
  const tree = decodeWitness(witness).tree;
  const u64 = (g: bigint) => new DataView(valueAt(tree, g).buffer).getBigUint64(0, true);
  const walk = u64(G.walkMode);
  if (walk !== 0n) return `walk mode ${walk}`;
  return `phase ${u64(G.phase)}`;
}

function stepsOf(
  label: string,
  t: { roots: Uint8Array[]; witnesses: Uint8Array[]; access: bigint[][] },
): Step[] {
  return t.witnesses.map((witness, n) => ({
    label: `${label} step ${n}`,
    kind: kindOf(witness),
    witness,
    pre: t.roots[n]!,
    post: t.roots[n + 1]!,
    access: t.access[n]!,
  }));
}

/** A frame that hashes 64 bytes of memory with the SHA-256 precompile (0x02), then stops. */
function precompileFrame(): Step[] {
  // STATICCALL(gas, 2, 0, 64, 0, 32); STOP
  const code = fromHex("0x602060006040600060025afa00");
  const req = context({ code, gas: 100_000n }, 4);
  req.warm = {
    addresses: Array.from({ length: 10 }, (_, i) =>
      Uint8Array.from({ length: 20 }, (_, j) => (j === 19 ? i + 1 : 0)),
    ),
  };
  req.world = buildWorld([{ address: req.address!, balance: 10_000n, code }]);
  const t = generateFrame(req);
  if (t.result.status !== 1) throw new Error(`precompile frame: status ${t.result.status}`);
  return stepsOf("precompile frame", t);
}

let all: Step[] = [];
let sample: Step[] = [];

/** A sample with every kind of step: the first, middle and last of each kind, and the largest witness. */
function pickSample(steps: Step[]): Step[] {
  const byKind = new Map<string, Step[]>();
  for (const s of steps) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
  const out = new Set<Step>();
  for (const list of byKind.values()) {
    out.add(list[0]!);
    out.add(list[Math.floor(list.length / 2)]!);
    out.add(list[list.length - 1]!);
  }
  out.add(steps.reduce((a, b) => (b.witness.length > a.witness.length ? b : a)));
  return [...out];
}

beforeAll(async () => {
  f = await setupL1();
  harness = await deployStepWitnessHarness(f.publicClient, f.deployer);
  all = [...stepsOf("block", blockSample(3)), ...precompileFrame()];
  sample = pickSample(all);
}, 60_000);

afterAll(async () => {
  await f?.stop();
});

type Fn = "root" | "rootPadded" | "load" | "check" | "post" | "preimages";

/** Calls the harness (eth_call); the caller states the result's type. */
const read = <T = unknown>(functionName: Fn, args: readonly unknown[]): Promise<T> =>
  f.publicClient.readContract({
    address: harness,
    abi: stepWitnessHarnessAbi,
    functionName,
    args,
  } as unknown as Parameters<L1Fixture["publicClient"]["readContract"]>[0]) as Promise<T>;
type Checked = [Hex, Hex[], Hex];

/** The custom error a harness call reverts with, as `Name(arg, …)`; throws if it succeeds. */
async function revertOf(functionName: Fn, args: readonly unknown[]): Promise<string> {
  try {
    await read(functionName, args);
  } catch (err) {
    const r =
      err instanceof BaseError ? err.walk((e) => e instanceof ContractFunctionRevertedError) : undefined;
    if (r instanceof ContractFunctionRevertedError && r.data) {
      return `${r.data.errorName}(${(r.data.args ?? []).map(String).join(",")})`;
    }
    throw err;
  }
  throw new Error(`${functionName} was expected to revert`);
}

const hex = (b: Uint8Array): Hex => toHex(b);
const le32 = (v: number) => Uint8Array.of(v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24);

describe("real witnesses", () => {
  test("the sample covers every kind of step, a precompile call and the largest witness", () => {
    const kinds = new Set(sample.map((s) => s.kind));
    for (const k of [
      "phase 0",
      "phase 1",
      "phase 2",
      "phase 4",
      "phase 6",
      "phase 7",
      "walk mode 1",
      "walk mode 2",
      "walk mode 3",
    ]) {
      expect(kinds.has(k)).toBe(true);
    }
    expect(sample.some((s) => s.label.startsWith("precompile"))).toBe(true);
    const largest = Math.max(...all.map((s) => s.witness.length));
    expect(sample.some((s) => s.witness.length === largest)).toBe(true);
    expect(sample.some((s) => decodeWitness(s.witness).preimages.length > 0)).toBe(true);
  });

  test("root = r[n]; get = the WASM verifier's and the TS codec's values; the step's writes give r[n+1]", async () => {
    let compared = 0;
    for (const s of sample) {
      const tree = decodeWitness(s.witness).tree;
      verifier.loadWitness(s.witness);
      const gets = s.access.filter((g) => g >= 1n);
      const pre = gets.map((g) => verifier.getLeaf(g));
      verifier.step();
      // Deepest first, so a written node's ancestors are set after it (to values consistent with it).
      const sets = [...gets].sort((a, b) => depthOf(b) - depthOf(a));
      const postValues = sets.map((g) => verifier.getLeaf(g));
      const [preRoot, got, postRoot] = await read<Checked>("check", [
        hex(s.witness),
        gets,
        sets,
        postValues.map(hex),
      ]);
      expect(`${s.label}: ${preRoot}`).toBe(`${s.label}: ${hex(s.pre)}`);
      expect(got).toEqual(pre.map(hex));
      expect(got).toEqual(gets.map((g) => hex(valueAt(tree, g))));
      expect(`${s.label}: ${postRoot}`).toBe(`${s.label}: ${hex(s.post)}`);
      // The verifier's entry point: load against the pre-root, then the writes.
      expect(await read<Hex>("post", [hex(s.witness), hex(s.pre), sets, postValues.map(hex)])).toBe(
        hex(s.post),
      );
      compared += gets.length;
    }
    expect(compared).toBeGreaterThan(300);
  });

  test("random writes at touched gindices, in random order, match a TypeScript recomputation", async () => {
    const rand = seededRandom(7);
    for (const [i, s] of sample.entries()) {
      let tree: WitnessNode = decodeWitness(s.witness).tree;
      const touched = s.access.filter((g) => g >= 2n);
      const sets = touched.filter(() => rand() < 0.5).sort(() => rand() - 0.5);
      const values = sets.map((_, j) => randomBytes(seededRandom(i * 1000 + j), 32));
      let expected: string;
      try {
        for (const [j, g] of sets.entries()) tree = withValue(tree, g, values[j]!);
        expected = hex(witnessRoot(tree));
      } catch (e) {
        if (!(e instanceof MissingNodeError)) throw e;
        expected = `MissingNode(${e.gindex})`;
      }
      const args = [hex(s.witness), [], sets, values.map(hex)];
      const got = expected.startsWith("0x")
        ? (await read<Checked>("check", args))[2]
        : await revertOf("check", args);
      expect(`${s.label}: ${got}`).toBe(`${s.label}: ${expected}`);
      // Writing a node's parent first makes the node a missing one.
      const g = touched.find((x) => x >= 4n)!;
      const zero = hex(new Uint8Array(32));
      expect(await revertOf("check", [hex(s.witness), [], [g >> 1n, g], [zero, zero]])).toBe(
        `MissingNode(${g})`,
      );
    }
  });

  test("preimages come back whole with their keccak256, found by hash", async () => {
    let seen = 0;
    for (const s of sample) {
      const { preimages } = decodeWitness(s.witness);
      const [data, hashes, found] = await read<[Hex[], Hex[], boolean[]]>("preimages", [hex(s.witness)]);
      expect(data).toEqual(preimages.map(hex));
      expect(hashes).toEqual(preimages.map((p) => hex(keccak256(p))));
      expect(found).toEqual(preimages.map(() => true));
      seen += preimages.length;
    }
    expect(seen).toBeGreaterThan(0);
  });

  test("a flipped byte in a terminal changes the root, so the witness no longer loads", async () => {
    const s = sample.find((x) => x.witness.length > 1000)!;
    const w = s.witness.slice();
    // The first terminal's value starts after the run of inner-node tags.
    let p = 5;
    while (w[p] === 1) p++;
    w[p + 1 + 7]! ^= 0x10;
    const root = await read<Hex>("root", [hex(w)]);
    expect(root).not.toBe(hex(s.pre));
    expect(root).toBe(hex(witnessRoot(decodeWitness(w).tree)));
    expect(await revertOf("load", [hex(w), hex(s.pre)])).toBe(`WrongPreRoot(${root},${hex(s.pre)})`);
    expect(await read<bigint>("load", [hex(s.witness), hex(s.pre)])).toBe(
      BigInt(decodeWitness(s.witness).preimages.length),
    );
  });

  test("get and set below a terminal are missing nodes; gindex 0 and writing the root are refused", async () => {
    const s = sample[0]!;
    const w = hex(s.witness);
    const terminals = terminalGindices(decodeWitness(s.witness).tree);
    for (const t of [terminals[0]!, terminals[terminals.length - 1]!]) {
      expect(await revertOf("check", [w, [t * 2n + 1n], [], []])).toBe(`MissingNode(${t * 2n + 1n})`);
      expect(await revertOf("check", [w, [t << 20n], [], []])).toBe(`MissingNode(${t << 20n})`);
      expect(await revertOf("check", [w, [], [t * 2n], [hex(new Uint8Array(32))]])).toBe(
        `MissingNode(${t * 2n})`,
      );
      // The terminal itself is there.
      const [, got] = await read<Checked>("check", [w, [t], [], []]);
      expect(got).toEqual([hex(valueAt(decodeWitness(s.witness).tree, t))]);
    }
    expect(await revertOf("check", [w, [0n], [], []])).toBe("BadGindex(0)");
    expect(await revertOf("check", [w, [], [1n], [hex(new Uint8Array(32))]])).toBe("BadGindex(1)");
  });
});

/** A witness from parts: version, tree length (default: the tree's), tree bytes, preimage section. */
function build(o: { version?: number; treeLen?: number; tree: Uint8Array; tail: Uint8Array }): Uint8Array {
  return Uint8Array.of(o.version ?? 1, ...le32(o.treeLen ?? o.tree.length), ...o.tree, ...o.tail);
}

/** A chain of `inner` inner nodes, each with a terminal on the left, down the right. */
function chain(inner: number): WitnessNode {
  let n: WitnessNode = { value: new Uint8Array(32).fill(7) };
  for (let i = 0; i < inner; i++) n = { left: { value: Uint8Array.of(i, ...new Uint8Array(31)) }, right: n };
  return n;
}

describe("malformed witnesses", () => {
  const v = new Uint8Array(32).fill(0xab);
  const two = Uint8Array.of(1, 0, ...v, 0, ...v); // an inner root with two terminals
  const none = le32(0);
  const pre = (...ps: Uint8Array[]) =>
    Uint8Array.of(...le32(ps.length), ...ps.flatMap((p) => [...le32(p.length), ...p]));

  /** The offset in the TS codec's message, which the contract's error must carry too. */
  const tsError = (w: Uint8Array): string => {
    try {
      decodeWitness(w);
    } catch (e) {
      return (e as Error).message;
    }
    return "accepted";
  };
  const wasmRefuses = (w: Uint8Array): boolean => {
    try {
      verifier.loadWitness(w);
      return false;
    } catch {
      return true;
    }
  };

  const cases: [string, Uint8Array, string, RegExp][] = [
    ["8 bytes", new Uint8Array(8).fill(1), "WitnessTooShort(8)", /8 bytes < minimum 9/],
    ["version 2", build({ version: 2, tree: two, tail: none }), "BadWitnessVersion(2)", /version 2/],
    ["version 0", build({ version: 0, tree: two, tail: none }), "BadWitnessVersion(0)", /version 0/],
    [
      "tree length past the preimage count",
      build({ treeLen: two.length + 1, tree: two, tail: none }),
      `BadTreeLength(${two.length + 1},${5 + two.length + 4})`,
      /leaves no preimage section/,
    ],
    [
      "tag 2 in the tree",
      build({ tree: Uint8Array.of(1, 2, ...v, 0, ...v), tail: none }),
      "UnknownNodeTag(2,6)",
      /unknown tag 2 at byte 6/,
    ],
    [
      "tag 0xff at the root",
      build({ tree: Uint8Array.of(0xff, ...v), tail: none }),
      "UnknownNodeTag(255,5)",
      /unknown tag 255 at byte 5/,
    ],
    [
      "a missing right child",
      build({ tree: Uint8Array.of(1, 0, ...v), tail: none }),
      "WitnessTruncated(39)",
      /truncated at byte 39/,
    ],
    [
      "a terminal cut short",
      build({ tree: two.subarray(0, 50), tail: none }),
      "WitnessTruncated(40)",
      /truncated at byte 40/,
    ],
    [
      "a tree byte too many",
      build({ tree: Uint8Array.of(...two, 0), tail: none }),
      "TrailingTreeBytes(1)",
      /1 trailing tree bytes/,
    ],
    [
      "a terminal root",
      build({ tree: Uint8Array.of(0, ...v), tail: none }),
      "TerminalRoot()",
      /root is not an inner node/,
    ],
    [
      "5 preimages",
      build({ tree: two, tail: pre(...[1, 2, 3, 4, 5].map((i) => Uint8Array.of(i))) }),
      "TooManyPreimages(5,4)",
      /5 preimages > limit 4/,
    ],
    [
      "a 0-byte preimage",
      build({ tree: two, tail: Uint8Array.of(...le32(1), ...le32(0)) }),
      "BadPreimageLength(0,0,76)",
      /preimage 0 of 0 bytes at byte 76/,
    ],
    [
      "a 262,145-byte preimage",
      build({ tree: two, tail: pre(new Uint8Array(262_145).fill(1)) }),
      "BadPreimageLength(0,262145,76)",
      /preimage 0 of 262145 bytes/,
    ],
    [
      "a preimage past the end",
      build({ tree: two, tail: Uint8Array.of(...le32(2), ...le32(1), 9, ...le32(3), 1, 2) }),
      "BadPreimageLength(1,3,81)",
      /preimage 1 of 3 bytes at byte 81/,
    ],
    [
      "a preimage length cut short",
      build({ tree: two, tail: Uint8Array.of(...le32(2), ...le32(1), 9, 0, 0) }),
      "WitnessTruncated(81)",
      /truncated at byte 81/,
    ],
    [
      "a byte after the preimages",
      build({ tree: two, tail: Uint8Array.of(...pre(Uint8Array.of(5)), 0) }),
      "TrailingBytes(1)",
      /1 trailing bytes/,
    ],
    [
      "a node at depth 65",
      encodeWitness({ tree: chain(65), preimages: [] }),
      `WitnessTooDeep(${5 + 64 * 34 + 1})`,
      new RegExp(`deeper than 64 at byte ${5 + 64 * 34 + 1}`),
    ],
  ];

  test.each(cases)("%s", async (_, w, error, tsMessage) => {
    expect(tsError(w)).toMatch(tsMessage);
    expect(wasmRefuses(w)).toBe(true);
    expect(await revertOf("root", [hex(w)])).toBe(error);
  });

  test("a witness over the WASM verifier's 2 MiB buffer is refused as the WASM verifier refuses it", async () => {
    // A valid start (version, tree) and zeros: the size is checked before anything else.
    const tooBig = new Uint8Array(2_097_153);
    tooBig.set(build({ tree: two, tail: none }));
    expect(wasmRefuses(tooBig)).toBe(true);
    // Padded on chain: anvil refuses a request body of 4 MB of hex.
    const start = hex(build({ tree: two, tail: none }));
    expect(await revertOf("rootPadded", [start, 2_097_153n])).toBe("WitnessTooLarge(2097153,2097152)");
    // At the limit the size passes, and the zeros after the preimage count are trailing bytes.
    expect(await revertOf("rootPadded", [start, 2_097_152n])).toBe(`TrailingBytes(${2_097_152 - 76})`);
  });

  test("depth 64 is allowed: the deepest node of a 64-deep chain is read and written", async () => {
    const tree = chain(64);
    const w = encodeWitness({ tree, preimages: [] });
    expect(tsError(w)).toBe("accepted");
    const deepest = (1n << 65n) - 1n; // right, right, … 64 times
    const x = randomBytes(seededRandom(3), 32);
    const [root, got, post] = await read<Checked>("check", [hex(w), [deepest, 2n], [deepest], [hex(x)]]);
    expect(root).toBe(hex(witnessRoot(tree)));
    expect(got).toEqual([hex(new Uint8Array(32).fill(7)), hex(Uint8Array.of(63, ...new Uint8Array(31)))]);
    expect(post).toBe(hex(witnessRoot(withValue(tree, deepest, x))));
  });

  test("random trees: root and every node's value as TypeScript computes them", async () => {
    for (const seed of [1, 2, 3]) {
      const { witness, root } = syntheticWitness(100 + seed * 50, [seed * 100], seed);
      const tree = decodeWitness(witness).tree;
      const gs = terminalGindices(tree).filter((_, i) => i % 5 === 0);
      const inner = gs.map((g) => g >> 2n).filter((g) => g >= 1n);
      const [r, got] = await read<Checked>("check", [hex(witness), [...gs, ...inner], [], []]);
      expect(r).toBe(hex(root));
      expect(got).toEqual([...gs, ...inner].map((g) => hex(valueAt(tree, g))));
    }
    // A tree of the worst measured step's shape hashes to its TypeScript root.
    const worst = syntheticWitness(283, [6765], 9);
    expect(worst.witness.length).toBe(16_433);
    expect(await read<Hex>("root", [hex(worst.witness)])).toBe(hex(worst.root));
    expect(randomTree(10, 1)).toEqual(randomTree(10, 1));
  });
});
