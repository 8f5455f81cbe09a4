/**
 * Deploys Ore's L1 contracts with viem to any L1 JSON-RPC endpoint and writes their addresses
 * to JSON:
 *
 *   bun contracts/deploy.ts --rpc-url http://127.0.0.1:8545 --private-key 0x… \
 *     [--config deploy-config.json] [--out deployments/l1.json]
 *
 * (`ORE_DEPLOYER_KEY` may replace `--private-key`.) The config file holds the fields of
 * {@link DeployConfig}; integers may be JSON numbers or decimal strings. Order:
 * SystemConfig → L2OutputOracle → OptimismPortal → BatchFeed → L1CrossDomainMessenger →
 * L1StandardBridge, each waiting for its receipt. `deployL1Contracts` is the same as a function.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  batchFeedAbi,
  batchFeedBytecode,
  l1CrossDomainMessengerAbi,
  l1CrossDomainMessengerBytecode,
  l1StandardBridgeAbi,
  l1StandardBridgeBytecode,
  l2OutputOracleAbi,
  l2OutputOracleBytecode,
  optimismPortalAbi,
  optimismPortalBytecode,
  systemConfigAbi,
  systemConfigBytecode,
} from "./artifacts/index.ts";
import { DeployConfigError, DeployError } from "./errors.ts";

/** L2 predeploys the L1 messenger and bridge pair with. */
export const L2_PREDEPLOYS = {
  L2CrossDomainMessenger: "0x4200000000000000000000000000000000000007",
  L2StandardBridge: "0x4200000000000000000000000000000000000010",
  L2ToL1MessagePasser: "0x4200000000000000000000000000000000000016",
} as const satisfies Record<string, Address>;

/** Parameters of a deployment. Omitted fields take the defaults of {@link withDefaults}. */
export interface DeployConfig {
  /** SystemConfig owner (default: the deployer). */
  owner?: Address;
  /** Only account allowed to append to BatchFeed (default: the deployer). */
  batcher?: Address;
  /** Key signing unsafe L2 blocks (default: the deployer). */
  unsafeBlockSigner?: Address;
  /** L2 block gas limit (default 30,000,000). */
  l2GasLimit?: bigint;
  /** Ecotone base fee scalar (default 1368). */
  basefeeScalar?: number;
  /** Ecotone blob base fee scalar (default 810949). */
  blobbasefeeScalar?: number;
  /** L2 blocks between output proposals (default 120). */
  submissionInterval?: bigint;
  /** Seconds per L2 block (default 2). */
  l2BlockTime?: bigint;
  /** L2 block of the anchor output (default 0). */
  startingBlockNumber?: bigint;
  /** L2 timestamp of that block (default: the latest L1 block's timestamp). */
  startingTimestamp?: bigint;
  /** Challenge window in seconds (default 7 days). */
  finalizationPeriodSeconds?: bigint;
  /** Bond per output proposal in wei (default 0.1 ETH). */
  proposalBond?: bigint;
  /** Dispute game allowed to delete outputs (default: unset, to be set once later). */
  disputeGame?: Address;
  /** L2 counterpart of the messenger (default: the predeploy). */
  l2CrossDomainMessenger?: Address;
  /** L2 counterpart of the bridge (default: the predeploy). */
  l2StandardBridge?: Address;
}

/** A {@link DeployConfig} with every field filled in. */
export type ResolvedDeployConfig = Required<Omit<DeployConfig, "disputeGame">> & { disputeGame: Address };

/** Addresses of the deployed contracts. */
export interface L1Addresses {
  SystemConfig: Address;
  L2OutputOracle: Address;
  OptimismPortal: Address;
  BatchFeed: Address;
  L1CrossDomainMessenger: Address;
  L1StandardBridge: Address;
}

/** What a deployment produced: where, by whom, with which parameters. */
export interface L1Deployment {
  l1ChainId: number;
  deployer: Address;
  /** L1 block of the first contract (where the node starts reading SystemConfig logs). */
  startBlock: bigint;
  config: ResolvedDeployConfig;
  addresses: L1Addresses;
}

const ZERO: Address = "0x0000000000000000000000000000000000000000";

/** Fills the omitted fields of `config`; `latestTimestamp` is the L1 head's timestamp. */
export function withDefaults(
  config: DeployConfig,
  deployer: Address,
  latestTimestamp: bigint,
): ResolvedDeployConfig {
  return {
    owner: config.owner ?? deployer,
    batcher: config.batcher ?? deployer,
    unsafeBlockSigner: config.unsafeBlockSigner ?? deployer,
    l2GasLimit: config.l2GasLimit ?? 30_000_000n,
    basefeeScalar: config.basefeeScalar ?? 1368,
    blobbasefeeScalar: config.blobbasefeeScalar ?? 810949,
    submissionInterval: config.submissionInterval ?? 120n,
    l2BlockTime: config.l2BlockTime ?? 2n,
    startingBlockNumber: config.startingBlockNumber ?? 0n,
    startingTimestamp: config.startingTimestamp ?? latestTimestamp,
    finalizationPeriodSeconds: config.finalizationPeriodSeconds ?? 7n * 24n * 3600n,
    proposalBond: config.proposalBond ?? 10n ** 17n,
    disputeGame: config.disputeGame ?? ZERO,
    l2CrossDomainMessenger: config.l2CrossDomainMessenger ?? L2_PREDEPLOYS.L2CrossDomainMessenger,
    l2StandardBridge: config.l2StandardBridge ?? L2_PREDEPLOYS.L2StandardBridge,
  };
}

/** Deploys all L1 contracts from `wallet`'s account and returns their addresses. */
export async function deployL1Contracts(
  wallet: WalletClient<Transport, Chain, Account>,
  publicClient: PublicClient,
  config: DeployConfig = {},
): Promise<L1Deployment> {
  const deployer = wallet.account.address;
  const head = await publicClient.getBlock();
  const c = withDefaults(config, deployer, head.timestamp);
  let startBlock: bigint | undefined;

  const deploy = async (
    name: string,
    abi: Abi,
    bytecode: Hex,
    args: readonly unknown[],
  ): Promise<Address> => {
    const hash = await wallet.deployContract({ abi, bytecode, args } as Parameters<
      typeof wallet.deployContract
    >[0]);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress) {
      throw new DeployError(`deploying ${name} failed: ${receipt.status} in tx ${hash}`, {
        details: { hash, status: receipt.status },
      });
    }
    startBlock ??= receipt.blockNumber;
    return getAddress(receipt.contractAddress);
  };

  const systemConfig = await deploy("SystemConfig", systemConfigAbi, systemConfigBytecode, [
    c.owner,
    c.basefeeScalar,
    c.blobbasefeeScalar,
    c.batcher,
    c.l2GasLimit,
    c.unsafeBlockSigner,
  ]);
  const oracle = await deploy("L2OutputOracle", l2OutputOracleAbi, l2OutputOracleBytecode, [
    c.submissionInterval,
    c.l2BlockTime,
    c.startingBlockNumber,
    c.startingTimestamp,
    c.finalizationPeriodSeconds,
    c.proposalBond,
    c.disputeGame,
  ]);
  const portal = await deploy("OptimismPortal", optimismPortalAbi, optimismPortalBytecode, [
    oracle,
    systemConfig,
  ]);
  const batchFeed = await deploy("BatchFeed", batchFeedAbi, batchFeedBytecode, [systemConfig]);
  const messenger = await deploy(
    "L1CrossDomainMessenger",
    l1CrossDomainMessengerAbi,
    l1CrossDomainMessengerBytecode,
    [portal, c.l2CrossDomainMessenger],
  );
  const bridge = await deploy("L1StandardBridge", l1StandardBridgeAbi, l1StandardBridgeBytecode, [
    messenger,
    c.l2StandardBridge,
  ]);

  return {
    l1ChainId: await publicClient.getChainId(),
    deployer,
    startBlock: startBlock!,
    config: c,
    addresses: {
      SystemConfig: systemConfig,
      L2OutputOracle: oracle,
      OptimismPortal: portal,
      BatchFeed: batchFeed,
      L1CrossDomainMessenger: messenger,
      L1StandardBridge: bridge,
    },
  };
}

/** JSON text of a deployment (bigints as decimal strings). */
export function deploymentToJson(d: L1Deployment): string {
  return `${JSON.stringify(d, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}

const BIGINT_FIELDS = [
  "l2GasLimit",
  "submissionInterval",
  "l2BlockTime",
  "startingBlockNumber",
  "startingTimestamp",
  "finalizationPeriodSeconds",
  "proposalBond",
] as const;
const NUMBER_FIELDS = ["basefeeScalar", "blobbasefeeScalar"] as const;
const ADDRESS_FIELDS = [
  "owner",
  "batcher",
  "unsafeBlockSigner",
  "disputeGame",
  "l2CrossDomainMessenger",
  "l2StandardBridge",
] as const;

/** Parses a deploy config from JSON text, rejecting unknown fields and malformed values. */
export function parseDeployConfig(text: string): DeployConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DeployConfigError(`deploy config: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new DeployConfigError("deploy config: expected a JSON object");
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if ((BIGINT_FIELDS as readonly string[]).includes(key)) {
      const ok =
        typeof value === "number"
          ? Number.isSafeInteger(value) && value >= 0
          : typeof value === "string" && /^\d+$/.test(value);
      if (!ok) {
        throw new DeployConfigError(`deploy config: ${key}: expected a non-negative integer, found ${value}`);
      }
      out[key] = BigInt(value as number | string);
    } else if ((NUMBER_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new DeployConfigError(`deploy config: ${key}: expected a uint32, found ${value}`);
      }
      out[key] = value;
    } else if ((ADDRESS_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
        throw new DeployConfigError(`deploy config: ${key}: expected a 20-byte hex address, found ${value}`);
      }
      out[key] = value;
    } else {
      throw new DeployConfigError(`deploy config: unknown field ${key}`);
    }
  }
  return out as DeployConfig;
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rpcUrl = argValue(args, "--rpc-url");
  const key = (argValue(args, "--private-key") ?? process.env.ORE_DEPLOYER_KEY) as Hex | undefined;
  const configPath = argValue(args, "--config");
  const outPath = argValue(args, "--out") ?? "deployments/l1.json";
  if (!rpcUrl || !key) {
    console.error(
      "usage: bun contracts/deploy.ts --rpc-url URL --private-key KEY [--config FILE] [--out FILE]\n" +
        "       (ORE_DEPLOYER_KEY may replace --private-key)",
    );
    process.exit(2);
  }
  const config = configPath ? parseDeployConfig(readFileSync(configPath, "utf8")) : {};
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const chainId = await publicClient.getChainId();
  const chain = defineChain({
    id: chainId,
    name: `l1-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const wallet = createWalletClient({ account: privateKeyToAccount(key), chain, transport: http(rpcUrl) });
  const deployment = await deployL1Contracts(wallet, publicClient as PublicClient, config);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, deploymentToJson(deployment));
  for (const [name, address] of Object.entries(deployment.addresses))
    console.log(`${name.padEnd(24)} ${address}`);
  console.log(`addresses written to ${outPath}`);
}

if (import.meta.main) await main();
