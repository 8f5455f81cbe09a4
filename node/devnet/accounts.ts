/**
 * The devnet's keys: anvil's standard test mnemonic ("test test … junk"). Accounts 0–9 are the
 * users' (funded on L1 by anvil and on L2 by the genesis, listed in devnet.json); accounts 10–13
 * are the operators' (deployer and SystemConfig owner, batcher, proposer, unsafe-block signer),
 * so a user's transactions never race the batcher's nonces.
 */
import { type Hex, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

/** anvil's default mnemonic. */
export const TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** An address and its private key. */
export interface DevAccount {
  address: Hex;
  privateKey: Hex;
}

/** Account `index` of the test mnemonic (BIP-44 path m/44'/60'/0'/0/index). */
export function devAccount(index: number): DevAccount {
  const a = mnemonicToAccount(TEST_MNEMONIC, { addressIndex: index });
  return { address: a.address, privateKey: toHex(a.getHdKey().privateKey!) };
}

/** The ten user accounts listed in devnet.json. */
export function userAccounts(): DevAccount[] {
  return Array.from({ length: 10 }, (_, i) => devAccount(i));
}

/** The operator roles and their account indices. */
export const ROLES = { deployer: 10, batcher: 11, proposer: 12, unsafeSigner: 13 } as const;

/** Number of accounts anvil must fund (users and operators). */
export const ANVIL_ACCOUNTS = 14;
