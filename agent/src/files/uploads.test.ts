import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { UploadStore } from "./uploads";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function store() {
  const root = await mkdtemp(path.join(os.tmpdir(), "zlh-uploads-"));
  dirs.push(root);
  const base = path.join(root, "ws");
  await mkdir(base);
  const s = new UploadStore({ dir: path.join(root, "staging"), limitBytes: 1 << 20, log: createLogger("silent"), baseFor: async () => ({ dir: base }) });
  await s.init();
  return { s, staging: path.join(root, "staging") };
}

describe("UploadStore.sweep", () => {
  it("removes uploads untouched for longer than the TTL and orphaned parts, keeps fresh ones", async () => {
    const { s, staging } = await store();
    const fresh = await s.create({ scope: "workspace", path: "a.bin", size: 10, overwrite: false });
    const stale = await s.create({ scope: "workspace", path: "b.bin", size: 10, overwrite: false });
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const ext of ["part", "json"]) await utimes(path.join(staging, `${stale.uploadId}.${ext}`), old, old);
    const orphan = "f".repeat(32);
    await writeFile(path.join(staging, `${orphan}.part`), "x");

    const removed = await s.sweep(3600_000);
    expect(removed.sort()).toEqual([stale.uploadId, orphan].sort());
    expect((await readdir(staging)).sort()).toEqual([`${fresh.uploadId}.json`, `${fresh.uploadId}.part`].sort());
    expect((await s.state(fresh.uploadId)).offset).toBe(0);
  });

  it("drops single-shot temp files left by a crash on start", async () => {
    const { staging } = await store();
    await writeFile(path.join(staging, "single-abc.part"), "half");
    const again = new UploadStore({ dir: staging, limitBytes: 1, log: createLogger("silent"), baseFor: async () => ({ dir: staging }) });
    await again.init();
    expect(await readdir(staging)).toEqual([]);
  });
});
