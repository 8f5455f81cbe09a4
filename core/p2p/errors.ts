/**
 * Errors of the p2p codecs: a gossip message or req/resp frame that cannot be decoded. Each is
 * an `OreError` whose message says what was expected and what was found. Validation outcomes
 * (accept / ignore / reject) are not errors: see `blockValidation.ts`.
 */
import { OreError } from "../errors.ts";

/** Bytes are not a valid SSZ `ExecutionPayload` / `ExecutionPayloadEnvelope` (Ecotone). */
export class InvalidPayloadEncodingError extends OreError {
  override name = "InvalidPayloadEncodingError";
}

/** Bytes are not a valid snappy block or snappy framing stream, or decompress past a limit. */
export class InvalidSnappyError extends OreError {
  override name = "InvalidSnappyError";
}

/** A `payload_by_number` request or response does not follow the wire format. */
export class InvalidReqRespError extends OreError {
  override name = "InvalidReqRespError";
}

/** A block signature is malformed (not 65 bytes, bad recovery id, not on the curve). */
export class InvalidSignatureError extends OreError {
  override name = "InvalidSignatureError";
}
