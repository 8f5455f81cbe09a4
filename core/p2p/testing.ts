/**
 * Test and benchmark helpers: well-formed Ecotone envelopes with a correct block hash, built
 * from a seed, so tests can make chains of blocks without an engine. Not used by production code.
 */
import { computeBlockHash } from "./blockHash.ts";
import type { ExecutionPayloadEnvelope } from "./executionPayload.ts";

/** Deterministic pseudo-random bytes (xorshift32) for reproducible fixtures. */
export function seededBytes(seed: number, n: number): Uint8Array {
  let x = seed >>> 0 || 0x9e3779b9;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** What {@link makeEnvelope} needs; everything else is derived from `number` and `seed`. */
export interface EnvelopeSpec {
  number: bigint;
  timestamp: bigint;
  parentHash: Uint8Array;
  /** Raw transactions (default: one 100-byte blob of seeded bytes). */
  transactions?: Uint8Array[];
  /** Varies the state root, so two blocks at one height differ (default 0). */
  seed?: number;
}

/** An envelope whose `blockHash` matches its contents. */
export function makeEnvelope(spec: EnvelopeSpec): ExecutionPayloadEnvelope {
  const seed = Number(spec.number & 0xffffn) * 7919 + (spec.seed ?? 0) * 104729 + 1;
  const env: ExecutionPayloadEnvelope = {
    parentBeaconBlockRoot: seededBytes(seed + 1, 32),
    executionPayload: {
      parentHash: spec.parentHash,
      feeRecipient: seededBytes(seed + 2, 20),
      stateRoot: seededBytes(seed + 3, 32),
      receiptsRoot: seededBytes(seed + 4, 32),
      logsBloom: new Uint8Array(256),
      prevRandao: seededBytes(seed + 5, 32),
      blockNumber: spec.number,
      gasLimit: 30_000_000n,
      gasUsed: 21_000n,
      timestamp: spec.timestamp,
      extraData: new Uint8Array(0),
      baseFeePerGas: 1_000_000_007n,
      blockHash: new Uint8Array(32),
      transactions: spec.transactions ?? [seededBytes(seed + 6, 100)],
      withdrawals: [],
      blobGasUsed: 0n,
      excessBlobGas: 0n,
    },
  };
  env.executionPayload.blockHash = computeBlockHash(env);
  return env;
}

/** A chain of `count` envelopes after `parent` (number and hash), `blockTime` seconds apart. */
export function makeChain(
  count: number,
  parent: { number: bigint; hash: Uint8Array; timestamp: bigint },
  blockTime = 2n,
  seed = 0,
): ExecutionPayloadEnvelope[] {
  const out: ExecutionPayloadEnvelope[] = [];
  let prev = parent;
  for (let i = 0; i < count; i++) {
    const env = makeEnvelope({
      number: prev.number + 1n,
      timestamp: prev.timestamp + blockTime,
      parentHash: prev.hash,
      seed,
    });
    out.push(env);
    prev = {
      number: env.executionPayload.blockNumber,
      hash: env.executionPayload.blockHash,
      timestamp: env.executionPayload.timestamp,
    };
  }
  return out;
}
