/**
 * Ore's modexp precompile (0x05): @ethereumjs's own at Cancun (EIP-198 with EIP-2565's gas),
 * refusing first, as EIP-7823 does on L1 since Fusaka, a call any of whose three declared lengths
 * (`Blen`, `Elen`, `Mlen`: the input's first three 32-byte big-endian words, zero past its end)
 * is over `MAX_MODEXP_LENGTH` (1,024 bytes): the call fails and consumes all the gas given to it.
 * Gas stays EIP-2565's (EIP-7883's repricing is not adopted). The bound keeps every modexp step of
 * a fault proof verifiable by bounded calls to L1's modexp (`provableLimits.ts`,
 * docs/fault-proof.md §10, docs/engine.md "modexp"). The engine (`node/engine/vm.ts`) and the step
 * machine's reference (`core/proof/evmReference.ts`) both run it; the machine applies the same
 * rule itself (`wasm/assembly/step/modexp.ts`).
 *
 * EIP-7823 checks the bound after the gas (geth: `RequiredGas`, then `Run` refuses the lengths);
 * both failures consume all the call's gas and return nothing, so checking the bound first, as
 * here, is the same rule and spares pricing an input it refuses.
 *
 * Spec: https://eips.ethereum.org/EIPS/eip-7823
 */
import type { Common } from "@ethereumjs/common";
import { type CustomPrecompile, EVMError, getActivePrecompiles, type PrecompileFunc } from "@ethereumjs/evm";
import { MAX_MODEXP_LENGTH } from "./provableLimits.ts";

/** Address of the modexp precompile. */
export const MODEXP_ADDRESS = "0x0000000000000000000000000000000000000005";

/**
 * Declared length `k` of a modexp input (0 `Blen`, 1 `Elen`, 2 `Mlen`): the 32-byte big-endian
 * word at byte `32k`, bytes past the input's end read as zero.
 */
export function modexpLength(input: Uint8Array, k: 0 | 1 | 2): bigint {
  let v = 0n;
  for (let i = 32 * k; i < 32 * k + 32; i++) v = (v << 8n) | BigInt(input[i] ?? 0);
  return v;
}

/** Whether EIP-7823's bound refuses `input`: one of its three declared lengths is over 1,024. */
export function modexpOverBound(input: Uint8Array): boolean {
  const max = BigInt(MAX_MODEXP_LENGTH);
  return modexpLength(input, 0) > max || modexpLength(input, 1) > max || modexpLength(input, 2) > max;
}

/** The modexp precompile with EIP-7823's bound, for `evmOpts.customPrecompiles`. */
export function modexpPrecompile(common: Common): CustomPrecompile {
  const builtin = getActivePrecompiles(common).get(MODEXP_ADDRESS.slice(2)) as PrecompileFunc | undefined;
  if (builtin === undefined) throw new Error(`no modexp precompile at ${common.hardfork()}`);
  return {
    address: MODEXP_ADDRESS,
    function: (opts) => {
      if (modexpOverBound(opts.data)) {
        return {
          returnValue: new Uint8Array(0),
          executionGasUsed: opts.gasLimit,
          exceptionError: new EVMError(EVMError.errorMessages.INVALID_INPUT_LENGTH),
        };
      }
      return builtin(opts);
    },
  };
}
