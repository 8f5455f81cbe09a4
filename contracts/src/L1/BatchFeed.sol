// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { SystemConfig } from "./SystemConfig.sol";

/// @title BatchFeed
/// @notice The sequencer feed: an append-only log of batches posted by the batcher that
///         SystemConfig names. Each append stores, under the next sequence number, a commitment
///         to the batch's bytes together with the L1 block that included it, so that a dispute
///         can later prove a batch's bytes on-chain:
///         - calldata batch: commitment = keccak256(data); the prover supplies the data;
///         - blob batch: commitment = keccak256(versionedHash_0 ‖ … ‖ versionedHash_{n-1});
///           the prover supplies the versioned hashes and opens each blob with the point
///           evaluation precompile.
///         The bytes themselves stay in calldata or blobs; only 2 storage slots are written.
contract BatchFeed {
    /// @notice Where a batch's bytes live.
    enum BatchKind {
        CALLDATA,
        BLOBS
    }

    /// @notice What is stored per sequence number.
    /// @custom:field commitment    See the contract notice.
    /// @custom:field l1BlockNumber L1 block that included the append.
    /// @custom:field l1Timestamp   Timestamp of that block.
    /// @custom:field kind          Calldata or blobs.
    struct Batch {
        bytes32 commitment;
        uint64 l1BlockNumber;
        uint64 l1Timestamp;
        BatchKind kind;
    }

    /// @notice Source of the batcher address.
    SystemConfig public immutable systemConfig;

    /// @dev Batches by sequence number, 0-based.
    Batch[] internal batches;

    /// @notice Emitted for every append. `blobHashes` is empty for calldata batches.
    event BatchAppended(uint256 indexed index, bytes32 indexed commitment, BatchKind kind, bytes32[] blobHashes);

    /// @param _systemConfig Contract whose `batcher()` may append.
    constructor(SystemConfig _systemConfig) {
        systemConfig = _systemConfig;
    }

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    modifier onlyBatcher() {
        require(msg.sender == systemConfig.batcher(), "BatchFeed: only the batcher may append");
        _;
    }

    /// @notice Appends a batch carried in this call's calldata; returns its sequence number.
    function appendBatch(bytes calldata _data) external onlyBatcher returns (uint256 index_) {
        require(_data.length > 0, "BatchFeed: empty batch");
        bytes32 commitment = keccak256(_data);
        index_ = _push(commitment, BatchKind.CALLDATA);
        emit BatchAppended(index_, commitment, BatchKind.CALLDATA, new bytes32[](0));
    }

    /// @notice Appends a batch carried in this (EIP-4844) transaction's blobs, in blob order;
    ///         returns its sequence number.
    function appendBlobBatch() external onlyBatcher returns (uint256 index_) {
        uint256 n = 0;
        // At most 6 blobs per block under Cancun/Prague's target; 16 leaves room for later forks.
        bytes32[] memory hashes = new bytes32[](16);
        while (n < hashes.length) {
            bytes32 h = blobhash(n);
            if (h == bytes32(0)) break;
            hashes[n] = h;
            n++;
        }
        require(n > 0, "BatchFeed: no blobs attached");
        assembly {
            mstore(hashes, n)
        }
        bytes32 commitment = keccak256(abi.encodePacked(hashes));
        index_ = _push(commitment, BatchKind.BLOBS);
        emit BatchAppended(index_, commitment, BatchKind.BLOBS, hashes);
    }

    /// @notice Number of batches appended so far (the next sequence number).
    function batchCount() external view returns (uint256) {
        return batches.length;
    }

    /// @notice The batch stored under sequence number `_index`.
    function getBatch(uint256 _index) external view returns (Batch memory) {
        require(_index < batches.length, "BatchFeed: no batch at this index");
        return batches[_index];
    }

    function _push(bytes32 _commitment, BatchKind _kind) internal returns (uint256 index_) {
        index_ = batches.length;
        batches.push(
            Batch({
                commitment: _commitment,
                l1BlockNumber: uint64(block.number),
                l1Timestamp: uint64(block.timestamp),
                kind: _kind
            })
        );
    }
}
