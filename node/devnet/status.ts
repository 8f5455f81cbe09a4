/**
 * The devnet's live status line: L1 head and finalized block, each node's unsafe / safe /
 * finalized L2 heads (u/s/f), unsafe blocks the verifier applied from gossip, frames the batcher
 * got onto L1 and outputs the proposer posted.
 */
import type { Devnet } from "./devnet.ts";

/** One status line. */
export function statusLine(d: Devnet): string {
  const s = d.sequencer.node.driver.syncStatus();
  const v = d.verifier.node.driver.syncStatus();
  const heads = (x: typeof s) =>
    x ? `${x.unsafeL2.number}/${x.safeL2.number}/${x.finalizedL2.number}` : "starting";
  const l1 = s ? `${s.headL1.number} (final ${s.finalizedL1.number})` : "?";
  const parts = [`L1 ${l1}`, `sequencer u/s/f ${heads(s)}`, `verifier u/s/f ${heads(v)}`];
  const applier = d.verifier.node.applier;
  if (applier) parts.push(`gossip applied ${applier.stats.applied}`);
  if (d.batcher) parts.push(`batches posted ${d.batcher.stats.framesPosted}`);
  if (d.proposer) parts.push(`outputs proposed ${d.proposer.proposed}`);
  const halted = d.verifier.node.driver.haltReason() ?? d.sequencer.node.driver.haltReason();
  if (halted) parts.push(`derivation halted: ${halted}`);
  return parts.join(" | ");
}
