/**
 * The L2 p2p service (OP's rollup-node p2p): a libp2p host (TCP, noise, yamux, identify) running
 * gossipsub v1.1 on the Ecotone block topic `/optimism/<chainId>/2/blocks`, plus the
 * `payload_by_number` req/resp protocol.
 *
 * - A sequencer calls {@link P2PNode.publish} with every block it builds: the payload is SSZ-
 *   encoded, signed with the unsafe-block signer key, snappy-compressed and gossiped.
 * - Every node validates each gossiped block before delivering or relaying it
 *   (`core/p2p/blockValidation.ts`); a REJECT costs the sending peer gossipsub score, and a peer
 *   whose score falls below the ban threshold is disconnected and refused for a while.
 * - A verifier gets validated payloads through `onUnsafePayload`. Given `unsafeHead`, delivery
 *   is in order, one payload extending the head at a time, and gaps are filled by requesting
 *   missing numbers from peers (`unsafeQueue.ts`). `node/p2p/engineApplier.ts` turns that
 *   into newPayload + forkchoiceUpdated on the node's engine.
 * - Any node answers `payload_by_number` from `payloadByNumber` (its engine) or, failing that,
 *   from the payloads it published or delivered recently.
 *
 * Wire format and integration: docs/p2p.md. Spec: https://specs.optimism.io/protocol/rollup-node-p2p.html
 */
import { bootstrap } from "@libp2p/bootstrap";
import { type GossipSub, gossipsub, type Message, TopicValidatorResult } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { KEEP_ALIVE, type Libp2p, type PeerId, type PrivateKey } from "@libp2p/interface";
import { noise } from "@libp2p/noise";
import { asCrypto, defaultCrypto } from "@libp2p/noise/crypto";
import { peerIdFromString } from "@libp2p/peer-id";
import { tcp } from "@libp2p/tcp";
import { yamux } from "@libp2p/yamux";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { toHex } from "../../core/bytes.ts";
import type { BlockId } from "../../core/derive/types.ts";
import { checkBlockHash } from "../../core/p2p/blockHash.ts";
import { type DigestSigner, encodeBlockMessage, localSigner } from "../../core/p2p/blockMessage.ts";
import {
  BlockGossipValidator,
  type BlockIgnoreReason,
  type BlockRejectReason,
  unprovablePayload,
} from "../../core/p2p/blockValidation.ts";
import {
  type ExecutionPayloadEnvelope,
  type ExecutionPayloadEnvelopeJson,
  envelopeFromJson,
} from "../../core/p2p/executionPayload.ts";
import { gossipMessageId } from "../../core/p2p/messageId.ts";
import { blocksTopicV3, MAX_GOSSIP_SIZE, payloadByNumberProtocol } from "../../core/p2p/topics.ts";
import type { Logger } from "../log.ts";
import { loadOrCreateNodeKey } from "./nodeKey.ts";
import { type PayloadSource, RateLimiter, requestOnStream, servePayloadRequest } from "./reqResp.ts";
import { PeerPenalties, peerScoreParams, SCORE_THRESHOLDS, type ScoringOptions } from "./scoring.ts";
import { type Fetched, UnsafeQueue } from "./unsafeQueue.ts";

export { type EngineApplierOptions, UnsafeEngineApplier } from "./engineApplier.ts";
export { P2P_FLAGS, p2pOptionsFromFlags } from "./flags.ts";
export type { ScoringOptions } from "./scoring.ts";

/** Options of {@link P2PNode}. */
export interface P2PNodeOptions {
  /** L2 chain id: names the topic and the req/resp protocol, and is signed over. */
  chainId: bigint;
  /** Listen multiaddrs (default `/ip4/0.0.0.0/tcp/9222`). */
  listen?: string[];
  /** Peers to stay connected to (multiaddrs with `/p2p/<id>`), redialled when they drop. */
  staticPeers?: string[];
  /** Peers to dial at start (multiaddrs with `/p2p/<id>`). */
  bootnodes?: string[];
  /** Network identity; else `nodeKeyFile`; else a fresh key. */
  privateKey?: PrivateKey;
  /** File holding the network key, created if missing (see `nodeKey.ts`). */
  nodeKeyFile?: string;
  /** The unsafe-block signer (SystemConfig's), or a function read at every message. */
  unsafeBlockSigner: `0x${string}` | (() => `0x${string}` | undefined);
  /** The sequencer's block-signing key or signer; needed only to publish. */
  sequencerKey?: Uint8Array | DigestSigner;
  /** Receives validated payloads (in order when `unsafeHead` is given). */
  onUnsafePayload?: (env: ExecutionPayloadEnvelope) => void | Promise<void>;
  /** The node's unsafe head: turns on in-order delivery and gap filling. */
  unsafeHead?: () => BlockId | Promise<BlockId>;
  /** Serves `payload_by_number` (typically from the engine). */
  payloadByNumber?: PayloadSource;
  /** Wall clock in milliseconds (default `Date.now`); used by the timestamp rules. */
  now?: () => number;
  /** Limit on a gossip message, compressed and decompressed (default 10 MiB). */
  maxGossipSize?: number;
  scoring?: ScoringOptions;
  /** Gossipsub heartbeat in ms (default 500, as op-node). */
  heartbeatMs?: number;
  /** Req/resp: answer timeout (default 5 s) and per-peer serving rate (default 20/s, burst 64). */
  reqResp?: { timeoutMs?: number; rate?: number; burst?: number };
  /** Payloads kept for serving when `payloadByNumber` has none (default 1024). */
  recentPayloads?: number;
  log?: Logger;
}

/** Counters of what the node saw and did. */
export interface P2PStats {
  published: number;
  accepted: number;
  delivered: number;
  rejected: Partial<Record<BlockRejectReason, number>>;
  ignored: Partial<Record<BlockIgnoreReason, number>>;
  served: number;
  requested: number;
  fetched: number;
  bans: number;
}

/**
 * Noise with ChaCha20-Poly1305 from as-chacha20poly1305 at every size: noise's default hands
 * frames of 1200 bytes and more to `node:crypto`, which has no chacha20-poly1305 under Bun
 * ("Unknown cipher"), so any block larger than that would kill the connection.
 */
const NOISE_CRYPTO = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt: asCrypto.chaCha20Poly1305Encrypt,
  chaCha20Poly1305Decrypt: asCrypto.chaCha20Poly1305Decrypt,
};

const ZERO_LOG: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return ZERO_LOG;
  },
  level: "silent",
};

/** The p2p service of one rollup node. */
export class P2PNode {
  readonly stats: P2PStats = {
    published: 0,
    accepted: 0,
    delivered: 0,
    rejected: {},
    ignored: {},
    served: 0,
    requested: 0,
    fetched: 0,
    bans: 0,
  };
  readonly topic: string;
  readonly protocol: string;
  private readonly validator: BlockGossipValidator;
  private readonly penalties: PeerPenalties;
  private readonly validated = new WeakMap<Message, ExecutionPayloadEnvelope>();
  private readonly recent = new Map<bigint, ExecutionPayloadEnvelope>();
  private readonly queue: UnsafeQueue | undefined;
  private readonly signer: DigestSigner | undefined;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly rate: RateLimiter;
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly o: P2PNodeOptions,
    readonly libp2p: Libp2p<{ pubsub: GossipSub }>,
    penalties: PeerPenalties,
  ) {
    this.topic = blocksTopicV3(o.chainId);
    this.protocol = payloadByNumberProtocol(o.chainId);
    this.now = o.now ?? Date.now;
    this.log = o.log ?? ZERO_LOG;
    this.penalties = penalties;
    const signer = o.unsafeBlockSigner;
    this.validator = new BlockGossipValidator({
      chainId: o.chainId,
      signer: typeof signer === "function" ? signer : () => signer,
      maxSize: o.maxGossipSize ?? MAX_GOSSIP_SIZE,
    });
    if (o.sequencerKey)
      this.signer = o.sequencerKey instanceof Uint8Array ? localSigner(o.sequencerKey) : o.sequencerKey;
    this.rate = new RateLimiter(o.reqResp?.rate ?? 20, o.reqResp?.burst ?? 64, this.now);
    if (o.unsafeHead) {
      this.queue = new UnsafeQueue({
        head: o.unsafeHead,
        deliver: (env) => this.deliver(env),
        fetch: (n) => this.fetch(n),
        penalize: (peer, why) => this.penalize(peer, 20, why),
        now: this.now,
        log: this.log,
      });
    }
  }

  /** Creates and starts a node: listens, joins the topic, dials static peers and bootnodes. */
  static async start(o: P2PNodeOptions): Promise<P2PNode> {
    const privateKey = o.privateKey ?? (o.nodeKeyFile ? await loadOrCreateNodeKey(o.nodeKeyFile) : undefined);
    const topic = blocksTopicV3(o.chainId);
    const maxSize = o.maxGossipSize ?? MAX_GOSSIP_SIZE;
    const penalties = new PeerPenalties(o.now ?? Date.now);
    const hb = o.heartbeatMs ?? 500;
    const libp2p = await createLibp2p({
      ...(privateKey ? { privateKey } : {}),
      addresses: { listen: o.listen ?? ["/ip4/0.0.0.0/tcp/9222"] },
      transports: [tcp()],
      connectionEncrypters: [noise({ crypto: NOISE_CRYPTO })],
      streamMuxers: [yamux()],
      peerDiscovery: o.bootnodes?.length ? [bootstrap({ list: o.bootnodes, timeout: 0 })] : [],
      connectionGater: {
        // Private and loopback addresses are where devnets and tests live.
        denyDialMultiaddr: () => false,
        denyDialPeer: (p) => penalties.isBanned(p.toString()),
        denyInboundEncryptedConnection: (p) => penalties.isBanned(p.toString()),
        denyOutboundEncryptedConnection: (p) => penalties.isBanned(p.toString()),
      },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          globalSignaturePolicy: "StrictNoSign",
          msgIdFn: (m) => gossipMessageId(m.topic, m.data, maxSize),
          allowedTopics: [topic],
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          floodPublish: true,
          doPX: false,
          D: 8,
          Dlo: 6,
          Dhi: 12,
          Dlazy: 6,
          heartbeatInterval: hb,
          fanoutTTL: 24_000,
          mcacheLength: 12,
          mcacheGossip: 3,
          seenTTL: 130 * hb,
          maxInboundDataLength: maxSize + 64 * 1024,
          scoreParams: peerScoreParams(topic, (p) => penalties.appScore(p), o.scoring),
          scoreThresholds: SCORE_THRESHOLDS,
        }),
      },
    });
    const node = new P2PNode(o, libp2p as unknown as Libp2p<{ pubsub: GossipSub }>, penalties);
    await node.init();
    return node;
  }

  private async init(): Promise<void> {
    const pubsub = this.libp2p.services.pubsub;
    pubsub.topicValidators.set(this.topic, (peer, msg) => this.validate(peer, msg));
    pubsub.addEventListener("message", (e) => this.onMessage(e.detail));
    pubsub.subscribe(this.topic);
    await this.libp2p.handle(this.protocol, (stream, connection) => {
      const peer = connection.remotePeer.toString();
      const allowed = this.rate.take(peer);
      void servePayloadRequest(
        stream,
        (n) => this.source(n),
        allowed,
        this.o.reqResp?.timeoutMs ?? 5000,
      ).then((outcome) => {
        if (outcome === "served") this.stats.served++;
        if (outcome === "limited") this.penalize(peer, 1, "payload_by_number over the rate limit");
      });
    });
    for (const addr of this.o.staticPeers ?? []) await this.addStaticPeer(addr);
    this.timer = setInterval(() => this.maintain(), 1000);
    this.log.info("p2p started", {
      peerId: this.peerId,
      listen: this.multiaddrs().join(","),
      topic: this.topic,
    });
  }

  /** This node's peer id. */
  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  /** Addresses others can dial, with `/p2p/<peerId>`. */
  multiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((m) => m.toString());
  }

  /** Dials `addr` once. */
  async connect(addr: string): Promise<void> {
    await this.libp2p.dial(multiaddr(addr));
  }

  /** Keeps a connection to `addr` (must end in `/p2p/<peerId>`): dialled now and whenever it drops. */
  async addStaticPeer(addr: string): Promise<void> {
    const ma = multiaddr(addr);
    const id = ma.getComponents().findLast((c) => c.name === "p2p")?.value;
    if (id) {
      const peerId = peerIdFromString(id);
      await this.libp2p.peerStore.merge(peerId, {
        multiaddrs: [ma],
        tags: { [KEEP_ALIVE]: { value: 1 } },
      });
    }
    await this.libp2p.dial(ma).catch((e: Error) => {
      this.log.warn("static peer not reachable yet", { addr, err: e.message });
    });
  }

  /** Peer ids this node has a connection with. */
  peers(): string[] {
    return this.libp2p.getPeers().map((p) => p.toString());
  }

  /** Peers known to subscribe to the block topic. */
  topicPeers(): string[] {
    return this.libp2p.services.pubsub.getSubscribers(this.topic).map((p) => p.toString());
  }

  /** Peers in this node's gossip mesh for the block topic (the ones it relays to). */
  meshPeers(): string[] {
    return (this.libp2p.services.pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(
      this.topic,
    );
  }

  /** Gossipsub's score of `peerId` (including the application-specific part). */
  peerScore(peerId: string): number {
    return (this.libp2p.services.pubsub as unknown as { getScore(p: string): number }).getScore(peerId);
  }

  /** True while `peerId` is banned. */
  isBanned(peerId: string): boolean {
    return this.penalties.isBanned(peerId);
  }

  /** Number of payloads buffered for in-order delivery. */
  queued(): number {
    return this.queue?.size() ?? 0;
  }

  /**
   * Signs and gossips a block (the sequencer calls this for every block it builds). Accepts the
   * envelope as bytes or as `engine_getPayloadV3` JSON. Returns how many peers it was sent to.
   */
  async publish(envelope: ExecutionPayloadEnvelope | ExecutionPayloadEnvelopeJson): Promise<number> {
    if (!this.signer) throw new TypeError("publish: this node has no sequencerKey");
    const env =
      typeof envelope.parentBeaconBlockRoot === "string"
        ? envelopeFromJson(envelope as ExecutionPayloadEnvelopeJson)
        : (envelope as ExecutionPayloadEnvelope);
    const data = await encodeBlockMessage(env, this.o.chainId, this.signer);
    this.validator.markSeen(env.executionPayload.blockNumber, env.executionPayload.blockHash);
    this.remember(env);
    const r = await this.libp2p.services.pubsub.publish(this.topic, data);
    this.stats.published++;
    return r.recipients.length;
  }

  /** Gossips bytes as they are, unvalidated: for tests and tools that probe peers' validation. */
  async publishRaw(data: Uint8Array): Promise<number> {
    const r = await this.libp2p.services.pubsub.publish(this.topic, data);
    return r.recipients.length;
  }

  /**
   * Asks connected peers, one after another, for block `n`; returns the first answer whose
   * number and block hash are consistent (the caller still has to link it to a trusted block).
   */
  async fetch(n: bigint): Promise<Fetched | null> {
    const timeoutMs = this.o.reqResp?.timeoutMs ?? 5000;
    // Best-scored peers first: a peer that served a bad payload drops to the back.
    const peers = this.libp2p
      .getPeers()
      .sort((a, b) => this.peerScore(b.toString()) - this.peerScore(a.toString()));
    for (const peer of peers) {
      if (this.penalties.isBanned(peer.toString())) continue;
      this.stats.requested++;
      try {
        const r = await this.requestFrom(peer, n, timeoutMs);
        if (!r) continue;
        this.stats.fetched++;
        return { envelope: r, peer: peer.toString() };
      } catch (e) {
        this.log.debug("payload_by_number failed", {
          peer: peer.toString(),
          n: Number(n),
          err: (e as Error).message,
        });
      }
    }
    return null;
  }

  private async requestFrom(
    peer: PeerId,
    n: bigint,
    timeoutMs: number,
  ): Promise<ExecutionPayloadEnvelope | null> {
    const stream = await this.libp2p.dialProtocol(peer, this.protocol, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const r = await requestOnStream(stream, n, timeoutMs);
    if (!r.ok) return null;
    const p = r.envelope.executionPayload;
    if (p.blockNumber !== n || !checkBlockHash(r.envelope)) {
      this.penalize(peer.toString(), 20, `answered block ${n} with an inconsistent payload`);
      return null;
    }
    // A block that could never become safe is as bad an answer as on gossip.
    const unprovable = unprovablePayload(p);
    if (unprovable) {
      this.penalize(
        peer.toString(),
        20,
        `answered block ${n} with an unprovable payload: ${unprovable.detail}`,
      );
      return null;
    }
    return r.envelope;
  }

  /** Stops the service and closes every connection. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.queue?.close();
    await this.libp2p.stop();
  }

  private validate(peer: PeerId, msg: Message): TopicValidatorResult {
    const r = this.validator.validate(msg.data, this.now() / 1000);
    if (r.action === "accept") {
      this.validated.set(msg, r.envelope);
      return TopicValidatorResult.Accept;
    }
    if (r.action === "ignore") {
      this.stats.ignored[r.reason] = (this.stats.ignored[r.reason] ?? 0) + 1;
      return TopicValidatorResult.Ignore;
    }
    this.stats.rejected[r.reason] = (this.stats.rejected[r.reason] ?? 0) + 1;
    this.log.warn("rejected gossip block", { peer: peer.toString(), reason: r.reason, detail: r.detail });
    return TopicValidatorResult.Reject;
  }

  private onMessage(msg: Message): void {
    if (msg.topic !== this.topic) return;
    const env = this.validated.get(msg);
    if (!env) return;
    this.stats.accepted++;
    if (this.queue) this.queue.add(env, true);
    else void this.deliver(env);
  }

  private async deliver(env: ExecutionPayloadEnvelope): Promise<void> {
    this.remember(env);
    this.stats.delivered++;
    try {
      await this.o.onUnsafePayload?.(env);
    } catch (e) {
      this.log.warn("onUnsafePayload failed", {
        number: Number(env.executionPayload.blockNumber),
        err: (e as Error).message,
      });
    }
  }

  private async source(n: bigint): Promise<ExecutionPayloadEnvelope | null> {
    const fromNode = this.o.payloadByNumber ? await this.o.payloadByNumber(n).catch(() => null) : null;
    return fromNode ?? this.recent.get(n) ?? null;
  }

  private remember(env: ExecutionPayloadEnvelope): void {
    const n = env.executionPayload.blockNumber;
    this.recent.delete(n);
    this.recent.set(n, env);
    const max = this.o.recentPayloads ?? 1024;
    while (this.recent.size > max) {
      const oldest = this.recent.keys().next().value;
      if (oldest === undefined) break;
      this.recent.delete(oldest);
    }
  }

  private penalize(peer: string, amount: number, why: string): void {
    this.penalties.penalize(peer, amount);
    this.log.warn("peer penalized", { peer, amount, why });
  }

  /** Every second: decay penalties, ban peers below the threshold, retry gap requests. */
  private maintain(): void {
    this.penalties.decay();
    const threshold = this.o.scoring?.banThreshold ?? -100;
    const duration = this.o.scoring?.banDurationMs ?? 3600_000;
    for (const p of this.libp2p.getPeers()) {
      const id = p.toString();
      if (this.penalties.isBanned(id)) continue;
      const score = this.peerScore(id);
      if (score < threshold) {
        this.penalties.ban(id, duration);
        this.stats.bans++;
        this.log.warn("banning peer", { peer: id, score, forMs: duration });
        void this.libp2p.hangUp(p).catch(() => {});
      }
    }
    void this.queue?.schedule();
  }

  /** For diagnostics: the head of the local recent-payload cache. */
  recentHead(): { number: number; hash: `0x${string}` } | undefined {
    let best: ExecutionPayloadEnvelope | undefined;
    for (const e of this.recent.values())
      if (!best || e.executionPayload.blockNumber > best.executionPayload.blockNumber) best = e;
    return best
      ? { number: Number(best.executionPayload.blockNumber), hash: toHex(best.executionPayload.blockHash) }
      : undefined;
  }
}
