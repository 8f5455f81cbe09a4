/**
 * Test kit for the L1 contracts: starts an anvil, deploys Ore's contracts with the deploy
 * script, and offers the few helpers the end-to-end tests and the gas benchmark share (send a
 * transaction and get its receipt, expect a revert reason, move L1 time). Not used in
 * production code.
 */
import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type DecodeEventLogReturnType,
  decodeEventLog,
  defineChain,
  encodeAbiParameters,
  getAddress,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  pad,
  type TestClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ANVIL_KEYS, type Anvil, type AnvilOptions, startAnvil } from "../test/helpers/anvil.ts";
import { l2OutputOracleAbi, optimismPortalAbi } from "./artifacts/index.ts";
import { type DeployConfig, deployL1Contracts, type L1Deployment } from "./deploy.ts";
import { hashWithdrawal, MessagePasserState, type WithdrawalTransaction } from "./withdrawals.ts";

/** A funded L1 account with its own wallet client. */
export type L1Wallet = WalletClient<Transport, Chain, Account>;

/** A running L1 with Ore's contracts deployed. */
export interface L1Fixture {
  anvil: Anvil;
  chain: Chain;
  publicClient: PublicClient;
  testClient: TestClient;
  deployment: L1Deployment;
  /** Deployer and SystemConfig owner. */
  deployer: L1Wallet;
  /** The batcher SystemConfig names. */
  batcher: L1Wallet;
  /** An output proposer. */
  proposer: L1Wallet;
  /** An EOA standing in for the dispute-game contract. */
  game: L1Wallet;
  /** An ordinary user. */
  user: L1Wallet;
  stop(): Promise<void>;
}

/**
 * Starts an anvil and deploys the contracts. The dispute game is an EOA (`game`) so tests can
 * call its hook directly; `config` overrides any other deployment parameter.
 */
export async function setupL1(
  config: DeployConfig = {},
  anvilOptions: AnvilOptions = {},
): Promise<L1Fixture> {
  const anvil = await startAnvil(anvilOptions);
  try {
    const chain = defineChain({
      id: anvil.chainId,
      name: "anvil",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [anvil.rpcUrl] } },
    });
    const transport = http(anvil.rpcUrl);
    // anvil mines on every transaction: poll for receipts often.
    const publicClient = createPublicClient({ chain, transport, pollingInterval: 10 }) as PublicClient;
    const testClient = createTestClient({ chain, transport, mode: "anvil" }) as unknown as TestClient;
    const wallet = (i: number): L1Wallet =>
      createWalletClient({
        account: privateKeyToAccount(ANVIL_KEYS[i]!),
        chain,
        transport,
        pollingInterval: 10,
      });
    const [deployer, batcher, proposer, game, user] = [0, 1, 2, 3, 4].map(wallet) as [
      L1Wallet,
      L1Wallet,
      L1Wallet,
      L1Wallet,
      L1Wallet,
    ];
    const deployment = await deployL1Contracts(deployer, publicClient, {
      batcher: batcher.account.address,
      disputeGame: game.account.address,
      ...config,
    });
    return {
      anvil,
      chain,
      publicClient,
      testClient,
      deployment,
      deployer,
      batcher,
      proposer,
      game,
      user,
      stop: () => anvil.stop(),
    };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

/** Arguments of {@link send}: a contract write. */
export interface SendArgs {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
  value?: bigint;
  gas?: bigint;
}

/**
 * Sends a contract call from `wallet` and returns its receipt; throws if it reverts. With an
 * explicit `gas`, estimation is skipped (how a test gets a call mined that would revert).
 */
export async function send(
  publicClient: PublicClient,
  wallet: L1Wallet,
  a: SendArgs,
  opts: { allowRevert?: boolean } = {},
): Promise<TransactionReceipt> {
  const hash = await wallet.writeContract(a as Parameters<L1Wallet["writeContract"]>[0]);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" && !opts.allowRevert)
    throw new Error(`${a.functionName} reverted (tx ${hash})`);
  return receipt;
}

/**
 * The revert reason of a failed call: the `Error(string)` message, the custom error name, or
 * the panic reason viem decoded. `undefined` when the error is not a contract revert.
 */
export function revertReason(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    return (reverted.data?.args?.[0] as string | undefined) ?? reverted.data?.errorName ?? reverted.reason;
  }
  return undefined;
}

/**
 * Simulates the call `a` from `wallet`'s account and resolves to its revert reason; throws if
 * the call would succeed. Simulation is exactly the revert a transaction would hit, without
 * mining one.
 */
export async function revertOf(publicClient: PublicClient, wallet: L1Wallet, a: SendArgs): Promise<string> {
  try {
    await publicClient.simulateContract({
      ...(a as Parameters<PublicClient["simulateContract"]>[0]),
      account: wallet.account,
    });
  } catch (err) {
    const reason = revertReason(err);
    if (reason !== undefined) return reason;
    throw err;
  }
  throw new Error(`${a.functionName} was expected to revert but succeeded`);
}

/** Moves anvil's clock forward by `seconds` and mines a block at the new time. */
export async function increaseTime(testClient: TestClient, seconds: bigint | number): Promise<void> {
  await testClient.increaseTime({ seconds: Number(seconds) });
  await testClient.mine({ blocks: 1 });
}

/** Decoded logs of `receipt` emitted by `address` that `abi` knows, in order. */
export function eventsOf<const abi extends Abi>(
  receipt: TransactionReceipt,
  abi: abi,
  address: Address,
): DecodeEventLogReturnType<abi>[] {
  const out: DecodeEventLogReturnType<abi>[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    try {
      out.push(decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]] }));
    } catch {
      // An event of another ABI emitted by the same address; not ours to decode.
    }
  }
  return out;
}

/** The L2 alias of an L1 contract address (+0x1111…1111 mod 2^160). */
export function applyL1ToL2Alias(address: Address): Address {
  const offset = 0x1111000000000000000000000000000000001111n;
  const aliased = (BigInt(address) + offset) % 2n ** 160n;
  return getAddress(`0x${aliased.toString(16).padStart(40, "0")}`);
}

/**
 * A withdrawal's hash computed apart from contracts/withdrawals.ts, with viem's ABI encoder and
 * keccak256 (Bedrock's `Hashing.hashWithdrawal`): the reference the tests check it against.
 */
export function referenceWithdrawalHash(w: WithdrawalTransaction): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "bytes" },
      ],
      [w.nonce, w.sender, w.target, w.value, w.gasLimit, w.data],
    ),
  );
}

/**
 * Drives withdrawals through a deployed portal: records them in a hand-built L2 state
 * ({@link MessagePasserState}), proposes output roots of that state, proves and finalizes.
 * The proposer pays the bond configured in the fixture's deployment.
 */
export class WithdrawalHarness {
  /** The L2 state every published output commits to. */
  readonly l2 = new MessagePasserState();
  private readonly snapshots = new Map<bigint, ReturnType<MessagePasserState["snapshot"]>>();
  private nonce = 0n;

  constructor(private readonly f: L1Fixture) {}

  /** A withdrawal with the next message-passer nonce (version 1 in the top two bytes). */
  withdrawal(w: Omit<WithdrawalTransaction, "nonce">): WithdrawalTransaction {
    return { nonce: (1n << 240n) | this.nonce++, ...w };
  }

  /** Records `w` in the L2 state and returns its hash. */
  add(w: WithdrawalTransaction): Hex {
    return this.l2.add(w);
  }

  /** Proposes the current L2 state's output root at the next block number; returns its index. */
  async publish(latestBlockhash?: Hex): Promise<bigint> {
    const snap = this.l2.snapshot(latestBlockhash);
    const oracle = { address: this.f.deployment.addresses.L2OutputOracle, abi: l2OutputOracleAbi } as const;
    const next = await this.f.publicClient.readContract({ ...oracle, functionName: "nextBlockNumber" });
    const index = await this.f.publicClient.readContract({ ...oracle, functionName: "nextOutputIndex" });
    await send(this.f.publicClient, this.f.proposer, {
      ...oracle,
      functionName: "proposeL2Output",
      args: [snap.outputRoot, next, pad("0x00"), 0n],
      value: this.f.deployment.config.proposalBond,
    });
    this.snapshots.set(index, snap);
    return index;
  }

  /** The output-root preimage and proof builder of the output published at `index`. */
  snapshotAt(index: bigint): ReturnType<MessagePasserState["snapshot"]> {
    const snap = this.snapshots.get(index);
    if (!snap) throw new Error(`no output published by this harness at index ${index}`);
    return snap;
  }

  /** Arguments of `proveWithdrawalTransaction` for `w` against the output at `index`. */
  proveArgs(w: WithdrawalTransaction, index: bigint) {
    const snap = this.snapshotAt(index);
    return [w, index, snap.outputRootProof, snap.proveWithdrawal(hashWithdrawal(w))] as const;
  }

  /** Proves `w` against the output at `index` from `wallet` (default: the user). */
  prove(
    w: WithdrawalTransaction,
    index: bigint,
    wallet: L1Wallet = this.f.user,
  ): Promise<TransactionReceipt> {
    return send(this.f.publicClient, wallet, {
      address: this.f.deployment.addresses.OptimismPortal,
      abi: optimismPortalAbi,
      functionName: "proveWithdrawalTransaction",
      args: this.proveArgs(w, index),
    });
  }

  /** Moves L1 time past the finalization period. */
  mature(): Promise<void> {
    return increaseTime(this.f.testClient, this.f.deployment.config.finalizationPeriodSeconds + 1n);
  }

  /** Finalizes `w` from `wallet` (default: the user). */
  finalize(w: WithdrawalTransaction, wallet: L1Wallet = this.f.user): Promise<TransactionReceipt> {
    return send(this.f.publicClient, wallet, {
      address: this.f.deployment.addresses.OptimismPortal,
      abi: optimismPortalAbi,
      functionName: "finalizeWithdrawalTransaction",
      args: [w],
    });
  }
}
