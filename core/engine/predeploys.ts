/**
 * Addresses of the L2 predeploys and system accounts, as Bedrock fixes them. The table is
 * data: the genesis builder, the block builder and the RPC all read it.
 *
 * Spec: https://specs.optimism.io/protocol/predeploys.html
 */
import { fromHex } from "../bytes.ts";

const at = (suffix: string): Uint8Array => fromHex(`0x42000000000000000000000000000000000000${suffix}`);

/** Predeploy name → 20-byte address. Names match the Solidity contracts in `contracts/src/L2/`. */
export const PREDEPLOYS = {
  L2CrossDomainMessenger: at("07"),
  GasPriceOracle: at("0f"),
  L2StandardBridge: at("10"),
  SequencerFeeVault: at("11"),
  L1Block: at("15"),
  L2ToL1MessagePasser: at("16"),
  BaseFeeVault: at("19"),
  L1FeeVault: at("1a"),
} as const satisfies Record<string, Uint8Array>;

/** Name of a predeploy. */
export type PredeployName = keyof typeof PREDEPLOYS;

/** Accounts the protocol acts as; they hold no key. */
export const SYSTEM_ADDRESSES = {
  /** Sender of the L1 attributes deposit. */
  l1InfoDepositor: fromHex("0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001"),
} as const;

/**
 * Fee recipients (OP's convention): the block's coinbase is the SequencerFeeVault and receives
 * priority fees; base fees go to the BaseFeeVault instead of being burnt; the L1 data fee goes
 * to the L1FeeVault.
 */
export const FEE_VAULTS = {
  priority: PREDEPLOYS.SequencerFeeVault,
  base: PREDEPLOYS.BaseFeeVault,
  l1Data: PREDEPLOYS.L1FeeVault,
} as const;
