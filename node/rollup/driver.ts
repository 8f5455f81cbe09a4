/**
 * The rollup driver (op-node `rollup/driver`): one loop that follows L1, runs the derivation
 * pipeline and drives the engine's forkchoice, and, on a sequencer, produces blocks.
 *
 * Heads: **unsafe** (the engine's head: sequenced or derived), **safe** (derived from L1),
 * **finalized** (derived from finalized L1 data only). Each tick:
 * 1. refresh the L1 head (and every few ticks the finalized block);
 * 2. reset if asked to, or if the unsafe head's L1 origin is no longer canonical (L1 reorg);
 * 3. step derivation: each attributes result either matches the next unsafe block
 *    (consolidation: only the safe head moves) or replaces it (build from the attributes);
 *    a block whose forced transactions the engine refuses is retried with deposits only
 *    (`derivedBlock.ts`), and a refused deposits-only block halts derivation (critical);
 * 4. finalize the safe blocks whose L1 provenance is now finalized;
 * 5. on an active sequencer, build every block whose timestamp has come.
 *
 * Reset (op-node `FindL2Heads`): walk the unsafe head back until its L1 origin is canonical,
 * then walk the safe head back to the first block of an epoch at least a sequencing window
 * behind that origin (or the finalized head), so that everything after it is re-derived from
 * L1 and either consolidated or replaced. The pipeline restarts from there.
 * Spec: https://specs.optimism.io/protocol/derivation.html#resetting-the-pipeline
 */
import { type Hex, toHex } from "viem";
import type { Decompressor } from "../../core/derive/compression.ts";
import { DerivationPipeline } from "../../core/derive/pipeline.ts";
import type { RollupConfig } from "../../core/derive/rollupConfig.ts";
import type {
  AttributesWithParent,
  BlockId,
  L1BlockRef,
  L2BlockRef,
  PayloadAttributes,
} from "../../core/derive/types.ts";
import { PipelineError } from "../../core/errors.ts";
import type { Logger } from "../log.ts";
import { Sequencer } from "../sequencer/sequencer.ts";
import { attributesMismatch } from "./consolidate.ts";
import { buildDerivedBlock } from "./derivedBlock.ts";
import type { EngineClient, ForkchoiceState, PayloadEnvelope } from "./engineClient.ts";
import { EngineError } from "./errors.ts";
import { type L1Client, withConfirmations } from "./l1Client.ts";
import { EngineL2Source } from "./l2Source.ts";
import { rawTransaction } from "./l2Transactions.ts";

/** Options of {@link Driver}. */
export interface DriverOptions {
  config: RollupConfig;
  l1: L1Client;
  engine: EngineClient;
  decompressor: Decompressor;
  log: Logger;
  /** L1 blocks derivation stays behind the L1 head (default 0). */
  verifierL1Confs?: number;
  /** Run the sequencer (default false). */
  sequencer?: boolean;
  /** L1 blocks a sequencer origin must be buried under (default 4, as op-node). */
  sequencerL1Confs?: number;
  /** Start with the sequencer stopped (admin_startSequencer starts it). */
  sequencerStopped?: boolean;
  /** Milliseconds between idle ticks (default 250). */
  pollIntervalMs?: number;
  /** Wall clock in seconds (tests may move it). */
  now?: () => number;
  /** Told of every block the sequencer built, with `engine_getPayloadV3`'s envelope (p2p publishes it). */
  onSequenced?: (envelope: PayloadEnvelope) => void;
}

/** op-node's `eth.SyncStatus` (the fields Ore fills). */
export interface SyncStatus {
  currentL1: L1BlockRef;
  currentL1Finalized: L1BlockRef;
  headL1: L1BlockRef;
  safeL1: L1BlockRef;
  finalizedL1: L1BlockRef;
  unsafeL2: L2BlockRef;
  safeL2: L2BlockRef;
  finalizedL2: L2BlockRef;
  pendingSafeL2: L2BlockRef;
}

/** Counters of what the driver did, for status lines and tests. */
export interface DriverStats {
  sequenced: number;
  derived: number;
  consolidated: number;
  replaced: number;
  resets: number;
  reorgs: number;
  depositOnlyRetries: number;
}

const ZERO_L1: L1BlockRef = {
  hash: `0x${"00".repeat(32)}`,
  number: 0,
  parentHash: `0x${"00".repeat(32)}`,
  timestamp: 0,
};

/** Drives one engine from L1 (and, on a sequencer, from its own block production). */
export class Driver {
  readonly l2: EngineL2Source;
  readonly stats: DriverStats = {
    sequenced: 0,
    derived: 0,
    consolidated: 0,
    replaced: 0,
    resets: 0,
    reorgs: 0,
    depositOnlyRetries: 0,
  };
  private readonly pipeline: DerivationPipeline;
  private readonly sequencer: Sequencer | undefined;
  private sequencerActive: boolean;
  private unsafe: L2BlockRef | undefined;
  private safe: L2BlockRef | undefined;
  private finalized: L2BlockRef | undefined;
  private l1Head: L1BlockRef = ZERO_L1;
  private l1Safe: L1BlockRef = ZERO_L1;
  private l1Finalized: L1BlockRef = ZERO_L1;
  private currentL1: L1BlockRef = ZERO_L1;
  private needsReset = true;
  private halted: string | undefined;
  private finality: { l2: L2BlockRef; l1: L1BlockRef }[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private ticks = 0;
  private lastError = "";
  private building: Promise<unknown> | undefined;
  private resetsWithoutProgress = 0;
  private mutex: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: DriverOptions) {
    this.l2 = new EngineL2Source(o.engine, o.config);
    const derivationL1 = withConfirmations(o.l1, o.verifierL1Confs ?? 0, () => this.l1Head.number);
    this.pipeline = new DerivationPipeline(o.config, derivationL1, this.l2, {
      decompressor: o.decompressor,
      onEvent: (e) =>
        o.log.info("derivation dropped input", {
          stage: e.stage,
          kind: e.kind,
          reason: e.reason,
          l1: e.origin.number,
        }),
    });
    if (o.sequencer) {
      this.sequencer = new Sequencer({
        config: o.config,
        l1: o.l1,
        l1Confs: o.sequencerL1Confs ?? 4,
        l1Head: () => this.l1Head.number,
        engine: o.engine,
        l2: this.l2,
        log: o.log,
      });
    }
    this.sequencerActive = !!o.sequencer && !o.sequencerStopped;
  }

  /** Starts the loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the loop after the current tick. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** True when this node sequences and its sequencer is running. */
  isSequencing(): boolean {
    return this.sequencerActive;
  }

  /** `admin_startSequencer`: resumes block production (on a sequencer node). */
  startSequencer(): void {
    if (!this.sequencer) throw new EngineError("this node is not a sequencer");
    this.sequencerActive = true;
    this.wake?.();
  }

  /** `admin_stopSequencer`: pauses block production once the block being built (if any) is in; returns the unsafe head's hash. */
  async stopSequencer(): Promise<Hex> {
    if (!this.sequencer) throw new EngineError("this node is not a sequencer");
    this.sequencerActive = false;
    await this.building?.catch(() => {});
    return this.unsafe?.hash ?? (`0x${"00".repeat(32)}` as Hex);
  }

  /** The heads, or undefined before the first reset completed. */
  syncStatus(): SyncStatus | undefined {
    if (!this.unsafe || !this.safe || !this.finalized) return undefined;
    return {
      currentL1: this.currentL1,
      currentL1Finalized: this.l1Finalized,
      headL1: this.l1Head,
      safeL1: this.l1Safe,
      finalizedL1: this.l1Finalized,
      unsafeL2: this.unsafe,
      safeL2: this.safe,
      finalizedL2: this.finalized,
      pendingSafeL2: this.safe,
    };
  }

  /** Resolves once the first reset is done (sync status available), or after `timeoutMs`. */
  async waitReady(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.syncStatus()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  /**
   * The three heads as block ids (what p2p's unsafe-block applier reads). Throws before the
   * first reset, when the driver does not know them yet.
   */
  heads(): { unsafe: BlockId; safe: BlockId; finalized: BlockId } {
    if (!this.unsafe || !this.safe || !this.finalized)
      throw new EngineError("driver not ready: no heads yet");
    const id = (b: L2BlockRef): BlockId => ({ hash: b.hash, number: b.number });
    return { unsafe: id(this.unsafe), safe: id(this.safe), finalized: id(this.finalized) };
  }

  /**
   * Records `head`, which the engine was just made to follow (an unsafe block from gossip), as
   * the unsafe head; without it the next forkchoice update would send the old head and rewind
   * the engine. Call only inside {@link exclusive}.
   */
  async adoptUnsafeHead(head: BlockId): Promise<void> {
    this.unsafe = await this.l2.l2BlockRefByHash(head.hash);
  }

  /**
   * Runs `fn` while no tick runs (a promise-chain mutex the loop's ticks also take), so engine
   * calls from outside the loop, such as applying gossiped blocks, never interleave with a tick.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.mutex.then(fn);
    this.mutex = r.catch(() => {});
    return r;
  }

  /** Counts of inputs derivation dropped, by `stage:kind` (bad frames, channels, batches). */
  derivationMetrics(): ReadonlyMap<string, number> {
    return this.pipeline.metrics;
  }

  /** Why derivation stopped (a critical error), if it did. */
  haltReason(): string | undefined {
    return this.halted;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await this.exclusive(() => this.tick());
        this.lastError = "";
      } catch (e) {
        const msg = (e as Error).message;
        if (msg !== this.lastError)
          this.o.log.warn("driver tick failed; resetting from the engine's heads", { err: msg });
        this.lastError = msg;
        this.needsReset = true;
        await this.sleep(1000);
        continue;
      }
      await this.sleep(busy ? 0 : (this.o.pollIntervalMs ?? 250));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /** One tick; true when there is more work right away. */
  private async tick(): Promise<boolean> {
    const { l1 } = this.o;
    this.ticks++;
    const head = await l1.blockRefByTag("latest");
    const l1Moved = head.hash !== this.l1Head.hash;
    this.l1Head = head;
    if (this.ticks % 8 === 1 || this.l1Finalized === ZERO_L1) {
      this.l1Finalized = await l1.blockRefByTag("finalized");
      this.l1Safe = await l1.blockRefByTag("safe");
    }
    if (!this.needsReset && l1Moved && this.unsafe && !(await this.isCanonical(this.unsafe.l1origin))) {
      this.stats.reorgs++;
      this.o.log.warn("L1 reorg: the unsafe head's L1 origin is no longer canonical", {
        origin: this.unsafe.l1origin.number,
        hash: this.unsafe.l1origin.hash,
      });
      this.needsReset = true;
    }
    if (this.needsReset) await this.reset();
    let busy = false;
    if (!this.halted) busy = await this.derive();
    await this.finalize();
    if (this.sequencer && this.sequencerActive && !this.needsReset) busy = (await this.sequence()) || busy;
    return busy;
  }

  private fc(): ForkchoiceState {
    return {
      headBlockHash: this.unsafe!.hash,
      safeBlockHash: this.safe!.hash,
      finalizedBlockHash: this.finalized!.hash,
    };
  }

  private async isCanonical(id: BlockId): Promise<boolean> {
    if (id.number > this.l1Head.number) return false;
    const b = await this.o.l1.blockRefByNumber(id.number);
    return b !== null && b.hash === id.hash;
  }

  /** op-node `FindL2Heads`, then a pipeline reset on the new safe head. */
  private async reset(): Promise<void> {
    const { config, log } = this.o;
    this.stats.resets++;
    const genesisNumber = config.genesis.l2.number;
    let unsafe = await this.l2.l2BlockRefByTag("latest");
    let finalized = await this.l2.l2BlockRefByTag("finalized");
    const engineSafe = await this.l2.l2BlockRefByTag("safe");
    const dropped: Hex[] = [];
    while (unsafe.number > genesisNumber && !(await this.isCanonical(unsafe.l1origin))) {
      dropped.push(unsafe.hash);
      unsafe = await this.l2.l2BlockRefByHash(unsafe.parentHash);
    }
    if (finalized.number > unsafe.number) {
      log.error("finalized L2 block's L1 origin is gone from L1; finality walks back", {
        finalized: finalized.number,
        to: unsafe.number,
      });
      finalized = unsafe;
    }
    let safe = engineSafe.number <= unsafe.number ? engineSafe : unsafe;
    if (safe.number < unsafe.number && (await this.l2.l2BlockRefByNumber(safe.number)).hash !== safe.hash) {
      safe = finalized;
    }
    const highest = unsafe.l1origin.number;
    while (safe.number > finalized.number) {
      if (
        safe.sequenceNumber === 0 &&
        safe.l1origin.number + config.seqWindowSize < highest &&
        (await this.isCanonical(safe.l1origin))
      )
        break;
      safe = await this.l2.l2BlockRefByHash(safe.parentHash);
    }
    if (safe.number < finalized.number) safe = finalized;
    this.unsafe = unsafe;
    this.safe = safe;
    this.finalized = finalized;
    this.finality = [];
    await this.o.engine.setForkchoice(this.fc());
    this.needsReset = false;
    await this.requeue(dropped);
    try {
      await this.pipeline.reset(safe);
    } catch (e) {
      if (e instanceof PipelineError && e.severity !== "critical") {
        this.needsReset = true;
        throw e;
      }
      this.halted = `pipeline reset failed: ${(e as Error).message}`;
      log.error("derivation halted: the pipeline could not be reset", { err: (e as Error).message });
    }
    log.info("reset", {
      unsafe: unsafe.number,
      safe: safe.number,
      finalized: finalized.number,
      l1: this.l1Head.number,
    });
  }

  /** Steps derivation; true if it produced or may produce more right away. */
  private async derive(): Promise<boolean> {
    const deadline = Date.now() + 200;
    while (Date.now() < deadline && this.running) {
      let r: Awaited<ReturnType<DerivationPipeline["step"]>>;
      try {
        r = await this.pipeline.step(this.safe!);
      } catch (e) {
        if (e instanceof PipelineError) {
          if (e.severity === "temporary") {
            this.o.log.debug("derivation: temporary error", { err: e.message });
            return false;
          }
          if (e.severity === "reset") {
            // Back off when resets repeat without progress, rather than spin.
            const again = this.resetsWithoutProgress++;
            this.o.log.warn("derivation asks for a reset", { err: e.message, again });
            this.needsReset = true;
            if (again > 0)
              await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(again, 5))));
            return true;
          }
          this.halted = e.message;
          this.o.log.error("derivation halted on a critical error", { err: e.message });
          return false;
        }
        // Anything else escaping the pipeline is a bug in derivation: stop deriving, keep serving.
        this.halted = `derivation failed: ${(e as Error).message}`;
        this.o.log.error("derivation halted on an unexpected error", { err: (e as Error).message });
        return false;
      }
      try {
        this.currentL1 = this.pipeline.origin();
      } catch {
        // Not known before the first step.
      }
      if (r.kind === "eof") return false;
      if (r.kind === "attributes") {
        try {
          await this.insertDerived(r.value);
        } catch (e) {
          if (!(e instanceof PipelineError && e.severity === "critical")) throw e;
          this.halted = e.message;
          this.o.log.error("derivation halted on a critical error", { err: e.message });
          return false;
        }
        this.resetsWithoutProgress = 0;
      }
    }
    return true;
  }

  private async insertDerived(a: AttributesWithParent): Promise<void> {
    const { engine, log } = this.o;
    const safe = this.safe!;
    if (a.parent.hash !== safe.hash) {
      log.warn("derived attributes do not build on the safe head; resetting", {
        parent: a.parent.number,
        safe: safe.number,
      });
      this.needsReset = true;
      return;
    }
    if (this.unsafe!.number > safe.number) {
      const existing = await engine.blockByNumber(BigInt(safe.number + 1));
      const why = existing ? attributesMismatch(a.attributes, safe, existing) : "no block";
      if (existing && why === null) {
        this.safe = await this.l2.l2BlockRefByHash(existing.hash);
        this.stats.consolidated++;
        await engine.setForkchoice(this.fc());
        this.recordFinality(this.safe, a.derivedFrom);
        return;
      }
      this.stats.replaced++;
      log.warn("unsafe block differs from L1's; replacing it and everything after it", {
        number: safe.number + 1,
        reason: why,
      });
    }
    const dropped: Hex[] = [];
    if (this.sequencer) {
      for (let n = safe.number + 1; n <= this.unsafe!.number; n++) {
        const b = await engine.blockByNumber(BigInt(n));
        if (b) dropped.push(b.hash);
      }
    }
    const ref = await this.buildDerived(a.attributes);
    this.unsafe = ref;
    this.safe = ref;
    this.stats.derived++;
    await engine.setForkchoice(this.fc());
    this.recordFinality(ref, a.derivedFrom);
    await this.requeue(dropped);
  }

  /**
   * On a sequencer, hands the user transactions of unsafe blocks that were just dropped back
   * to the engine's pool, so a reorg does not silently lose them (the engine does not do it).
   * Transactions that are in the new chain are refused by the pool (nonce too low): fine.
   */
  private async requeue(blockHashes: readonly Hex[]): Promise<void> {
    if (!this.sequencer || blockHashes.length === 0) return;
    let n = 0;
    for (const h of [...blockHashes].reverse()) {
      const b = await this.o.engine.blockByHash(h);
      for (const tx of b?.transactions ?? []) {
        if (Number(tx.type) === 0x7e) continue;
        try {
          await this.o.engine.sendRawTransaction(toHex(rawTransaction(tx)));
          n++;
        } catch {
          // Already in the new chain, or no longer valid.
        }
      }
    }
    if (n > 0) this.o.log.info("returned transactions of dropped unsafe blocks to the pool", { count: n });
  }

  /** Builds the block `attrs` describe on the safe head; retries with deposits only if the engine refuses a forced transaction. */
  private async buildDerived(attrs: PayloadAttributes): Promise<L2BlockRef> {
    const state = { ...this.fc(), headBlockHash: this.safe!.hash };
    const { envelope } = await buildDerivedBlock(this.o.engine, state, attrs, (e) => {
      this.stats.depositOnlyRetries++;
      this.o.log.warn("engine refused derived transactions; retrying with deposits only", { err: e.message });
    });
    return this.l2.l2BlockRefByHash(envelope.executionPayload.blockHash);
  }

  private recordFinality(l2: L2BlockRef, l1: L1BlockRef): void {
    this.finality.push({ l2, l1 });
    if (this.finality.length > 10_000) this.finality.splice(0, this.finality.length - 10_000);
  }

  private async finalize(): Promise<void> {
    if (!this.finalized || this.finality.length === 0) return;
    let best: L2BlockRef | undefined;
    let keep = 0;
    for (let i = 0; i < this.finality.length; i++) {
      const f = this.finality[i]!;
      if (f.l1.number > this.l1Finalized.number) break;
      best = f.l2;
      keep = i + 1;
    }
    if (!best) return;
    this.finality.splice(0, keep);
    if (best.number <= this.finalized.number || best.number > this.safe!.number) return;
    this.finalized = best;
    await this.o.engine.setForkchoice(this.fc());
  }

  /** Builds every block whose time has come; true if still behind. */
  private async sequence(): Promise<boolean> {
    const now = this.o.now?.() ?? Math.floor(Date.now() / 1000);
    const deadline = Date.now() + 500;
    while (
      this.sequencerActive &&
      this.unsafe!.timestamp + this.o.config.blockTime <= now &&
      Date.now() < deadline
    ) {
      try {
        const building = this.sequencer!.build(this.unsafe!, this.fc());
        this.building = building;
        const b = await building;
        this.unsafe = b.ref;
        this.stats.sequenced++;
        this.o.onSequenced?.(b.envelope);
        this.o.log.debug("sequenced", {
          number: b.ref.number,
          txs: b.txCount,
          origin: b.ref.l1origin.number,
        });
      } catch (e) {
        if (e instanceof PipelineError && e.severity === "temporary") {
          this.o.log.debug("sequencer waits", { err: e.message });
          return false;
        }
        if (e instanceof PipelineError && e.severity === "reset") {
          this.needsReset = true;
          return true;
        }
        throw e;
      }
    }
    return this.unsafe!.timestamp + this.o.config.blockTime <= now;
  }
}
