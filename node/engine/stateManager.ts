/**
 * The engine's world state on Ore's own Merkle Patricia Trie (`core/mpt`): an @ethereumjs
 * `StateManagerInterface` whose accounts, storage and code live in a {@link NodeStore} (the
 * engine's SQLite store), so `@ethereumjs/vm` executes over Ore's trie and WASM keccak.
 *
 * Layout (Ethereum's): the state trie maps `keccak256(address)` to `rlp([nonce, balance,
 * storageRoot, codeHash])`; each account's storage trie maps `keccak256(slot)` to `rlp(value)`;
 * code is stored under its keccak hash, unprefixed, in the same content-addressed store.
 *
 * How it runs. Reads go overlay → clean cache → trie. Writes go to an in-memory overlay (dirty
 * accounts, dirty slots, wiped storages) with an undo log, so `checkpoint`/`commit`/`revert`
 * (one per EVM call frame) cost O(writes), not O(state). Nothing touches the trie until
 * {@link OreStateManager.getStateRoot}, which applies the overlay in one pass: every dirty storage
 * trie, then the state trie, each committed with one batched hash per trie level, keys hashed in
 * one batch (`keccak256Many`). The values written then become the clean cache of the new root, so
 * consecutive blocks read hot accounts and slots from memory. Moving to another root drops the
 * caches; the trie nodes themselves stay in the store (never pruned), so every past root stays
 * readable.
 *
 * One approximation, documented in docs/engine.md#state: an account's `storageRoot` as returned
 * by `getAccount` is the root at the last `getStateRoot` (or empty once its storage was wiped),
 * not a root of uncommitted slot writes; only EIP-7610's create-collision check reads it, and an
 * account can only have slots written while it has code or a non-zero nonce.
 */
import type { AccountFields, StateManagerInterface } from "@ethereumjs/common";
import { OriginalStorageCache } from "@ethereumjs/statemanager";
import { Account, type Address } from "@ethereumjs/util";
import { bytesEqual } from "../../core/bytes.ts";
import { keccak256, keccak256Many } from "../../core/hash/keccak.ts";
import { decodeAccount, encodeAccount, type Account as TrieAccount } from "../../core/mpt/account.ts";
import { EMPTY_CODE_HASH, EMPTY_ROOT } from "../../core/mpt/constants.ts";
import { MissingNodeError } from "../../core/mpt/errors.ts";
import type { NodeStore } from "../../core/mpt/nodeStore.ts";
import { MerkleTrie } from "../../core/mpt/trie.ts";

/** Account fields the overlay keeps; the storage root is derived at commit time. */
interface AccountData {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
}

/** One undo-log entry: enough to restore the overlay to before one write. */
type Undo =
  | { kind: 0; addr: string; prev: AccountData | null | undefined }
  | { kind: 1; addr: string; slot: string; prev: Uint8Array | undefined }
  | { kind: 2; addr: string; prevSlots: Map<string, Uint8Array> | undefined; prevWiped: boolean };

/** Cache bounds of a state manager. */
export interface StateCacheLimits {
  /** Clean accounts kept across blocks (default 200 000). */
  accounts: number;
  /** Clean storage slots kept across blocks (default 500 000). */
  slots: number;
  /** Contract codes kept (default 2 000). */
  codes: number;
}

const DEFAULT_LIMITS: StateCacheLimits = { accounts: 200_000, slots: 500_000, codes: 2_000 };

/** Timings of the work done in {@link OreStateManager.getStateRoot}, accumulated (ms). */
export interface StateTimings {
  /** Applying the overlay to the tries and hashing them. */
  stateRootMs: number;
}

/** The state manager over Ore's MPT. See the module comment for the design. */
export class OreStateManager implements StateManagerInterface {
  readonly originalStorageCache: OriginalStorageCache;
  readonly timings: StateTimings = { stateRootMs: 0 };

  private root: Uint8Array = EMPTY_ROOT;
  // Overlay since the last getStateRoot/setStateRoot.
  private accounts = new Map<string, AccountData | null>();
  private slots = new Map<string, Map<string, Uint8Array>>();
  private wiped = new Set<string>();
  private codes = new Map<string, Uint8Array>();
  private undo: Undo[] = [];
  private marks: number[] = [];
  // Clean caches: values at `root` (null = absent account).
  private cleanAccounts = new Map<string, TrieAccount | null>();
  private cleanSlots = new Map<string, Map<string, Uint8Array>>();
  private cleanSlotCount = 0;
  private codeCache = new Map<string, Uint8Array>();

  constructor(
    readonly store: NodeStore,
    stateRoot: Uint8Array = EMPTY_ROOT,
    private readonly limits: StateCacheLimits = DEFAULT_LIMITS,
  ) {
    this.originalStorageCache = new OriginalStorageCache(this.getStorage.bind(this));
    this.root = stateRoot.slice();
  }

  // --- accounts -----------------------------------------------------------------------------

  async getAccount(address: Address): Promise<Account | undefined> {
    return this.getAccountSync(address.bytes);
  }

  /** Synchronous {@link getAccount} by address bytes (the engine's own reads use it). */
  getAccountSync(address: Uint8Array): Account | undefined {
    const a = bin(address);
    const d = this.accounts.get(a);
    if (d === null) return undefined;
    if (d !== undefined) {
      return new Account(
        d.nonce,
        d.balance,
        this.wiped.has(a) ? EMPTY_ROOT : this.baseStorageRoot(a),
        d.codeHash,
      );
    }
    const b = this.base(a);
    return b ? new Account(b.nonce, b.balance, b.storageRoot, b.codeHash) : undefined;
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    if (account === undefined) return this.deleteAccount(address);
    const a = bin(address.bytes);
    this.logAccount(a);
    this.accounts.set(a, { nonce: account.nonce, balance: account.balance, codeHash: account.codeHash });
  }

  async deleteAccount(address: Address): Promise<void> {
    const a = bin(address.bytes);
    this.logAccount(a);
    this.accounts.set(a, null);
    this.wipe(a);
  }

  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const acc = this.getAccountSync(address.bytes) ?? new Account();
    if (fields.nonce !== undefined) acc.nonce = fields.nonce;
    if (fields.balance !== undefined) acc.balance = fields.balance;
    if (fields.codeHash !== undefined) acc.codeHash = fields.codeHash;
    await this.putAccount(address, acc);
  }

  // --- code ---------------------------------------------------------------------------------

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    const hash = keccak256(value);
    if (value.length > 0) this.codes.set(bin(hash), value.slice());
    const acc = this.getAccountSync(address.bytes) ?? new Account();
    acc.codeHash = hash;
    await this.putAccount(address, acc);
  }

  async getCode(address: Address): Promise<Uint8Array> {
    const acc = this.getAccountSync(address.bytes);
    if (!acc || bytesEqual(acc.codeHash, EMPTY_CODE_HASH)) return new Uint8Array(0);
    return this.codeByHash(acc.codeHash) ?? new Uint8Array(0);
  }

  async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length;
  }

  /** Contract code by its keccak hash (uncommitted code included), or undefined. */
  codeByHash(hash: Uint8Array): Uint8Array | undefined {
    const h = bin(hash);
    const hit = this.codes.get(h) ?? this.codeCache.get(h);
    if (hit) return hit;
    const code = this.store.get(hash);
    if (code) {
      if (this.codeCache.size >= this.limits.codes) this.codeCache.clear();
      this.codeCache.set(h, code);
    }
    return code;
  }

  // --- storage ------------------------------------------------------------------------------

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    return this.getStorageSync(address.bytes, key);
  }

  /** Synchronous {@link getStorage}: the slot's value without leading zeros (empty for zero). */
  getStorageSync(address: Uint8Array, key: Uint8Array): Uint8Array {
    if (key.length !== 32) throw new RangeError(`storage key: expected 32 bytes, found ${key.length}`);
    const a = bin(address);
    const s = bin(key);
    const dirty = this.slots.get(a)?.get(s);
    if (dirty !== undefined) return dirty;
    if (this.wiped.has(a) || this.accounts.get(a) === null) return EMPTY;
    let clean = this.cleanSlots.get(a);
    const hit = clean?.get(s);
    if (hit !== undefined) return hit;
    const root = this.baseStorageRoot(a);
    let value: Uint8Array = EMPTY;
    if (!bytesEqual(root, EMPTY_ROOT)) {
      const raw = new MerkleTrie(this.store, { root }).get(keccak256(key));
      if (raw !== undefined) value = decodeStorage(raw);
    }
    if (!clean) {
      clean = new Map();
      this.cleanSlots.set(a, clean);
    }
    clean.set(s, value);
    this.cleanSlotCount++;
    return value;
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    if (key.length !== 32) throw new RangeError(`storage key: expected 32 bytes, found ${key.length}`);
    if (value.length > 32) throw new RangeError(`storage value: at most 32 bytes, found ${value.length}`);
    const a = bin(address.bytes);
    const s = bin(key);
    let m = this.slots.get(a);
    if (!m) {
      m = new Map();
      this.slots.set(a, m);
    }
    if (this.marks.length > 0) this.undo.push({ kind: 1, addr: a, slot: s, prev: m.get(s) });
    m.set(s, unpad(value));
  }

  async clearStorage(address: Address): Promise<void> {
    this.wipe(bin(address.bytes));
  }

  // --- checkpoints --------------------------------------------------------------------------

  async checkpoint(): Promise<void> {
    this.marks.push(this.undo.length);
  }

  async commit(): Promise<void> {
    this.marks.pop();
    if (this.marks.length === 0) {
      this.undo = [];
      this.originalStorageCache.clear();
    }
  }

  async revert(): Promise<void> {
    const mark = this.marks.pop() ?? 0;
    for (let i = this.undo.length - 1; i >= mark; i--) {
      const u = this.undo[i]!;
      if (u.kind === 0) {
        if (u.prev === undefined) this.accounts.delete(u.addr);
        else this.accounts.set(u.addr, u.prev);
      } else if (u.kind === 1) {
        const m = this.slots.get(u.addr)!;
        if (u.prev === undefined) m.delete(u.slot);
        else m.set(u.slot, u.prev);
      } else {
        if (u.prevSlots === undefined) this.slots.delete(u.addr);
        else this.slots.set(u.addr, u.prevSlots);
        if (u.prevWiped) this.wiped.add(u.addr);
        else this.wiped.delete(u.addr);
      }
    }
    this.undo.length = mark;
    if (this.marks.length === 0) {
      this.undo = [];
      this.originalStorageCache.clear();
    }
  }

  // --- roots --------------------------------------------------------------------------------

  /**
   * Applies the overlay to the tries and returns the new state root. The new nodes go to the
   * store (the engine's store keeps them pending until the block is committed).
   */
  async getStateRoot(): Promise<Uint8Array> {
    return this.flush();
  }

  /** Synchronous {@link getStateRoot}. Throws if a checkpoint is open. */
  flush(): Uint8Array {
    if (this.marks.length > 0) throw new Error("state manager: getStateRoot with an open checkpoint");
    if (this.accounts.size === 0 && this.slots.size === 0 && this.wiped.size === 0) return this.root.slice();
    const t0 = performance.now();
    // Storage tries first: every address with written slots or wiped storage that still exists.
    const storageRoots = new Map<string, Uint8Array>();
    const touched = new Set<string>([...this.slots.keys(), ...this.wiped]);
    for (const a of touched) {
      if (this.accounts.get(a) === null) continue;
      const base = this.wiped.has(a) ? EMPTY_ROOT : this.baseStorageRoot(a);
      const m = this.slots.get(a);
      if (!m || m.size === 0) {
        storageRoots.set(a, base);
        continue;
      }
      const keys = [...m.keys()];
      const hashed = keccak256Many(keys.map(unbin));
      const trie = new MerkleTrie(this.store, { root: base });
      for (let i = 0; i < keys.length; i++) {
        const v = m.get(keys[i]!)!;
        if (v.length === 0) trie.del(hashed[i]!);
        else trie.put(hashed[i]!, encodeStorage(v));
      }
      storageRoots.set(a, trie.commit());
    }
    // Then the state trie: dirty accounts and accounts whose storage root moved.
    const addrs = new Set<string>([...this.accounts.keys(), ...storageRoots.keys()]);
    const list = [...addrs];
    const hashed = keccak256Many(list.map(unbin));
    const state = new MerkleTrie(this.store, { root: this.root });
    const finals: (TrieAccount | null)[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      const d = this.accounts.get(a);
      let acc: TrieAccount | null;
      if (d === null) acc = null;
      else {
        const b = d === undefined ? this.base(a) : undefined;
        const src = d ?? b;
        acc = src
          ? {
              nonce: src.nonce,
              balance: src.balance,
              codeHash: src.codeHash,
              storageRoot: storageRoots.get(a) ?? this.baseStorageRoot(a),
            }
          : null;
      }
      finals[i] = acc;
      if (acc === null) state.del(hashed[i]!);
      else state.put(hashed[i]!, encodeAccount(acc));
    }
    const root = state.commit();
    if (this.codes.size > 0) {
      this.store.batch(
        [...this.codes.values()].map((node) => ({ type: "put" as const, hash: keccak256(node), node })),
      );
    }
    // The written values are the clean state of the new root.
    for (let i = 0; i < list.length; i++) this.cleanAccounts.set(list[i]!, finals[i]!);
    for (const a of touched) {
      const m = this.slots.get(a);
      if (this.wiped.has(a) || this.accounts.get(a) === null) {
        const old = this.cleanSlots.get(a);
        this.cleanSlotCount -= old?.size ?? 0;
        this.cleanSlots.delete(a);
        if (this.accounts.get(a) === null || !m) continue;
      }
      let clean = this.cleanSlots.get(a);
      if (!clean) {
        clean = new Map();
        this.cleanSlots.set(a, clean);
      }
      for (const [s, v] of m!) {
        if (!clean.has(s)) this.cleanSlotCount++;
        clean.set(s, v);
      }
    }
    for (const [h, code] of this.codes) {
      if (this.codeCache.size >= this.limits.codes) this.codeCache.clear();
      this.codeCache.set(h, code);
    }
    this.root = root;
    this.resetOverlay();
    this.boundCaches();
    this.timings.stateRootMs += performance.now() - t0;
    return root.slice();
  }

  /**
   * Moves to `stateRoot`, dropping any uncommitted overlay. The clean caches survive when the
   * root is the current one (consecutive blocks); otherwise they are dropped.
   */
  async setStateRoot(stateRoot: Uint8Array): Promise<void> {
    this.resetOverlay();
    this.marks = [];
    this.originalStorageCache.clear();
    if (bytesEqual(stateRoot, this.root)) return;
    if (!bytesEqual(stateRoot, EMPTY_ROOT) && this.store.get(stateRoot) === undefined) {
      throw new MissingNodeError(`0x${Buffer.from(stateRoot).toString("hex")}`);
    }
    this.root = stateRoot.slice();
    this.clearCaches();
  }

  async hasStateRoot(root: Uint8Array): Promise<boolean> {
    return bytesEqual(root, EMPTY_ROOT) || this.store.get(root) !== undefined;
  }

  /** The state root the manager reads from (its last committed root). */
  get stateRoot(): Uint8Array {
    return this.root.slice();
  }

  clearCaches(): void {
    this.cleanAccounts.clear();
    this.cleanSlots.clear();
    this.cleanSlotCount = 0;
  }

  /** A manager over the same store at the last committed root, without the overlay or caches. */
  shallowCopy(): OreStateManager {
    return new OreStateManager(this.store, this.root, this.limits);
  }

  // --- internals ----------------------------------------------------------------------------

  /** The account at the committed root (cached). */
  private base(a: string): TrieAccount | null {
    const hit = this.cleanAccounts.get(a);
    if (hit !== undefined) return hit;
    let acc: TrieAccount | null = null;
    if (!bytesEqual(this.root, EMPTY_ROOT)) {
      const raw = new MerkleTrie(this.store, { root: this.root }).get(keccak256(unbin(a)));
      if (raw !== undefined) acc = decodeAccount(raw);
    }
    this.cleanAccounts.set(a, acc);
    return acc;
  }

  private baseStorageRoot(a: string): Uint8Array {
    return this.base(a)?.storageRoot ?? EMPTY_ROOT;
  }

  private logAccount(a: string): void {
    if (this.marks.length > 0) this.undo.push({ kind: 0, addr: a, prev: this.accounts.get(a) });
  }

  private wipe(a: string): void {
    if (this.marks.length > 0) {
      this.undo.push({ kind: 2, addr: a, prevSlots: this.slots.get(a), prevWiped: this.wiped.has(a) });
    }
    this.slots.set(a, new Map());
    this.wiped.add(a);
  }

  private resetOverlay(): void {
    this.accounts = new Map();
    this.slots = new Map();
    this.wiped = new Set();
    this.codes = new Map();
    this.undo = [];
  }

  private boundCaches(): void {
    if (this.cleanAccounts.size > this.limits.accounts) this.cleanAccounts.clear();
    if (this.cleanSlotCount > this.limits.slots) {
      this.cleanSlots.clear();
      this.cleanSlotCount = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);

/** Bytes as a map key (a binary string). */
function bin(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

function unbin(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function unpad(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  return i === 0 ? v.slice() : v.slice(i);
}

/** `rlp(value)` of an unpadded, non-empty storage value (at most 32 bytes). */
function encodeStorage(v: Uint8Array): Uint8Array {
  if (v.length === 1 && v[0]! < 0x80) return v.slice();
  const out = new Uint8Array(v.length + 1);
  out[0] = 0x80 + v.length;
  out.set(v, 1);
  return out;
}

/** Inverse of {@link encodeStorage} (trusted input: the engine wrote it). */
function decodeStorage(raw: Uint8Array): Uint8Array {
  if (raw.length === 1 && raw[0]! < 0x80) return raw;
  return raw.subarray(1);
}
