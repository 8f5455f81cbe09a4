/**
 * The deploy script's config parsing and defaults (no node needed; the deployment itself is
 * exercised by every test in test/e2e/contracts.*).
 */
import { describe, expect, test } from "bun:test";
import { deploymentToJson, L2_PREDEPLOYS, parseDeployConfig, withDefaults } from "./deploy.ts";
import { DeployConfigError } from "./errors.ts";

const ME = "0x00000000000000000000000000000000000000aa";

describe("parseDeployConfig", () => {
  test("accepts integers as numbers or decimal strings, scalars as uint32, addresses as hex", () => {
    expect(
      parseDeployConfig(
        JSON.stringify({
          l2GasLimit: "60000000",
          submissionInterval: 1800,
          proposalBond: "100000000000000000000",
          basefeeScalar: 7,
          batcher: ME,
        }),
      ),
    ).toEqual({
      l2GasLimit: 60_000_000n,
      submissionInterval: 1800n,
      proposalBond: 10n ** 20n,
      basefeeScalar: 7,
      batcher: ME,
    });
  });

  test("rejects unknown fields, malformed values and non-objects", () => {
    for (const bad of [
      "{",
      "[]",
      '{"unknown": 1}',
      '{"l2GasLimit": -1}',
      '{"l2GasLimit": "0x10"}',
      '{"l2GasLimit": 1.5}',
      '{"l2GasLimit": [5]}',
      '{"basefeeScalar": 4294967296}',
      '{"batcher": "0x1234"}',
    ]) {
      expect(() => parseDeployConfig(bad)).toThrow(DeployConfigError);
    }
  });
});

test("withDefaults fills every field; deploymentToJson writes bigints as decimal strings", () => {
  const c = withDefaults({ proposalBond: 5n }, ME, 1234n);
  expect(c.owner).toBe(ME);
  expect(c.batcher).toBe(ME);
  expect(c.startingTimestamp).toBe(1234n);
  expect(c.proposalBond).toBe(5n);
  expect(c.finalizationPeriodSeconds).toBe(604_800n);
  expect(c.l2CrossDomainMessenger).toBe(L2_PREDEPLOYS.L2CrossDomainMessenger);
  expect(c.disputeGame).toBe("0x0000000000000000000000000000000000000000");
  const json = JSON.parse(
    deploymentToJson({
      l1ChainId: 1,
      deployer: ME,
      startBlock: 7n,
      config: c,
      addresses: {} as never,
    }),
  );
  expect(json.startBlock).toBe("7");
  expect(json.config.proposalBond).toBe("5");
});
