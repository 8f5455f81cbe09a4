// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { Ownable } from "../universal/Ownable.sol";

/// @title SystemConfig
/// @notice The L2 system parameters that live on L1: batcher, L2 gas limit, fee scalars and the
///         unsafe-block signer. Every change emits `ConfigUpdate`, from which the rollup node
///         derives the configuration in force at each L1 block
///         (specs/protocol/system-config.md); the constructor emits one per field, so a node
///         can rebuild the whole history from logs alone, starting at `startBlock`.
contract SystemConfig is Ownable {
    /// @notice Kinds of `ConfigUpdate`, numbered as in Bedrock.
    enum UpdateType {
        BATCHER,
        GAS_CONFIG,
        GAS_LIMIT,
        UNSAFE_BLOCK_SIGNER
    }

    /// @notice Version of the `ConfigUpdate` data encoding.
    uint256 public constant VERSION = 0;

    /// @notice Deposits may buy at most this much L2 gas per L1 block (OptimismPortal metering).
    uint64 public constant MAX_RESOURCE_LIMIT = 20_000_000;

    /// @notice Gas the L2 reserves for system transactions in every block.
    uint64 public constant SYSTEM_TX_MAX_GAS = 1_000_000;

    /// @notice Largest L2 block gas limit the owner may set: the largest at which every block stays
    ///         provable by the single-step verifier. A bn254 pairing over 1,366 pairs (262,272
    ///         bytes, 46,489,000 gas) would exceed one step's input and L1's pairing precompile
    ///         cannot be split, and a modexp with a base or modulus over 64 bytes and an exponent
    ///         over one step needs more than 45M gas (docs/fault-proof.md §10). Bedrock: 200M.
    uint64 public constant MAXIMUM_GAS_LIMIT = 45_000_000;

    /// @notice Batcher address, left-padded to 32 bytes as Bedrock stores it.
    bytes32 public batcherHash;

    /// @notice Pre-Ecotone L1 fee overhead (kept at zero by the Ecotone setter).
    uint256 public overhead;

    /// @notice Versioned fee scalar: byte 0 is the version (1 = Ecotone), bytes 24..27 the blob
    ///         base fee scalar and bytes 28..31 the base fee scalar.
    uint256 public scalar;

    /// @notice L2 block gas limit.
    uint64 public gasLimit;

    /// @notice Ecotone base fee scalar (L1 data fee per byte, scaled by 1e6 × 16).
    uint32 public basefeeScalar;

    /// @notice Ecotone blob base fee scalar.
    uint32 public blobbasefeeScalar;

    /// @notice Key that signs unsafe L2 blocks for gossip.
    address public unsafeBlockSigner;

    /// @notice L1 block of deployment: where the node starts scanning for `ConfigUpdate`.
    uint256 public immutable startBlock;

    /// @notice Emitted on every change; `data` is the ABI encoding of the new value(s).
    event ConfigUpdate(uint256 indexed version, UpdateType indexed updateType, bytes data);

    /// @param _owner             Account allowed to change the configuration.
    /// @param _basefeeScalar     Initial Ecotone base fee scalar.
    /// @param _blobbasefeeScalar Initial Ecotone blob base fee scalar.
    /// @param _batcher           Initial batcher (the only account that may append to BatchFeed).
    /// @param _gasLimit          Initial L2 block gas limit.
    /// @param _unsafeBlockSigner Initial unsafe-block signer.
    constructor(
        address _owner,
        uint32 _basefeeScalar,
        uint32 _blobbasefeeScalar,
        address _batcher,
        uint64 _gasLimit,
        address _unsafeBlockSigner
    )
        Ownable(_owner)
    {
        startBlock = block.number;
        _setBatcherHash(bytes32(uint256(uint160(_batcher))));
        _setGasConfigEcotone(_basefeeScalar, _blobbasefeeScalar);
        _setGasLimit(_gasLimit);
        _setUnsafeBlockSigner(_unsafeBlockSigner);
    }

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "2.0.0";
    }

    /// @notice The batcher as an address.
    function batcher() external view returns (address) {
        return address(uint160(uint256(batcherHash)));
    }

    /// @notice Smallest L2 gas limit that still fits a full block of deposits plus system txs.
    function minimumGasLimit() public pure returns (uint64) {
        return MAX_RESOURCE_LIMIT + SYSTEM_TX_MAX_GAS;
    }

    /// @notice Largest L2 gas limit the owner may set.
    function maximumGasLimit() public pure returns (uint64) {
        return MAXIMUM_GAS_LIMIT;
    }

    /// @notice Replaces the batcher (given as a left-padded address).
    function setBatcherHash(bytes32 _batcherHash) external onlyOwner {
        _setBatcherHash(_batcherHash);
    }

    /// @notice Pre-Ecotone fee parameters; `_scalar`'s top byte must be zero (version 0).
    function setGasConfig(uint256 _overhead, uint256 _scalar) external onlyOwner {
        require((_scalar >> 248) == 0, "SystemConfig: scalar exceeds max.");
        overhead = _overhead;
        scalar = _scalar;
        emit ConfigUpdate(VERSION, UpdateType.GAS_CONFIG, abi.encode(_overhead, _scalar));
    }

    /// @notice Ecotone fee scalars; also sets the versioned `scalar` and zeroes `overhead`.
    function setGasConfigEcotone(uint32 _basefeeScalar, uint32 _blobbasefeeScalar) external onlyOwner {
        _setGasConfigEcotone(_basefeeScalar, _blobbasefeeScalar);
    }

    /// @notice Sets the L2 block gas limit within [minimumGasLimit, maximumGasLimit].
    function setGasLimit(uint64 _gasLimit) external onlyOwner {
        _setGasLimit(_gasLimit);
    }

    /// @notice Replaces the unsafe-block signer.
    function setUnsafeBlockSigner(address _unsafeBlockSigner) external onlyOwner {
        _setUnsafeBlockSigner(_unsafeBlockSigner);
    }

    function _setBatcherHash(bytes32 _batcherHash) internal {
        // Only the low 20 bytes name an address; anything above would be silently dropped.
        require(uint256(_batcherHash) >> 160 == 0, "SystemConfig: batcher hash is not an address");
        batcherHash = _batcherHash;
        emit ConfigUpdate(VERSION, UpdateType.BATCHER, abi.encode(_batcherHash));
    }

    function _setGasConfigEcotone(uint32 _basefeeScalar, uint32 _blobbasefeeScalar) internal {
        basefeeScalar = _basefeeScalar;
        blobbasefeeScalar = _blobbasefeeScalar;
        scalar = (uint256(0x01) << 248) | (uint256(_blobbasefeeScalar) << 32) | _basefeeScalar;
        overhead = 0;
        emit ConfigUpdate(VERSION, UpdateType.GAS_CONFIG, abi.encode(uint256(0), scalar));
    }

    function _setGasLimit(uint64 _gasLimit) internal {
        require(_gasLimit >= minimumGasLimit(), "SystemConfig: gas limit too low");
        require(_gasLimit <= maximumGasLimit(), "SystemConfig: gas limit too high");
        gasLimit = _gasLimit;
        emit ConfigUpdate(VERSION, UpdateType.GAS_LIMIT, abi.encode(_gasLimit));
    }

    function _setUnsafeBlockSigner(address _unsafeBlockSigner) internal {
        unsafeBlockSigner = _unsafeBlockSigner;
        emit ConfigUpdate(VERSION, UpdateType.UNSAFE_BLOCK_SIGNER, abi.encode(_unsafeBlockSigner));
    }
}
