/**
 * User deposits of an L1 block: every `TransactionDeposited` log the OptimismPortal emitted in a
 * successful receipt, in log order, as encoded deposit transactions (op-node
 * `derive/deposits.go`). The log format and source hash are in `core/engine/depositLog.ts`.
 * Spec: https://specs.optimism.io/protocol/deposits.html#deposit-contract
 */
import { fromHex, toHex } from "../bytes.ts";
import { depositFromLog, TRANSACTION_DEPOSITED_TOPIC } from "../engine/depositLog.ts";
import { encodeDeposit } from "../engine/depositTx.ts";
import { MAX_TX_BYTES } from "../engine/provableLimits.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import type { Hex, L1Receipt } from "./types.ts";

const DEPOSIT_TOPIC: Hex = toHex(TRANSACTION_DEPOSITED_TOPIC);

/**
 * The encoded deposits (type 0x7E) ordered by the portal in the block `blockHash` whose receipts
 * are `receipts`, and the problems found. A malformed portal log is a problem the caller treats
 * as critical: the portal never emits one, nor a deposit over `MAX_TX_BYTES`.
 */
export function deriveDeposits(
  rollup: RollupConfig,
  blockHash: Hex,
  receipts: readonly L1Receipt[],
): { deposits: Uint8Array[]; errors: string[] } {
  const deposits: Uint8Array[] = [];
  const errors: string[] = [];
  const hash = fromHex(blockHash);
  receipts.forEach((r, i) => {
    if (!r.status) return;
    r.logs.forEach((log, j) => {
      if (
        log.address.toLowerCase() !== rollup.depositContractAddress ||
        log.topics[0]?.toLowerCase() !== DEPOSIT_TOPIC
      )
        return;
      try {
        const tx = depositFromLog({
          address: fromHex(log.address),
          topics: log.topics.map(fromHex),
          data: log.data,
          blockHash: hash,
          logIndex: log.logIndex,
        });
        const bytes = encodeDeposit(tx);
        // Ore's portal caps deposit data at 120,000 bytes; a longer deposit could only come from
        // another contract at the configured address, and the step machine could not prove it.
        if (bytes.length > MAX_TX_BYTES)
          throw new Error(
            `deposit of ${bytes.length} bytes > limit ${MAX_TX_BYTES} (unprovable in one step)`,
          );
        deposits.push(bytes);
      } catch (e) {
        errors.push(`malformed deposit log in receipt ${i}, log ${j}: ${(e as Error).message}`);
      }
    });
  });
  return { deposits, errors };
}
