/**
 * Snapshots (docs/fault-proof.md §6): the 8 revertible values of the state, saved into a frame
 * when it is entered and copied back when it fails.
 */
import { SCRATCH } from "./layout";
import {
  fSnapshot,
  G_ACCESSED_ADDRESSES,
  G_ACCESSED_SLOTS,
  G_CREATED,
  G_LOGS_COUNT,
  G_REFUND,
  G_SELFDESTRUCTS,
  G_TRANSIENT_ROOT,
  G_WORLD_ROOT,
} from "./state";
import { read, write } from "./tree";

/** The 8 revertible values (§6) into frame `c`'s snapshot. */
export function writeSnapshot(c: u64): void {
  write(fSnapshot(c, 0), cp(G_WORLD_ROOT));
  write(fSnapshot(c, 1), cp(G_ACCESSED_ADDRESSES));
  write(fSnapshot(c, 2), cp(G_ACCESSED_SLOTS));
  write(fSnapshot(c, 3), cp(G_TRANSIENT_ROOT));
  write(fSnapshot(c, 4), cp(G_REFUND));
  write(fSnapshot(c, 5), cp(G_LOGS_COUNT));
  write(fSnapshot(c, 6), cp(G_SELFDESTRUCTS));
  write(fSnapshot(c, 7), cp(G_CREATED));
}

const CP: usize = SCRATCH + 0x18e0;
function cp(g: u64): usize {
  memory.copy(CP, read(g), 32);
  return CP;
}

/** The 8 snapshot values of frame `c` back into the state. */
export function restoreSnapshot(c: u64): void {
  write(G_WORLD_ROOT, cp(fSnapshot(c, 0)));
  write(G_ACCESSED_ADDRESSES, cp(fSnapshot(c, 1)));
  write(G_ACCESSED_SLOTS, cp(fSnapshot(c, 2)));
  write(G_TRANSIENT_ROOT, cp(fSnapshot(c, 3)));
  write(G_REFUND, cp(fSnapshot(c, 4)));
  write(G_LOGS_COUNT, cp(fSnapshot(c, 5)));
  write(G_SELFDESTRUCTS, cp(fSnapshot(c, 6)));
  write(G_CREATED, cp(fSnapshot(c, 7)));
}
