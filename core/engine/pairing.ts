/**
 * Ore's bn254 pairing precompile (0x08): @ethereumjs's own, refusing an input longer than
 * `MAX_PAIRING_INPUT_BYTES` (256 pairs) first, as OP Granite refuses one longer than 112,687
 * bytes: the call fails and consumes all the gas given to it. The bound keeps every pairing step
 * of a fault proof verifiable in one L1 transaction (`provableLimits.ts`, docs/fault-proof.md §10,
 * docs/engine.md "Precompiles"). The engine (`node/engine/vm.ts`) and the step machine's
 * reference (`core/proof/evmReference.ts`) both run it; the machine applies the same rule itself
 * (`wasm/assembly/step/pairing.ts`).
 *
 * Spec (Granite's rule this mirrors): https://specs.optimism.io/protocol/granite/exec-engine.html
 */
import type { Common } from "@ethereumjs/common";
import { type CustomPrecompile, EVMError, getActivePrecompiles, type PrecompileFunc } from "@ethereumjs/evm";
import { MAX_PAIRING_INPUT_BYTES } from "./provableLimits.ts";

/** Address of the bn254 pairing precompile. */
export const PAIRING_ADDRESS = "0x0000000000000000000000000000000000000008";

/** The pairing precompile with Ore's input bound, for `evmOpts.customPrecompiles`. */
export function pairingPrecompile(common: Common): CustomPrecompile {
  const builtin = getActivePrecompiles(common).get(PAIRING_ADDRESS.slice(2)) as PrecompileFunc | undefined;
  if (builtin === undefined) throw new Error(`no pairing precompile at ${common.hardfork()}`);
  return {
    address: PAIRING_ADDRESS,
    function: (opts) => {
      if (opts.data.length > MAX_PAIRING_INPUT_BYTES) {
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
