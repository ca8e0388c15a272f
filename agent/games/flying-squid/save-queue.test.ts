import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { keepLateChunksQueued } from "./save-queue.mjs";

const require = createRequire(import.meta.url);
const registry = require("prismarine-registry")("1.21.4");
// prismarine-world ships no types for its World.
type WorldClass = { new (generate: () => unknown, storage: unknown, savingInterval: number): any; prototype: { saveNow: unknown } };
const World: WorldClass = require("prismarine-world")(registry);
const Chunk = require("prismarine-chunk")(registry);
const { Vec3 } = require("vec3") as typeof import("vec3");

const STONE: number = registry.blocksByName.stone.defaultState;
const GOLD: number = registry.blocksByName.gold_block.defaultState;

/** prismarine-world's World with the launcher's saveNow, on a subclass so the shared class stays as shipped. */
class PatchedWorld extends World {}
keepLateChunksQueued(PatchedWorld);

/**
 * A storage provider that serializes a column when asked to save it (as prismarine-provider-anvil
 * does) and holds the write until the test opens the gate, so a change can land mid-write.
 */
function slowStorage() {
  const stored = new Map<string, string>();
  let gate: Promise<void> | null = null;
  let open = () => {};
  return {
    stored,
    provider: {
      async load(x: number, z: number) {
        const json = stored.get(`${x},${z}`);
        return json ? Chunk.fromJson(json) : null;
      },
      async save(x: number, z: number, column: { toJson(): string }) {
        const json = column.toJson();
        if (gate) await gate;
        stored.set(`${x},${z}`, json);
      },
    },
    hold() {
      gate = new Promise<void>((r) => (open = r));
    },
    release() {
      gate = null;
      open();
    },
    storedBlock(pos: InstanceType<typeof Vec3>): number | null {
      const json = stored.get(`${Math.floor(pos.x / 16)},${Math.floor(pos.z / 16)}`);
      if (!json) return null;
      return Chunk.fromJson(json).getBlockStateId(new Vec3(pos.x & 15, pos.y, pos.z & 15));
    },
  };
}

const generate = () => new Chunk({ minY: -64, worldHeight: 384 });

/** A save that starts with `before` queued, during whose write `during` runs. */
async function saveWithChangeMidWrite(WorldClass: WorldClass, before: (w: InstanceType<WorldClass>) => Promise<void>, during: (w: InstanceType<WorldClass>) => Promise<void>) {
  const storage = slowStorage();
  const world = new WorldClass(generate, storage.provider, 0);
  await before(world);
  storage.hold();
  const saving = world.saveNow();
  await during(world);
  storage.release();
  await saving;
  await world.saveNow();
  return { world, storage };
}

describe("flying-squid save queue (launcher patch of prismarine-world's saveNow)", () => {
  const here = new Vec3(1, 1, 1);
  const there = new Vec3(40, 1, 40);

  it("prismarine-world as shipped drops a chunk queued during a save's writes (why the patch exists)", async () => {
    const { world, storage } = await saveWithChangeMidWrite(World, (w) => w.setBlockStateId(here, STONE), (w) => w.setBlockStateId(there, GOLD));
    expect(storage.storedBlock(here)).toBe(STONE);
    expect(storage.storedBlock(there)).toBeNull();
    expect(world.savingQueue.size).toBe(0);
  });

  it("a block placed in another chunk during a save's writes is written by the next save", async () => {
    const { world, storage } = await saveWithChangeMidWrite(PatchedWorld, (w) => w.setBlockStateId(here, STONE), (w) => w.setBlockStateId(there, GOLD));
    expect(storage.storedBlock(here)).toBe(STONE);
    expect(storage.storedBlock(there)).toBe(GOLD);
    expect(world.savingQueue.size).toBe(0);
  });

  it("a chunk changed again while its own write runs stays queued and is written with the change", async () => {
    const storage = slowStorage();
    const world = new PatchedWorld(generate, storage.provider, 0);
    await world.setBlockStateId(here, STONE);
    storage.hold();
    const saving = world.saveNow();
    await world.setBlockStateId(here, GOLD);
    storage.release();
    await saving;
    expect(storage.storedBlock(here)).toBe(STONE);
    expect(world.savingQueue.size).toBe(1);
    await world.saveNow();
    expect(storage.storedBlock(here)).toBe(GOLD);
    expect(world.savingQueue.size).toBe(0);
  });

  it("a column asked to unload mid-write stays loaded until its late change is saved", async () => {
    const storage = slowStorage();
    const world = new PatchedWorld(generate, storage.provider, 0);
    const unloaded: unknown[] = [];
    world.on("chunkColumnUnload", (corner: unknown) => unloaded.push(corner));
    await world.setBlockStateId(here, STONE);
    storage.hold();
    const saving = world.saveNow();
    await world.setBlockStateId(here, GOLD);
    world.unloadColumn(0, 0);
    storage.release();
    await saving;
    expect(unloaded).toHaveLength(0);
    expect(world.columns["0,0"]).toBeDefined();
    await world.saveNow();
    expect(storage.storedBlock(here)).toBe(GOLD);
    expect(unloaded).toHaveLength(1);
    expect(world.columns["0,0"]).toBeUndefined();
  });

  it("patching twice keeps one wrapper", () => {
    const saveNow = PatchedWorld.prototype.saveNow;
    keepLateChunksQueued(PatchedWorld);
    expect(PatchedWorld.prototype.saveNow).toBe(saveNow);
    expect(World.prototype.saveNow).not.toBe(saveNow);
  });
});
