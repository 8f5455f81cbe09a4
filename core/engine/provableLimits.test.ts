import { describe, expect, test } from "bun:test";
import { StepMachine } from "../proof/machine.ts";
import { decodeWitness, encodeWitness, MAX_PREIMAGE } from "../proof/witness.ts";
import { MAX_TX_BYTES } from "./provableLimits.ts";

// The transaction limit is only sound if it is exactly what the step machine can load as one
// preimage: these tie it to the witness codec and to the WASM machine itself.
describe("MAX_TX_BYTES is the step machine's preimage limit", () => {
  test("the witness codec reads a preimage of MAX_TX_BYTES and refuses one byte more", () => {
    expect(MAX_PREIMAGE).toBe(MAX_TX_BYTES);
    const leaf = { value: new Uint8Array(32) };
    const tree = { left: leaf, right: leaf };
    const ok = encodeWitness({ tree, preimages: [new Uint8Array(MAX_TX_BYTES).fill(1)] });
    expect(decodeWitness(ok).preimages[0]!.length).toBe(MAX_TX_BYTES);
    const over = encodeWitness({ tree, preimages: [new Uint8Array(MAX_TX_BYTES + 1).fill(1)] });
    expect(() => decodeWitness(over)).toThrow(`preimage 0 of ${MAX_TX_BYTES + 1} bytes`);
  });

  test("the WASM machine adds a preimage of MAX_TX_BYTES and traps on one byte more", () => {
    const m = new StepMachine("generator");
    m.empty();
    const ex = m.wasm.exports;
    const at = Number(ex.PREIMAGE_PTR.value);
    m.wasm.bytes().fill(7, at, at + MAX_TX_BYTES + 1);
    // Straight to the export, past the JS wrapper's own check.
    ex.addPreimage(MAX_TX_BYTES);
    expect(() => ex.addPreimage(MAX_TX_BYTES + 1)).toThrow();
    expect(ex.errorCode()).toBe(4); // bad witness encoding
    expect(ex.errorArg()).toBe(BigInt(MAX_TX_BYTES + 1));
  });
});
