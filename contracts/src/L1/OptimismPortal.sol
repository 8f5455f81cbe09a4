// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { AddressAliasHelper } from "../libraries/AddressAliasHelper.sol";
import { Constants } from "../libraries/Constants.sol";
import { Hashing } from "../libraries/Hashing.sol";
import { MerkleTrie } from "../libraries/MerkleTrie.sol";
import { SafeCall } from "../libraries/SafeCall.sol";
import { Types } from "../libraries/Types.sol";
import { L2OutputOracle } from "./L2OutputOracle.sol";
import { ResourceMetering } from "./ResourceMetering.sol";
import { SystemConfig } from "./SystemConfig.sol";

/// @title OptimismPortal
/// @notice Ore's deposit feed and withdrawal verifier, ABI-compatible with OP Bedrock's
///         OptimismPortal 2.x (the "legacy" portal viem's op-stack actions drive through the
///         L2OutputOracle). Deposits emit `TransactionDeposited`, which the rollup node turns
///         into deposit transactions (specs/protocol/deposits.md). Withdrawals are proven with
///         an MPT proof of `sentMessages[withdrawalHash]` in L2ToL1MessagePasser's storage
///         under an output root from the L2OutputOracle, and finalized once both the proof and
///         the output have aged FINALIZATION_PERIOD_SECONDS (specs/protocol/withdrawals.md).
contract OptimismPortal is ResourceMetering {
    /// @notice A proven withdrawal: the output root it was proven against, when, and where.
    struct ProvenWithdrawal {
        bytes32 outputRoot;
        uint128 timestamp;
        uint128 l2OutputIndex;
    }

    /// @notice Version of the `TransactionDeposited` opaque data encoding.
    uint256 internal constant DEPOSIT_VERSION = 0;

    /// @notice L2 gas limit of deposits made by sending ETH straight to the portal.
    uint64 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 100_000;

    /// @notice Largest deposit calldata, which bounds what one deposit makes the node process.
    uint256 internal constant MAX_DEPOSIT_DATA = 120_000;

    /// @notice Source of output roots.
    L2OutputOracle public immutable L2_ORACLE;

    /// @notice System configuration.
    SystemConfig public immutable SYSTEM_CONFIG;

    /// @notice L2 sender of the withdrawal being executed, DEFAULT_L2_SENDER otherwise; it
    ///         doubles as the reentrancy lock of the withdrawal paths.
    address public l2Sender;

    /// @notice Withdrawals whose execution has been attempted (successfully or not).
    mapping(bytes32 => bool) public finalizedWithdrawals;

    /// @notice Proven withdrawals, by withdrawal hash.
    mapping(bytes32 => ProvenWithdrawal) public provenWithdrawals;

    /// @notice Withdrawals whose call failed when finalized; their ETH stays earmarked here
    ///         and `retryFailedWithdrawal` may execute them once more.
    mapping(bytes32 => bool) public failedWithdrawals;

    /// @notice Emitted for every deposit; `opaqueData` is
    ///         abi.encodePacked(mint, value, gasLimit, isCreation, data) for version 0.
    event TransactionDeposited(address indexed from, address indexed to, uint256 indexed version, bytes opaqueData);

    /// @notice Emitted when a withdrawal is proven.
    event WithdrawalProven(bytes32 indexed withdrawalHash, address indexed from, address indexed to);

    /// @notice Emitted when a withdrawal is finalized; `success` is the outcome of its call.
    event WithdrawalFinalized(bytes32 indexed withdrawalHash, bool success);

    /// @notice Emitted when a previously failed withdrawal is executed successfully.
    event WithdrawalRetried(bytes32 indexed withdrawalHash);

    /// @param _l2Oracle     Proposal manager holding the output roots.
    /// @param _systemConfig System configuration.
    constructor(L2OutputOracle _l2Oracle, SystemConfig _systemConfig) {
        L2_ORACLE = _l2Oracle;
        SYSTEM_CONFIG = _systemConfig;
        l2Sender = Constants.DEFAULT_L2_SENDER;
    }

    /// @notice Semantic version; major 2 tells viem to take the L2OutputOracle path.
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    /// @notice Bedrock's lower-case getter for L2_ORACLE.
    function l2Oracle() external view returns (L2OutputOracle) {
        return L2_ORACLE;
    }

    /// @notice Bedrock's lower-case getter for SYSTEM_CONFIG.
    function systemConfig() external view returns (SystemConfig) {
        return SYSTEM_CONFIG;
    }

    /// @notice ETH sent straight to the portal becomes a deposit to the sender's L2 account.
    receive() external payable {
        depositTransaction(msg.sender, msg.value, RECEIVE_DEFAULT_GAS_LIMIT, false, bytes(""));
    }

    /// @notice Accepts ETH without creating a deposit (for migrations and tests).
    function donateETH() external payable { }

    /// @notice Smallest L2 gas limit for a deposit carrying `_byteCount` bytes of data: the
    ///         L2 intrinsic gas of a call with that much non-zero calldata.
    function minimumGasLimit(uint64 _byteCount) public pure returns (uint64) {
        return _byteCount * 16 + 21000;
    }

    /// @notice Creates an L2 transaction from L1: `msg.value` is minted on L2 to the sender,
    ///         then `_value` of it is sent to `_to` (or a contract is created when
    ///         `_isCreation`, in which case `_to` must be zero) with `_gasLimit` L2 gas and
    ///         `_data`. Contracts deposit under their L2 alias.
    function depositTransaction(
        address _to,
        uint256 _value,
        uint64 _gasLimit,
        bool _isCreation,
        bytes memory _data
    )
        public
        payable
        metered(_gasLimit)
    {
        if (_isCreation) {
            require(_to == address(0), "OptimismPortal: must send to address(0) when creating a contract");
        }
        require(_gasLimit >= minimumGasLimit(uint64(_data.length)), "OptimismPortal: gas limit too small");
        require(_data.length <= MAX_DEPOSIT_DATA, "OptimismPortal: data too large");

        // A contract caller (msg.sender != tx.origin, which also covers constructors and
        // EIP-7702 delegations called by others) acts on L2 under its alias.
        address from = msg.sender;
        if (msg.sender != tx.origin) {
            from = AddressAliasHelper.applyL1ToL2Alias(msg.sender);
        }

        bytes memory opaqueData = abi.encodePacked(msg.value, _value, _gasLimit, _isCreation, _data);
        emit TransactionDeposited(from, _to, DEPOSIT_VERSION, opaqueData);
    }

    /// @notice Proves that L2ToL1MessagePasser recorded `_tx` in the output at `_l2OutputIndex`:
    ///         `_outputRootProof` must hash to that output root, and `_withdrawalProof` must be
    ///         an MPT proof of `sentMessages[hash(_tx)] = true` under its
    ///         messagePasserStorageRoot. A withdrawal proven against an output that has since
    ///         been deleted or replaced may be proven again.
    function proveWithdrawalTransaction(
        Types.WithdrawalTransaction memory _tx,
        uint256 _l2OutputIndex,
        Types.OutputRootProof calldata _outputRootProof,
        bytes[] calldata _withdrawalProof
    )
        external
    {
        require(_tx.target != address(this), "OptimismPortal: you cannot send messages to the portal contract");
        require(_l2OutputIndex < L2_ORACLE.nextOutputIndex(), "OptimismPortal: output index does not exist");

        bytes32 outputRoot = L2_ORACLE.getL2Output(_l2OutputIndex).outputRoot;
        require(
            outputRoot == Hashing.hashOutputRootProof(_outputRootProof), "OptimismPortal: invalid output root proof"
        );

        bytes32 withdrawalHash = Hashing.hashWithdrawal(_tx);
        ProvenWithdrawal memory existing = provenWithdrawals[withdrawalHash];
        require(
            existing.timestamp == 0 || !_outputStands(existing.l2OutputIndex, existing.outputRoot),
            "OptimismPortal: withdrawal hash has already been proven"
        );

        // The message passer stores `true` (RLP 0x01) at sentMessages[withdrawalHash].
        bytes32 slot = Hashing.messagePasserSlot(withdrawalHash);
        require(
            MerkleTrie.verifySecureInclusionProof(
                abi.encode(slot), hex"01", _withdrawalProof, _outputRootProof.messagePasserStorageRoot
            ),
            "OptimismPortal: invalid withdrawal inclusion proof"
        );

        provenWithdrawals[withdrawalHash] = ProvenWithdrawal({
            outputRoot: outputRoot,
            timestamp: uint128(block.timestamp),
            l2OutputIndex: uint128(_l2OutputIndex)
        });
        emit WithdrawalProven(withdrawalHash, _tx.sender, _tx.target);
    }

    /// @notice Executes a proven withdrawal: sends `_tx.value` and `_tx.data` to `_tx.target`
    ///         with at least `_tx.gasLimit` gas, with `l2Sender` set to `_tx.sender`. Requires
    ///         the proof and the output to be FINALIZATION_PERIOD_SECONDS old and the output to
    ///         still stand. Each withdrawal is finalized at most once; if its call fails, that
    ///         is recorded (event and `failedWithdrawals`) and the ETH stays earmarked for
    ///         `retryFailedWithdrawal`.
    function finalizeWithdrawalTransaction(Types.WithdrawalTransaction memory _tx) external {
        require(
            l2Sender == Constants.DEFAULT_L2_SENDER, "OptimismPortal: can only trigger one withdrawal per transaction"
        );
        require(_tx.target != address(this), "OptimismPortal: you cannot send messages to the portal contract");

        bytes32 withdrawalHash = Hashing.hashWithdrawal(_tx);
        _checkWithdrawal(withdrawalHash);
        require(!finalizedWithdrawals[withdrawalHash], "OptimismPortal: withdrawal has already been finalized");

        // Effects before the interaction: a reentrant call sees the withdrawal as finalized.
        finalizedWithdrawals[withdrawalHash] = true;
        bool success = _execute(_tx);
        if (!success) failedWithdrawals[withdrawalHash] = true;
        emit WithdrawalFinalized(withdrawalHash, success);

        // During gas estimation, fail loudly so the estimate covers a successful call.
        if (!success && tx.origin == Constants.ESTIMATION_ADDRESS) {
            revert("OptimismPortal: withdrawal failed");
        }
    }

    /// @notice Executes once more a finalized withdrawal whose call failed; reverts (changing
    ///         nothing) if it fails again. Callable by anyone, like the messenger's replay.
    function retryFailedWithdrawal(Types.WithdrawalTransaction memory _tx) external {
        require(
            l2Sender == Constants.DEFAULT_L2_SENDER, "OptimismPortal: can only trigger one withdrawal per transaction"
        );
        bytes32 withdrawalHash = Hashing.hashWithdrawal(_tx);
        require(failedWithdrawals[withdrawalHash], "OptimismPortal: withdrawal has not failed");
        failedWithdrawals[withdrawalHash] = false;
        require(_execute(_tx), "OptimismPortal: withdrawal retry failed");
        emit WithdrawalRetried(withdrawalHash);
    }

    /// @notice Whether the output at `_l2OutputIndex` is past its challenge window.
    function isOutputFinalized(uint256 _l2OutputIndex) external view returns (bool) {
        return _isFinalizationPeriodElapsed(L2_ORACLE.getL2Output(_l2OutputIndex).timestamp);
    }

    /// @notice Reverts with the reason a withdrawal cannot be finalized yet (the same messages
    ///         viem's getWithdrawalStatus understands), or returns if it can.
    function checkWithdrawal(bytes32 _withdrawalHash) external view {
        _checkWithdrawal(_withdrawalHash);
    }

    function _checkWithdrawal(bytes32 _withdrawalHash) internal view {
        ProvenWithdrawal memory proven = provenWithdrawals[_withdrawalHash];
        require(proven.timestamp != 0, "OptimismPortal: withdrawal has not been proven yet");
        require(
            _isFinalizationPeriodElapsed(proven.timestamp),
            "OptimismPortal: proven withdrawal finalization period has not elapsed"
        );
        require(
            _outputStands(proven.l2OutputIndex, proven.outputRoot),
            "OptimismPortal: output root proven is not the same as current output root"
        );
        require(
            _isFinalizationPeriodElapsed(L2_ORACLE.getL2Output(proven.l2OutputIndex).timestamp),
            "OptimismPortal: output proposal finalization period has not elapsed"
        );
    }

    /// @notice Whether output `_index` still exists and still has root `_root`.
    function _outputStands(uint256 _index, bytes32 _root) internal view returns (bool) {
        return _index < L2_ORACLE.nextOutputIndex() && L2_ORACLE.getL2Output(_index).outputRoot == _root;
    }

    /// @notice Runs the withdrawal's call with `l2Sender` set, which also locks out reentry.
    function _execute(Types.WithdrawalTransaction memory _tx) internal returns (bool success_) {
        l2Sender = _tx.sender;
        success_ = SafeCall.callWithMinGas(_tx.target, _tx.gasLimit, _tx.value, _tx.data);
        l2Sender = Constants.DEFAULT_L2_SENDER;
    }

    function _isFinalizationPeriodElapsed(uint256 _timestamp) internal view returns (bool) {
        return block.timestamp > _timestamp + L2_ORACLE.FINALIZATION_PERIOD_SECONDS();
    }
}
