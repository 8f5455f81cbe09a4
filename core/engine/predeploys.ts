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
  OptimismMintableERC20Factory: at("12"),
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

/**
 * EIP-4788's beacon roots contract (https://eips.ethereum.org/EIPS/eip-4788): the address every
 * Cancun chain uses and its runtime code (the result of the EIP's keyless deployment, as on
 * Ethereum and OP chains since Ecotone). Ore's genesis holds it with nonce 1 and no storage; at the
 * start of every block the engine stores `timestamp` at slot `timestamp % 8191` and the block's
 * `parentBeaconBlockRoot` at slot `timestamp % 8191 + 8191`, as the EIP's system call does.
 */
export const BEACON_ROOTS = {
  address: fromHex("0x000f3df6d732807ef1319fb7b8bb8522d0beac02"),
  code: fromHex(
    "0x3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500",
  ),
  /** keccak256 of `code`. */
  codeHash: fromHex("0xf57acd40259872606d76197ef052f3d35588dadf919ee1f0e3cb9b62d3f4b02c"),
  /** EIP-4788's HISTORY_BUFFER_LENGTH. */
  historyLength: 8191n,
} as const;
