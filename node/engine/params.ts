/**
 * Parsing JSON-RPC parameters: each helper takes an untrusted value and a name, and returns
 * bytes or a bigint, or throws -32602 naming the parameter and what was wrong.
 */
import { fromHex } from "../../core/bytes.ts";
import { invalidParams } from "./rpcErrors.ts";

const HEX_DATA = /^0x([0-9a-fA-F]{2})*$/;
const HEX_QTY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/;

/** An object parameter. */
export function obj(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw invalidParams(`${name}: expected an object`);
  return v as Record<string, unknown>;
}

/** Hex bytes of any length. */
export function data(v: unknown, name: string): Uint8Array {
  if (typeof v !== "string" || !HEX_DATA.test(v))
    throw invalidParams(`${name}: expected 0x-prefixed hex bytes`);
  return fromHex(v);
}

/** Hex bytes of exactly `n` bytes. */
export function fixed(v: unknown, n: number, name: string): Uint8Array {
  const b = data(v, name);
  if (b.length !== n) throw invalidParams(`${name}: expected ${n} bytes, found ${b.length}`);
  return b;
}

/** A 32-byte hash. */
export function bytes32(v: unknown, name: string): Uint8Array {
  return fixed(v, 32, name);
}

/** A 20-byte address. */
export function addr(v: unknown, name: string): Uint8Array {
  return fixed(v, 20, name);
}

/** A quantity (`0x0`, `0x1a`; no leading zeros), at most 256 bits. */
export function quantity(v: unknown, name: string): bigint {
  if (typeof v !== "string" || !HEX_QTY.test(v) || v.length > 66)
    throw invalidParams(`${name}: expected a hex quantity`);
  return BigInt(v);
}

/** Quantity hex of a bigint. */
export function qty(v: bigint): string {
  return `0x${v.toString(16)}`;
}
