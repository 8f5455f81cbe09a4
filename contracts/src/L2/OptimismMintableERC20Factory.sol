// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { OptimismMintableERC20 } from "./OptimismMintableERC20.sol";

/// @title OptimismMintableERC20Factory (predeploy 0x4200000000000000000000000000000000000012)
/// @notice Creates the L2 representations of L1 tokens, with OP Bedrock's ABI. Tokens are
///         deployed with CREATE2 and salt `keccak256(abi.encode(remoteToken, name, symbol,
///         decimals))`, so one (remote token, name, symbol, decimals) has one address on L2,
///         predictable before it exists; a second creation of the same reverts.
/// @dev Spec: https://specs.optimism.io/protocol/predeploys.html#optimismmintableerc20factory
contract OptimismMintableERC20Factory {
    /// @notice The L2StandardBridge predeploy, minter of every token made here.
    address public constant BRIDGE = 0x4200000000000000000000000000000000000010;

    /// @notice Created token → its remote (L1) token.
    mapping(address => address) public deployments;

    /// @notice Legacy event of a token creation.
    event StandardL2TokenCreated(address indexed remoteToken, address indexed localToken);
    /// @notice A token was created.
    event OptimismMintableERC20Created(address indexed localToken, address indexed remoteToken, address deployer);

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "1.10.0-ore";
    }

    /// @notice The bridge (Bedrock lower-case getter).
    function bridge() external pure returns (address) {
        return BRIDGE;
    }

    /// @notice Legacy name of createOptimismMintableERC20.
    function createStandardL2Token(address _remoteToken, string memory _name, string memory _symbol)
        external
        returns (address)
    {
        return createOptimismMintableERC20WithDecimals(_remoteToken, _name, _symbol, 18);
    }

    /// @notice Creates an 18-decimal L2 token for `_remoteToken`.
    function createOptimismMintableERC20(address _remoteToken, string memory _name, string memory _symbol)
        external
        returns (address)
    {
        return createOptimismMintableERC20WithDecimals(_remoteToken, _name, _symbol, 18);
    }

    /// @notice Creates an L2 token for `_remoteToken` with `_decimals` decimals.
    function createOptimismMintableERC20WithDecimals(
        address _remoteToken,
        string memory _name,
        string memory _symbol,
        uint8 _decimals
    )
        public
        returns (address)
    {
        require(_remoteToken != address(0), "OptimismMintableERC20Factory: must provide remote token address");
        bytes32 salt = keccak256(abi.encode(_remoteToken, _name, _symbol, _decimals));
        address localToken =
            address(new OptimismMintableERC20{ salt: salt }(BRIDGE, _remoteToken, _name, _symbol, _decimals));
        deployments[localToken] = _remoteToken;
        emit StandardL2TokenCreated(_remoteToken, localToken);
        emit OptimismMintableERC20Created(localToken, _remoteToken, msg.sender);
        return localToken;
    }
}
