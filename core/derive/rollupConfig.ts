/**
 * The rollup configuration in op-node's `rollup.json` shape: snake_case JSON outside, a typed
 * camelCase object inside. `parseRollupConfig` checks every field and names the first bad one;
 * `rollupConfigToJson` writes it back (what `optimism_rollupConfig` returns).
 *
 * Ore runs OP's Regolith, Canyon, Delta and Ecotone rules from genesis, so their activation
 * times must be 0 (or absent, meaning 0); later OP forks are not part of Ore's protocol.
 * Ore's one addition is `l2_output_oracle_address` (optional, for the proposer and RPC).
 * Format: docs/derivation.md#rollup-configuration.
 */
import { MAX_L2_GAS_LIMIT } from "../engine/provableLimits.ts";
import { InvalidRollupConfigError } from "./errors.ts";
import type { BlockId, Hex, SystemConfig } from "./types.ts";

/** The L1 and L2 blocks the rollup starts from, and the system config at that point. */
export interface RollupGenesis {
  /** L1 block the L2 genesis is anchored to: the first epoch. */
  l1: BlockId;
  /** The L2 genesis block. */
  l2: BlockId;
  /** Timestamp of the L2 genesis block. */
  l2Time: number;
  /** System config in force at genesis. */
  systemConfig: SystemConfig;
}

/** A validated rollup configuration (op-node `rollup.Config`). */
export interface RollupConfig {
  genesis: RollupGenesis;
  /** Seconds between L2 blocks. */
  blockTime: number;
  /** How far (seconds) an L2 block's timestamp may run ahead of its L1 origin's. */
  maxSequencerDrift: number;
  /** L1 blocks after an epoch within which its batches must be included. */
  seqWindowSize: number;
  /** L1 blocks after a channel's first frame within which it must be complete. */
  channelTimeout: number;
  l1ChainId: number;
  l2ChainId: number;
  /** Fork activation times (seconds); Ore requires 0 for all four. */
  regolithTime: number;
  canyonTime: number;
  deltaTime: number;
  ecotoneTime: number;
  /** Ore: the BatchFeed contract (OP: the batch inbox EOA). */
  batchInboxAddress: Hex;
  /** The OptimismPortal. */
  depositContractAddress: Hex;
  /** The SystemConfig contract. */
  l1SystemConfigAddress: Hex;
  /** Ore: the L2OutputOracle, when known. */
  l2OutputOracleAddress?: Hex;
}

/**
 * Parses and validates `rollup.json` (already JSON-parsed). Throws `InvalidRollupConfigError`
 * naming the field, what was expected and what was found.
 */
export function parseRollupConfig(json: unknown): RollupConfig {
  const j = obj(json, "rollup config");
  const g = obj(j.genesis, "genesis");
  const sc = obj(g.system_config, "genesis.system_config");
  const cfg: RollupConfig = {
    genesis: {
      l1: blockId(g.l1, "genesis.l1"),
      l2: blockId(g.l2, "genesis.l2"),
      l2Time: uint(g.l2_time, "genesis.l2_time"),
      systemConfig: {
        batcherAddr: address(sc.batcherAddr, "genesis.system_config.batcherAddr"),
        overhead: bytes32(sc.overhead, "genesis.system_config.overhead"),
        scalar: bytes32(sc.scalar, "genesis.system_config.scalar"),
        gasLimit: BigInt(uint(sc.gasLimit, "genesis.system_config.gasLimit")),
      },
    },
    blockTime: uint(j.block_time, "block_time"),
    maxSequencerDrift: uint(j.max_sequencer_drift, "max_sequencer_drift"),
    seqWindowSize: uint(j.seq_window_size, "seq_window_size"),
    channelTimeout: uint(j.channel_timeout, "channel_timeout"),
    l1ChainId: uint(j.l1_chain_id, "l1_chain_id"),
    l2ChainId: uint(j.l2_chain_id, "l2_chain_id"),
    regolithTime: forkTime(j.regolith_time, "regolith_time"),
    canyonTime: forkTime(j.canyon_time, "canyon_time"),
    deltaTime: forkTime(j.delta_time, "delta_time"),
    ecotoneTime: forkTime(j.ecotone_time, "ecotone_time"),
    batchInboxAddress: address(j.batch_inbox_address, "batch_inbox_address"),
    depositContractAddress: address(j.deposit_contract_address, "deposit_contract_address"),
    l1SystemConfigAddress: address(j.l1_system_config_address, "l1_system_config_address"),
  };
  if (j.l2_output_oracle_address !== undefined && j.l2_output_oracle_address !== null) {
    cfg.l2OutputOracleAddress = address(j.l2_output_oracle_address, "l2_output_oracle_address");
  }
  validateRollupConfig(cfg);
  return cfg;
}

/**
 * Checks the rules a typed config must meet (op-node `Config.Check`): positive block time,
 * sequencing window and channel timeout, distinct chain ids, non-zero genesis hashes and
 * contract addresses, and Ore's forks active from genesis; Ore: a genesis gas limit of at most
 * `MAX_L2_GAS_LIMIT` (45M, SystemConfig's `MAXIMUM_GAS_LIMIT`, the provable bound). Throws
 * `InvalidRollupConfigError`.
 */
export function validateRollupConfig(cfg: RollupConfig): void {
  const fail = (field: string, msg: string): never => {
    throw new InvalidRollupConfigError(`rollup config: ${field}: ${msg}`);
  };
  if (cfg.blockTime < 1) fail("block_time", `expected at least 1, found ${cfg.blockTime}`);
  if (cfg.maxSequencerDrift < 1)
    fail("max_sequencer_drift", `expected at least 1, found ${cfg.maxSequencerDrift}`);
  if (cfg.seqWindowSize < 2) fail("seq_window_size", `expected at least 2, found ${cfg.seqWindowSize}`);
  if (cfg.channelTimeout < 1) fail("channel_timeout", `expected at least 1, found ${cfg.channelTimeout}`);
  if (cfg.l1ChainId < 1) fail("l1_chain_id", `expected a positive chain id, found ${cfg.l1ChainId}`);
  if (cfg.l2ChainId < 1) fail("l2_chain_id", `expected a positive chain id, found ${cfg.l2ChainId}`);
  if (cfg.l1ChainId === cfg.l2ChainId)
    fail("l2_chain_id", `must differ from l1_chain_id, both are ${cfg.l1ChainId}`);
  if (isZero(cfg.genesis.l1.hash)) fail("genesis.l1.hash", "expected a block hash, found zero");
  if (isZero(cfg.genesis.l2.hash)) fail("genesis.l2.hash", "expected a block hash, found zero");
  if (cfg.genesis.systemConfig.gasLimit < 1n)
    fail("genesis.system_config.gasLimit", "expected a positive gas limit, found 0");
  if (cfg.genesis.systemConfig.gasLimit > MAX_L2_GAS_LIMIT) {
    fail(
      "genesis.system_config.gasLimit",
      `expected at most ${MAX_L2_GAS_LIMIT} (SystemConfig's MAXIMUM_GAS_LIMIT: larger blocks are not provable), found ${cfg.genesis.systemConfig.gasLimit}`,
    );
  }
  for (const [field, v] of [
    ["batch_inbox_address", cfg.batchInboxAddress],
    ["deposit_contract_address", cfg.depositContractAddress],
    ["l1_system_config_address", cfg.l1SystemConfigAddress],
  ] as const) {
    if (isZero(v)) fail(field, "expected a contract address, found the zero address");
  }
  for (const [field, t] of [
    ["regolith_time", cfg.regolithTime],
    ["canyon_time", cfg.canyonTime],
    ["delta_time", cfg.deltaTime],
    ["ecotone_time", cfg.ecotoneTime],
  ] as const) {
    if (t !== 0) fail(field, `Ore runs this fork from genesis: expected 0, found ${t}`);
  }
}

/** The config as `rollup.json` (snake_case, numbers as JSON numbers, hashes as hex). */
export function rollupConfigToJson(cfg: RollupConfig): Record<string, unknown> {
  const sc = cfg.genesis.systemConfig;
  const out: Record<string, unknown> = {
    genesis: {
      l1: { hash: cfg.genesis.l1.hash, number: cfg.genesis.l1.number },
      l2: { hash: cfg.genesis.l2.hash, number: cfg.genesis.l2.number },
      l2_time: cfg.genesis.l2Time,
      system_config: {
        batcherAddr: sc.batcherAddr,
        overhead: sc.overhead,
        scalar: sc.scalar,
        gasLimit: Number(sc.gasLimit),
      },
    },
    block_time: cfg.blockTime,
    max_sequencer_drift: cfg.maxSequencerDrift,
    seq_window_size: cfg.seqWindowSize,
    channel_timeout: cfg.channelTimeout,
    l1_chain_id: cfg.l1ChainId,
    l2_chain_id: cfg.l2ChainId,
    regolith_time: cfg.regolithTime,
    canyon_time: cfg.canyonTime,
    delta_time: cfg.deltaTime,
    ecotone_time: cfg.ecotoneTime,
    batch_inbox_address: cfg.batchInboxAddress,
    deposit_contract_address: cfg.depositContractAddress,
    l1_system_config_address: cfg.l1SystemConfigAddress,
  };
  if (cfg.l2OutputOracleAddress !== undefined) out.l2_output_oracle_address = cfg.l2OutputOracleAddress;
  return out;
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new InvalidRollupConfigError(`rollup config: ${field}: expected an object, found ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

function uint(v: unknown, field: string): number {
  let n: number | undefined;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) n = Number(v);
  if (n === undefined || !Number.isSafeInteger(n) || n < 0) {
    throw new InvalidRollupConfigError(
      `rollup config: ${field}: expected a non-negative integer, found ${describe(v)}`,
    );
  }
  return n;
}

function forkTime(v: unknown, field: string): number {
  return v === undefined || v === null ? 0 : uint(v, field);
}

function hexOf(v: unknown, bytes: number, field: string, what: string): Hex {
  if (typeof v !== "string" || !new RegExp(`^0x[0-9a-fA-F]{${2 * bytes}}$`).test(v)) {
    throw new InvalidRollupConfigError(`rollup config: ${field}: expected ${what}, found ${describe(v)}`);
  }
  return v.toLowerCase() as Hex;
}

function address(v: unknown, field: string): Hex {
  return hexOf(v, 20, field, "a 20-byte 0x address");
}

function bytes32(v: unknown, field: string): Hex {
  return hexOf(v, 32, field, "32 bytes of 0x hex");
}

function blockId(v: unknown, field: string): BlockId {
  const o = obj(v, field);
  return { hash: bytes32(o.hash, `${field}.hash`), number: uint(o.number, `${field}.number`) };
}

function isZero(h: Hex): boolean {
  return /^0x0*$/.test(h);
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (v === null || typeof v !== "object") return String(v);
  return Array.isArray(v) ? "an array" : "an object";
}
