/**
 * The system config over L1 history: applying SystemConfig `ConfigUpdate` logs of an L1 block
 * (op-node `derive/system_config.go`) and reading the Ecotone fee scalars out of the versioned
 * `scalar`. Spec: https://specs.optimism.io/protocol/system-config.html
 */
import { fromHex, toHex } from "../bytes.ts";
import { MAX_L2_GAS_LIMIT } from "../engine/provableLimits.ts";
import { bytesToUint } from "../engine/words.ts";
import { keccak256 } from "../hash/keccak.ts";
import type { RollupConfig } from "./rollupConfig.ts";
import type { Hex, L1Log, L1Receipt, SystemConfig } from "./types.ts";

/** `keccak256("ConfigUpdate(uint256,uint8,bytes)")`, topic 0 of every SystemConfig update. */
export const CONFIG_UPDATE_TOPIC: Hex = toHex(
  keccak256(new TextEncoder().encode("ConfigUpdate(uint256,uint8,bytes)")),
);

/** Update kinds (topic 2), numbered as the contract's `UpdateType` enum. */
export const ConfigUpdateType = {
  batcher: 0,
  gasConfig: 1,
  gasLimit: 2,
  unsafeBlockSigner: 3,
} as const;

/** The fee scalars the Ecotone L1 attributes deposit carries. */
export interface EcotoneScalars {
  baseFeeScalar: number;
  blobBaseFeeScalar: number;
}

/**
 * Why a scalar is not acceptable under Ecotone rules, or null if it is: version 0 needs bytes
 * 1..27 zero, version 1 needs bytes 1..23 zero, other versions are unknown (op-node
 * `CheckEcotoneL1SystemConfigScalar`).
 */
export function checkEcotoneScalar(scalar: Uint8Array): string | null {
  const v = scalar[0]!;
  if (v === 0) return scalar.subarray(1, 28).some((b) => b !== 0) ? "bedrock scalar padding not empty" : null;
  if (v === 1) return scalar.subarray(1, 24).some((b) => b !== 0) ? "ecotone scalar padding not empty" : null;
  return `unknown scalar version ${v}`;
}

/**
 * Fee scalars of `cfg.scalar` (op-node `SystemConfig.EcotoneScalars`): version 1 gives both,
 * version 0 gives the base fee scalar from the low 4 bytes (blob scalar 0), and a version-0
 * scalar with non-zero padding gives base fee scalar 2^32-1 as the spec mandates. Returns null
 * for any other scalar (only a bad genesis config can hold one).
 */
export function ecotoneScalars(cfg: SystemConfig): EcotoneScalars | null {
  const s = fromHex(cfg.scalar);
  const word = (from: number) => Number(bytesToUint(s.subarray(from, from + 4)));
  const bad = checkEcotoneScalar(s);
  if (bad === "bedrock scalar padding not empty") return { baseFeeScalar: 0xffffffff, blobBaseFeeScalar: 0 };
  if (bad !== null) return null;
  return s[0] === 0
    ? { baseFeeScalar: word(28), blobBaseFeeScalar: 0 }
    : { baseFeeScalar: word(28), blobBaseFeeScalar: word(24) };
}

/** The version-1 `scalar` word for Ecotone scalars (what the L1Block predeploy reports back). */
export function ecotoneScalarWord(s: EcotoneScalars): Hex {
  const out = new Uint8Array(32);
  out[0] = 1;
  new DataView(out.buffer).setUint32(24, s.blobBaseFeeScalar >>> 0);
  new DataView(out.buffer).setUint32(28, s.baseFeeScalar >>> 0);
  return toHex(out);
}

/**
 * Applies every `ConfigUpdate` log the SystemConfig contract emitted in `receipts` (successful
 * receipts only, in log order) to a copy of `cfg` and returns it with the problems found. A
 * malformed update of a known kind is an error (the contract never emits one: the caller
 * treats it as critical); an invalid Ecotone scalar is ignored as the spec says, and so is
 * (Ore) a gas limit above `MAX_L2_GAS_LIMIT`, which would let a block afford a precompile call
 * the fault proof cannot split: both change nothing and are listed in `ignored`. The
 * unsafe-block signer is not derivation's business.
 */
export function applySystemConfigUpdates(
  rollup: RollupConfig,
  cfg: SystemConfig,
  receipts: readonly L1Receipt[],
): { config: SystemConfig; errors: string[]; ignored: string[] } {
  const out: SystemConfig = { ...cfg };
  const errors: string[] = [];
  const ignored: string[] = [];
  receipts.forEach((r, i) => {
    if (!r.status) return;
    r.logs.forEach((log, j) => {
      if (
        log.address.toLowerCase() !== rollup.l1SystemConfigAddress ||
        log.topics[0]?.toLowerCase() !== CONFIG_UPDATE_TOPIC
      )
        return;
      const r = applyUpdate(out, log);
      const at = `SystemConfig log in receipt ${i}, log ${j}`;
      if (typeof r === "string") errors.push(`malformed ${at}: ${r}`);
      else if (r !== null) ignored.push(`${at} ignored: ${r.ignored}`);
    });
  });
  return { config: out, errors, ignored };
}

/** Applies one update to `cfg`: null when applied, `{ignored}` when left out, else what is malformed. */
function applyUpdate(cfg: SystemConfig, log: L1Log): string | { ignored: string } | null {
  if (log.topics.length !== 3) return `expected 3 topics, found ${log.topics.length}`;
  if (BigInt(log.topics[1]!) !== 0n) return `unknown update version ${BigInt(log.topics[1]!)}`;
  const kind = BigInt(log.topics[2]!);
  const d = log.data;
  const word = (i: number) => d.subarray(32 * i, 32 * i + 32);
  const header = (len: number): string | null => {
    if (d.length !== 64 + len) return `expected ${64 + len} data bytes, found ${d.length}`;
    if (bytesToUint(word(0)) !== 32n) return "invalid pointer field";
    if (bytesToUint(word(1)) !== BigInt(len)) return "invalid length field";
    return null;
  };
  switch (kind) {
    case BigInt(ConfigUpdateType.batcher): {
      const e = header(32);
      if (e) return e;
      if (
        word(2)
          .subarray(0, 12)
          .some((b) => b !== 0)
      )
        return "batcher is not an address";
      cfg.batcherAddr = toHex(word(2).subarray(12));
      return null;
    }
    case BigInt(ConfigUpdateType.gasConfig): {
      const e = header(64);
      if (e) return e;
      // Ecotone: keep the scalar in its versioned form, zero the overhead; ignore invalid scalars.
      const bad = checkEcotoneScalar(word(3));
      if (bad !== null) return { ignored: `invalid Ecotone scalar: ${bad}` };
      cfg.scalar = toHex(word(3));
      cfg.overhead = ZERO32;
      return null;
    }
    case BigInt(ConfigUpdateType.gasLimit): {
      const e = header(32);
      if (e) return e;
      if (
        word(2)
          .subarray(0, 24)
          .some((b) => b !== 0)
      )
        return "gas limit exceeds uint64";
      const gasLimit = bytesToUint(word(2));
      // Ore's SystemConfig cannot emit this (MAXIMUM_GAS_LIMIT); another contract at the address could.
      if (gasLimit > MAX_L2_GAS_LIMIT)
        return { ignored: `gas limit ${gasLimit} > limit ${MAX_L2_GAS_LIMIT} (unprovable blocks)` };
      cfg.gasLimit = gasLimit;
      return null;
    }
    case BigInt(ConfigUpdateType.unsafeBlockSigner):
      return null;
    default:
      return `unknown update type ${kind}`;
  }
}

/** 32 zero bytes as hex. */
export const ZERO32: Hex = `0x${"00".repeat(32)}`;

/** True when two system configs are equal field by field. */
export function systemConfigEqual(a: SystemConfig, b: SystemConfig): boolean {
  return (
    a.batcherAddr === b.batcherAddr &&
    a.overhead === b.overhead &&
    a.scalar === b.scalar &&
    a.gasLimit === b.gasLimit
  );
}

/** The batcher hash the L1 attributes deposit carries: the batcher address left-padded to 32 bytes. */
export function batcherHash(cfg: SystemConfig): Uint8Array {
  const out = new Uint8Array(32);
  out.set(fromHex(cfg.batcherAddr), 12);
  return out;
}
