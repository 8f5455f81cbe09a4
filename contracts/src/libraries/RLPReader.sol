// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RLPReader
/// @notice Strict, allocation-light decoder for Recursive Length Prefix data held in memory.
///         Items are views (pointer + length) into the caller's bytes, so walking a trie node
///         copies nothing until a payload is actually read. Every header is checked for
///         canonical form and every length for bounds, because the input is attacker-chosen
///         (withdrawal proofs); a non-canonical or truncated item reverts.
library RLPReader {
    /// @notice A view of one encoded item: `ptr` is the memory address of its first header
    ///         byte, `length` the size of header plus payload.
    struct Item {
        uint256 length;
        uint256 ptr;
    }

    /// @notice Upper bound on list elements we decode; MPT nodes have at most 17.
    uint256 internal constant MAX_LIST_LENGTH = 32;

    /// @notice Wraps `_in` as one item that must span all of `_in` (no trailing bytes).
    function toItem(bytes memory _in) internal pure returns (Item memory item_) {
        require(_in.length > 0, "RLPReader: empty input");
        uint256 ptr;
        assembly {
            ptr := add(_in, 32)
        }
        item_ = Item({ length: _in.length, ptr: ptr });
        (uint256 offset, uint256 len,) = _header(item_);
        require(offset + len == _in.length, "RLPReader: trailing bytes after item");
    }

    /// @notice Decodes `_item` as a list and returns views of its elements. The elements must
    ///         exactly fill the list payload.
    function readList(Item memory _item) internal pure returns (Item[] memory out_) {
        (uint256 offset, uint256 len, bool isList) = _header(_item);
        require(isList, "RLPReader: expected a list");
        Item[] memory tmp = new Item[](MAX_LIST_LENGTH);
        uint256 count = 0;
        uint256 pos = offset;
        uint256 end = offset + len;
        while (pos < end) {
            require(count < MAX_LIST_LENGTH, "RLPReader: list has too many elements");
            // The element may claim any length; _header bounds it by the bytes left in the list.
            Item memory rest = Item({ length: end - pos, ptr: _item.ptr + pos });
            (uint256 eOffset, uint256 eLen,) = _header(rest);
            uint256 size = eOffset + eLen;
            tmp[count] = Item({ length: size, ptr: _item.ptr + pos });
            count++;
            pos += size;
        }
        out_ = new Item[](count);
        for (uint256 i = 0; i < count; i++) {
            out_[i] = tmp[i];
        }
    }

    /// @notice Decodes `_item` as a byte string and returns a copy of its payload.
    function readBytes(Item memory _item) internal pure returns (bytes memory) {
        (uint256 offset, uint256 len, bool isList) = _header(_item);
        require(!isList, "RLPReader: expected a byte string");
        return _copy(_item.ptr + offset, len);
    }

    /// @notice Returns a copy of the item's full encoding (header included).
    function readRawBytes(Item memory _item) internal pure returns (bytes memory) {
        return _copy(_item.ptr, _item.length);
    }

    /// @notice Parses the header of `_item`: payload offset, payload length and kind. Reverts
    ///         unless the header is canonical and the payload fits inside `_item.length`.
    function _header(Item memory _item) private pure returns (uint256 offset_, uint256 len_, bool isList_) {
        require(_item.length > 0, "RLPReader: empty item");
        uint256 prefix;
        uint256 ptr = _item.ptr;
        assembly {
            prefix := byte(0, mload(ptr))
        }
        if (prefix < 0x80) {
            return (0, 1, false);
        }
        if (prefix < 0xb8) {
            len_ = prefix - 0x80;
            require(_item.length > len_, "RLPReader: truncated short string");
            if (len_ == 1) {
                uint256 first;
                assembly {
                    first := byte(0, mload(add(ptr, 1)))
                }
                // A single byte below 0x80 is its own encoding; a header around it is non-canonical.
                require(first >= 0x80, "RLPReader: non-canonical single byte");
            }
            return (1, len_, false);
        }
        if (prefix < 0xc0) {
            (offset_, len_) = _longLength(_item, prefix - 0xb7);
            return (offset_, len_, false);
        }
        if (prefix < 0xf8) {
            len_ = prefix - 0xc0;
            require(_item.length > len_, "RLPReader: truncated short list");
            return (1, len_, true);
        }
        (offset_, len_) = _longLength(_item, prefix - 0xf7);
        return (offset_, len_, true);
    }

    /// @notice Reads a long-form length of `_lenOfLen` bytes following the prefix byte.
    function _longLength(Item memory _item, uint256 _lenOfLen) private pure returns (uint256, uint256) {
        require(_item.length > _lenOfLen, "RLPReader: truncated length");
        uint256 ptr = _item.ptr;
        uint256 firstLenByte;
        uint256 len;
        assembly {
            firstLenByte := byte(0, mload(add(ptr, 1)))
            // Lengths are at most 8 bytes here (prefix range), so the shift never underflows.
            len := shr(mul(8, sub(32, _lenOfLen)), mload(add(ptr, 1)))
        }
        require(firstLenByte != 0, "RLPReader: length has leading zeros");
        require(len > 55, "RLPReader: long form used for a short payload");
        // The subtraction cannot underflow: _item.length > _lenOfLen was checked above.
        require(len < _item.length - _lenOfLen, "RLPReader: truncated long payload");
        return (1 + _lenOfLen, len);
    }

    /// @notice Copies `_len` bytes from memory address `_src` into a new bytes array.
    function _copy(uint256 _src, uint256 _len) private pure returns (bytes memory out_) {
        out_ = new bytes(_len);
        if (_len == 0) return out_;
        uint256 dest;
        assembly {
            dest := add(out_, 32)
            mcopy(dest, _src, _len)
        }
    }
}
