/**
 * Names and limits of Ore's p2p protocol, all taken from OP's: the Ecotone block topic
 * `/optimism/<chainId>/2/blocks` ("blocksv3"), the req/resp protocol
 * `/opstack/req/payload_by_number/<chainId>/0/`, and the 10 MiB gossip size limit.
 * Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html#gossip-topics
 */

/** Hardfork version number in the topic of Ecotone blocks (`blocksv3`). */
export const BLOCKS_V3_VERSION = 2;

/** The gossip topic Ecotone blocks of `chainId` travel on. */
export function blocksTopicV3(chainId: bigint): string {
  return `/optimism/${chainId.toString(10)}/${BLOCKS_V3_VERSION}/blocks`;
}

/** Protocol id of `payload_by_number` for `chainId`. */
export function payloadByNumberProtocol(chainId: bigint): string {
  return `/opstack/req/payload_by_number/${chainId.toString(10)}/0/`;
}

/** Largest gossip message, compressed or decompressed (op-node `maxGossipSize`). */
export const MAX_GOSSIP_SIZE = 10 * (1 << 20);

/** Smallest decompressed v3 message: signature, beacon root and the payload's fixed part. */
export const MIN_GOSSIP_SIZE_V3 = 65 + 32 + 528;
