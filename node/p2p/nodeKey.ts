/**
 * The node's network identity: a secp256k1 key kept in the data directory, so a node keeps its
 * peer id (and its peers' view of its score) across restarts. The file holds the 32-byte private
 * key as hex, like op-node's `opnode_p2p_priv.txt`; it is created with mode 0600 when missing.
 * The network key is not the sequencer's block-signing key.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateKeyPair, privateKeyFromRaw } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import { fromHex, toHex } from "../../core/bytes.ts";
import { OreError } from "../../core/errors.ts";

/** File name of the node key inside the data directory. */
export const NODE_KEY_FILE = "p2p-node-key.txt";

/** The node key file exists but does not hold a 32-byte hex secp256k1 key. */
export class InvalidNodeKeyError extends OreError {
  override name = "InvalidNodeKeyError";
}

/** Loads the key at `path`, or creates and stores a new one. */
export async function loadOrCreateNodeKey(path: string): Promise<PrivateKey> {
  if (existsSync(path)) {
    const text = readFileSync(path, "utf8").trim();
    let raw: Uint8Array;
    try {
      raw = fromHex(text);
    } catch (cause) {
      throw new InvalidNodeKeyError(`node key ${path}: expected 64 hex digits`, { cause });
    }
    if (raw.length !== 32)
      throw new InvalidNodeKeyError(`node key ${path}: expected 32 bytes, found ${raw.length}`);
    return privateKeyFromRaw(raw);
  }
  const key = await generateKeyPair("secp256k1");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${toHex(key.raw).slice(2)}\n`, { mode: 0o600 });
  return key;
}

/** The node key path inside `datadir`. */
export function nodeKeyPath(datadir: string): string {
  return join(datadir, NODE_KEY_FILE);
}
