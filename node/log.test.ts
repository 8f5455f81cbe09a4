import { describe, expect, test } from "bun:test";
import { createLogger } from "./log.ts";

describe("logger", () => {
  test("drops records below the level and renders fields", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", sink: (l) => lines.push(l), now: () => 0 });
    log.debug("hidden");
    log.child({ service: "batcher" }).info("posted", { n: 3n, data: new Uint8Array([1, 255]), note: "a b" });
    expect(lines).toEqual(['INFO  00:00:00.000 posted service=batcher n=3 data=0x01ff note="a b"']);
  });

  test("json format writes one object per line", () => {
    const lines: string[] = [];
    const log = createLogger({ format: "json", level: "debug", sink: (l) => lines.push(l), now: () => 0 });
    log.warn("stuck", { nonce: 7n, err: new Error("boom") });
    expect(JSON.parse(lines[0]!)).toEqual({
      t: "1970-01-01T00:00:00.000Z",
      lvl: "warn",
      msg: "stuck",
      nonce: "7",
      err: "boom",
    });
  });
});
