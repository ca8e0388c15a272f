import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { createSampler, type ReadAgent } from "./sampler";
import { applyRetention } from "./retention";
import { serverHistory } from "./service";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
afterAll(closeDb);

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
let user: { id: string };

beforeAll(async () => {
  user = await db.user.create({ data: { email: `history-${randomUUID()}@example.test`, passwordHash: "x" } });
});

async function server(status = "running") {
  return db.server.create({
    data: { userId: user.id, name: "s", kind: "game", vmid: 100_000 + Math.floor(Math.random() * 800_000_000), provider: "local", status, agentUrl: "http://127.0.0.1:1", agentTokenEnc: "x", memoryMb: 1024 },
  });
}

/** An agent whose container has used `cpu` seconds and `mem` bytes, with `players` online. */
const status = (cpu: number, mem: number, players: number) => ({
  container: { cpu: { usageSeconds: cpu }, memory: { usedBytes: mem, limitBytes: 1024 * 1024 * 1024 }, disk: { usedBytes: 5e8, totalBytes: 8e9 } },
  players: { online: players, max: 20 },
});

describe("history sampling", () => {
  it("writes one row per running server per 30-s slot with one insert, CPU from consecutive readings", async () => {
    const a = await server();
    const b = await server();
    const stopped = await server("stopped");
    // Within the last day of the retention test below, so its counts see only its own rows.
    let clock = Date.UTC(2026, 10, 20, 11, 30, 0);
    const reads: string[] = [];
    const readAgent: ReadAgent = async (s) => {
      reads.push(s.id);
      if (s.id === b.id) throw new Error("unreachable");
      return { status: status((clock - Date.UTC(2026, 10, 1)) / 1000 / 2, 3e8, 4), metricsText: null };
    };
    const sampler = createSampler({ db, readAgent, now: () => clock });
    const first = await sampler.cycle();
    expect(first.failed).toBeGreaterThanOrEqual(1);
    expect(reads).not.toContain(stopped.id);
    clock += 30_000;
    await sampler.cycle();
    // The same slot sampled again (a second portal instance) adds nothing.
    expect((await sampler.cycle()).written).toBe(0);
    const rows = await db.serverSample.findMany({ where: { serverId: a.id }, orderBy: { at: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows[0]!.cpuPercent).toBeNull();
    // 15 CPU-seconds over 30 s of wall time: half a core.
    expect(rows[1]!.cpuPercent).toBe(50);
    expect(Number(rows[1]!.memoryBytes)).toBe(3e8);
    expect(rows[1]!.players).toBe(4);
    expect(await db.serverSample.count({ where: { serverId: b.id } })).toBe(0);
  });

  it("downsamples rows older than a day to 5-minute rows and prunes rows older than 30 days", async () => {
    const s = await server();
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    const data = [];
    // Two days of 30-s rows (5760), CPU alternating 10/30, players rising within each 5 minutes.
    for (let t = now - 2 * DAY; t < now; t += 30_000) {
      const i = (t - (now - 2 * DAY)) / 30_000;
      data.push({ serverId: s.id, at: new Date(t), seconds: 30, cpuPercent: i % 2 ? 30 : 10, memoryBytes: BigInt(1000 + (i % 10) * 100), players: i % 10, maxPlayers: 20 });
    }
    // And an old 5-minute row, 31 days back.
    data.push({ serverId: s.id, at: new Date(now - 31 * DAY), seconds: 300, cpuPercent: 1, memoryBytes: 1n, players: 0, maxPlayers: 20 });
    await db.serverSample.createMany({ data });

    const r = await applyRetention(db, new Date(now));
    expect(r.pruned).toBe(1);
    expect(r.downsampled).toBe(2880);
    expect(r.created).toBe(288);
    const rows = await db.serverSample.findMany({ where: { serverId: s.id }, orderBy: { at: "asc" } });
    const raw = rows.filter((x) => x.seconds === 30);
    const five = rows.filter((x) => x.seconds === 300);
    expect(raw).toHaveLength(2880);
    expect(raw[0]!.at.getTime()).toBe(now - DAY);
    expect(five).toHaveLength(288);
    expect(five[0]!.at.getTime()).toBe(now - 2 * DAY);
    expect(five[0]!.cpuPercent).toBe(20);
    expect(Number(five[0]!.memoryBytes)).toBe(1450);
    expect(five[0]!.players).toBe(9);

    // A rerun, an hour later: only the hour that crossed the one-day line is folded.
    expect(await applyRetention(db, new Date(now))).toEqual({ downsampled: 0, created: 0, pruned: 0 });
    const later = await applyRetention(db, new Date(now + 60 * MIN));
    expect(later).toEqual({ downsampled: 120, created: 12, pruned: 0 });

    // The week chart reads both kinds of rows, in 30-minute buckets.
    const week = await serverHistory(db, s, "week", new Date(now + 60 * MIN));
    expect(week.bucketSeconds).toBe(1800);
    expect(week.points.length).toBe(96);
    expect(week.points.every((p) => p.cpuPercent === 20)).toBe(true);
    expect(week.limits).toMatchObject({ memoryBytes: 1024 * 1024 * 1024, planMemoryBytes: 1024 * 1024 * 1024, maxPlayers: 20 });
    const hour = await serverHistory(db, s, "hour", new Date(now));
    expect(hour.points).toHaveLength(120);
    expect(hour.points.at(-1)!.at).toBe(now - 30_000);
  });
});
