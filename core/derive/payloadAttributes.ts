/**
 * Payload attributes out of core: the Engine API JSON (`engine_forkchoiceUpdatedV3`'s third
 * parameter, OP-extended) and a canonical byte encoding, so two nodes can compare what they
 * derived byte for byte.
 * Spec: https://specs.optimism.io/protocol/exec-engine.html#extended-payloadattributesv3
 */
import { fromHex, toHex } from "../bytes.ts";
import { rlpEncode, uintToBytes } from "../rlp.ts";
import type { Hex, PayloadAttributes } from "./types.ts";

/** The Engine API JSON of `PayloadAttributesV3` with OP's `transactions`, `noTxPool`, `gasLimit`. */
export interface PayloadAttributesJson {
  timestamp: Hex;
  prevRandao: Hex;
  suggestedFeeRecipient: Hex;
  withdrawals: never[];
  parentBeaconBlockRoot: Hex;
  transactions: Hex[];
  noTxPool: boolean;
  gasLimit: Hex;
}

/** `attrs` as the engine expects them over JSON-RPC (quantities as minimal hex). */
export function payloadAttributesToJson(attrs: PayloadAttributes): PayloadAttributesJson {
  return {
    timestamp: `0x${attrs.timestamp.toString(16)}`,
    prevRandao: attrs.prevRandao,
    suggestedFeeRecipient: attrs.suggestedFeeRecipient,
    withdrawals: [],
    parentBeaconBlockRoot: attrs.parentBeaconBlockRoot,
    transactions: attrs.transactions.map(toHex),
    noTxPool: attrs.noTxPool,
    gasLimit: `0x${attrs.gasLimit.toString(16)}`,
  };
}

/**
 * Canonical bytes of `attrs`: `rlp([timestamp, prevRandao, suggestedFeeRecipient,
 * parentBeaconBlockRoot, [tx...], noTxPool, gasLimit])` with integers minimal big-endian and
 * `noTxPool` as 0/1. Equal attributes give equal bytes.
 */
export function encodePayloadAttributes(attrs: PayloadAttributes): Uint8Array {
  return rlpEncode([
    uintToBytes(attrs.timestamp),
    fromHex(attrs.prevRandao),
    fromHex(attrs.suggestedFeeRecipient),
    fromHex(attrs.parentBeaconBlockRoot),
    attrs.transactions,
    uintToBytes(attrs.noTxPool ? 1 : 0),
    uintToBytes(attrs.gasLimit),
  ]);
}
