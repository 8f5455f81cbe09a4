/**
 * `bun run node`: the one-command local devnet (anvil as L1, the L1 contracts, a sequencer node
 * with batcher and proposer, and an independent verifier). Until the devnet lands, it says so.
 */
console.log("ore: the devnet (`bun run node`) is being built in node/devnet/; nothing to run yet.");
