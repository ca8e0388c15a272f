import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { until } from "../../../test/support/until";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { createBuildRunner, BUILD_NICENESS } = await import("./build-runner");
const { enqueueBuild, claimNextBuild, requeueStale } = await import("./build-queue");
const { readCatalog } = await import("./store");
const { resolve } = await import("./catalog-ops");

let tmp: string;

/** Niceness of the processes whose command line contains every one of `parts` (from /proc). */
function nicenessOf(parts: string[]): number[] {
  const found: number[] = [];
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!parts.every((p) => cmd.includes(p))) continue;
      // Field 19 of /proc/<pid>/stat, counted after the ")" that ends the command name.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      found.push(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    } catch {
      // Exited meanwhile.
    }
  }
  return found;
}
const MINE = ["queue-test", "queue-race", "claim-a", "claim-b", "python", "no-such-builder"];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "zlh-build-runner-"));
  // Leftovers of interrupted runs must not be picked up by this runner (rows of tests running now are left alone).
  await db.artifactBuild.deleteMany({ where: { OR: [{ name: { in: MINE } }, { status: { in: ["queued", "running"] }, createdAt: { lt: new Date(Date.now() - 10 * 60_000) } }] } });
});
afterAll(async () => {
  await db.artifactBuild.deleteMany({ where: { name: { in: MINE } } });
  await rm(tmp, { recursive: true, force: true });
  await closeDb();
});

describe("artifact build queue", () => {
  it("enqueues a name@version once while it is queued or running", async () => {
    const a = await enqueueBuild({ name: "queue-test", version: "1.0.0", source: "admin" });
    const b = await enqueueBuild({ name: "queue-test", version: "1.0.0", source: "first-run" });
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ created: false, build: { id: a.build.id } });
    await db.artifactBuild.delete({ where: { id: a.build.id } });
  });

  it("a build that finishes while another portal enqueues the same one is that portal's answer, not a crash", async () => {
    // Two portals starting at once: one's row is published (a cached build takes a second) between
    // the other's refused insert and its lookup of the active row.
    for (let round = 0; round < 40; round++) {
      const first = await enqueueBuild({ name: "queue-race", version: String(round), source: "first-run" });
      const [second] = await Promise.all([
        enqueueBuild({ name: "queue-race", version: String(round), source: "first-run" }),
        db.artifactBuild.update({ where: { id: first.build.id }, data: { status: "done", finishedAt: new Date() } }),
      ]);
      expect(second.build.name).toBe("queue-race");
    }
    await db.artifactBuild.deleteMany({ where: { name: "queue-race" } });
  });

  it("claims one build at a time, and a stale running build goes back to the queue", async () => {
    const x = await enqueueBuild({ name: "claim-a", version: "1", source: "admin" });
    await enqueueBuild({ name: "claim-b", version: "1", source: "admin" });
    const [first, second] = await Promise.all([claimNextBuild(), claimNextBuild()]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect((first ?? second)!.id).toBe(x.build.id);
    expect(await requeueStale(60_000, new Date(Date.now() + 120_000))).toBe(1);
    expect(await db.artifactBuild.findUnique({ where: { id: x.build.id } })).toMatchObject({ status: "queued" });
    await db.artifactBuild.deleteMany({ where: { name: { in: ["claim-a", "claim-b"] } } });
  });
});

describe("the build runner (real artifacts CLI)", () => {
  it("builds and publishes a queued artifact with persisted progress, and records a failure's reason", async () => {
    const dataDir = path.join(tmp, "data");
    const runner = createBuildRunner({ dataDir, cacheDir: path.join(tmp, "cache") });
    // Python is built from the machine's Debian interpreter in a few seconds.
    const ok = await enqueueBuild({ name: "python", version: "3.11.2", source: "first-run" });
    const bad = await enqueueBuild({ name: "no-such-builder", version: "1.0.0", source: "admin" });
    const seen = new Set<string>();
    const niceness = new Set<number>();
    const own = Number(readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ")[16]);
    runner.start();
    try {
      await until("the python build to finish", async () => {
        const row = await db.artifactBuild.findUnique({ where: { id: ok.build.id } });
        if (row?.status === "running" && row.step) seen.add(row.step);
        for (const n of nicenessOf(["build", "python@3.11.2", "--progress-json"])) niceness.add(n);
        return row?.status === "done" || row?.status === "failed";
      }, 120_000, 200);
      const done = await db.artifactBuild.findUniqueOrThrow({ where: { id: ok.build.id } });
      expect(done).toMatchObject({ status: "done", percent: 100 });
      expect(seen.size).toBeGreaterThan(0);
      // The build ran below the portal's priority.
      expect([...niceness]).toEqual([Math.min(19, own + BUILD_NICENESS)]);
      expect(resolve(readCatalog(path.join(dataDir, "artifacts")), { name: "python" })).toMatchObject({ version: "3.11.2" });

      await until("the bad build to fail", async () => (await db.artifactBuild.findUnique({ where: { id: bad.build.id } }))?.status === "failed", 60_000, 200);
      const failed = await db.artifactBuild.findUniqueOrThrow({ where: { id: bad.build.id } });
      expect(failed.error).toMatch(/no builder named no-such-builder/);
    } finally {
      await runner.stop();
    }
  }, 180_000);
});
