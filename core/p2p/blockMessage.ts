/**
 * Building the gossip message of a block on the Ecotone topic:
 * `snappy_block(signature(65) ‖ parentBeaconBlockRoot(32) ‖ SSZ(ExecutionPayload))`, the
 * signature being the sequencer's over `parentBeaconBlockRoot ‖ SSZ(payload)` (see
 * `signature.ts`). Decoding and checking a received message is `blockValidation.ts`.
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#block-encoding
 */
import { type ExecutionPayloadEnvelope, encodeEnvelope } from "./executionPayload.ts";
import { blockSigningHash, signDigest } from "./signature.ts";
import { snappyCompress } from "./snappy.ts";

/** Produces the 65-byte `r ‖ s ‖ yParity` signature of a 32-byte digest (a key or a remote signer). */
export type DigestSigner = (digest: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** A signer over a local secp256k1 private key. */
export function localSigner(privateKey: Uint8Array): DigestSigner {
  return (digest) => signDigest(digest, privateKey);
}

/** The uncompressed message body: `signature ‖ envelope`. */
export async function signBlockMessage(
  env: ExecutionPayloadEnvelope,
  chainId: bigint,
  sign: DigestSigner,
): Promise<Uint8Array> {
  const payloadBytes = encodeEnvelope(env);
  const sig = await sign(blockSigningHash(chainId, payloadBytes));
  if (sig.length !== 65) throw new RangeError(`signer: expected a 65-byte signature, found ${sig.length}`);
  const out = new Uint8Array(65 + payloadBytes.length);
  out.set(sig, 0);
  out.set(payloadBytes, 65);
  return out;
}

/** The compressed, signed gossip message of `env`. */
export async function encodeBlockMessage(
  env: ExecutionPayloadEnvelope,
  chainId: bigint,
  sign: DigestSigner,
): Promise<Uint8Array> {
  return snappyCompress(await signBlockMessage(env, chainId, sign));
}
