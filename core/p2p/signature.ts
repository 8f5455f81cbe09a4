/**
 * Sequencer signatures over gossiped blocks: secp256k1 over
 * `keccak256(domain ‖ chainId ‖ keccak256(payloadBytes))`, `domain` 32 zero bytes, `chainId` a
 * 32-byte big-endian uint256, and for the Ecotone (v3) topic `payloadBytes` =
 * `parentBeaconBlockRoot ‖ SSZ(payload)`. The 65-byte wire form is `r ‖ s ‖ yParity` with
 * yParity 0 or 1. Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#block-signatures
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { toHex } from "../bytes.ts";
import { keccak256 } from "../hash/keccak.ts";
import { InvalidSignatureError } from "./errors.ts";

/** Domain of block signatures (v1): all zero. */
export const SIGNING_DOMAIN_BLOCKS_V1: Uint8Array = new Uint8Array(32);

/** The 32-byte digest a sequencer signs for `payloadBytes` on chain `chainId`. */
export function blockSigningHash(chainId: bigint, payloadBytes: Uint8Array): Uint8Array {
  const msg = new Uint8Array(96);
  msg.set(SIGNING_DOMAIN_BLOCKS_V1, 0);
  let c = chainId;
  for (let i = 63; i >= 32; i--) {
    msg[i] = Number(c & 0xffn);
    c >>= 8n;
  }
  msg.set(keccak256(payloadBytes), 64);
  return keccak256(msg);
}

/** Signs a 32-byte digest with `privateKey`; returns `r ‖ s ‖ yParity` (65 bytes, low-s). */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const rec = secp256k1.sign(digest, privateKey, { prehash: false, format: "recovered" });
  const out = new Uint8Array(65);
  out.set(rec.subarray(1, 65), 0);
  out[64] = rec[0]!;
  return out;
}

/**
 * The address that produced `signature` over `digest`. Throws `InvalidSignatureError` when the
 * signature is not 65 bytes, its yParity is not 0 or 1, or no public key recovers.
 */
export function recoverSigner(digest: Uint8Array, signature: Uint8Array): `0x${string}` {
  if (signature.length !== 65)
    throw new InvalidSignatureError(`signature: expected 65 bytes, found ${signature.length}`);
  const v = signature[64]!;
  if (v > 1) throw new InvalidSignatureError(`signature: expected yParity 0 or 1, found ${v}`);
  const rec = new Uint8Array(65);
  rec[0] = v;
  rec.set(signature.subarray(0, 64), 1);
  let pub: Uint8Array;
  try {
    pub = secp256k1.recoverPublicKey(rec, digest, { prehash: false });
  } catch (cause) {
    throw new InvalidSignatureError("signature: no public key recovers from it", { cause });
  }
  return publicKeyToAddress(pub);
}

/** The Ethereum address of a secp256k1 public key (compressed or not). */
export function publicKeyToAddress(publicKey: Uint8Array): `0x${string}` {
  const full = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return toHex(keccak256(full.subarray(1)).subarray(12));
}

/** The address of a 32-byte private key. */
export function privateKeyToAddress(privateKey: Uint8Array): `0x${string}` {
  return publicKeyToAddress(secp256k1.getPublicKey(privateKey, false));
}
