// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IERC20
/// @notice The part of ERC-20 the bridge uses.
interface IERC20 {
    function balanceOf(address _account) external view returns (uint256);
    function transfer(address _to, uint256 _amount) external returns (bool);
    function transferFrom(address _from, address _to, uint256 _amount) external returns (bool);
}

/// @title SafeERC20
/// @notice ERC-20 transfers that accept tokens returning nothing (USDT-style) and revert on
///         every other kind of failure: a revert, `false`, or a call to an account with no code.
library SafeERC20 {
    /// @notice `_token.transfer(_to, _amount)`, reverting on failure.
    function safeTransfer(IERC20 _token, address _to, uint256 _amount) internal {
        _call(_token, abi.encodeCall(IERC20.transfer, (_to, _amount)));
    }

    /// @notice `_token.transferFrom(_from, _to, _amount)`, reverting on failure.
    function safeTransferFrom(IERC20 _token, address _from, address _to, uint256 _amount) internal {
        _call(_token, abi.encodeCall(IERC20.transferFrom, (_from, _to, _amount)));
    }

    function _call(IERC20 _token, bytes memory _data) private {
        require(address(_token).code.length > 0, "SafeERC20: token has no code");
        (bool ok, bytes memory ret) = address(_token).call(_data);
        require(ok && (ret.length == 0 || abi.decode(ret, (bool))), "SafeERC20: token transfer failed");
    }
}
