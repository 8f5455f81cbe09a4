/**
 * Runtime bytecode of the L2 predeploys, from the compiled artifacts of `contracts/src/L2/`
 * (`bun contracts/build.ts`).
 */
import { feeVaultDeployedBytecode } from "../../contracts/artifacts/FeeVault.ts";
import { gasPriceOracleDeployedBytecode } from "../../contracts/artifacts/GasPriceOracle.ts";
import { l1BlockDeployedBytecode } from "../../contracts/artifacts/L1Block.ts";
import { l2CrossDomainMessengerDeployedBytecode } from "../../contracts/artifacts/L2CrossDomainMessenger.ts";
import { l2StandardBridgeDeployedBytecode } from "../../contracts/artifacts/L2StandardBridge.ts";
import { l2ToL1MessagePasserDeployedBytecode } from "../../contracts/artifacts/L2ToL1MessagePasser.ts";
import { optimismMintableERC20FactoryDeployedBytecode } from "../../contracts/artifacts/OptimismMintableERC20Factory.ts";
import { fromHex } from "../../core/bytes.ts";
import type { PredeployCode } from "../../core/engine/genesis.ts";

/** The predeploys' runtime code, ready for {@link allocWithPredeploys}. */
export function predeployCode(): PredeployCode {
  return {
    L1Block: fromHex(l1BlockDeployedBytecode),
    GasPriceOracle: fromHex(gasPriceOracleDeployedBytecode),
    L2ToL1MessagePasser: fromHex(l2ToL1MessagePasserDeployedBytecode),
    L2CrossDomainMessenger: fromHex(l2CrossDomainMessengerDeployedBytecode),
    L2StandardBridge: fromHex(l2StandardBridgeDeployedBytecode),
    OptimismMintableERC20Factory: fromHex(optimismMintableERC20FactoryDeployedBytecode),
    FeeVault: fromHex(feeVaultDeployedBytecode),
  };
}
