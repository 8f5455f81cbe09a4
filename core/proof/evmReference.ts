/**
 * The reference the step machine is tested against: @ethereumjs/evm at Cancun running the same
 * frame (`runCode`), with a trace of the state before every opcode, and Ore's two precompile rules
 * as the engine runs them (modexp's EIP-7823 bound, `core/engine/modexp.ts`, and the pairing's
 * input bound, `core/engine/pairing.ts`). For tests and benchmarks only (it is not part of the
 * fault-proof core and `mod.ts` does not export it).
 */
import { createBlock } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEVM, type ExecResult, type InterpreterStep, Message } from "@ethereumjs/evm";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { Address, bytesToHex, createAccount } from "@ethereumjs/util";
import { modexpPrecompile } from "../engine/modexp.ts";
import { pairingPrecompile } from "../engine/pairing.ts";
import { keccak256 } from "../hash/keccak.ts";
import type { FrameBlock, FrameRequest } from "./frameState.ts";
import type { KzgVerifier } from "./precompiles.ts";
import { type WorldAccount, word32 } from "./world.ts";

/** The state before one opcode, as both machines expose it. */
export interface OpState {
  /** Call depth (0 for the top frame). */
  depth: number;
  pc: number;
  gasLeft: bigint;
  stack: bigint[];
  msize: number;
  memory?: Uint8Array;
}

/** The reference run of a frame. */
export interface ReferenceRun {
  ops: OpState[];
  status: number;
  gasLeft: bigint;
  output: Uint8Array;
  /** The refund counter at the end (success only; else 0). */
  refund: bigint;
  /** The logs (success only), each as `address topics.. : data` in hex. */
  logs: string[];
  /** The state root before and after the frame (not reverted on failure: frame mode). */
  preStateRoot: Uint8Array;
  postStateRoot: Uint8Array;
}

/** A deterministic fake hash for block `n` (what the reference's BLOCKHASH returns). */
export function fakeBlockHash(n: bigint): Uint8Array {
  return keccak256(new TextEncoder().encode(`ore-block-${n}`));
}

/**
 * Block context for `number`, with `blockHashes` filled from {@link fakeBlockHash} and the
 * blob base fee the reference derives (excess blob gas 0 gives 1 wei).
 */
export function referenceBlock(number: bigint, chainId: bigint): FrameBlock {
  const blockHashes = new Map<bigint, Uint8Array>();
  for (let m = number > 256n ? number - 256n : 0n; m < number; m++) blockHashes.set(m, fakeBlockHash(m));
  return {
    number,
    timestamp: 1_700_000_000n + number * 2n,
    coinbase: keccak256(new Uint8Array([1])).subarray(0, 20),
    prevRandao: keccak256(new Uint8Array([2])),
    gasLimit: 30_000_000n,
    baseFee: 7n,
    chainId,
    blobBaseFee: 1n,
    blockHashes,
  };
}

/**
 * Runs `req` on @ethereumjs/evm (Cancun) over the world `opts.accounts` (which must be what
 * `req.world` was built from) with `req.warm` warm, and returns the per-opcode trace and outcome.
 * The frame's own address is warm, as it always is in a transaction.
 */
export async function runReference(
  req: FrameRequest,
  opts: { memory?: boolean; accounts?: readonly WorldAccount[]; kzg?: KzgVerifier } = {},
): Promise<ReferenceRun> {
  const b = req.block ?? {};
  const common = createCustomCommon({ chainId: Number(b.chainId ?? 1n), name: "ore-ref" }, Mainnet, {
    hardfork: Hardfork.Cancun,
    customCrypto: opts.kzg ? { kzg: opts.kzg as never } : {},
  });
  const blockchain = {
    async getBlock(n: number) {
      return { hash: () => fakeBlockHash(BigInt(n)) as Uint8Array<ArrayBuffer> };
    },
    async putBlock() {},
    shallowCopy() {
      return blockchain;
    },
  };
  const stateManager = new MerkleStateManager();
  for (const a of opts.accounts ?? []) {
    const address = new Address(a.address);
    await stateManager.putAccount(address, createAccount({ nonce: a.nonce ?? 0n, balance: a.balance ?? 0n }));
    if (a.code && a.code.length > 0) await stateManager.putCode(address, a.code);
    for (const [slot, value] of a.storage ?? []) {
      if (value !== 0n) await stateManager.putStorage(address, word32(slot), trimmed(value));
    }
  }
  const preStateRoot = await stateManager.getStateRoot();
  // A transaction-level checkpoint, as runTx takes: without it, the first nested call's commit
  // would clear the original-storage cache that SSTORE's gas reads (EIP-2200).
  await stateManager.checkpoint();
  const evm = await createEVM({
    common,
    blockchain,
    stateManager,
    customPrecompiles: [modexpPrecompile(common), pairingPrecompile(common)],
  });
  const hex = (b: Uint8Array): string => bytesToHex(b).slice(2);
  evm.journal.addAlwaysWarmAddress(hex(req.address ?? new Uint8Array(20)));
  for (const a of req.warm?.addresses ?? []) evm.journal.addAlwaysWarmAddress(hex(a));
  for (const [a, slot] of req.warm?.slots ?? []) evm.journal.addAlwaysWarmSlot(hex(a), hex(slot));
  const block = createBlock(
    {
      header: {
        number: b.number ?? 0n,
        timestamp: b.timestamp ?? 0n,
        coinbase: b.coinbase ?? new Uint8Array(20),
        mixHash: b.prevRandao ?? new Uint8Array(32),
        gasLimit: b.gasLimit ?? 30_000_000n,
        baseFeePerGas: b.baseFee ?? 0n,
        excessBlobGas: 0n,
        blobGasUsed: 0n,
        parentBeaconBlockRoot: new Uint8Array(32),
      },
    },
    { common },
  );
  const ops: OpState[] = [];
  evm.events!.on("step", (s: InterpreterStep) => {
    const msize = Number(s.memoryWordCount) * 32;
    ops.push({
      depth: s.depth,
      pc: s.pc,
      gasLeft: s.gasLeft,
      stack: [...s.stack],
      msize,
      memory: opts.memory ? s.memory.slice(0, msize) : undefined,
    });
  });
  // `runCode`, but with the EIP-6780 created-address set a transaction has (runCode leaves it
  // undefined, which CREATE trips over).
  const inner = evm as unknown as {
    _block: unknown;
    _tx: unknown;
    runInterpreter(m: Message): Promise<ExecResult>;
  };
  inner._block = block;
  inner._tx = { gasPrice: req.gasPrice ?? 0n, origin: new Address(req.origin ?? new Uint8Array(20)) };
  const res = await inner.runInterpreter(
    new Message({
      code: req.code,
      data: req.calldata ?? new Uint8Array(0),
      gasLimit: req.gas,
      caller: new Address(req.caller ?? new Uint8Array(20)),
      to: new Address(req.address ?? new Uint8Array(20)),
      value: req.value ?? 0n,
      depth: 0,
      isStatic: req.isStatic ?? false,
      selfdestruct: new Map(),
      createdAddresses: new Set(),
      blobVersionedHashes: (req.blobHashes ?? []).map((h) => bytesToHex(h)),
    }),
  );
  const err = res.exceptionError?.error;
  const status = err === undefined ? 1 : err === "revert" ? 2 : 3;
  const gasLeft = status === 3 ? 0n : req.gas - res.executionGasUsed;
  return {
    ops,
    status,
    gasLeft,
    output: status === 3 ? new Uint8Array(0) : res.returnValue,
    refund: status === 1 ? (res.gasRefund ?? 0n) : 0n,
    logs:
      status === 1
        ? (res.logs ?? []).map(
            ([a, topics, data]) =>
              `${bytesToHex(a)} ${topics.map((t) => bytesToHex(t)).join(" ")} : ${bytesToHex(data)}`,
          )
        : [],
    preStateRoot,
    postStateRoot: await postRoot(),
  };
  /** The state root after EIP-161's end-of-transaction removal of touched empty accounts. */
  async function postRoot(): Promise<Uint8Array> {
    await evm.journal.cleanup();
    await stateManager.commit();
    return stateManager.getStateRoot();
  }
}

/** Minimal big-endian bytes of `v` (ethereumjs's storage value form). */
function trimmed(v: bigint): Uint8Array {
  const w = word32(v);
  let i = 0;
  while (i < 32 && w[i] === 0) i++;
  return w.slice(i);
}
