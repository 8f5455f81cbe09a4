import { describe, expect, test } from "bun:test";
import { encodePacked, toFunctionSelector } from "viem";
import { fromHex, toHex } from "../bytes.ts";
import { InvalidL1InfoError } from "./errors.ts";
import { calldataGas, l1DataFee, l1FeeForGas } from "./l1Fee.ts";
import {
  decodeL1InfoEcotone,
  encodeL1InfoEcotone,
  type L1BlockInfo,
  l1InfoDeposit,
  SET_L1_BLOCK_VALUES_ECOTONE,
} from "./l1Info.ts";
import { PREDEPLOYS } from "./predeploys.ts";

const info: L1BlockInfo = {
  baseFeeScalar: 1368,
  blobBaseFeeScalar: 810949,
  sequenceNumber: 3n,
  timestamp: 1_700_000_000n,
  number: 19_000_000n,
  baseFee: 30_000_000_000n,
  blobBaseFee: 1n,
  hash: fromHex(`0x${"11".repeat(32)}`),
  batcherHash: fromHex(`0x${"00".repeat(12)}${"22".repeat(20)}`),
};

describe("Ecotone L1 attributes", () => {
  test("selector and packing match viem encodePacked", () => {
    expect(toHex(SET_L1_BLOCK_VALUES_ECOTONE)).toBe(toFunctionSelector("setL1BlockValuesEcotone()"));
    const reference = encodePacked(
      [
        "bytes4",
        "uint32",
        "uint32",
        "uint64",
        "uint64",
        "uint64",
        "uint256",
        "uint256",
        "bytes32",
        "bytes32",
      ],
      [
        toFunctionSelector("setL1BlockValuesEcotone()"),
        info.baseFeeScalar,
        info.blobBaseFeeScalar,
        info.sequenceNumber,
        info.timestamp,
        info.number,
        info.baseFee,
        info.blobBaseFee,
        toHex(info.hash),
        toHex(info.batcherHash),
      ],
    );
    const ours = encodeL1InfoEcotone(info);
    expect(toHex(ours)).toBe(reference);
    expect(decodeL1InfoEcotone(ours)).toEqual(info);
  });

  test("deposit goes from the depositor to L1Block with 1M gas", () => {
    const d = l1InfoDeposit(info);
    expect(toHex(d.from)).toBe("0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001");
    expect(d.to).toEqual(PREDEPLOYS.L1Block);
    expect(d.gas).toBe(1_000_000n);
    expect(d.isSystemTx).toBe(false);
  });

  test("rejects wrong length or selector", () => {
    const ok = encodeL1InfoEcotone(info);
    expect(() => decodeL1InfoEcotone(ok.subarray(0, 163))).toThrow(InvalidL1InfoError);
    const wrong = ok.slice();
    wrong[0] = 0;
    expect(() => decodeL1InfoEcotone(wrong)).toThrow(InvalidL1InfoError);
  });
});

describe("Ecotone L1 data fee", () => {
  test("matches the spec formula, computed independently", () => {
    const tx = fromHex(
      "0x02f8700a80843b9aca0085012a05f20082520894000000000000000000000000000000000000000080c0",
    );
    let zeros = 0n;
    let ones = 0n;
    for (const b of tx) b === 0 ? zeros++ : ones++;
    expect(calldataGas(tx)).toBe(zeros * 4n + ones * 16n);
    const p = { l1BaseFee: info.baseFee, l1BlobBaseFee: 7n, baseFeeScalar: 1368, blobBaseFeeScalar: 810949 };
    // (gas/16) · (16·s·b + s_b·bb) / 1e6, kept exact by multiplying first.
    const expected = ((zeros * 4n + ones * 16n) * (16n * 1368n * info.baseFee + 810949n * 7n)) / 16_000_000n;
    expect(l1DataFee(tx, p)).toBe(expected);
    expect(l1FeeForGas(0n, p)).toBe(0n);
  });
});
