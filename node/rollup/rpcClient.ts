/**
 * A minimal JSON-RPC 2.0 client over `fetch`, with an optional per-request header (the Engine
 * API's JWT) and a timeout. It is used for the engine; L1 goes through viem.
 */
import { RpcCallError } from "./errors.ts";

/** Options of {@link RpcClient}. */
export interface RpcClientOptions {
  /** Extra headers for each request, computed per call (a fresh JWT each time). */
  headers?: () => Record<string, string>;
  /** Milliseconds before a call is abandoned (default 30 000). */
  timeoutMs?: number;
}

/** Calls JSON-RPC methods on one HTTP endpoint. */
export class RpcClient {
  private id = 0;
  constructor(
    readonly url: string,
    private readonly options: RpcClientOptions = {},
  ) {}

  /** Calls `method`; resolves to `result` or throws {@link RpcCallError} (with `code` if the server sent one). */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const body = JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params });
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.options.headers?.() },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw new RpcCallError(`${method}: ${this.url} unreachable: ${(cause as Error).message}`, { cause });
    }
    let reply: { result?: T; error?: { code: number; message: string; data?: unknown } };
    try {
      reply = (await res.json()) as typeof reply;
    } catch (cause) {
      throw new RpcCallError(`${method}: HTTP ${res.status} without a JSON body`, { cause });
    }
    if (reply.error) {
      throw new RpcCallError(`${method}: ${reply.error.message}`, {
        code: reply.error.code,
        details: { data: reply.error.data },
      });
    }
    if (!res.ok) throw new RpcCallError(`${method}: HTTP ${res.status}`);
    return reply.result as T;
  }
}
