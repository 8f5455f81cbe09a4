/**
 * A transaction whose `to` is a precompile, 0x01..0x0a (docs/fault-proof.md §3.3, §10): as in
 * Ore's engine, the precompile runs at depth 0 on the transaction's data with frame 0's gas
 * (`gasLimit − intrinsicGas`). `TxValidate` stage 9 runs it in one step instead of loading the
 * receiver's code (a modexp with a long exponent in pieces from stage 16, as a call's from stage
 * 17): its input is frame 0's calldata (written by `TxLoad`), its output is not kept
 * (a transaction stores no return data and a precompile writes no log). Success leaves
 * `status` 1 and the precompile's unused gas in frame 0; failure (invalid input or not enough gas)
 * is an exceptional halt: `status` 3 and no gas left, and `TxFinalize` restores frame 0's snapshot,
 * undoing the value transfer.
 */
import { BLAKE2F_INPUT, BLAKE2F_ONE_STEP_MAX, blake2fFlag, blake2fNext, blake2fRounds } from "./blake2f";
import { readRun } from "./bytesio";
import { precompileGasUsed, runHostPrecompile } from "./hostPrecompile";
import { ERR_PRECOMPILE_TOO_LARGE, fail, PRE_IN, PRE_LIMIT } from "./layout";
import { modexpBegin, modexpGas, modexpInPieces, modexpLen, modexpNext, modexpOverBound } from "./modexp";
import { MAX_PAIRING_INPUT } from "./pairing";
import {
  F_GAS,
  fCalldataData,
  fField,
  G_CURSOR,
  G_DEPTH,
  G_PHASE,
  G_TX_DATA_LEN,
  G_TX_GAS_LIMIT,
  G_TX_GASLEFT,
  G_TX_INTRINSIC,
  G_TX_STAGE,
  G_TX_STATUS,
  PHASE_TX_FINALIZE,
  rdU64,
  wrU64,
} from "./state";

/** The gas precompile `id` leaves of `gas` on the `len` input bytes at `PRE_IN`, or -1 when it fails. */
function gasLeft(id: u32, len: u64, gas: u64): i64 {
  return runHostPrecompile(id, len, gas) < 0 ? -1 : <i64>(gas - precompileGasUsed());
}

/**
 * `TxValidate` stage 9 for a transaction to precompile `id`: runs it on the transaction's data
 * and goes to `TxFinalize`, except a modexp whose exponent is longer than one piece, which goes
 * on in pieces at stage 16 as a call's does at its stage 17 (§10: every host modexp then stays
 * within its L1 gas bound). The data is shorter than the transaction (at most 262,144 bytes,
 * §3.3), so it is within the one-step limit and the step reads at most 8,192 calldata chunks
 * (§4.2's precompile row); longer data cannot be loaded and is refused by name.
 */
export function txPrecompileStep(id: u32): void {
  const gas = rdU64(G_TX_GAS_LIMIT) - rdU64(G_TX_INTRINSIC);
  const len = rdU64(G_TX_DATA_LEN);
  if (len > PRE_LIMIT) fail(ERR_PRECOMPILE_TOO_LARGE, len);
  const data = fCalldataData(0);
  // Ore's pairing bound, modexp's EIP-7823 bound (a declared length over 1,024 bytes) and
  // blake2f's length come first; over 2^20 rounds blake2f goes in pieces at stage 17 (§10).
  if (
    (id === 8 && len > MAX_PAIRING_INPUT) ||
    (id === 5 && modexpOverBound(data, 0, len)) ||
    (id === 9 && len !== BLAKE2F_INPUT)
  ) {
    end(-1);
    return;
  }
  if (id === 9 && blake2fRounds(data, 0) > BLAKE2F_ONE_STEP_MAX) {
    if (blake2fFlag(data, 0) > 1 || blake2fRounds(data, 0) > gas) {
      end(-1);
      return;
    }
    wrU64(G_CURSOR, blake2fNext(data, 0, 0));
    wrU64(G_TX_STAGE, 17);
    return;
  }
  if (id === 5 && modexpLen(data, 0, len, 2) === 0) {
    // Mlen = 0: no output, decided here without a host call (§10).
    const cost = modexpGas(data, 0, len);
    end(cost > gas ? -1 : <i64>(gas - cost));
    return;
  }
  if (id === 5 && modexpInPieces(data, 0, len)) {
    const cost = modexpGas(data, 0, len);
    if (cost > gas) {
      end(-1);
      return;
    }
    wrU64(G_CURSOR, 0);
    // A modulus of 0 or 1 needs no piece.
    if (modexpBegin(data, 0, len)) end(<i64>(gas - cost));
    else wrU64(G_TX_STAGE, 16);
    return;
  }
  readRun(data, 20, len, 0, len, PRE_IN);
  end(gasLeft(id, len, gas));
}

/**
 * `TxValidate` stage 16: the next piece of a modexp's exponent (`op.cursor` bytes done, the
 * accumulator in frame 0's return data); after the last one the transaction ends with the gas
 * EIP-2565 leaves.
 */
export function txModexpPieceStep(): void {
  const data = fCalldataData(0);
  const len = rdU64(G_TX_DATA_LEN);
  const done = modexpNext(data, 0, len, rdU64(G_CURSOR));
  if (done < modexpLen(data, 0, len, 1)) {
    wrU64(G_CURSOR, done);
    return;
  }
  end(<i64>(rdU64(G_TX_GAS_LIMIT) - rdU64(G_TX_INTRINSIC) - modexpGas(data, 0, len)));
}

/**
 * `TxValidate` stage 17: the next piece of a blake2f of more than 2^20 rounds (`op.cursor` rounds
 * done, `v` in frame 0's `op.sponge`); after the last one the transaction ends with the gas left
 * after one per round (the output is not kept).
 */
export function txBlake2fPieceStep(): void {
  const data = fCalldataData(0);
  const rounds = blake2fRounds(data, 0);
  const done = blake2fNext(data, 0, rdU64(G_CURSOR));
  if (done < rounds) {
    wrU64(G_CURSOR, done);
    return;
  }
  end(<i64>(rdU64(G_TX_GAS_LIMIT) - rdU64(G_TX_INTRINSIC) - rounds));
}

/**
 * The precompile is done: with `left ≥ 0` gas left it succeeded (`status` 1), else it failed
 * (`status` 3, no gas left: `TxFinalize` restores frame 0's snapshot). Then `TxFinalize`.
 */
function end(left: i64): void {
  wrU64(fField(0, F_GAS), left < 0 ? 0 : <u64>left);
  wrU64(G_TX_STATUS, left < 0 ? 3 : 1);
  wrU64(G_TX_GASLEFT, left < 0 ? 0 : <u64>left);
  wrU64(G_CURSOR, 0);
  wrU64(G_DEPTH, 0);
  wrU64(G_TX_STAGE, 0);
  wrU64(G_PHASE, PHASE_TX_FINALIZE);
}
