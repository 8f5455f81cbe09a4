/**
 * Peer scoring and banning. Gossipsub v1.1 scores every peer; Ore sets the block topic's
 * parameters so that an invalid block (a REJECT from the validator, counter P4, squared) costs
 * a lot and valid first deliveries earn a little, adds an application-specific score (P5) for
 * misbehaviour outside gossip (bad `payload_by_number` answers), and bans a peer whose score
 * falls below `banThreshold`: it is disconnected and refused (both directions) for
 * `banDurationMs`. Thresholds follow op-node's defaults (`p2p/peer_params.go`,
 * `--p2p.ban.threshold`, `--p2p.ban.duration`).
 * Spec: https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.1.md#peer-scoring
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from "@libp2p/gossipsub/score";

/** Score knobs a node may override (tests use a short ban). */
export interface ScoringOptions {
  /** Weight of one invalid block, before squaring (default -40: one REJECT → -40, two → -160). */
  invalidBlockWeight?: number;
  /** Score below which a peer is banned (default -100, as op-node). */
  banThreshold?: number;
  /** How long a ban lasts (default 1 h, as op-node). */
  banDurationMs?: number;
  /** Weight of more than `ipColocationThreshold` peers on one IP (default 0: off, since devnets run many nodes on one host). */
  ipColocationWeight?: number;
  ipColocationThreshold?: number;
}

/** Gossipsub thresholds (op-node `NewPeerScoreThresholds`). */
export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -40,
  graylistThreshold: -40,
  acceptPXThreshold: 20,
  opportunisticGraftThreshold: 0.05,
};

/** Parameters of the block topic: P1 time in mesh, P2 first deliveries, P4 invalid messages. */
export function blockTopicScoreParams(o: ScoringOptions = {}): TopicScoreParams {
  return {
    topicWeight: 1,
    // P1: up to +9 after 5 minutes in the mesh.
    timeInMeshWeight: 0.03,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 300,
    // P2: +1 per first delivery of a valid block, capped at +10, decaying by 10 % a second.
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: 10,
    // P3: off. One block every couple of seconds is too sparse to expect deliveries per mesh peer.
    meshMessageDeliveriesWeight: 0,
    meshMessageDeliveriesDecay: 0.5,
    meshMessageDeliveriesCap: 1,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesWindow: 10,
    meshMessageDeliveriesActivation: 1000,
    meshFailurePenaltyWeight: 0,
    meshFailurePenaltyDecay: 0.5,
    // P4: squared count of REJECTed messages; decays by 1 % a second (half-life ~70 s).
    invalidMessageDeliveriesWeight: o.invalidBlockWeight ?? -40,
    invalidMessageDeliveriesDecay: 0.99,
  };
}

/** Full peer-score parameters for a node on `topic`, with `appScore` as P5. */
export function peerScoreParams(
  topic: string,
  appScore: (peerId: string) => number,
  o: ScoringOptions = {},
): Partial<PeerScoreParams> {
  return {
    topics: { [topic]: blockTopicScoreParams(o) },
    topicScoreCap: 20,
    appSpecificScore: appScore,
    appSpecificWeight: 1,
    IPColocationFactorWeight: o.ipColocationWeight ?? 0,
    IPColocationFactorThreshold: o.ipColocationThreshold ?? 10,
    behaviourPenaltyWeight: -10,
    behaviourPenaltyThreshold: 6,
    behaviourPenaltyDecay: 0.9,
    decayInterval: 1000,
    decayToZero: 0.01,
    retainScore: 3600 * 1000,
  };
}

/**
 * Application-specific penalties (P5) and the ban list. Penalties decay by 10 % per `decay()`
 * (the node calls it every second); bans expire after their duration.
 */
export class PeerPenalties {
  private readonly penalty = new Map<string, number>();
  private readonly bans = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds `amount` (positive) to `peerId`'s penalty. */
  penalize(peerId: string, amount: number): void {
    this.penalty.set(peerId, (this.penalty.get(peerId) ?? 0) + amount);
  }

  /** P5 of `peerId`: minus its penalty. */
  appScore(peerId: string): number {
    return -(this.penalty.get(peerId) ?? 0);
  }

  /** Bans `peerId` until `durationMs` from now. */
  ban(peerId: string, durationMs: number): void {
    this.bans.set(peerId, this.now() + durationMs);
  }

  /** True while `peerId` is banned. */
  isBanned(peerId: string): boolean {
    const until = this.bans.get(peerId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.bans.delete(peerId);
    return false;
  }

  /** Peers banned right now. */
  banned(): string[] {
    return [...this.bans.keys()].filter((p) => this.isBanned(p));
  }

  /** One decay step of every penalty. */
  decay(): void {
    for (const [p, v] of this.penalty) {
      const next = v * 0.9;
      if (next < 0.01) this.penalty.delete(p);
      else this.penalty.set(p, next);
    }
  }
}
