/**
 * Where the node fetches blob batches from, behind one small interface:
 * - `RpcBlobSource`: anvil's `anvil_getBlobByHash(versionedHash)` on the L1 RPC (the devnet);
 * - `BeaconBlobSource`: a beacon node's `GET /eth/v1/beacon/blobs/{slot}?versioned_hashes=…`,
 *   the slot computed from the L1 block's timestamp and the beacon genesis time.
 * Either way each blob is checked against its versioned hash (KZG commitment, `kzg.ts`) before
 * derivation sees it, so a lying blob server cannot feed the node other bytes.
 */
import { bytesEqual, fromHex, toHex } from "../../core/bytes.ts";
import type { Hex, L1BlockRef } from "../../core/derive/types.ts";
import { L1NotFoundError } from "./errors.ts";
import { BYTES_PER_BLOB, blobToKzgCommitment, versionedHash } from "./kzg.ts";
import { RpcClient } from "./rpcClient.ts";

/** Fetches the blobs an L1 block carries, in the order of `versionedHashes`. */
export interface BlobSource {
  blobs(ref: L1BlockRef, versionedHashes: readonly Hex[]): Promise<Uint8Array[]>;
}

/** Checks `blob` against `hash`; throws {@link L1NotFoundError} on a mismatch (the server sent other bytes). */
export function checkBlob(blob: Uint8Array, hash: Hex): Uint8Array {
  if (blob.length !== BYTES_PER_BLOB) {
    throw new L1NotFoundError(`blob ${hash}: expected ${BYTES_PER_BLOB} bytes, found ${blob.length}`);
  }
  if (!bytesEqual(versionedHash(blobToKzgCommitment(blob)), fromHex(hash))) {
    throw new L1NotFoundError(`blob ${hash}: the bytes served do not match the versioned hash`);
  }
  return blob;
}

/** Blobs by versioned hash over anvil's `anvil_getBlobByHash`. */
export class RpcBlobSource implements BlobSource {
  private readonly rpc: RpcClient;
  constructor(rpcUrl: string) {
    this.rpc = new RpcClient(rpcUrl);
  }

  async blobs(ref: L1BlockRef, versionedHashes: readonly Hex[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const h of versionedHashes) {
      const raw = await this.rpc.call<Hex | null>("anvil_getBlobByHash", [h]);
      if (!raw) throw new L1NotFoundError(`blob ${h} of L1 block ${ref.number} not found`);
      out.push(checkBlob(fromHex(raw), h));
    }
    return out;
  }
}

/** Blobs from a beacon node's blobs endpoint. */
export class BeaconBlobSource implements BlobSource {
  private timing: Promise<{ genesisTime: number; secondsPerSlot: number }> | undefined;
  constructor(private readonly beaconUrl: string) {}

  async blobs(ref: L1BlockRef, versionedHashes: readonly Hex[]): Promise<Uint8Array[]> {
    this.timing ??= this.loadTiming();
    const { genesisTime, secondsPerSlot } = await this.timing;
    const slot = Math.floor((ref.timestamp - genesisTime) / secondsPerSlot);
    const q = versionedHashes.map((h) => `versioned_hashes=${h}`).join("&");
    const res = await fetch(`${this.beaconUrl}/eth/v1/beacon/blobs/${slot}?${q}`);
    if (!res.ok) throw new L1NotFoundError(`beacon blobs of slot ${slot}: HTTP ${res.status}`);
    const body = (await res.json()) as { data: Hex[] };
    const byHash = new Map<string, Uint8Array>();
    for (const b of body.data) {
      const blob = fromHex(b);
      byHash.set(toHex(versionedHash(blobToKzgCommitment(blob))), blob);
    }
    return versionedHashes.map((h) => {
      const b = byHash.get(h.toLowerCase());
      if (!b) throw new L1NotFoundError(`blob ${h} missing from beacon slot ${slot}`);
      return b;
    });
  }

  private async loadTiming() {
    const g = (await (await fetch(`${this.beaconUrl}/eth/v1/beacon/genesis`)).json()) as {
      data: { genesis_time: string };
    };
    const s = (await (await fetch(`${this.beaconUrl}/eth/v1/config/spec`)).json()) as {
      data: { SECONDS_PER_SLOT: string };
    };
    return { genesisTime: Number(g.data.genesis_time), secondsPerSlot: Number(s.data.SECONDS_PER_SLOT) };
  }
}
