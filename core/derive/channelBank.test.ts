import { describe, expect, test } from "bun:test";
import { Channel } from "./channel.ts";
import { ChannelBank, type ChannelData } from "./channelBank.ts";
import type { Frame } from "./frame.ts";
import type { FrameQueue } from "./frameQueue.ts";
import { type DerivationEvent, EOF, NOT_ENOUGH_DATA } from "./stage.ts";
import { testConfig } from "./testing/fakes.ts";
import type { L1BlockRef } from "./types.ts";

const ref = (n: number): L1BlockRef => ({
  hash: `0x${n.toString(16).padStart(64, "0")}`,
  number: n,
  parentHash: `0x${(n - 1).toString(16).padStart(64, "0")}`,
  timestamp: 1000 + 12 * n,
});
const id = (c: number) => new Uint8Array(16).fill(c);
const f = (ch: number, n: number, data: number[], isLast = false): Frame => ({
  id: id(ch),
  frameNumber: n,
  data: Uint8Array.from(data),
  isLast,
});

/** A channel bank fed from a list of frames per L1 block. */
function bank(channelTimeout = 4) {
  const config = testConfig({ channelTimeout });
  let origin = ref(1);
  let queue: Frame[] = [];
  const prev = {
    origin: () => origin,
    nextFrame: async () => queue.shift() ?? EOF,
  } as unknown as FrameQueue;
  const events: DerivationEvent[] = [];
  const cb = new ChannelBank(config, prev, (e) => events.push(e));
  cb.reset(origin, config.genesis.systemConfig);
  /** Feeds `frames` in L1 block `n` and drains the bank; returns the channels read. */
  const block = async (n: number, frames: Frame[]): Promise<ChannelData[]> => {
    origin = ref(n);
    queue = frames.slice();
    const out: ChannelData[] = [];
    for (;;) {
      const r = await cb.nextData();
      if (r === EOF) return out;
      if (r !== NOT_ENOUGH_DATA) out.push(r);
    }
  };
  return { cb, block, events };
}
const datas = (cs: ChannelData[]) => cs.map((c) => [c.id[0], ...c.data]);

describe("channel", () => {
  test("ready once closed and complete; bytes in frame order", () => {
    const ch = new Channel(id(1), ref(1));
    expect(ch.addFrame(f(1, 2, [3], true))).toBeNull();
    expect(ch.addFrame(f(1, 0, [1]))).toBeNull();
    expect(ch.isReady()).toBe(false);
    expect(ch.addFrame(f(1, 1, [2]))).toBeNull();
    expect(ch.isReady()).toBe(true);
    expect([...ch.read()]).toEqual([1, 2, 3]);
  });

  test("duplicate frames, duplicate closes and frames past the end are dropped", () => {
    const ch = new Channel(id(1), ref(1));
    expect(ch.addFrame(f(1, 0, [1]))).toBeNull();
    expect(ch.addFrame(f(1, 0, [9]))).toContain("duplicate");
    expect(ch.addFrame(f(1, 1, [2], true))).toBeNull();
    expect(ch.addFrame(f(1, 2, [3], true))).toContain("closed");
    expect(ch.addFrame(f(1, 1, [3]))).toContain("duplicate");
    expect(ch.addFrame(f(1, 5, [3]))).toContain("closing frame");
    expect([...ch.read()]).toEqual([1, 2]);
  });

  test("a closing frame prunes higher-numbered frames", () => {
    const ch = new Channel(id(1), ref(1));
    ch.addFrame(f(1, 0, [1]));
    ch.addFrame(f(1, 3, [4, 4, 4]));
    ch.addFrame(f(1, 1, [2], true));
    expect(ch.frameCount()).toBe(2);
    expect(ch.size()).toBe(2 + 2 * 200);
    expect(ch.isReady()).toBe(true);
    expect([...ch.read()]).toEqual([1, 2]);
  });
});

describe("channel bank", () => {
  test("reassembles frames arriving out of order across L1 blocks", async () => {
    const { block } = bank();
    expect(await block(1, [f(1, 2, [3], true), f(1, 0, [1])])).toEqual([]);
    expect(datas(await block(2, [f(1, 1, [2])]))).toEqual([[1, 1, 2, 3]]);
  });

  test("interleaved channels come out in FIFO order of opening when both are ready", async () => {
    const { block } = bank();
    const out = await block(1, [f(1, 0, [1]), f(2, 0, [2], true), f(1, 1, [1], true)]);
    // Channel 2 is ready first (Canyon: the first ready channel in FIFO order is read).
    expect(datas(out)).toEqual([
      [2, 2],
      [1, 1, 1],
    ]);
  });

  test("an incomplete older channel does not block a complete newer one", async () => {
    const { block } = bank();
    expect(await block(1, [f(1, 0, [1])])).toEqual([]);
    expect(datas(await block(2, [f(2, 0, [2], true)]))).toEqual([[2, 2]]);
  });

  test("duplicate frames and frames after close are ignored and reported", async () => {
    const { block, events } = bank();
    const out = await block(1, [f(1, 0, [1]), f(1, 0, [9]), f(1, 1, [2], true), f(1, 1, [7], true)]);
    expect(datas(out)).toEqual([[1, 1, 2]]);
    expect(events.map((e) => e.kind)).toEqual(["frame-dropped"]);
    // The channel was read and removed: a late frame with its id opens a new channel, which times out.
    expect(await block(2, [f(1, 2, [3])])).toEqual([]);
  });

  test("a channel times out after channel_timeout L1 blocks and is never read", async () => {
    const { cb, block, events } = bank(4);
    await block(1, [f(1, 0, [1])]);
    await block(5, [f(1, 1, [2])]); // 1 + 4 = 5: still open
    expect(cb.size()).toBe(1);
    // 6 > 1 + 4: the channel is removed before the frame is loaded, so the late closing frame
    // opens a fresh channel with the same id, which lacks frames 0 and 1 and never completes.
    expect(await block(6, [f(1, 2, [3], true)])).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(["channel-timed-out"]);
    expect(await block(12, [])).toEqual([]);
    expect(cb.size()).toBe(0);
    expect(events.map((e) => e.kind)).toEqual(["channel-timed-out", "channel-timed-out"]);
  });

  test("reset empties the bank", async () => {
    const { cb, block } = bank();
    await block(1, [f(1, 0, [1])]);
    cb.reset(ref(1), testConfig().genesis.systemConfig);
    expect(cb.size()).toBe(0);
    expect(await block(2, [f(1, 1, [2], true)])).toEqual([]);
  });
});
