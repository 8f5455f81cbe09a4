/**
 * Validation of a gossiped Ecotone block before it is applied or relayed, in the order OP's
 * spec lists the checks (cheap ones first, the signature last):
 *
 * 1. REJECT if the message is larger than the size limit or its snappy compression is invalid;
 * 2. REJECT if it is shorter than a signature, beacon root and payload fixed part, or the
 *    envelope does not decode;
 * 3. REJECT if `timestamp` is more than 60 s in the past or more than 5 s in the future;
 * 4. REJECT if `blockHash` is not the hash of the payload;
 * 5. REJECT if the payload has withdrawals, or non-zero blob gas used / excess blob gas;
 *    Ore: REJECT if it could never become safe (`unprovablePayload`: a transaction over
 *    `MAX_TX_BYTES` or a gas limit over `MAX_L2_GAS_LIMIT`);
 * 6. REJECT if 5 different blocks were already accepted at this height (a 6th is the "more than
 *    5" the spec forbids); IGNORE if this block was already accepted;
 * 7. IGNORE if no unsafe-block signer is configured; REJECT if the signature does not recover
 *    to the configured signer;
 * 8. ACCEPT, and remember the block hash at its height.
 *
 * The clock is an argument, so the rules are pure. A REJECT is what makes gossipsub penalize
 * the peer that sent the message. Spec:
 * https://specs.optimism.io/protocol/rollup-node-p2p.html#block-validation
 */
import { bytesEqual, toHex } from "../bytes.ts";
import { MAX_L2_GAS_LIMIT, MAX_TX_BYTES } from "../engine/provableLimits.ts";
import { checkBlockHash } from "./blockHash.ts";
import { InvalidSignatureError } from "./errors.ts";
import { decodeEnvelope, type ExecutionPayload, type ExecutionPayloadEnvelope } from "./executionPayload.ts";
import { blockSigningHash, recoverSigner } from "./signature.ts";
import { snappyUncompress } from "./snappy.ts";
import { MAX_GOSSIP_SIZE, MIN_GOSSIP_SIZE_V3 } from "./topics.ts";

/** Why a message was not accepted. */
export type BlockRejectReason =
  | "oversized"
  | "bad-compression"
  | "bad-encoding"
  | "too-old"
  | "too-new"
  | "bad-block-hash"
  | "has-withdrawals"
  | "has-blob-gas"
  | "tx-too-large"
  | "gas-limit-too-high"
  | "too-many-at-height"
  | "bad-signature"
  | "wrong-signer";

/** Why a message was ignored (neither delivered nor relayed, and not penalized). */
export type BlockIgnoreReason = "duplicate" | "no-signer";

/** The outcome of validating one message. */
export type BlockValidation =
  | { action: "accept"; envelope: ExecutionPayloadEnvelope; signer: `0x${string}` }
  | { action: "ignore"; reason: BlockIgnoreReason; detail: string }
  | { action: "reject"; reason: BlockRejectReason; detail: string };

/** Parameters of {@link BlockGossipValidator}. */
export interface BlockValidationConfig {
  /** L2 chain id (signed over). */
  chainId: bigint;
  /** The unsafe-block signer's address, read at every message (SystemConfig may change it). */
  signer: () => `0x${string}` | undefined;
  /** Limit on the compressed and the decompressed message (default 10 MiB). */
  maxSize?: number;
  /** Oldest accepted timestamp, in seconds before now (default 60). */
  maxAgeSeconds?: number;
  /** Latest accepted timestamp, in seconds after now (default 5). */
  maxFutureSeconds?: number;
  /** Distinct blocks accepted at one height (default 5). */
  maxBlocksPerHeight?: number;
  /** Heights remembered for the per-height rule (default 1000, as op-node). */
  heightsRemembered?: number;
}

/** The stateful gossip validator of one node: the rules above plus the per-height memory. */
export class BlockGossipValidator {
  private readonly seen = new Map<bigint, Uint8Array[]>();
  private readonly maxSize: number;
  private readonly maxAge: bigint;
  private readonly maxFuture: bigint;
  private readonly perHeight: number;
  private readonly heights: number;

  constructor(private readonly cfg: BlockValidationConfig) {
    this.maxSize = cfg.maxSize ?? MAX_GOSSIP_SIZE;
    this.maxAge = BigInt(cfg.maxAgeSeconds ?? 60);
    this.maxFuture = BigInt(cfg.maxFutureSeconds ?? 5);
    this.perHeight = cfg.maxBlocksPerHeight ?? 5;
    this.heights = cfg.heightsRemembered ?? 1000;
  }

  /** Validates the compressed message `data` at wall-clock time `nowSeconds`. */
  validate(data: Uint8Array, nowSeconds: number): BlockValidation {
    if (data.length > this.maxSize)
      return reject("oversized", `message of ${data.length} bytes > limit ${this.maxSize}`);
    let raw: Uint8Array;
    try {
      raw = snappyUncompress(data, this.maxSize);
    } catch (e) {
      const msg = (e as Error).message;
      return reject(msg.includes("> limit") ? "oversized" : "bad-compression", msg);
    }
    if (raw.length < MIN_GOSSIP_SIZE_V3)
      return reject("bad-encoding", `message of ${raw.length} bytes < minimum ${MIN_GOSSIP_SIZE_V3}`);
    const signature = raw.subarray(0, 65);
    const payloadBytes = raw.subarray(65);
    let envelope: ExecutionPayloadEnvelope;
    try {
      envelope = decodeEnvelope(payloadBytes);
    } catch (e) {
      return reject("bad-encoding", (e as Error).message);
    }
    const p = envelope.executionPayload;
    const now = BigInt(Math.floor(nowSeconds));
    if (p.timestamp < now - this.maxAge)
      return reject("too-old", `timestamp ${p.timestamp} is more than ${this.maxAge} s before ${now}`);
    if (p.timestamp > now + this.maxFuture)
      return reject("too-new", `timestamp ${p.timestamp} is more than ${this.maxFuture} s after ${now}`);
    if (!checkBlockHash(envelope))
      return reject("bad-block-hash", `block hash ${toHex(p.blockHash)} does not match the payload`);
    if (p.withdrawals.length > 0)
      return reject("has-withdrawals", `expected no withdrawals, found ${p.withdrawals.length}`);
    if (p.blobGasUsed !== 0n || p.excessBlobGas !== 0n)
      return reject(
        "has-blob-gas",
        `expected zero blob gas, found used ${p.blobGasUsed} excess ${p.excessBlobGas}`,
      );
    const unprovable = unprovablePayload(p);
    if (unprovable) return reject(unprovable.reason, unprovable.detail);
    const atHeight = this.seen.get(p.blockNumber) ?? [];
    if (atHeight.some((h) => bytesEqual(h, p.blockHash)))
      return { action: "ignore", reason: "duplicate", detail: `block ${p.blockNumber} already seen` };
    if (atHeight.length >= this.perHeight)
      return reject(
        "too-many-at-height",
        `${atHeight.length} blocks already seen at height ${p.blockNumber}, limit ${this.perHeight}`,
      );
    const expected = this.cfg.signer();
    if (expected === undefined)
      return { action: "ignore", reason: "no-signer", detail: "no unsafe-block signer configured" };
    let signer: `0x${string}`;
    try {
      signer = recoverSigner(blockSigningHash(this.cfg.chainId, payloadBytes), signature);
    } catch (e) {
      if (e instanceof InvalidSignatureError) return reject("bad-signature", e.message);
      throw e;
    }
    if (signer.toLowerCase() !== expected.toLowerCase())
      return reject("wrong-signer", `signed by ${signer}, expected ${expected}`);
    this.markSeen(p.blockNumber, p.blockHash);
    return { action: "accept", envelope, signer };
  }

  /** Remembers `hash` at `height` (also for blocks this node publishes itself). */
  markSeen(height: bigint, hash: Uint8Array): void {
    let list = this.seen.get(height);
    if (!list) {
      list = [];
      this.seen.set(height, list);
      if (this.seen.size > this.heights) {
        const oldest = this.seen.keys().next().value;
        if (oldest !== undefined) this.seen.delete(oldest);
      }
    }
    if (!list.some((h) => bytesEqual(h, hash))) list.push(hash);
  }
}

/**
 * Why a payload could never become a safe Ore block, or null if it could: a transaction longer
 * than `MAX_TX_BYTES` (derivation drops a batch holding one, docs/derivation.md) or a gas limit
 * above `MAX_L2_GAS_LIMIT` (no system config derivation accepts sets one). Both bounds keep
 * every block provable by the step machine (`core/engine/provableLimits.ts`). Checked on gossip
 * and on `payload_by_number` answers.
 */
export function unprovablePayload(
  p: ExecutionPayload,
): { reason: "tx-too-large" | "gas-limit-too-high"; detail: string } | null {
  if (p.gasLimit > MAX_L2_GAS_LIMIT) {
    return { reason: "gas-limit-too-high", detail: `gas limit ${p.gasLimit} > limit ${MAX_L2_GAS_LIMIT}` };
  }
  for (let i = 0; i < p.transactions.length; i++) {
    const n = p.transactions[i]!.length;
    if (n > MAX_TX_BYTES)
      return { reason: "tx-too-large", detail: `transaction ${i} of ${n} bytes > limit ${MAX_TX_BYTES}` };
  }
  return null;
}

function reject(reason: BlockRejectReason, detail: string): BlockValidation {
  return { action: "reject", reason, detail };
}
