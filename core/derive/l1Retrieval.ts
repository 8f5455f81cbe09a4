/**
 * Stage 2, L1 retrieval (op-node `derive/l1_retrieval.go`): opens the current L1 block's
 * batcher data (`batchFeed.ts`) and hands it out one item at a time; at the end of a block
 * it answers EOF so the traversal advances.
 */
import { batchFeedData } from "./batchFeed.ts";
import type { L1Traversal } from "./l1Traversal.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import { EOF, type EventSink } from "./stage.ts";
import type { L1BlockRef, L1Source, SystemConfig } from "./types.ts";

/** Batcher data of the L1 block the traversal is at. */
export class L1Retrieval {
  private datas: Uint8Array[] | null = null;
  /** The block being opened; kept across a failed fetch so the retry reads the same block. */
  private opening: L1BlockRef | null = null;

  constructor(
    private readonly config: RollupConfig,
    private readonly prev: L1Traversal,
    private readonly l1: L1Source,
    private readonly events: EventSink,
  ) {}

  /** The L1 block being read. */
  origin(): L1BlockRef {
    return this.prev.origin();
  }

  /** The next batcher data item of the current block, or EOF when the block is exhausted. */
  async nextData(): Promise<Uint8Array | typeof EOF> {
    if (this.datas === null) {
      if (this.opening === null) {
        const block = this.prev.nextL1Block();
        if (block === EOF) return EOF;
        this.opening = block;
      }
      const next = this.opening;
      const { data, ignored } = await batchFeedData(
        this.config,
        this.l1,
        next,
        this.prev.systemConfig().batcherAddr,
      );
      for (const t of ignored) {
        this.events({
          stage: "l1-retrieval",
          kind: "batch-tx-ignored",
          reason: `${t.txHash}: ${t.reason}`,
          origin: next,
        });
      }
      this.opening = null;
      this.datas = data.reverse();
    }
    const d = this.datas.pop();
    if (d === undefined) {
      this.datas = null;
      return EOF;
    }
    return d;
  }

  /** Forgets any open block; the traversal hands out `base` again. */
  reset(_base: L1BlockRef, _cfg: SystemConfig): void {
    this.datas = null;
    this.opening = null;
  }
}
