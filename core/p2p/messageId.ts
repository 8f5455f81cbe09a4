/**
 * The gossipsub message id of OP block topics: the first 20 bytes of
 * `SHA256(domain ‖ uint64le(len(topic)) ‖ topic ‖ data)`, where `data` is the snappy-decompressed
 * message and `domain` is `01000000` when it decompresses (within the size limit), otherwise
 * `data` is the raw message and `domain` is `00000000`. Ids are content-based, so the same block
 * from two peers is one message, whoever relays it (op-node `BuildMsgIdFn`).
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#message-id-computation
 */
import { sha256 } from "../hash/sha256.ts";
import { snappyUncompress } from "./snappy.ts";
import { MAX_GOSSIP_SIZE } from "./topics.ts";

/** Domain of messages whose snappy compression is valid. */
export const MESSAGE_DOMAIN_VALID_SNAPPY = new Uint8Array([1, 0, 0, 0]);
/** Domain of messages whose snappy compression is not valid. */
export const MESSAGE_DOMAIN_INVALID_SNAPPY = new Uint8Array([0, 0, 0, 0]);

/** The 20-byte message id of `data` published on `topic`. */
export function gossipMessageId(topic: string, data: Uint8Array, maxSize = MAX_GOSSIP_SIZE): Uint8Array {
  let domain = MESSAGE_DOMAIN_INVALID_SNAPPY;
  let body = data;
  try {
    body = snappyUncompress(data, maxSize);
    domain = MESSAGE_DOMAIN_VALID_SNAPPY;
  } catch {
    // Invalid compression: hash the raw bytes under the other domain; the validator rejects it.
  }
  const t = new TextEncoder().encode(topic);
  const buf = new Uint8Array(4 + 8 + t.length + body.length);
  buf.set(domain, 0);
  new DataView(buf.buffer).setBigUint64(4, BigInt(t.length), true);
  buf.set(t, 12);
  buf.set(body, 12 + t.length);
  return sha256(buf).slice(0, 20);
}
