import { describe, expect, test } from "bun:test";
import { RollupConfigError } from "./errors.ts";
import { type FlagSpec, parseFlags } from "./flags.ts";

const specs: FlagSpec[] = [
  { name: "l1", env: "X_L1", kind: "string", required: true, help: "" },
  { name: "port", env: "X_PORT", kind: "number", default: 9545, help: "" },
  { name: "sequencer.enabled", env: "X_SEQ", kind: "bool", default: false, help: "" },
];

describe("flags", () => {
  test("flags win over the environment, which wins over defaults", () => {
    const v = parseFlags(specs, ["--l1=http://a", "--sequencer.enabled"], { X_L1: "http://b", X_PORT: "1" });
    expect(v).toMatchObject({ l1: "http://a", port: 1, "sequencer.enabled": true });
    expect(parseFlags(specs, [], { X_L1: "http://b" })).toMatchObject({ l1: "http://b", port: 9545 });
  });

  test("refuses unknown flags, missing values and malformed numbers", () => {
    expect(() => parseFlags(specs, ["--nope", "1"], { X_L1: "a" })).toThrow(RollupConfigError);
    expect(() => parseFlags(specs, [], {})).toThrow("missing required flag --l1");
    expect(() => parseFlags(specs, ["--port", "x"], { X_L1: "a" })).toThrow("expected a number");
    expect(() => parseFlags(specs, ["--sequencer.enabled=maybe"], { X_L1: "a" })).toThrow("true or false");
  });
});
