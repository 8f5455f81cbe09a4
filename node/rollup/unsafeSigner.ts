/**
 * The unsafe-block signer as L1 says it is: SystemConfig's `unsafeBlockSigner()`, read at start
 * and read again whenever SystemConfig emits a `ConfigUpdate` of type 3 (`UNSAFE_BLOCK_SIGNER`).
 * p2p checks every gossiped block's signature against {@link UnsafeSignerWatch.get}.
 * Spec: https://specs.optimism.io/protocol/system-config.html#unsafeblocksigner-address
 */
import { type Hex, type PublicClient, pad, toHex } from "viem";
import { systemConfigAbi } from "../../contracts/artifacts/index.ts";
import { CONFIG_UPDATE_TOPIC, ConfigUpdateType } from "../../core/derive/systemConfig.ts";
import type { Logger } from "../log.ts";

/** Options of {@link UnsafeSignerWatch}. */
export interface UnsafeSignerWatchOptions {
  /** An L1 client. */
  client: PublicClient;
  /** The SystemConfig contract. */
  systemConfig: Hex;
  /** Milliseconds between looks for `ConfigUpdate` logs (default 10 000). */
  pollMs?: number;
  log: Logger;
}

const SIGNER_TOPIC = pad(toHex(ConfigUpdateType.unsafeBlockSigner), { size: 32 });

/** Keeps the unsafe-block signer address up to date. */
export class UnsafeSignerWatch {
  private current: Hex | undefined;
  private scannedTo = 0n;
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;

  private constructor(private readonly o: UnsafeSignerWatchOptions) {}

  /** Reads the signer and starts watching for updates; throws if L1 cannot be read. */
  static async start(o: UnsafeSignerWatchOptions): Promise<UnsafeSignerWatch> {
    const w = new UnsafeSignerWatch(o);
    w.scannedTo = await o.client.getBlockNumber({ cacheTime: 0 });
    await w.read();
    w.timer = setInterval(() => void w.poll(), o.pollMs ?? 10_000);
    return w;
  }

  /** The current signer address. */
  get(): Hex | undefined {
    return this.current;
  }

  /** Stops watching. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async read(): Promise<void> {
    const a = (await this.o.client.readContract({
      address: this.o.systemConfig,
      abi: systemConfigAbi,
      functionName: "unsafeBlockSigner",
    })) as Hex;
    if (a.toLowerCase() !== this.current?.toLowerCase())
      this.o.log.info("unsafe-block signer", { address: a, previous: this.current ?? "none" });
    this.current = a;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const head = await this.o.client.getBlockNumber({ cacheTime: 0 });
      if (head <= this.scannedTo) return;
      const logs = (await this.o.client.request({
        method: "eth_getLogs" as never,
        params: [
          {
            address: this.o.systemConfig,
            topics: [CONFIG_UPDATE_TOPIC, null, SIGNER_TOPIC],
            fromBlock: toHex(this.scannedTo + 1n),
            toBlock: toHex(head),
          },
        ] as never,
      })) as unknown[];
      // Read the contract rather than decode the log: it also covers a reorged-out update.
      if (logs.length > 0) await this.read();
      this.scannedTo = head;
    } catch (e) {
      this.o.log.debug("unsafe-block signer: L1 not readable, keeping the current one", {
        err: (e as Error).message,
      });
    } finally {
      this.polling = false;
    }
  }
}
