/**
 * Executes one deposit transaction on the VM's state, with OP's deposit semantics (Regolith
 * and Canyon):
 *
 * - `mint` is credited to `from` first and is kept whatever happens next;
 * - no gas is bought and no fee is paid (GASPRICE is 0); ORIGIN is `from`;
 * - a deposit that cannot run at all (gas below intrinsic, balance below `value`) is a
 *   *failed deposit*: everything but the mint is rolled back, `from`'s nonce is still bumped
 *   and the deposit uses its whole gas limit;
 * - otherwise it runs like a call/create; a revert keeps the mint and the nonce bump and uses
 *   the gas actually spent (refunds applied, as after Regolith).
 *
 * @ethereumjs/vm's `runTx` assumes a signed, fee-paying transaction, so deposits take this
 * path through `evm.runCall` with the same journal discipline `runTx` uses.
 * Spec: https://specs.optimism.io/protocol/deposits.html#execution
 */
import type { Block } from "@ethereumjs/block";
import { Account, Address, hexToBytes } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import type { DepositTx } from "../../core/engine/depositTx.ts";
import type { Log } from "../../core/engine/receipt.ts";
import { OreError } from "../../core/errors.ts";

/** What a deposit did. */
export interface DepositOutcome {
  status: 0 | 1;
  gasUsed: bigint;
  logs: Log[];
  /** `from`'s nonce before the deposit (the receipt's `depositNonce`). */
  depositNonce: bigint;
  contractAddress?: Uint8Array;
  /** Set for a failed deposit: why it could not run. */
  failure?: string;
}

const TX_GAS = 21_000n;
const TX_CREATE_GAS = 53_000n;

/** Intrinsic gas of a deposit at Cancun: base, calldata bytes, and EIP-3860 init code words. */
export function depositIntrinsicGas(dep: DepositTx): bigint {
  let gas = dep.to === undefined ? TX_CREATE_GAS : TX_GAS;
  let zeros = 0n;
  for (const b of dep.data) if (b === 0) zeros++;
  gas += zeros * 4n + (BigInt(dep.data.length) - zeros) * 16n;
  if (dep.to === undefined) gas += ((BigInt(dep.data.length) + 31n) / 32n) * 2n;
  return gas;
}

/** Runs `dep` against `vm`'s state in the context of `block`. */
export async function runDeposit(vm: VM, block: Block, dep: DepositTx): Promise<DepositOutcome> {
  const journal = vm.evm.journal;
  const sm = vm.stateManager;
  const from = new Address(dep.from);
  await journal.cleanup();
  await journal.checkpoint();
  const account = (await sm.getAccount(from)) ?? new Account();
  const depositNonce = account.nonce;
  account.balance += dep.mint;
  await journal.putAccount(from, account);

  await journal.checkpoint();
  let outcome: DepositOutcome;
  try {
    const intrinsic = depositIntrinsicGas(dep);
    if (dep.gas < intrinsic)
      throw new FailedDeposit(`intrinsic gas too low: have ${dep.gas}, want ${intrinsic}`);
    if (account.balance < dep.value) {
      throw new FailedDeposit(
        `insufficient funds for transfer: balance ${account.balance}, value ${dep.value}`,
      );
    }
    for (const [address] of vm.evm.precompiles.entries()) journal.addAlwaysWarmAddress(address);
    journal.addAlwaysWarmAddress(from.toString());
    if (dep.to) journal.addAlwaysWarmAddress(new Address(dep.to).toString());
    journal.addAlwaysWarmAddress(block.header.coinbase.toString());

    const res = await vm.evm.runCall({
      block,
      caller: from,
      origin: from,
      to: dep.to ? new Address(dep.to) : undefined,
      value: dep.value,
      data: dep.data,
      gasLimit: dep.gas - intrinsic,
      gasPrice: 0n,
    });
    const exec = res.execResult;
    let gasUsed = intrinsic + exec.executionGasUsed;
    const refund = exec.gasRefund ?? 0n;
    gasUsed -= refund < gasUsed / 5n ? refund : gasUsed / 5n;
    // EIP-6780: only contracts created in this same transaction are deleted.
    for (const [hex] of exec.selfdestruct ?? new Map()) {
      const address = new Address(hexToBytes(hex as `0x${string}`));
      if (exec.createdAddresses?.has(address.toString())) await journal.deleteAccount(address);
    }
    await journal.commit();
    const ok = exec.exceptionError === undefined;
    outcome = {
      status: ok ? 1 : 0,
      gasUsed,
      logs: ok ? (exec.logs ?? []).map(([address, topics, data]) => ({ address, topics, data })) : [],
      depositNonce,
      contractAddress: ok && dep.to === undefined ? res.createdAddress?.bytes : undefined,
    };
  } catch (e) {
    if (!(e instanceof FailedDeposit)) {
      await journal.revert();
      await journal.revert();
      throw e;
    }
    await journal.revert();
    const after = (await sm.getAccount(from)) ?? new Account();
    after.nonce = depositNonce + 1n;
    await journal.putAccount(from, after);
    outcome = { status: 0, gasUsed: dep.gas, logs: [], depositNonce, failure: e.message };
  }
  await journal.commit();
  await journal.cleanup();
  vm.evm.stateManager.originalStorageCache.clear();
  return outcome;
}

/** Internal: the deposit cannot run; caught above and turned into a failed-deposit receipt. */
class FailedDeposit extends OreError {
  override name = "FailedDeposit";
}
