/**
 * `payload_by_number` over libp2p streams: the server reads an 8-byte request, answers from the
 * node's source (its engine) and closes; the client sends a request, half-closes, and reads the
 * response to EOF. Both sides bound the bytes they read and the time they wait; the server also
 * rate-limits each peer (a token bucket), since answering costs an engine lookup.
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#payload_by_number
 */
import type { Stream } from "@libp2p/interface";
import type { ExecutionPayloadEnvelope } from "../../core/p2p/executionPayload.ts";
import {
  decodePayloadRequest,
  decodePayloadResponse,
  encodePayloadError,
  encodePayloadRequest,
  encodePayloadResponse,
  MAX_PAYLOAD_BY_NUMBER_RESPONSE,
  PAYLOAD_BY_NUMBER_RESULT,
  type PayloadResponse,
} from "../../core/p2p/payloadByNumber.ts";

/** Where a server finds payloads: null when it has none at that number. */
export type PayloadSource = (n: bigint) => Promise<ExecutionPayloadEnvelope | null>;

/** Reads `stream` to EOF, failing past `limit` bytes or after `timeoutMs`. */
export async function readAll(stream: Stream, limit: number, timeoutMs: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const timer = setTimeout(
    () => stream.abort(new Error(`no complete answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    for await (const c of stream) {
      const b = c instanceof Uint8Array ? c : c.subarray();
      total += b.length;
      if (total > limit) {
        stream.abort(new Error(`more than ${limit} bytes`));
        throw new RangeError(`stream: more than ${limit} bytes`);
      }
      chunks.push(b);
    }
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Per-peer token bucket: `rate` requests a second, bursts of `burst`. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`; false when it has none left. */
  take(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** Serves one inbound request on `stream`; `allowed` is false when the peer is over its rate. */
export async function servePayloadRequest(
  stream: Stream,
  source: PayloadSource,
  allowed: boolean,
  timeoutMs: number,
): Promise<"served" | "unavailable" | "invalid" | "limited" | "error"> {
  let outcome: "served" | "unavailable" | "invalid" | "limited" | "error";
  let response: Uint8Array;
  try {
    const req = await readAll(stream, 8, timeoutMs);
    const n = decodePayloadRequest(req);
    if (!allowed) {
      outcome = "limited";
      response = encodePayloadError(PAYLOAD_BY_NUMBER_RESULT.error);
    } else {
      const env = await source(n);
      if (env && env.executionPayload.blockNumber === n) {
        outcome = "served";
        response = encodePayloadResponse(env);
      } else {
        outcome = "unavailable";
        response = encodePayloadError(PAYLOAD_BY_NUMBER_RESULT.unavailable);
      }
    }
  } catch {
    outcome = "invalid";
    response = encodePayloadError(PAYLOAD_BY_NUMBER_RESULT.invalidRequest);
  }
  try {
    stream.send(response);
    await stream.close();
  } catch {
    stream.abort(new Error("could not answer"));
    return "error";
  }
  return outcome;
}

/** Sends a request for `n` on a freshly opened `stream` and decodes the answer. */
export async function requestOnStream(
  stream: Stream,
  n: bigint,
  timeoutMs: number,
): Promise<PayloadResponse> {
  stream.send(encodePayloadRequest(n));
  await stream.close();
  const bytes = await readAll(stream, MAX_PAYLOAD_BY_NUMBER_RESPONSE + 5, timeoutMs);
  return decodePayloadResponse(bytes);
}
