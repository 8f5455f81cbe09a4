// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { Types } from "../libraries/Types.sol";

/// @title L2OutputOracle
/// @notice Ore's proposal manager: anyone may propose the output root of the next L2 checkpoint
///         by posting a bond. Outputs are read through Bedrock's L2OutputOracle API, so existing
///         clients (viem's op-stack actions) work unchanged. An output is final once
///         FINALIZATION_PERIOD_SECONDS have passed since it was proposed; until then the
///         dispute-game contract may delete it (and every later output) after the proposer
///         loses a dispute, and the lost bond goes to the winner. Bonds are never pushed
///         during a deletion: each is claimed separately with `claimBond`, so a hostile
///         recipient cannot block a dispute's resolution. See docs/proposal-manager.md.
contract L2OutputOracle {
    /// @notice Number of L2 blocks between two proposals.
    uint256 public immutable SUBMISSION_INTERVAL;

    /// @notice Seconds per L2 block.
    uint256 public immutable L2_BLOCK_TIME;

    /// @notice Challenge window: seconds after proposal until an output (and its bond) is final.
    uint256 public immutable FINALIZATION_PERIOD_SECONDS;

    /// @notice Wei that must accompany every proposal.
    uint256 public immutable PROPOSAL_BOND;

    /// @notice L2 block of the anchor state; the first proposal is for this + SUBMISSION_INTERVAL.
    uint256 public immutable startingBlockNumber;

    /// @notice L2 timestamp of `startingBlockNumber`.
    uint256 public immutable startingTimestamp;

    /// @notice May set the dispute game once (when deployed without one).
    address public immutable deployer;

    /// @notice Only contract allowed to delete outputs. Settable once.
    address public disputeGame;

    /// @dev Internal form of an output: packed into 2 slots, with the proposal id that keys its bond.
    struct StoredOutput {
        bytes32 outputRoot;
        uint64 timestamp;
        uint64 l2BlockNumber;
        uint128 proposalId;
    }

    /// @notice Bond record, keyed by proposal id (ids are never reused, indices are).
    /// @custom:field recipient     Who receives the bond: the proposer, or the winner of a dispute.
    /// @custom:field l2OutputIndex Index the proposal occupied.
    /// @custom:field claimed       Whether it has been paid out.
    struct Bond {
        address recipient;
        uint64 l2OutputIndex;
        bool claimed;
    }

    /// @dev Live outputs, by output index.
    StoredOutput[] internal l2Outputs;

    /// @notice Bonds by proposal id (1-based).
    mapping(uint256 => Bond) public bonds;

    /// @notice Number of proposals ever made; the latest proposal's id.
    uint256 public proposalCount;

    /// @notice Emitted for every accepted proposal (Bedrock's event, unchanged).
    event OutputProposed(
        bytes32 indexed outputRoot, uint256 indexed l2OutputIndex, uint256 indexed l2BlockNumber, uint256 l1Timestamp
    );

    /// @notice Emitted with every proposal: the bond posted and the id that keys it.
    event BondPosted(uint256 indexed proposalId, uint256 indexed l2OutputIndex, address indexed proposer, uint256 amount);

    /// @notice Emitted when outputs are deleted (Bedrock's event, unchanged): indices
    ///         [newNextOutputIndex, prevNextOutputIndex) are gone.
    event OutputsDeleted(uint256 indexed prevNextOutputIndex, uint256 indexed newNextOutputIndex);

    /// @notice Emitted when a lost output's bond is awarded to a dispute's winner.
    event BondAwarded(uint256 indexed proposalId, address indexed winner);

    /// @notice Emitted when a bond is paid out.
    event BondClaimed(uint256 indexed proposalId, address indexed recipient, uint256 amount);

    /// @notice Emitted when the dispute game is set.
    event DisputeGameSet(address indexed disputeGame);

    /// @param _submissionInterval        L2 blocks between proposals (> 0).
    /// @param _l2BlockTime               Seconds per L2 block (> 0).
    /// @param _startingBlockNumber       L2 block of the anchor state.
    /// @param _startingTimestamp         Its L2 timestamp (not in the future).
    /// @param _finalizationPeriodSeconds Challenge window.
    /// @param _proposalBond              Bond per proposal, in wei (> 0).
    /// @param _disputeGame               Dispute game, or address(0) to set it later once.
    constructor(
        uint256 _submissionInterval,
        uint256 _l2BlockTime,
        uint256 _startingBlockNumber,
        uint256 _startingTimestamp,
        uint256 _finalizationPeriodSeconds,
        uint256 _proposalBond,
        address _disputeGame
    ) {
        require(_submissionInterval > 0, "L2OutputOracle: submission interval must be greater than 0");
        require(_l2BlockTime > 0, "L2OutputOracle: L2 block time must be greater than 0");
        require(
            _startingTimestamp <= block.timestamp,
            "L2OutputOracle: starting L2 timestamp must be less than current time"
        );
        require(_proposalBond > 0, "L2OutputOracle: proposal bond must be greater than 0");
        // Stored outputs pack block numbers and timestamps into 64 bits.
        require(_startingBlockNumber < type(uint64).max / 2, "L2OutputOracle: starting block number too large");
        SUBMISSION_INTERVAL = _submissionInterval;
        L2_BLOCK_TIME = _l2BlockTime;
        startingBlockNumber = _startingBlockNumber;
        startingTimestamp = _startingTimestamp;
        FINALIZATION_PERIOD_SECONDS = _finalizationPeriodSeconds;
        PROPOSAL_BOND = _proposalBond;
        deployer = msg.sender;
        if (_disputeGame != address(0)) {
            disputeGame = _disputeGame;
            emit DisputeGameSet(_disputeGame);
        }
    }

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    /// @notice Sets the dispute game; only the deployer, and only while none is set.
    function setDisputeGame(address _disputeGame) external {
        require(msg.sender == deployer, "L2OutputOracle: only the deployer may set the dispute game");
        require(disputeGame == address(0), "L2OutputOracle: dispute game already set");
        require(_disputeGame != address(0), "L2OutputOracle: dispute game cannot be the zero address");
        disputeGame = _disputeGame;
        emit DisputeGameSet(_disputeGame);
    }

    /// @notice Bedrock's name for the account allowed to delete outputs.
    function CHALLENGER() external view returns (address) {
        return disputeGame;
    }

    /// @notice Bedrock's name for the permissioned proposer; zero, since proposing is open to all.
    function PROPOSER() external pure returns (address) {
        return address(0);
    }

    /// @notice Proposes `_outputRoot` for L2 block `_l2BlockNumber`, which must be
    ///         `nextBlockNumber()` and no later than the current time allows. If `_l1BlockHash`
    ///         is non-zero it must be the hash of L1 block `_l1BlockNumber`, which ties the
    ///         proposal to the L1 chain the proposer saw (a reorg then voids it). `msg.value`
    ///         must equal PROPOSAL_BOND.
    function proposeL2Output(
        bytes32 _outputRoot,
        uint256 _l2BlockNumber,
        bytes32 _l1BlockHash,
        uint256 _l1BlockNumber
    )
        external
        payable
    {
        require(msg.value == PROPOSAL_BOND, "L2OutputOracle: bond must equal PROPOSAL_BOND");
        require(
            _l2BlockNumber == nextBlockNumber(),
            "L2OutputOracle: block number must be equal to next expected block number"
        );
        require(
            computeL2Timestamp(_l2BlockNumber) < block.timestamp,
            "L2OutputOracle: cannot propose L2 output in the future"
        );
        require(_outputRoot != bytes32(0), "L2OutputOracle: L2 output proposal cannot be the zero hash");
        if (_l1BlockHash != bytes32(0)) {
            // blockhash() is zero for blocks older than 256 or not yet mined, so those fail too.
            require(
                blockhash(_l1BlockNumber) == _l1BlockHash,
                "L2OutputOracle: block hash does not match the hash at the expected height"
            );
        }

        uint256 index = l2Outputs.length;
        uint256 id = ++proposalCount;
        l2Outputs.push(
            StoredOutput({
                outputRoot: _outputRoot,
                timestamp: uint64(block.timestamp),
                l2BlockNumber: uint64(_l2BlockNumber),
                proposalId: uint128(id)
            })
        );
        bonds[id] = Bond({ recipient: msg.sender, l2OutputIndex: uint64(index), claimed: false });
        emit OutputProposed(_outputRoot, index, _l2BlockNumber, block.timestamp);
        emit BondPosted(id, index, msg.sender, msg.value);
    }

    /// @notice Dispute-game hook: deletes output `_l2OutputIndex` (which must still be the
    ///         proposal `_proposalId` and not yet final) and every later output, and awards
    ///         its bond to `_winner`. Later outputs' bonds go back to their proposers.
    function deleteL2Outputs(uint256 _l2OutputIndex, uint256 _proposalId, address _winner) external {
        require(msg.sender == disputeGame, "L2OutputOracle: only the dispute game can delete outputs");
        require(_winner != address(0), "L2OutputOracle: winner cannot be the zero address");
        uint256 prevNext = l2Outputs.length;
        require(_l2OutputIndex < prevNext, "L2OutputOracle: cannot delete outputs after the latest output index");
        StoredOutput storage lost = l2Outputs[_l2OutputIndex];
        require(lost.proposalId == _proposalId, "L2OutputOracle: output was already replaced");
        require(
            block.timestamp - lost.timestamp < FINALIZATION_PERIOD_SECONDS,
            "L2OutputOracle: cannot delete outputs that have already been finalized"
        );

        bonds[_proposalId].recipient = _winner;
        emit BondAwarded(_proposalId, _winner);

        // Truncate in O(1): entries past the new length are unreachable and get overwritten by
        // later proposals; their bonds stay keyed by proposal id.
        StoredOutput[] storage outputs = l2Outputs;
        assembly {
            sstore(outputs.slot, _l2OutputIndex)
        }
        emit OutputsDeleted(prevNext, _l2OutputIndex);
    }

    /// @notice Pays out the bond of proposal `_proposalId` to its recipient: the proposer once
    ///         the output is final or was deleted as a later output, or the winner of the
    ///         dispute that deleted it. Callable by anyone.
    function claimBond(uint256 _proposalId) external {
        Bond storage bond = bonds[_proposalId];
        require(bond.recipient != address(0), "L2OutputOracle: no such proposal");
        require(!bond.claimed, "L2OutputOracle: bond already claimed");
        uint256 index = bond.l2OutputIndex;
        bool live = index < l2Outputs.length && l2Outputs[index].proposalId == _proposalId;
        if (live) {
            require(
                block.timestamp - l2Outputs[index].timestamp >= FINALIZATION_PERIOD_SECONDS,
                "L2OutputOracle: output is not finalized yet"
            );
        }
        bond.claimed = true;
        address recipient = bond.recipient;
        (bool ok,) = recipient.call{ value: PROPOSAL_BOND }("");
        require(ok, "L2OutputOracle: bond transfer failed");
        emit BondClaimed(_proposalId, recipient, PROPOSAL_BOND);
    }

    /// @notice Proposal id of the live output at `_l2OutputIndex` (what a dispute game records
    ///         when it opens, and passes back to `deleteL2Outputs`).
    function proposalIdOf(uint256 _l2OutputIndex) external view returns (uint256) {
        require(_l2OutputIndex < l2Outputs.length, "L2OutputOracle: output index out of range");
        return l2Outputs[_l2OutputIndex].proposalId;
    }

    /// @notice Proposer of the live output at `_l2OutputIndex`.
    function proposerOf(uint256 _l2OutputIndex) external view returns (address) {
        require(_l2OutputIndex < l2Outputs.length, "L2OutputOracle: output index out of range");
        return bonds[l2Outputs[_l2OutputIndex].proposalId].recipient;
    }

    /// @notice The output at `_l2OutputIndex`.
    function getL2Output(uint256 _l2OutputIndex) public view returns (Types.OutputProposal memory) {
        require(_l2OutputIndex < l2Outputs.length, "L2OutputOracle: output index out of range");
        StoredOutput storage o = l2Outputs[_l2OutputIndex];
        return Types.OutputProposal({
            outputRoot: o.outputRoot,
            timestamp: uint128(o.timestamp),
            l2BlockNumber: uint128(o.l2BlockNumber)
        });
    }

    /// @notice Index of the first output whose L2 block is at or after `_l2BlockNumber`.
    function getL2OutputIndexAfter(uint256 _l2BlockNumber) public view returns (uint256) {
        // One message for "none yet" and "not that far yet": viem's getWithdrawalStatus maps
        // exactly this string to "waiting-to-prove".
        require(
            l2Outputs.length > 0 && _l2BlockNumber <= l2Outputs[l2Outputs.length - 1].l2BlockNumber,
            "L2OutputOracle: cannot get output for a block that has not been proposed"
        );
        // Outputs are sorted by block number; binary search for the first one >= the target.
        uint256 lo = 0;
        uint256 hi = l2Outputs.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (l2Outputs[mid].l2BlockNumber < _l2BlockNumber) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /// @notice The first output whose L2 block is at or after `_l2BlockNumber`.
    function getL2OutputAfter(uint256 _l2BlockNumber) external view returns (Types.OutputProposal memory) {
        return getL2Output(getL2OutputIndexAfter(_l2BlockNumber));
    }

    /// @notice Index of the latest output; reverts when there is none.
    function latestOutputIndex() external view returns (uint256) {
        require(l2Outputs.length > 0, "L2OutputOracle: no outputs have been proposed");
        return l2Outputs.length - 1;
    }

    /// @notice Index the next proposal will take.
    function nextOutputIndex() public view returns (uint256) {
        return l2Outputs.length;
    }

    /// @notice L2 block of the latest output, or `startingBlockNumber` when there is none.
    function latestBlockNumber() public view returns (uint256) {
        return l2Outputs.length == 0 ? startingBlockNumber : l2Outputs[l2Outputs.length - 1].l2BlockNumber;
    }

    /// @notice The only L2 block the next proposal may be for.
    function nextBlockNumber() public view returns (uint256) {
        return latestBlockNumber() + SUBMISSION_INTERVAL;
    }

    /// @notice L2 timestamp of L2 block `_l2BlockNumber`.
    function computeL2Timestamp(uint256 _l2BlockNumber) public view returns (uint256) {
        return startingTimestamp + ((_l2BlockNumber - startingBlockNumber) * L2_BLOCK_TIME);
    }

    /// @notice Whether the output at `_l2OutputIndex` is past its challenge window.
    function isOutputFinalized(uint256 _l2OutputIndex) external view returns (bool) {
        require(_l2OutputIndex < l2Outputs.length, "L2OutputOracle: output index out of range");
        return block.timestamp - l2Outputs[_l2OutputIndex].timestamp >= FINALIZATION_PERIOD_SECONDS;
    }
}
