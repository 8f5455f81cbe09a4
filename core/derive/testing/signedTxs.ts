/**
 * Signed transactions of every type a span batch holds (legacy with and without EIP-155,
 * EIP-2930, EIP-1559, contract creations), serialized by viem: real encodings for span batch
 * tests, where derivation's opaque fake transactions would not do.
 */
import { type Hex, serializeTransaction, type TransactionSerializable } from "viem";
import { fromHex, toHex } from "../../bytes.ts";
import { randomBytes } from "./fakes.ts";

/** A signed transaction of a random supported shape for chain `chain` (default: the test config's 901). */
export function randomTx(rand: () => number, chain = 901): Uint8Array {
  const pick = Math.floor(rand() * 5);
  const hex = (n: number) => toHex(randomBytes(rand, n));
  const big = () => BigInt(Math.floor(rand() * 2 ** 40)) * BigInt(1 + Math.floor(rand() * 1000));
  const to = rand() < 0.2 ? undefined : (hex(20) as Hex);
  const data = hex(Math.floor(rand() * 80));
  const yParity = rand() < 0.5 ? 0 : 1;
  // r, s sometimes with leading zero bytes (they are stored padded to 32 bytes).
  const word = () => {
    const b = randomBytes(rand, 32);
    if (rand() < 0.2) b[0] = 0;
    if (rand() < 0.1) b[1] = 0;
    b[0]! &= 0x7f;
    return toHex(b) as Hex;
  };
  const sig = { r: word(), s: word(), yParity };
  const accessList = Array.from({ length: Math.floor(rand() * 3) }, () => ({
    address: hex(20) as Hex,
    storageKeys: Array.from({ length: Math.floor(rand() * 3) }, () => hex(32) as Hex),
  }));
  const nonce = Math.floor(rand() * 1000);
  const gas = BigInt(21_000 + Math.floor(rand() * 1e6));
  let tx: TransactionSerializable;
  if (pick === 0)
    tx = { type: "legacy", to, data, value: big(), gasPrice: big(), nonce, gas, chainId: chain };
  else if (pick === 1) tx = { type: "legacy", to, data, value: big(), gasPrice: big(), nonce, gas };
  else if (pick === 2)
    tx = { type: "eip2930", to, data, value: big(), gasPrice: big(), nonce, gas, chainId: chain, accessList };
  else {
    const tip = big();
    tx = {
      type: "eip1559",
      to,
      data,
      value: rand() < 0.3 ? 0n : big(),
      maxFeePerGas: tip + big(),
      maxPriorityFeePerGas: tip,
      nonce,
      gas,
      chainId: chain,
      accessList,
    };
  }
  const v = pick === 0 ? 35n + 2n * BigInt(chain) + BigInt(yParity) : 27n + BigInt(yParity);
  const signature = tx.type === "legacy" ? { ...sig, v } : sig;
  return fromHex(serializeTransaction(tx, signature));
}
