/**
 * Orders unsafe payloads for the node and fills gaps. Gossip may arrive out of order or with
 * holes (a missed message, a node that joined late); the queue buffers validated payloads by
 * number and hands the node exactly the payload that extends its current unsafe head
 * (`number = head + 1`, `parentHash = head.hash`), one at a time, in order.
 *
 * When the lowest buffered payload is above `head + 1`, the missing numbers are requested from
 * peers (`payload_by_number`). Those answers are not signed, so a fetched payload is only
 * trusted once it links to a trusted one above it: its hash must be the `parentHash` of the
 * trusted payload at the next number (gossip payloads are trusted: their signature was checked).
 * A fetched payload that does not link is dropped and its server penalized.
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#payload_by_number
 */
import { toHex } from "../../core/bytes.ts";
import type { BlockId } from "../../core/derive/types.ts";
import type { ExecutionPayloadEnvelope } from "../../core/p2p/executionPayload.ts";
import type { Logger } from "../log.ts";

/** A fetched payload and the peer that served it. */
export interface Fetched {
  envelope: ExecutionPayloadEnvelope;
  peer: string;
}

/** Options of {@link UnsafeQueue}. */
export interface UnsafeQueueOptions {
  /** The node's current unsafe head. */
  head: () => BlockId | Promise<BlockId>;
  /** Hands the next payload to the node; the node's head should then be this payload. */
  deliver: (env: ExecutionPayloadEnvelope) => Promise<void>;
  /** Fetches block `n` from some peer (null if none had it). */
  fetch: (n: bigint) => Promise<Fetched | null>;
  /** Called when a peer served a payload that does not link into the chain. */
  penalize?: (peer: string, why: string) => void;
  /** Largest gap filled by requests (default 1024; beyond it, L1 derivation catches up). */
  maxGap?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Milliseconds before a number whose request failed is asked again (default 2000). */
  retryMs?: number;
  now?: () => number;
  log?: Logger;
}

interface Entry {
  env: ExecutionPayloadEnvelope;
  hash: `0x${string}`;
  parentHash: `0x${string}`;
  trusted: boolean;
  peer?: string;
}

/** Counters for status and tests. */
export interface UnsafeQueueStats {
  delivered: number;
  fetched: number;
  conflicts: number;
  unlinked: number;
  stale: number;
}

/** The ordering and gap-filling queue between gossip and the node. */
export class UnsafeQueue {
  readonly stats: UnsafeQueueStats = { delivered: 0, fetched: 0, conflicts: 0, unlinked: 0, stale: 0 };
  private readonly buffer = new Map<bigint, Entry>();
  private readonly inFlight = new Set<bigint>();
  private readonly failedAt = new Map<bigint, number>();
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly o: UnsafeQueueOptions) {}

  /** Adds a payload: `trusted` for gossip (signature checked), false for fetched ones. */
  add(env: ExecutionPayloadEnvelope, trusted: boolean, peer?: string): void {
    const p = env.executionPayload;
    const prev = this.buffer.get(p.blockNumber);
    // A trusted payload replaces whatever was there (the latest signed block wins until L1 decides).
    if (prev?.trusted && !trusted) return;
    this.buffer.set(p.blockNumber, {
      env,
      hash: toHex(p.blockHash),
      parentHash: toHex(p.parentHash),
      trusted,
      peer,
    });
    this.schedule();
  }

  /** Number of buffered payloads. */
  size(): number {
    return this.buffer.size;
  }

  /** Runs a pass soon (coalescing calls); resolves when the pass that covers this call is done. */
  schedule(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (e) {
          this.o.log?.warn("unsafe queue pass failed", { err: (e as Error).message });
        }
        // Let timers and I/O run between passes, so a burst of answers cannot starve them.
        if (this.again) await new Promise((r) => setTimeout(r, 0));
      } while (this.again && !this.closed);
      this.running = undefined;
    })();
    return this.running;
  }

  /** Stops scheduling; in-flight requests are left to finish and their answers ignored. */
  close(): void {
    this.closed = true;
    this.buffer.clear();
  }

  private async pass(): Promise<void> {
    let head = await this.o.head();
    for (const n of this.buffer.keys()) {
      if (n <= BigInt(head.number)) {
        this.buffer.delete(n);
        this.stats.stale++;
      }
    }
    for (;;) {
      const n = BigInt(head.number) + 1n;
      const next = this.buffer.get(n);
      if (!next) break;
      if (!this.isTrusted(n)) break;
      this.buffer.delete(n);
      if (next.parentHash !== head.hash.toLowerCase()) {
        // Extends another chain than ours: first block wins until L1 says otherwise. Back off
        // before asking for this number again, or the gap filler would re-request it at once in
        // a loop (and trip the serving peer's rate limit) until L1 moves the head.
        this.failedAt.set(n, (this.o.now ?? Date.now)());
        this.stats.conflicts++;
        this.o.log?.debug("unsafe payload does not extend the unsafe head", {
          number: Number(n),
          parent: next.parentHash,
          head: head.hash,
        });
        continue;
      }
      await this.o.deliver(next.env);
      this.stats.delivered++;
      const after = await this.o.head();
      if (after.hash.toLowerCase() !== next.hash) {
        head = after;
        break;
      }
      head = after;
    }
    this.requestGap(BigInt(head.number));
  }

  /** A payload is trusted if signed, or if it links by hash to a trusted payload above it. */
  private isTrusted(n: bigint): boolean {
    let top = n;
    while (this.buffer.has(top) && !this.buffer.get(top)!.trusted) top++;
    if (!this.buffer.has(top)) return false;
    for (let k = top - 1n; k >= n; k--) {
      const child = this.buffer.get(k + 1n)!;
      const e = this.buffer.get(k)!;
      if (child.parentHash !== e.hash) {
        this.buffer.delete(k);
        this.failedAt.set(k, (this.o.now ?? Date.now)());
        this.stats.unlinked++;
        if (e.peer) this.o.penalize?.(e.peer, `served block ${k} that does not link to block ${k + 1n}`);
        return false;
      }
    }
    return true;
  }

  private requestGap(head: bigint): void {
    if (this.buffer.size === 0) return;
    let top: bigint | undefined;
    for (const n of this.buffer.keys()) if (top === undefined || n > top) top = n;
    if (top === undefined || top <= head + 1n) return;
    const maxGap = BigInt(this.o.maxGap ?? 1024);
    if (top - head - 1n > maxGap) {
      this.o.log?.debug("unsafe gap too large to fill over p2p", { head: Number(head), next: Number(top) });
      return;
    }
    const now = (this.o.now ?? Date.now)();
    const retryMs = this.o.retryMs ?? 2000;
    const limit = this.o.concurrency ?? 8;
    // Highest first: each answer can be checked against the trusted block above it at once.
    for (let n = top - 1n; n > head && this.inFlight.size < limit; n--) {
      if (this.buffer.has(n) || this.inFlight.has(n)) continue;
      const failed = this.failedAt.get(n);
      if (failed !== undefined && now - failed < retryMs) continue;
      this.inFlight.add(n);
      void this.o
        .fetch(n)
        .then((r) => {
          if (r && !this.closed) {
            this.failedAt.delete(n);
            this.stats.fetched++;
            this.add(r.envelope, false, r.peer);
          } else this.failedAt.set(n, (this.o.now ?? Date.now)());
        })
        .catch(() => this.failedAt.set(n, (this.o.now ?? Date.now)()))
        .finally(() => {
          this.inFlight.delete(n);
          this.schedule();
        });
    }
  }
}
