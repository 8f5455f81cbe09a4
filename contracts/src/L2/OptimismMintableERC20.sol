// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice OP Bedrock's interface of a bridge-mintable token (ERC-165 id 0xec4fc8e3).
interface IOptimismMintableERC20 {
    function remoteToken() external view returns (address);
    function bridge() external returns (address);
    function mint(address _to, uint256 _amount) external;
    function burn(address _from, uint256 _amount) external;
}

/// @notice The pre-Bedrock interface of the same (ERC-165 id 0x1d1d8b63), still recognised.
interface ILegacyMintableERC20 {
    function l1Token() external view returns (address);
    function mint(address _to, uint256 _amount) external;
    function burn(address _from, uint256 _amount) external;
}

/// @title OptimismMintableERC20
/// @notice The L2 representation of an L1 ERC-20, with OP Bedrock's ABI: a plain ERC-20 whose
///         supply only the L2StandardBridge changes, minting on deposit finalization and burning
///         on withdrawal. Created by the OptimismMintableERC20Factory (0x4200…0012).
/// @dev Spec: https://specs.optimism.io/protocol/bridges.html#token-depositing
contract OptimismMintableERC20 {
    /// @notice The L1 token this one represents.
    address public immutable REMOTE_TOKEN;
    /// @notice The L2StandardBridge, the only account that may mint and burn.
    address public immutable BRIDGE;
    /// @notice Decimals (those of the L1 token, 18 by default).
    uint8 public immutable DECIMALS;

    /// @notice ERC-20 name.
    string public name;
    /// @notice ERC-20 symbol.
    string public symbol;
    /// @notice ERC-20 total supply.
    uint256 public totalSupply;
    /// @notice ERC-20 balances.
    mapping(address => uint256) public balanceOf;
    /// @notice ERC-20 allowances.
    mapping(address => mapping(address => uint256)) public allowance;

    /// @notice ERC-20 transfer.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice ERC-20 approval.
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// @notice The bridge minted `amount` to `account`.
    event Mint(address indexed account, uint256 amount);
    /// @notice The bridge burnt `amount` from `account`.
    event Burn(address indexed account, uint256 amount);

    /// @param _bridge      The L2StandardBridge.
    /// @param _remoteToken The L1 token.
    /// @param _name        ERC-20 name.
    /// @param _symbol      ERC-20 symbol.
    /// @param _decimals    ERC-20 decimals.
    constructor(address _bridge, address _remoteToken, string memory _name, string memory _symbol, uint8 _decimals) {
        BRIDGE = _bridge;
        REMOTE_TOKEN = _remoteToken;
        DECIMALS = _decimals;
        name = _name;
        symbol = _symbol;
    }

    modifier onlyBridge() {
        require(msg.sender == BRIDGE, "OptimismMintableERC20: only bridge can mint and burn");
        _;
    }

    /// @notice Semantic version.
    function version() external pure returns (string memory) {
        return "1.3.0-ore";
    }

    /// @notice ERC-20 decimals.
    function decimals() external view returns (uint8) {
        return DECIMALS;
    }

    /// @notice The L1 token (Bedrock getter).
    function remoteToken() external view returns (address) {
        return REMOTE_TOKEN;
    }

    /// @notice The bridge (Bedrock getter).
    function bridge() external view returns (address) {
        return BRIDGE;
    }

    /// @notice The L1 token (legacy getter).
    function l1Token() external view returns (address) {
        return REMOTE_TOKEN;
    }

    /// @notice The bridge (legacy getter).
    function l2Bridge() external view returns (address) {
        return BRIDGE;
    }

    /// @notice ERC-165: IERC165, IOptimismMintableERC20 and ILegacyMintableERC20.
    function supportsInterface(bytes4 _interfaceId) external pure returns (bool) {
        return _interfaceId == 0x01ffc9a7 || _interfaceId == type(IOptimismMintableERC20).interfaceId
            || _interfaceId == type(ILegacyMintableERC20).interfaceId;
    }

    /// @notice Mints `_amount` to `_to`; bridge only.
    function mint(address _to, uint256 _amount) external onlyBridge {
        require(_to != address(0), "OptimismMintableERC20: mint to the zero address");
        totalSupply += _amount;
        balanceOf[_to] += _amount;
        emit Transfer(address(0), _to, _amount);
        emit Mint(_to, _amount);
    }

    /// @notice Burns `_amount` from `_from` (no allowance needed); bridge only.
    function burn(address _from, uint256 _amount) external onlyBridge {
        uint256 balance = balanceOf[_from];
        require(balance >= _amount, "OptimismMintableERC20: burn amount exceeds balance");
        unchecked {
            balanceOf[_from] = balance - _amount;
            totalSupply -= _amount;
        }
        emit Transfer(_from, address(0), _amount);
        emit Burn(_from, _amount);
    }

    /// @notice ERC-20 approve.
    function approve(address _spender, uint256 _amount) external returns (bool) {
        allowance[msg.sender][_spender] = _amount;
        emit Approval(msg.sender, _spender, _amount);
        return true;
    }

    /// @notice ERC-20 transfer.
    function transfer(address _to, uint256 _amount) external returns (bool) {
        _transfer(msg.sender, _to, _amount);
        return true;
    }

    /// @notice ERC-20 transferFrom (an allowance of 2^256-1 is never decreased).
    function transferFrom(address _from, address _to, uint256 _amount) external returns (bool) {
        uint256 allowed = allowance[_from][msg.sender];
        if (allowed != type(uint256).max) {
            require(allowed >= _amount, "ERC20: insufficient allowance");
            unchecked {
                allowance[_from][msg.sender] = allowed - _amount;
            }
        }
        _transfer(_from, _to, _amount);
        return true;
    }

    function _transfer(address _from, address _to, uint256 _amount) internal {
        require(_to != address(0), "ERC20: transfer to the zero address");
        uint256 balance = balanceOf[_from];
        require(balance >= _amount, "ERC20: transfer amount exceeds balance");
        unchecked {
            balanceOf[_from] = balance - _amount;
        }
        balanceOf[_to] += _amount;
        emit Transfer(_from, _to, _amount);
    }
}
