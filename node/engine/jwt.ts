/**
 * Engine API authentication: HS256 JWTs signed with a 32-byte secret shared with the rollup
 * node, whose `iat` must be within ±60 s of now.
 * Spec: https://github.com/ethereum/execution-apis/blob/main/src/engine/authentication.md
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { fromHex } from "../../core/bytes.ts";

/** Allowed clock drift of `iat`, seconds. */
export const JWT_IAT_WINDOW = 60;

/** Reads a hex secret file (with or without `0x`, surrounding whitespace ignored); must be 32 bytes. */
export function readJwtSecret(path: string): Uint8Array {
  const secret = fromHex(readFileSync(path, "utf8").trim());
  if (secret.length !== 32) throw new RangeError(`jwt secret: expected 32 bytes, found ${secret.length}`);
  return secret;
}

/** Checks an `Authorization` header value; returns the reason for refusal, or undefined if valid. */
export function checkJwt(
  header: string | undefined,
  secret: Uint8Array,
  now = Date.now() / 1000,
): string | undefined {
  if (!header?.startsWith("Bearer ")) return "missing bearer token";
  const parts = header.slice(7).trim().split(".");
  if (parts.length !== 3) return "malformed token";
  const [h, p, s] = parts as [string, string, string];
  let head: { alg?: string };
  let claims: { iat?: number };
  try {
    head = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    return "malformed token";
  }
  if (head.alg !== "HS256") return `unsupported alg ${String(head.alg)}`;
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid signature";
  if (typeof claims.iat !== "number") return "missing iat";
  if (Math.abs(now - claims.iat) > JWT_IAT_WINDOW) return "stale iat";
  return undefined;
}

/** Signs a fresh token (what a client such as the rollup node sends). */
export function signJwt(secret: Uint8Array, iat = Math.floor(Date.now() / 1000)): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const data = `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ iat })}`;
  return `${data}.${createHmac("sha256", secret).update(data).digest("base64url")}`;
}
