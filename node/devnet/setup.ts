/**
 * First-run setup of the devnet: deploy the L1 contracts (mining on demand while deploying,
 * then back to interval mining), and write the L2 genesis and the rollup config. The L2
 * genesis is anchored to the last deployment block: L2 block 0 has that block's timestamp,
 * which is also the oracle's starting timestamp.
 */
import { writeFileSync } from "node:fs";
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  parseEther,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployL1Contracts, type L1Deployment } from "../../contracts/deploy.ts";
import { type RollupConfig, validateRollupConfig } from "../../core/derive/rollupConfig.ts";
import { ecotoneScalarWord, ZERO32 } from "../../core/derive/systemConfig.ts";
import { devAccount, ROLES, userAccounts } from "./accounts.ts";
import { DevnetError } from "./errors.ts";
import { MULTICALL3_ADDRESS, MULTICALL3_RUNTIME } from "./multicall/multicall3.ts";

/** Chain parameters fixed at the devnet's genesis. */
export interface DevnetParams {
  l1ChainId: number;
  l2ChainId: number;
  l1BlockTime: number;
  l2BlockTime: number;
  submissionInterval: number;
  finalizationPeriodSeconds: number;
  proposalBondWei: string;
  seqWindowSize: number;
  channelTimeout: number;
  maxSequencerDrift: number;
  l2GasLimit: number;
}

/** The devnet's defaults: fast enough for a withdrawal round trip well under two minutes. */
export const DEFAULT_PARAMS: DevnetParams = {
  l1ChainId: 900,
  l2ChainId: 901,
  l1BlockTime: 2,
  l2BlockTime: 1,
  submissionInterval: 10,
  finalizationPeriodSeconds: 12,
  proposalBondWei: parseEther("0.01").toString(),
  seqWindowSize: 40,
  channelTimeout: 20,
  maxSequencerDrift: 60,
  l2GasLimit: 30_000_000,
};

/** The L1 chain as viem wants it. */
export function l1Chain(rpcUrl: string, id: number): Chain {
  return defineChain({
    id,
    name: `ore-l1-${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** What deployment produced, plus the L1 block the L2 genesis is anchored to. */
export interface DevnetDeployment {
  deployment: L1Deployment;
  genesisL1: { hash: Hex; number: number; timestamp: number };
}

/**
 * Deploys the L1 contracts with the devnet's roles and parameters. Every deployment block gets
 * the same timestamp T (anvil's timestamp interval set to 0 while mining on demand), and the
 * last of them becomes the L2 genesis's L1 block with L2 genesis time T, which is also the
 * oracle's starting timestamp. Anchoring at the last deployment block matters when L1 and L2
 * blocks come at the same pace: the sequencer's L1 origin advances by at most one L1 block per
 * L2 block, so a backlog of L1 blocks behind the genesis would never be made up.
 */
export async function deployDevnetContracts(l1RpcUrl: string, p: DevnetParams): Promise<DevnetDeployment> {
  const chain = l1Chain(l1RpcUrl, p.l1ChainId);
  const publicClient = createPublicClient({ chain, transport: http(l1RpcUrl) }) as PublicClient;
  const deployer = devAccount(ROLES.deployer);
  const wallet = createWalletClient({
    chain,
    transport: http(l1RpcUrl),
    account: privateKeyToAccount(deployer.privateKey),
  }) as WalletClient<Transport, Chain, Account>;
  // viem's multicall (and so its op-stack actions) expects Multicall3 at its usual address.
  await rpc(l1RpcUrl, "anvil_setCode", [MULTICALL3_ADDRESS, MULTICALL3_RUNTIME]);
  await rpc(l1RpcUrl, "evm_setAutomine", [true]);
  let deployment: L1Deployment;
  let last: Awaited<ReturnType<typeof publicClient.getBlock>>;
  let time: bigint;
  try {
    const head = await publicClient.getBlock({ blockTag: "latest" });
    time = head.timestamp + 1n;
    await rpc(l1RpcUrl, "evm_setNextBlockTimestamp", [Number(time)]);
    await rpc(l1RpcUrl, "anvil_setBlockTimestampInterval", [0]);
    deployment = await deployL1Contracts(wallet, publicClient, {
      owner: deployer.address,
      batcher: devAccount(ROLES.batcher).address,
      unsafeBlockSigner: devAccount(ROLES.unsafeSigner).address,
      l2GasLimit: BigInt(p.l2GasLimit),
      submissionInterval: BigInt(p.submissionInterval),
      l2BlockTime: BigInt(p.l2BlockTime),
      startingBlockNumber: 0n,
      startingTimestamp: time,
      finalizationPeriodSeconds: BigInt(p.finalizationPeriodSeconds),
      proposalBond: BigInt(p.proposalBondWei),
    });
    last = await publicClient.getBlock({ blockTag: "latest" });
  } finally {
    await rpc(l1RpcUrl, "anvil_removeBlockTimestampInterval", []);
    await rpc(l1RpcUrl, "evm_setAutomine", [false]);
    await rpc(l1RpcUrl, "evm_setIntervalMining", [p.l1BlockTime]);
  }
  if (last.timestamp !== time) {
    throw new DevnetError(
      `deployment blocks should all have timestamp ${time}; the last has ${last.timestamp}`,
    );
  }
  return {
    deployment,
    genesisL1: { hash: last.hash!, number: Number(last.number), timestamp: Number(last.timestamp) },
  };
}

/** Writes the L2 genesis: the user accounts funded, the predeploys pointed at the L1 contracts. */
export function writeL2Genesis(file: string, d: DevnetDeployment, p: DevnetParams): void {
  const alloc: Record<string, { balance: string }> = {};
  for (const a of userAccounts()) alloc[a.address] = { balance: `0x${parseEther("10000").toString(16)}` };
  const genesis = {
    config: { chainId: p.l2ChainId },
    timestamp: `0x${d.genesisL1.timestamp.toString(16)}`,
    gasLimit: `0x${p.l2GasLimit.toString(16)}`,
    baseFeePerGas: "0x3b9aca00",
    extraData: "0x",
    alloc,
    ore: {
      l1CrossDomainMessenger: d.deployment.addresses.L1CrossDomainMessenger,
      l1StandardBridge: d.deployment.addresses.L1StandardBridge,
      feeVaultRecipient: d.deployment.deployer,
    },
  };
  writeFileSync(file, `${JSON.stringify(genesis, null, 2)}\n`);
}

/** The rollup config of the devnet, once the L2 genesis hash is known. */
export function devnetRollupConfig(d: DevnetDeployment, l2GenesisHash: Hex, p: DevnetParams): RollupConfig {
  const c = d.deployment.config;
  const cfg: RollupConfig = {
    genesis: {
      l1: { hash: d.genesisL1.hash.toLowerCase() as Hex, number: d.genesisL1.number },
      l2: { hash: l2GenesisHash.toLowerCase() as Hex, number: 0 },
      l2Time: d.genesisL1.timestamp,
      systemConfig: {
        batcherAddr: c.batcher.toLowerCase() as Hex,
        overhead: ZERO32,
        scalar: ecotoneScalarWord({ baseFeeScalar: c.basefeeScalar, blobBaseFeeScalar: c.blobbasefeeScalar }),
        gasLimit: BigInt(p.l2GasLimit),
      },
    },
    blockTime: p.l2BlockTime,
    maxSequencerDrift: p.maxSequencerDrift,
    seqWindowSize: p.seqWindowSize,
    channelTimeout: p.channelTimeout,
    l1ChainId: p.l1ChainId,
    l2ChainId: p.l2ChainId,
    regolithTime: 0,
    canyonTime: 0,
    deltaTime: 0,
    ecotoneTime: 0,
    batchInboxAddress: d.deployment.addresses.BatchFeed.toLowerCase() as Hex,
    depositContractAddress: d.deployment.addresses.OptimismPortal.toLowerCase() as Hex,
    l1SystemConfigAddress: d.deployment.addresses.SystemConfig.toLowerCase() as Hex,
    l2OutputOracleAddress: d.deployment.addresses.L2OutputOracle.toLowerCase() as Hex,
  };
  validateRollupConfig(cfg);
  return cfg;
}
