/**
 * Genesis JSON → the L2's first state and header fields. The file is geth's genesis format
 * (the subset the engine uses) plus an `ore` section that the engine turns into predeploy
 * storage. Numbers may be `0x` hex strings, decimal strings or JSON numbers; alloc keys may
 * omit `0x`. Format: docs/engine.md#genesis.
 *
 * ```json
 * { "config": { "chainId": 901 },
 *   "timestamp": "0x0", "gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00", "extraData": "0x",
 *   "alloc": { "0xf39f…": { "balance": "0x21e19e0c9bab2400000", "nonce": "0x0", "code": "0x", "storage": {} } },
 *   "ore": { "l1CrossDomainMessenger": "0x…", "l1StandardBridge": "0x…", "feeVaultRecipient": "0x…" } }
 * ```
 */

import { fromHex, toHex } from "../bytes.ts";
import { InvalidGenesisError } from "./errors.ts";
import { BEACON_ROOTS, PREDEPLOYS } from "./predeploys.ts";
import { MAX_L2_GAS_LIMIT } from "./provableLimits.ts";
import { bytesToUint } from "./words.ts";

/** One genesis account. */
export interface GenesisAccount {
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  /** 32-byte slot → 32-byte value (non-zero values only). */
  storage: Map<bigint, bigint>;
}

/** L1 addresses the L2 predeploys point at, written into their storage at genesis. */
export interface OreGenesisConfig {
  l1CrossDomainMessenger?: Uint8Array;
  l1StandardBridge?: Uint8Array;
  /** L1 address the fee vaults withdraw to. */
  feeVaultRecipient?: Uint8Array;
}

/** A parsed genesis: header fields and lower-case hex address → account. */
export interface Genesis {
  chainId: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  baseFeePerGas: bigint;
  extraData: Uint8Array;
  alloc: Map<string, GenesisAccount>;
  ore: OreGenesisConfig;
}

/** Default base fee of block 0 when the file gives none (1 gwei, as geth). */
export const DEFAULT_GENESIS_BASE_FEE = 1_000_000_000n;

/** Parses a genesis JSON value; throws `InvalidGenesisError` naming the first bad field. */
export function parseGenesis(json: unknown): Genesis {
  const g = obj(json, "genesis");
  const config = obj(g.config, "config");
  const alloc = new Map<string, GenesisAccount>();
  for (const [key, value] of Object.entries(obj(g.alloc ?? {}, "alloc"))) {
    const address = addressHex(key, `alloc key ${key}`);
    if (alloc.has(address)) throw new InvalidGenesisError(`genesis: duplicate alloc address ${address}`);
    const a = account(value, `alloc[${key}]`);
    // EIP-161 deletes an empty account when it is touched; Ore's fault-proof machine models no
    // empty accounts (docs/fault-proof.md §3.3), and no transaction can create one, so a genesis
    // holding one is refused rather than giving a chain whose blocks cannot be proved.
    if (a.balance === 0n && a.nonce === 0n && a.code.length === 0) {
      throw new InvalidGenesisError(
        `genesis: alloc[${key}] is an empty account (no balance, nonce or code; EIP-161); give it a balance, a nonce or code, or leave it out`,
      );
    }
    alloc.set(address, a);
  }
  const ore = obj(g.ore ?? {}, "ore");
  const extraData = bytes(g.extraData ?? "0x", "extraData");
  if (extraData.length > 32)
    throw new InvalidGenesisError(`genesis: extraData must be at most 32 bytes, found ${extraData.length}`);
  return {
    chainId: uint(config.chainId, "config.chainId"),
    timestamp: uint(g.timestamp ?? 0, "timestamp"),
    gasLimit: gasLimit(uint(g.gasLimit ?? 30_000_000, "gasLimit")),
    baseFeePerGas: uint(g.baseFeePerGas ?? DEFAULT_GENESIS_BASE_FEE, "baseFeePerGas"),
    extraData,
    alloc,
    ore: {
      l1CrossDomainMessenger: optAddress(ore.l1CrossDomainMessenger, "ore.l1CrossDomainMessenger"),
      l1StandardBridge: optAddress(ore.l1StandardBridge, "ore.l1StandardBridge"),
      feeVaultRecipient: optAddress(ore.feeVaultRecipient, "ore.feeVaultRecipient"),
    },
  };
}

function gasLimit(v: bigint): bigint {
  if (v > MAX_L2_GAS_LIMIT)
    throw new InvalidGenesisError(
      `genesis: gasLimit must be at most ${MAX_L2_GAS_LIMIT} (provable bound), found ${v}`,
    );
  return v;
}

function account(v: unknown, where: string): GenesisAccount {
  const a = obj(v, where);
  const storage = new Map<bigint, bigint>();
  for (const [slot, value] of Object.entries(obj(a.storage ?? {}, `${where}.storage`))) {
    const val = uint(value, `${where}.storage[${slot}]`);
    if (val >> 256n !== 0n)
      throw new InvalidGenesisError(`genesis: ${where}.storage[${slot}] exceeds 32 bytes`);
    if (val !== 0n) storage.set(uint(slot, `${where}.storage key ${slot}`), val);
  }
  return {
    balance: uint(a.balance ?? 0, `${where}.balance`),
    nonce: uint(a.nonce ?? 0, `${where}.nonce`),
    code: bytes(a.code ?? "0x", `${where}.code`),
    storage,
  };
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new InvalidGenesisError(
      `genesis: ${where} must be an object, found ${v === null ? "null" : typeof v}`,
    );
  }
  return v as Record<string, unknown>;
}

function uint(v: unknown, where: string): bigint {
  if (typeof v === "bigint" && v >= 0n) return v;
  try {
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return BigInt(v);
  } catch {}
  throw new InvalidGenesisError(`genesis: ${where} must be a non-negative integer, found ${String(v)}`);
}

function bytes(v: unknown, where: string): Uint8Array {
  if (typeof v === "string" && /^(0x)?([0-9a-fA-F]{2})*$/.test(v)) return fromHex(v);
  throw new InvalidGenesisError(`genesis: ${where} must be hex bytes, found ${JSON.stringify(v)}`);
}

function addressHex(v: string, where: string): string {
  const s = v.startsWith("0x") || v.startsWith("0X") ? v.slice(2) : v;
  if (!/^[0-9a-fA-F]{40}$/.test(s))
    throw new InvalidGenesisError(`genesis: ${where} is not a 20-byte address`);
  return `0x${s.toLowerCase()}`;
}

function optAddress(v: unknown, where: string): Uint8Array | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new InvalidGenesisError(`genesis: ${where} must be an address string`);
  return fromHex(addressHex(v, where));
}

/** Runtime code of each predeploy contract (FeeVault serves all three vaults). */
export interface PredeployCode {
  L1Block: Uint8Array;
  GasPriceOracle: Uint8Array;
  L2ToL1MessagePasser: Uint8Array;
  L2CrossDomainMessenger: Uint8Array;
  L2StandardBridge: Uint8Array;
  OptimismMintableERC20Factory: Uint8Array;
  FeeVault: Uint8Array;
}

/**
 * The genesis alloc with every predeploy and EIP-4788's beacon roots contract (nonce 1) added (an
 * alloc entry already at one of their addresses wins), and their genesis storage: slot 0 of the messenger is the L1 messenger, slot 0 of the
 * bridge the L1 bridge, slot 0 of each fee vault the fee recipient (contracts/src/L2/).
 */
export function allocWithPredeploys(g: Genesis, code: PredeployCode): Map<string, GenesisAccount> {
  const out = new Map(g.alloc);
  const slot0 = (a: Uint8Array | undefined) => {
    const m = new Map<bigint, bigint>();
    if (a) m.set(0n, bytesToUint(a));
    return m;
  };
  const add = (address: Uint8Array, runtime: Uint8Array, storage = new Map<bigint, bigint>(), nonce = 0n) => {
    const key = toHex(address);
    if (!out.has(key)) out.set(key, { balance: 0n, nonce, code: runtime, storage });
  };
  add(PREDEPLOYS.L1Block, code.L1Block);
  add(PREDEPLOYS.GasPriceOracle, code.GasPriceOracle);
  add(PREDEPLOYS.L2ToL1MessagePasser, code.L2ToL1MessagePasser);
  add(PREDEPLOYS.L2CrossDomainMessenger, code.L2CrossDomainMessenger, slot0(g.ore.l1CrossDomainMessenger));
  add(PREDEPLOYS.L2StandardBridge, code.L2StandardBridge, slot0(g.ore.l1StandardBridge));
  add(PREDEPLOYS.OptimismMintableERC20Factory, code.OptimismMintableERC20Factory);
  for (const vault of [PREDEPLOYS.SequencerFeeVault, PREDEPLOYS.BaseFeeVault, PREDEPLOYS.L1FeeVault]) {
    add(vault, code.FeeVault, slot0(g.ore.feeVaultRecipient));
  }
  add(BEACON_ROOTS.address, BEACON_ROOTS.code, new Map(), 1n);
  return out;
}
