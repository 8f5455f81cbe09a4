/**
 * What every pipeline stage shares: the two flow-control answers a pull can give instead of
 * data, and the event hook through which stages report dropped input. op-node signals these
 * with `io.EOF` and `NotEnoughData` errors; here they are values, so a pull is
 * `T | typeof EOF | typeof NOT_ENOUGH_DATA` and never throws for flow control.
 */
import type { L1BlockRef } from "./types.ts";

/** The stage has nothing more from the current L1 origin: the traversal must advance. */
export const EOF: unique symbol = Symbol("EOF");

/** The stage made progress but has no output yet: pull again. */
export const NOT_ENOUGH_DATA: unique symbol = Symbol("NotEnoughData");

/** A pull's answer. */
export type Pulled<T> = T | typeof EOF | typeof NOT_ENOUGH_DATA;

/** Stages that drop input say where and why, so the node can log and count it. */
export interface DerivationEvent {
  stage: "l1-traversal" | "l1-retrieval" | "frame-queue" | "channel-bank" | "channel-reader" | "batch-queue";
  /** Short stable name of what happened, e.g. `frame-dropped`, `batch-dropped`. */
  kind: string;
  /** Human-readable reason. */
  reason: string;
  /** The L1 block the pipeline was reading. */
  origin: L1BlockRef;
}

/** Receives `DerivationEvent`s; must not throw. */
export type EventSink = (event: DerivationEvent) => void;
