import { describe, expect, test } from "bun:test";
import { MAX_L2_GAS_LIMIT } from "../engine/provableLimits.ts";
import { InvalidRollupConfigError } from "./errors.ts";
import { parseRollupConfig, rollupConfigToJson } from "./rollupConfig.ts";
import { testConfig } from "./testing/fakes.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests mutate arbitrary rollup.json fields.
type Json = Record<string, any>;
const json = () => rollupConfigToJson(testConfig()) as Json;

describe("rollup.json", () => {
  test("round-trips through op-node's snake_case shape", () => {
    const j = json();
    expect(Object.keys(j)).toContain("batch_inbox_address");
    expect(Object.keys(j.genesis.system_config)).toEqual(["batcherAddr", "overhead", "scalar", "gasLimit"]);
    expect(parseRollupConfig(j)).toEqual(testConfig());
    expect(parseRollupConfig(JSON.parse(JSON.stringify(j)))).toEqual(testConfig());
  });

  test("accepts hex-string numbers, mixed-case hex and absent fork times; keeps l2_output_oracle_address", () => {
    const j = json();
    j.block_time = "0x2";
    j.batch_inbox_address = j.batch_inbox_address.toUpperCase().replace("0X", "0x");
    delete j.regolith_time;
    j.l2_output_oracle_address = "0x00000000000000000000000000000000000000aa";
    const c = parseRollupConfig(j);
    expect(c.blockTime).toBe(2);
    expect(c.batchInboxAddress).toBe(testConfig().batchInboxAddress);
    expect(c.regolithTime).toBe(0);
    expect(rollupConfigToJson(c).l2_output_oracle_address).toBe("0x00000000000000000000000000000000000000aa");
  });

  test("accepts a genesis gas limit of exactly 45M (SystemConfig's MAXIMUM_GAS_LIMIT)", () => {
    const j = json();
    j.genesis.system_config.gasLimit = 45_000_000;
    expect(parseRollupConfig(j).genesis.systemConfig.gasLimit).toBe(MAX_L2_GAS_LIMIT);
  });

  const bad: [string, (j: Json) => void, string][] = [
    ["not an object", (j) => Object.assign(j, { genesis: 5 }), "genesis: expected an object, found 5"],
    [
      "missing field",
      (j) => delete j.block_time,
      "block_time: expected a non-negative integer, found nothing",
    ],
    ["zero block time", (j) => (j.block_time = 0), "block_time: expected at least 1, found 0"],
    [
      "negative number",
      (j) => (j.channel_timeout = -1),
      "channel_timeout: expected a non-negative integer, found -1",
    ],
    [
      "short address",
      (j) => (j.deposit_contract_address = "0x1234"),
      'deposit_contract_address: expected a 20-byte 0x address, found "0x1234"',
    ],
    [
      "zero address",
      (j) => (j.l1_system_config_address = `0x${"00".repeat(20)}`),
      "l1_system_config_address: expected a contract address",
    ],
    ["bad genesis hash", (j) => (j.genesis.l1.hash = "0xzz"), "genesis.l1.hash: expected 32 bytes of 0x hex"],
    ["same chain ids", (j) => (j.l2_chain_id = j.l1_chain_id), "l2_chain_id: must differ from l1_chain_id"],
    ["window of 1", (j) => (j.seq_window_size = 1), "seq_window_size: expected at least 2, found 1"],
    [
      "later fork",
      (j) => (j.ecotone_time = 100),
      "ecotone_time: Ore runs this fork from genesis: expected 0, found 100",
    ],
    [
      "genesis gas limit over SystemConfig's maximum",
      (j) => (j.genesis.system_config.gasLimit = 45_000_001),
      "genesis.system_config.gasLimit: expected at most 45000000 (SystemConfig's MAXIMUM_GAS_LIMIT: larger blocks are not provable), found 45000001",
    ],
    [
      "bad scalar",
      (j) => (j.genesis.system_config.scalar = "0x01"),
      "genesis.system_config.scalar: expected 32 bytes",
    ],
  ];
  for (const [name, mutate, message] of bad) {
    test(`rejects ${name} with a message naming the field`, () => {
      const j = json();
      mutate(j);
      expect(() => parseRollupConfig(j)).toThrow(InvalidRollupConfigError);
      expect(() => parseRollupConfig(j)).toThrow(message);
    });
  }
});
