/**
 * `bun run node`: the one-command local devnet (anvil as L1, the L1 contracts, a sequencer node
 * with batcher and proposer, and an independent verifier). See `node/devnet/main.ts` and
 * docs/devnet.md.
 */
import { main } from "./devnet/main.ts";

await main();
