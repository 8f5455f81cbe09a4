/**
 * The output proposer (op-proposer): whenever the rollup node's safe head reaches the
 * L2OutputOracle's `nextBlockNumber()` (every `SUBMISSION_INTERVAL` L2 blocks), it reads that
 * block's output root from `optimism_outputAtBlock` and calls `proposeL2Output` with the bond,
 * anchored to the L1 head it saw (so an L1 reorg voids the proposal instead of leaving a
 * proposal made against another L1 chain). A reverted or lost proposal is simply made again.
 * Spec: https://specs.optimism.io/protocol/proposals.html
 */
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { l2OutputOracleAbi } from "../../contracts/artifacts/index.ts";
import type { Logger } from "../log.ts";
import { RpcClient } from "../rollup/rpcClient.ts";

/** Options of {@link Proposer}. */
export interface ProposerOptions {
  l1RpcUrl: string;
  rollupRpcUrl: string;
  privateKey: Hex;
  /** Default: the rollup node's `l2_output_oracle_address`. */
  l2OutputOracle?: Hex;
  /** Propose only finalized L2 blocks (default: safe ones). */
  finalizedOnly?: boolean;
  pollIntervalMs?: number;
  log: Logger;
}

interface Status {
  head_l1: { hash: Hex; number: number };
  safe_l2: { number: number };
  finalized_l2: { number: number };
}

/** The proposer. */
export class Proposer {
  /** Proposals mined successfully by this process. */
  proposed = 0;
  private readonly rollup: RpcClient;
  private readonly l1: PublicClient;
  private wallet: WalletClient<ReturnType<typeof http>, Chain, Account> | undefined;
  private oracle: Hex | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastError = "";

  constructor(private readonly o: ProposerOptions) {
    this.rollup = new RpcClient(o.rollupRpcUrl);
    this.l1 = createPublicClient({ transport: http(o.l1RpcUrl), pollingInterval: 250 }) as PublicClient;
  }

  /** Starts the loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the current iteration. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let again = false;
      try {
        again = await this.tick();
        this.lastError = "";
      } catch (e) {
        const msg = (e as Error).message
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l !== "")
          .slice(0, 2)
          .join(" ");
        if (msg !== this.lastError) this.o.log.warn("proposer iteration failed", { err: msg });
        this.lastError = msg;
      }
      if (again) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.o.pollIntervalMs ?? 1000);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private async setup() {
    if (this.wallet && this.oracle) return { wallet: this.wallet, oracle: this.oracle };
    const cfg = await this.rollup.call<{ l2_output_oracle_address?: Hex; l1_chain_id: number }>(
      "optimism_rollupConfig",
    );
    const oracle = this.o.l2OutputOracle ?? cfg.l2_output_oracle_address;
    if (!oracle)
      throw new Error("no L2OutputOracle address: pass one or put l2_output_oracle_address in rollup.json");
    const chain = defineChain({
      id: cfg.l1_chain_id,
      name: `l1-${cfg.l1_chain_id}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [this.o.l1RpcUrl] } },
    });
    this.wallet = createWalletClient({
      chain,
      account: privateKeyToAccount(this.o.privateKey),
      transport: http(this.o.l1RpcUrl),
    });
    this.oracle = oracle;
    return { wallet: this.wallet, oracle };
  }

  /** One attempt; true when a proposal was made and another may be due at once. */
  private async tick(): Promise<boolean> {
    const { wallet, oracle } = await this.setup();
    const next = (await this.l1.readContract({
      address: oracle,
      abi: l2OutputOracleAbi,
      functionName: "nextBlockNumber",
    })) as bigint;
    const status = await this.rollup.call<Status>("optimism_syncStatus");
    const ready = this.o.finalizedOnly ? status.finalized_l2.number : status.safe_l2.number;
    if (BigInt(ready) < next) return false;
    const out = await this.rollup.call<{ outputRoot: Hex; blockRef: { number: number } }>(
      "optimism_outputAtBlock",
      [`0x${next.toString(16)}`],
    );
    if (BigInt(out.blockRef.number) !== next)
      throw new Error(`node answered block ${out.blockRef.number} for ${next}`);
    const bond = (await this.l1.readContract({
      address: oracle,
      abi: l2OutputOracleAbi,
      functionName: "PROPOSAL_BOND",
    })) as bigint;
    const hash = await wallet.writeContract({
      address: oracle,
      abi: l2OutputOracleAbi,
      functionName: "proposeL2Output",
      args: [out.outputRoot, next, status.head_l1.hash, BigInt(status.head_l1.number)],
      value: bond,
    });
    // Poll for the receipt ourselves, so that stop() never waits on it for long.
    let receipt: Awaited<ReturnType<PublicClient["getTransactionReceipt"]>> | undefined;
    for (let i = 0; i < 120 && this.running && !receipt; i++) {
      receipt = await this.l1.getTransactionReceipt({ hash }).catch(() => undefined);
      if (!receipt) await new Promise((r) => setTimeout(r, 250));
    }
    if (!receipt) return false;
    if (receipt.status !== "success") {
      this.o.log.warn("proposal reverted; will retry", { block: next, tx: hash });
      return false;
    }
    this.proposed++;
    this.o.log.info("output proposed", {
      block: next,
      root: out.outputRoot,
      l1: Number(receipt.blockNumber),
    });
    return true;
  }
}
