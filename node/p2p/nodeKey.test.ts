import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { InvalidNodeKeyError, loadOrCreateNodeKey, nodeKeyPath } from "./nodeKey.ts";

describe("node key", () => {
  test("created once with mode 0600, then the same identity on every load", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-p2p-key-"));
    try {
      const path = nodeKeyPath(dir);
      const a = await loadOrCreateNodeKey(path);
      expect(a.type).toBe("secp256k1");
      expect(readFileSync(path, "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const b = await loadOrCreateNodeKey(path);
      expect(peerIdFromPrivateKey(b).toString()).toBe(peerIdFromPrivateKey(a).toString());
      writeFileSync(path, "not hex\n");
      await expect(loadOrCreateNodeKey(path)).rejects.toBeInstanceOf(InvalidNodeKeyError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
