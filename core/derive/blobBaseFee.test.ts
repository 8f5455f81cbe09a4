import { expect, test } from "bun:test";
import { BLOB_BASE_FEE_UPDATE_FRACTION, blobBaseFee } from "./blobBaseFee.ts";

// Expected values from op-service `eth/blob_test.go` (geth's CalcBlobFee).
test("blob base fee from excess blob gas", () => {
  const { cancun, prague } = BLOB_BASE_FEE_UPDATE_FRACTION;
  expect(blobBaseFee(20n * cancun, cancun)).toBe(485165195n);
  expect(blobBaseFee(40_000_000n, cancun)).toBe(159773n);
  expect(blobBaseFee(40_000_000n, prague)).toBe(2944n);
  expect(blobBaseFee(0n, cancun)).toBe(1n);
  expect(blobBaseFee(null, cancun)).toBe(1n);
});
