/**
 * Real proofs for the proof-file tests (docs/fault-proof.md §8.3): frame mode over a world with
 * storage, calls and code (so MPT nodes and code are preimages), and block mode over a deposit
 * and signed EIP-1559 transactions (transfers and calls that store and log; the transactions
 * are preimages too). Test support only.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { fromHex } from "../bytes.ts";
import { encodeDeposit } from "../engine/depositTx.ts";
import { keccak256 } from "../hash/keccak.ts";
import { seededRandom } from "../mpt/testing.ts";
import { rlpEncode } from "../rlp.ts";
import { generateFrame } from "./generator.ts";
import type { Proof } from "./proofTypes.ts";
import { randomProgram } from "./randomProgram.ts";
import { context } from "./testing.ts";
import { generateBlock } from "./txs.ts";
import { buildWorld } from "./world.ts";

/** A frame proof over a world with storage, calls and code, from random programs (`seed`). */
export function frameSample(seed: number, gas = 60_000n): Proof {
  const rand = seededRandom(seed);
  const targets = [1, 2, 3].map((b) => new Uint8Array(20).fill(0x70 + b));
  const accounts = targets.map((address) => ({
    address,
    balance: 1000n,
    code: randomProgram(rand, { world: targets, calls: targets }).code,
    storage: new Map([[1n, 5n]]),
  }));
  const req = context({ code: accounts[0]!.code, gas }, seed);
  req.address = targets[0];
  req.world = buildWorld(accounts);
  const trace = generateFrame(req);
  return { mode: "frame", request: { seed }, ...trace };
}

/** Big-endian bytes of `v` without leading zeros (RLP's integers). */
function uint(v: bigint): Uint8Array {
  const hex = v === 0n ? "" : v.toString(16);
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return Uint8Array.from(even.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}

const CHAIN_ID = 901n;

/** An EIP-1559 transaction on chain 901 signed with `key`. */
function signed1559(
  key: Uint8Array,
  nonce: bigint,
  to: Uint8Array,
  value: bigint,
  data: Uint8Array,
): Uint8Array {
  const fields = [
    uint(CHAIN_ID),
    uint(nonce),
    uint(1n),
    uint(10n ** 9n),
    uint(200_000n),
    to,
    uint(value),
    data,
    [],
  ];
  const sig = secp256k1.sign(keccak256(Uint8Array.of(2, ...rlpEncode(fields))), key, {
    prehash: false,
    format: "recovered",
  });
  const trim = (b: Uint8Array) => uint(BigInt(`0x${Buffer.from(b).toString("hex")}`));
  const all = [...fields, uint(BigInt(sig[0])), trim(sig.subarray(1, 33)), trim(sig.subarray(33, 65))];
  return Uint8Array.of(2, ...rlpEncode(all));
}

/** The sample block's pieces: its sender (with its key), the counting contract, the transactions. */
export interface SampleBlockTxs {
  key: Uint8Array;
  sender: Uint8Array;
  callee: Uint8Array;
  code: Uint8Array;
  txs: Uint8Array[];
}

/**
 * A deposit to a contract that counts, stores and logs, then `txs` EIP-1559 transactions (chain
 * 901) alternating between value transfers and calls of that contract.
 */
export function sampleBlockTxs(txs: number): SampleBlockTxs {
  const key = keccak256(Uint8Array.of(1));
  const sender = keccak256(secp256k1.getPublicKey(key, false).subarray(1)).subarray(12);
  const callee = new Uint8Array(20).fill(0x42);
  // sstore(0, sload(0) + 1); mstore(0, it); log1(0, 32, 0x77); return 32 bytes.
  const code = fromHex("0x600054600101806000556000526077602060" + "00a160206000f3");
  const list: Uint8Array[] = [
    encodeDeposit({
      sourceHash: keccak256(Uint8Array.of(9)),
      from: new Uint8Array(20).fill(0xdd),
      to: callee,
      mint: 10n ** 18n,
      value: 0n,
      gas: 100_000n,
      isSystemTx: false,
      data: new Uint8Array(0),
    }),
  ];
  for (let i = 0; i < txs; i++) {
    const call = i % 2 === 1;
    list.push(
      signed1559(
        key,
        BigInt(i),
        call ? callee : new Uint8Array(20).fill(0x77),
        call ? 0n : 1000n,
        new Uint8Array(0),
      ),
    );
  }
  return { key, sender, callee, code, txs: list };
}

/** A block proof of {@link sampleBlockTxs} over a world holding the sender and the contract. */
export function blockSample(txs: number): Proof {
  const { sender, callee, code, txs: list } = sampleBlockTxs(txs);
  const parent = buildWorld([
    { address: sender, balance: 10n ** 20n },
    { address: callee, code, nonce: 1n },
  ]);
  const t = generateBlock({
    parentHash: new Uint8Array(32),
    number: 2n,
    timestamp: 1_700_000_000n,
    prevRandao: new Uint8Array(32),
    feeRecipient: new Uint8Array(20).fill(0xc0),
    gasLimit: 30_000_000n,
    baseFee: 1000n,
    parentBeaconRoot: new Uint8Array(32),
    parentStateRoot: parent.root,
    txs: list,
    chainId: CHAIN_ID,
    blobBaseFee: 1n,
    preimages: parent.preimages,
  });
  if (t.restartedAt !== undefined || t.outcomes.some((o) => o.status !== 1)) {
    throw new Error(`block sample: a transaction failed (${t.outcomes.map((o) => o.status).join(",")})`);
  }
  return {
    mode: "block",
    request: { txs: list.length },
    roots: t.roots,
    witnesses: t.witnesses,
    access: t.access,
    kinds: t.kinds,
    result: {
      worldRoot: t.worldRoot,
      gasUsed: t.blockGasUsed,
      receiptsRoot: t.receiptsRoot,
      logsBloom: t.logsBloom,
      blockHash: t.blockHash,
      outputRoot: t.outputRoot,
    },
  };
}
