/**
 * A JSON-RPC 2.0 endpoint on hono: single and batch requests, a body-size limit, and a
 * method table. Malformed input gets an error object, never an exception out of the server.
 */
import type { Context, Hono } from "hono";
import { RPC_ERRORS, RpcError } from "./rpcErrors.ts";

/** A method handler: params in, JSON-serialisable result out (async allowed). */
export type Handler = (params: unknown[]) => unknown | Promise<unknown>;

/** Limits of one endpoint. */
export interface EndpointLimits {
  maxBodyBytes: number;
  maxBatch: number;
}

interface Response {
  jsonrpc: "2.0";
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** Mounts `methods` at `POST /` of `app`; `guard` may refuse a request (e.g. JWT). */
export function mountJsonRpc(
  app: Hono,
  methods: Record<string, Handler>,
  limits: EndpointLimits,
  guard?: (c: Context) => Response["error"] | undefined,
): void {
  app.post("/", async (c) => {
    const refused = guard?.(c);
    if (refused) return c.json({ jsonrpc: "2.0", id: null, error: refused }, 401);
    const length = Number(c.req.header("content-length") ?? "0");
    if (length > limits.maxBodyBytes) return c.json(tooLarge(length, limits), 413);
    const text = await c.req.text();
    if (text.length > limits.maxBodyBytes) return c.json(tooLarge(text.length, limits), 413);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return c.json(err(null, RPC_ERRORS.parseError, "parse error: body is not JSON"));
    }
    if (Array.isArray(body)) {
      if (body.length === 0) return c.json(err(null, RPC_ERRORS.invalidRequest, "empty batch"));
      if (body.length > limits.maxBatch) {
        return c.json(
          err(null, RPC_ERRORS.invalidRequest, `batch of ${body.length} exceeds limit ${limits.maxBatch}`),
        );
      }
      const out: Response[] = [];
      for (const r of body) out.push(await call(methods, r));
      return c.json(out);
    }
    return c.json(await call(methods, body));
  });
}

async function call(methods: Record<string, Handler>, req: unknown): Promise<Response> {
  if (typeof req !== "object" || req === null || Array.isArray(req)) {
    return err(null, RPC_ERRORS.invalidRequest, "request must be an object");
  }
  const { id = null, method, params = [] } = req as { id?: unknown; method?: unknown; params?: unknown };
  if (typeof method !== "string") return err(id, RPC_ERRORS.invalidRequest, "method must be a string");
  if (!Array.isArray(params)) return err(id, RPC_ERRORS.invalidParams, "params must be an array");
  const fn = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!fn) return err(id, RPC_ERRORS.methodNotFound, `the method ${method} does not exist/is not available`);
  try {
    return { jsonrpc: "2.0", id, result: (await fn(params)) ?? null };
  } catch (e) {
    if (e instanceof RpcError) return err(id, e.code, e.message, e.data);
    const message = e instanceof Error ? e.message : String(e);
    return err(id, RPC_ERRORS.internalError, `internal error: ${message}`);
  }
}

function err(id: unknown, code: number, message: string, data?: unknown): Response {
  return { jsonrpc: "2.0", id, error: data === undefined ? { code, message } : { code, message, data } };
}

function tooLarge(n: number, limits: EndpointLimits): Response {
  return err(
    null,
    RPC_ERRORS.requestTooLarge,
    `request too large: ${n} bytes > limit ${limits.maxBodyBytes}`,
  );
}
