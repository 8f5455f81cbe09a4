// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Contracts for the fault-proof agreement tests (node/prove/contracts.test.ts): an ERC-20, a
// Uniswap-V2-style pair (the core of UniswapV2Pair: packed reserves, price accumulators,
// sqrt-minted liquidity, the 0.3% fee and K check; its lock in transient storage) with its
// CREATE2 factory and a router, nested reverts caught at every level, calls to the precompiles,
// EIP-6780 self-destructs, transient storage across calls and transactions, and a gas sink that
// touches every class of opcode (for out-of-gas at each).

interface IERC20 {
    function balanceOf(address) external view returns (uint256);
    function transfer(address, uint256) external returns (bool);
    function transferFrom(address, address, uint256) external returns (bool);
}

contract Token {
    string public name;
    string public symbol;
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory n, string memory s, uint256 supply) {
        name = n;
        symbol = s;
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function approve(address spender, uint256 v) external returns (bool) {
        allowance[msg.sender][spender] = v;
        emit Approval(msg.sender, spender, v);
        return true;
    }

    function transfer(address to, uint256 v) external returns (bool) {
        _transfer(msg.sender, to, v);
        return true;
    }

    function transferFrom(address from, address to, uint256 v) external returns (bool) {
        uint256 a = allowance[from][msg.sender];
        if (a != type(uint256).max) {
            require(a >= v, "allowance");
            allowance[from][msg.sender] = a - v;
        }
        _transfer(from, to, v);
        return true;
    }

    function _transfer(address from, address to, uint256 v) internal {
        require(balanceOf[from] >= v, "balance");
        unchecked {
            balanceOf[from] -= v;
        }
        balanceOf[to] += v;
        emit Transfer(from, to, v);
    }
}

library Math {
    function min(uint256 x, uint256 y) internal pure returns (uint256) {
        return x < y ? x : y;
    }

    function sqrt(uint256 y) internal pure returns (uint256 z) {
        if (y > 3) {
            z = y;
            uint256 x = y / 2 + 1;
            while (x < z) {
                z = x;
                x = (y / x + x) / 2;
            }
        } else if (y != 0) {
            z = 1;
        }
    }
}

contract Pair {
    uint256 public constant MINIMUM_LIQUIDITY = 10 ** 3;
    address public factory;
    address public token0;
    address public token1;
    uint112 private reserve0;
    uint112 private reserve1;
    uint32 private blockTimestampLast;
    uint256 public price0CumulativeLast;
    uint256 public price1CumulativeLast;
    uint256 public kLast;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    bool transient locked;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Mint(address indexed sender, uint256 amount0, uint256 amount1);
    event Burn(address indexed sender, uint256 amount0, uint256 amount1, address indexed to);
    event Swap(address indexed sender, uint256 in0, uint256 in1, uint256 out0, uint256 out1, address indexed to);
    event Sync(uint112 reserve0, uint112 reserve1);

    modifier lock() {
        require(!locked, "LOCKED");
        locked = true;
        _;
        locked = false;
    }

    constructor() {
        factory = msg.sender;
    }

    function initialize(address t0, address t1) external {
        require(msg.sender == factory, "FORBIDDEN");
        token0 = t0;
        token1 = t1;
    }

    function getReserves() public view returns (uint112, uint112, uint32) {
        return (reserve0, reserve1, blockTimestampLast);
    }

    function transfer(address to, uint256 v) external returns (bool) {
        balanceOf[msg.sender] -= v;
        balanceOf[to] += v;
        emit Transfer(msg.sender, to, v);
        return true;
    }

    function _safeTransfer(address token, address to, uint256 value) private {
        (bool ok, bytes memory data) = token.call(abi.encodeWithSelector(IERC20.transfer.selector, to, value));
        require(ok && (data.length == 0 || abi.decode(data, (bool))), "TRANSFER_FAILED");
    }

    function _update(uint256 b0, uint256 b1, uint112 r0, uint112 r1) private {
        require(b0 <= type(uint112).max && b1 <= type(uint112).max, "OVERFLOW");
        uint32 ts = uint32(block.timestamp % 2 ** 32);
        unchecked {
            uint32 elapsed = ts - blockTimestampLast;
            if (elapsed > 0 && r0 != 0 && r1 != 0) {
                price0CumulativeLast += ((uint256(r1) << 112) / r0) * elapsed;
                price1CumulativeLast += ((uint256(r0) << 112) / r1) * elapsed;
            }
        }
        reserve0 = uint112(b0);
        reserve1 = uint112(b1);
        blockTimestampLast = ts;
        emit Sync(reserve0, reserve1);
    }

    function _mintLP(address to, uint256 v) private {
        totalSupply += v;
        balanceOf[to] += v;
        emit Transfer(address(0), to, v);
    }

    function mint(address to) external lock returns (uint256 liquidity) {
        (uint112 r0, uint112 r1,) = getReserves();
        uint256 b0 = IERC20(token0).balanceOf(address(this));
        uint256 b1 = IERC20(token1).balanceOf(address(this));
        uint256 a0 = b0 - r0;
        uint256 a1 = b1 - r1;
        uint256 ts = totalSupply;
        if (ts == 0) {
            liquidity = Math.sqrt(a0 * a1) - MINIMUM_LIQUIDITY;
            _mintLP(address(0), MINIMUM_LIQUIDITY);
        } else {
            liquidity = Math.min((a0 * ts) / r0, (a1 * ts) / r1);
        }
        require(liquidity > 0, "INSUFFICIENT_LIQUIDITY_MINTED");
        _mintLP(to, liquidity);
        _update(b0, b1, r0, r1);
        kLast = uint256(reserve0) * reserve1;
        emit Mint(msg.sender, a0, a1);
    }

    function burn(address to) external lock returns (uint256 a0, uint256 a1) {
        (uint112 r0, uint112 r1,) = getReserves();
        address t0 = token0;
        address t1 = token1;
        uint256 b0 = IERC20(t0).balanceOf(address(this));
        uint256 b1 = IERC20(t1).balanceOf(address(this));
        uint256 liquidity = balanceOf[address(this)];
        uint256 ts = totalSupply;
        a0 = (liquidity * b0) / ts;
        a1 = (liquidity * b1) / ts;
        require(a0 > 0 && a1 > 0, "INSUFFICIENT_LIQUIDITY_BURNED");
        balanceOf[address(this)] = 0;
        totalSupply = ts - liquidity;
        emit Transfer(address(this), address(0), liquidity);
        _safeTransfer(t0, to, a0);
        _safeTransfer(t1, to, a1);
        _update(IERC20(t0).balanceOf(address(this)), IERC20(t1).balanceOf(address(this)), r0, r1);
        kLast = uint256(reserve0) * reserve1;
        emit Burn(msg.sender, a0, a1, to);
    }

    function swap(uint256 out0, uint256 out1, address to) external lock {
        require(out0 > 0 || out1 > 0, "INSUFFICIENT_OUTPUT_AMOUNT");
        (uint112 r0, uint112 r1,) = getReserves();
        require(out0 < r0 && out1 < r1, "INSUFFICIENT_LIQUIDITY");
        uint256 b0;
        uint256 b1;
        {
            address t0 = token0;
            address t1 = token1;
            require(to != t0 && to != t1, "INVALID_TO");
            if (out0 > 0) _safeTransfer(t0, to, out0);
            if (out1 > 0) _safeTransfer(t1, to, out1);
            b0 = IERC20(t0).balanceOf(address(this));
            b1 = IERC20(t1).balanceOf(address(this));
        }
        uint256 in0 = b0 > r0 - out0 ? b0 - (r0 - out0) : 0;
        uint256 in1 = b1 > r1 - out1 ? b1 - (r1 - out1) : 0;
        require(in0 > 0 || in1 > 0, "INSUFFICIENT_INPUT_AMOUNT");
        {
            uint256 adj0 = b0 * 1000 - in0 * 3;
            uint256 adj1 = b1 * 1000 - in1 * 3;
            require(adj0 * adj1 >= uint256(r0) * r1 * 1000 ** 2, "K");
        }
        _update(b0, b1, r0, r1);
        emit Swap(msg.sender, in0, in1, out0, out1, to);
    }

    function sync() external lock {
        _update(IERC20(token0).balanceOf(address(this)), IERC20(token1).balanceOf(address(this)), reserve0, reserve1);
    }
}

contract Factory {
    mapping(address => mapping(address => address)) public getPair;
    address[] public allPairs;

    event PairCreated(address indexed token0, address indexed token1, address pair, uint256);

    function createPair(address a, address b) external returns (address pair) {
        require(a != b, "IDENTICAL_ADDRESSES");
        (address t0, address t1) = a < b ? (a, b) : (b, a);
        require(getPair[t0][t1] == address(0), "PAIR_EXISTS");
        pair = address(new Pair{salt: keccak256(abi.encodePacked(t0, t1))}());
        Pair(pair).initialize(t0, t1);
        getPair[t0][t1] = pair;
        getPair[t1][t0] = pair;
        allPairs.push(pair);
        emit PairCreated(t0, t1, pair, allPairs.length);
    }

    function pairFor(address a, address b) external view returns (address) {
        (address t0, address t1) = a < b ? (a, b) : (b, a);
        bytes32 h = keccak256(
            abi.encodePacked(
                hex"ff", address(this), keccak256(abi.encodePacked(t0, t1)), keccak256(type(Pair).creationCode)
            )
        );
        return address(uint160(uint256(h)));
    }
}

contract Router {
    function addLiquidity(address pair, uint256 a0, uint256 a1) external returns (uint256) {
        Pair p = Pair(pair);
        require(IERC20(p.token0()).transferFrom(msg.sender, pair, a0), "TF0");
        require(IERC20(p.token1()).transferFrom(msg.sender, pair, a1), "TF1");
        return p.mint(msg.sender);
    }

    /// Swaps `amountIn` of `tokenIn` through `pair` at Uniswap V2's getAmountOut; reverts below `minOut`.
    function swapExactIn(address pair, address tokenIn, uint256 amountIn, uint256 minOut) external returns (uint256 out) {
        Pair p = Pair(pair);
        (uint112 r0, uint112 r1,) = p.getReserves();
        bool zeroIn = tokenIn == p.token0();
        (uint256 rIn, uint256 rOut) = zeroIn ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        uint256 inFee = amountIn * 997;
        out = (inFee * rOut) / (rIn * 1000 + inFee);
        require(out >= minOut, "SLIPPAGE");
        require(IERC20(tokenIn).transferFrom(msg.sender, pair, amountIn), "TF");
        (uint256 o0, uint256 o1) = zeroIn ? (uint256(0), out) : (out, uint256(0));
        p.swap(o0, o1, msg.sender);
    }
}

contract Nest {
    uint256 public deepest;
    uint256 public caught;

    event Depth(uint256 d, bool ok);

    /// Recurses `n` levels through external calls; the level at `failAt` reverts; every level catches.
    function dive(uint256 n, uint256 failAt) external returns (uint256) {
        if (n > deepest) deepest = n;
        if (n == failAt) revert("fail here");
        if (n == 0) return 0;
        try this.dive(n - 1, failAt) returns (uint256 r) {
            emit Depth(n, true);
            return r + 1;
        } catch {
            caught += 1;
            emit Depth(n, false);
            return 0;
        }
    }
}

contract Pre {
    bytes32 public acc;

    /// Calls ecrecover, sha256, ripemd160, identity, modexp, bn254 add, mul and pairing, and blake2f.
    function all(bytes32 h, uint8 v, bytes32 r, bytes32 s) external returns (bytes32) {
        address signer = ecrecover(h, v, r, s);
        bytes32 a = sha256(abi.encodePacked(signer, h));
        bytes20 b = ripemd160(abi.encodePacked(a));
        bytes memory out = abi.encodePacked(signer, a, b);
        bool ok;
        bytes memory o;
        (ok, o) = address(4).staticcall(abi.encodePacked(a, b, "identity"));
        require(ok, "identity");
        out = bytes.concat(out, o);
        (ok, o) = address(5).staticcall(
            abi.encodePacked(uint256(32), uint256(32), uint256(32), uint256(3), uint256(0x10001), uint256(1000000007))
        );
        require(ok, "modexp");
        out = bytes.concat(out, o);
        (ok, o) = address(6).staticcall(abi.encodePacked(uint256(1), uint256(2), uint256(1), uint256(2)));
        require(ok, "bn add");
        out = bytes.concat(out, o);
        (ok, o) = address(7).staticcall(abi.encodePacked(uint256(1), uint256(2), uint256(3)));
        require(ok, "bn mul");
        out = bytes.concat(out, o);
        (ok, o) = address(8).staticcall("");
        require(ok, "pairing");
        out = bytes.concat(out, o);
        (ok, o) = address(9).staticcall(abi.encodePacked(uint32(12), new bytes(208), uint8(1)));
        require(ok, "blake2f");
        out = bytes.concat(out, o);
        acc = keccak256(out);
        return acc;
    }
}

contract Child {
    constructor(address payable to, bool die) payable {
        if (die) selfdestruct(to);
    }

    function kill(address payable to) external {
        selfdestruct(to);
    }

    receive() external payable {}
}

contract Spawner {
    event Spawned(address child);

    /// EIP-6780: a child created and self-destructed in this transaction is deleted.
    function spawnAndKill(address payable to) external payable returns (address c) {
        Child k = new Child{value: msg.value / 2}(to, false);
        k.kill(to);
        new Child{value: msg.value / 4}(to, true);
        c = address(k);
        emit Spawned(c);
    }

    function make() external payable returns (address) {
        return address(new Child{value: msg.value}(payable(address(0)), false));
    }
}

contract Transient {
    uint256 public seen;

    function enter() external {
        assembly {
            tstore(1, 42)
        }
        this.read();
    }

    function read() external {
        uint256 v;
        assembly {
            v := tload(1)
        }
        seen = seen * 100 + v;
    }
}

contract Sink {
    mapping(uint256 => uint256) public slots;
    uint256 public n;

    event E(uint256 indexed i, bytes data);

    /// Every round: KECCAK and arithmetic, memory expansion, SSTORE, LOG, CALL, EXTCODESIZE, and
    /// every fourth a CREATE.
    function run(uint256 rounds) external {
        for (uint256 i = 0; i < rounds; i++) {
            uint256 x = uint256(keccak256(abi.encode(i, n)));
            bytes memory m = new bytes(64 + (i % 5) * 256);
            m[0] = bytes1(uint8(x));
            slots[x % 7] = x;
            emit E(i, m);
            (bool ok,) = address(this).call(abi.encodeWithSelector(this.bump.selector));
            require(ok, "bump");
            uint256 size;
            address self = address(this);
            assembly {
                size := extcodesize(self)
            }
            n += size % 3;
            if (i % 4 == 3) new Child(payable(address(0)), false);
        }
    }

    function bump() external {
        n += 1;
    }
}
