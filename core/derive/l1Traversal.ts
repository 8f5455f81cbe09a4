/**
 * Stage 1, L1 traversal (op-node `derive/l1_traversal.go`): walks L1 one block at a time,
 * checks each new block extends the previous one (else: reset, L1 reorged), and applies the
 * block's SystemConfig updates before anything reads its batches, so batcher authentication
 * uses the config as of that very block (updates included). Updates derivation leaves out (an
 * invalid Ecotone scalar; Ore: a gas limit over `MAX_L2_GAS_LIMIT`) are reported as
 * `config-update-ignored` events.
 */
import { criticalError, resetError, temporaryError } from "./errors.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { EOF, type EventSink } from "./stage.ts";
import { applySystemConfigUpdates } from "./systemConfig.ts";
import type { L1BlockRef, L1Source, SystemConfig } from "./types.ts";

/** The outermost stage: the current L1 block and the system config in force at it. */
export class L1Traversal {
  private block!: L1BlockRef;
  private done = false;
  private sysCfg!: SystemConfig;

  constructor(
    private readonly config: RollupConfig,
    private readonly l1: L1Source,
    private readonly events: EventSink,
  ) {}

  /** The L1 block being read. */
  origin(): L1BlockRef {
    return this.block;
  }

  /** The system config in force at `origin()`. */
  systemConfig(): SystemConfig {
    return this.sysCfg;
  }

  /** The current block, once; then EOF until `advanceL1Block`. */
  nextL1Block(): L1BlockRef | typeof EOF {
    if (this.done) return EOF;
    this.done = true;
    return this.block;
  }

  /**
   * Moves to the next L1 block: EOF when L1 has none yet, a reset error when it does not
   * build on the current one, a temporary error when the source fails, a critical error on
   * a malformed SystemConfig log.
   */
  async advanceL1Block(): Promise<L1BlockRef | typeof EOF> {
    const cur = this.block;
    let next: L1BlockRef | null;
    try {
      next = await this.l1.blockRefByNumber(cur.number + 1);
    } catch (cause) {
      throw temporaryError(`failed to fetch L1 block ${cur.number + 1}`, cause);
    }
    if (next === null) return EOF;
    if (next.parentHash !== cur.hash) {
      throw resetError(
        `detected L1 reorg from ${cur.number} (${cur.hash}) to ${next.number} (${next.hash}) with conflicting parent ${next.parentHash}`,
      );
    }
    let receipts: Awaited<ReturnType<L1Source["receipts"]>>;
    try {
      receipts = await this.l1.receipts(next.hash);
    } catch (cause) {
      throw temporaryError(`failed to fetch receipts of L1 block ${next.number}`, cause);
    }
    const u = applySystemConfigUpdates(this.config, this.sysCfg, receipts);
    if (u.errors.length > 0) {
      throw criticalError(
        `failed to update system config with L1 block ${next.number}: ${u.errors.join("; ")}`,
      );
    }
    for (const reason of u.ignored)
      this.events({ stage: "l1-traversal", kind: "config-update-ignored", reason, origin: next });
    this.sysCfg = u.config;
    this.block = next;
    this.done = false;
    return next;
  }

  /** Starts over at `base` with the system config `cfg` in force there. */
  reset(base: L1BlockRef, cfg: SystemConfig): void {
    this.block = base;
    this.sysCfg = { ...cfg };
    this.done = false;
  }
}
