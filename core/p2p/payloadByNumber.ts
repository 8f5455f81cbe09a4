/**
 * Wire format of the `payload_by_number` req/resp protocol
 * (`/opstack/req/payload_by_number/<chainId>/0/`): the request is the block number as a
 * little-endian uint64; the response is `res(1) ‖ version(4, LE) ‖ payload`, read to EOF, with
 * `res` 0 = found, 1 = not available, 2 = invalid request, 3 = other error, and for Ecotone
 * `version` 1 with `payload` = snappy-framed SSZ `ExecutionPayloadEnvelope`.
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#payload_by_number
 */
import { InvalidReqRespError } from "./errors.ts";
import { decodeEnvelope, type ExecutionPayloadEnvelope, encodeEnvelope } from "./executionPayload.ts";
import { snappyFrameDecode, snappyFrameEncode } from "./snappy.ts";
import { MAX_GOSSIP_SIZE } from "./topics.ts";

/** Result codes of a response. */
export const PAYLOAD_BY_NUMBER_RESULT = {
  success: 0,
  unavailable: 1,
  invalidRequest: 2,
  error: 3,
} as const;

/** Response `version` of an Ecotone `ExecutionPayloadEnvelope`. */
export const RESPONSE_VERSION_ENVELOPE = 1;

/** Limit on a response and on its decompressed payload (the spec recommends 10 MB). */
export const MAX_PAYLOAD_BY_NUMBER_RESPONSE = MAX_GOSSIP_SIZE;

/** The 8-byte request for block `n`. */
export function encodePayloadRequest(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 64n) throw new InvalidReqRespError(`request: ${n} is not a uint64`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
}

/** The block number of a request; throws `InvalidReqRespError` unless it is exactly 8 bytes. */
export function decodePayloadRequest(b: Uint8Array): bigint {
  if (b.length !== 8) throw new InvalidReqRespError(`request: expected 8 bytes, found ${b.length}`);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

/** A success response carrying `env`. */
export function encodePayloadResponse(env: ExecutionPayloadEnvelope): Uint8Array {
  const body = snappyFrameEncode(encodeEnvelope(env));
  const out = new Uint8Array(5 + body.length);
  out[0] = PAYLOAD_BY_NUMBER_RESULT.success;
  new DataView(out.buffer).setUint32(1, RESPONSE_VERSION_ENVELOPE, true);
  out.set(body, 5);
  return out;
}

/** A failure response: just the result byte. */
export function encodePayloadError(code: number): Uint8Array {
  return new Uint8Array([code]);
}

/** A decoded response: the envelope, or the failure code. */
export type PayloadResponse = { ok: true; envelope: ExecutionPayloadEnvelope } | { ok: false; code: number };

/** Decodes a whole response; throws `InvalidReqRespError` (or a codec error) when malformed. */
export function decodePayloadResponse(b: Uint8Array): PayloadResponse {
  if (b.length === 0) throw new InvalidReqRespError("response: empty");
  if (b.length > MAX_PAYLOAD_BY_NUMBER_RESPONSE + 5)
    throw new InvalidReqRespError(`response: ${b.length} bytes > limit ${MAX_PAYLOAD_BY_NUMBER_RESPONSE}`);
  const code = b[0]!;
  if (code !== PAYLOAD_BY_NUMBER_RESULT.success) return { ok: false, code };
  if (b.length < 5) throw new InvalidReqRespError("response: success without a version");
  const version = new DataView(b.buffer, b.byteOffset + 1, 4).getUint32(0, true);
  if (version !== RESPONSE_VERSION_ENVELOPE)
    throw new InvalidReqRespError(
      `response: expected version ${RESPONSE_VERSION_ENVELOPE} (Ecotone envelope), found ${version}`,
    );
  const raw = snappyFrameDecode(b.subarray(5), MAX_PAYLOAD_BY_NUMBER_RESPONSE);
  return { ok: true, envelope: decodeEnvelope(raw) };
}
