import { describe, expect, it } from "vitest";
import { VersionCache, type BusState } from "./version-cache";

function setup(ttlMs = 1_000, maxEntries = 10) {
  const bus: BusState = { connected: true, epoch: 1 };
  let now = 0;
  const cache = new VersionCache(() => ({ ...bus }), ttlMs, maxEntries, () => now);
  let loads = 0;
  const load = (v: number | null) => async () => {
    loads++;
    return v;
  };
  return { bus, cache, load, loads: () => loads, tick: (ms: number) => (now += ms) };
}

describe("VersionCache", () => {
  it("answers a stored version without loading again, until its time is up", async () => {
    const t = setup();
    expect(await t.cache.read("u", t.load(3))).toBe(3);
    expect(await t.cache.read("u", t.load(4))).toBe(3);
    expect(t.loads()).toBe(1);
    t.tick(1_000);
    expect(await t.cache.read("u", t.load(4))).toBe(4);
    expect(t.loads()).toBe(2);
  });

  it("remembers that an account does not exist, as null", async () => {
    const t = setup();
    await t.cache.read("gone", t.load(null));
    expect(t.cache.peek("gone")).toBeNull();
  });

  it("keeps and serves nothing while the bus is not listening", async () => {
    const t = setup();
    await t.cache.read("u", t.load(1));
    t.bus.connected = false;
    expect(t.cache.peek("u")).toBeUndefined();
    await t.cache.read("u", t.load(2));
    t.bus.connected = true;
    expect(t.cache.peek("u")).toBeUndefined();
  });

  it("drops what was learned before the bus reconnected (messages of the gap may be lost)", async () => {
    const t = setup();
    await t.cache.read("u", t.load(1));
    t.bus.epoch = 2;
    expect(t.cache.peek("u")).toBeUndefined();
  });

  it("does not store a load that the bus reconnected during", async () => {
    const t = setup();
    await t.cache.fresh("u", async () => {
      t.bus.epoch = 2;
      return 1;
    });
    expect(t.cache.peek("u")).toBeUndefined();
  });

  it("does not store a load that overlapped an invalidation: the row it read may predate the bump", async () => {
    const t = setup();
    let release!: (v: number) => void;
    const pending = t.cache.fresh("u", () => new Promise<number>((r) => (release = r)));
    t.cache.invalidate("u");
    release(1);
    expect(await pending).toBe(1);
    expect(t.cache.peek("u")).toBeUndefined();
    expect(await t.cache.read("u", t.load(2))).toBe(2);
    expect(t.cache.peek("u")).toBe(2);
  });

  it("forgets an invalidated user at once", async () => {
    const t = setup();
    await t.cache.read("u", t.load(1));
    await t.cache.read("v", t.load(5));
    t.cache.invalidate("u");
    expect(t.cache.peek("u")).toBeUndefined();
    expect(t.cache.peek("v")).toBe(5);
  });

  it("stays within its size, dropping the oldest entry first", async () => {
    const t = setup(60_000, 3);
    for (const u of ["a", "b", "c"]) await t.cache.read(u, t.load(1));
    await t.cache.fresh("a", t.load(2));
    await t.cache.read("d", t.load(1));
    expect(t.cache.size).toBe(3);
    expect(t.cache.peek("b")).toBeUndefined();
    expect(t.cache.peek("a")).toBe(2);
    expect(t.cache.peek("d")).toBe(1);
  });
});
