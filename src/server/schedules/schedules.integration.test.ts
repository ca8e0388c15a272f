import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

/**
 * Schedules against a real PostgreSQL with a clock the test moves: a run fires at the expected
 * minute, exactly once with two runner instances (two portals) ticking the same database, and a
 * failed run lands in the timeline without stopping the next one.
 */
useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { ScheduleRunner } = await import("./runner");
const { createSchedule, listSchedules } = await import("./service");

afterAll(async () => {
  await closeDb();
});

async function makeServer() {
  const user = await db.user.create({ data: { email: `s-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
  const top = await db.server.aggregate({ _max: { vmid: true } });
  const server = await db.server.create({ data: { userId: user.id, name: "sched", kind: "game", vmid: Math.max(91_000, (top._max.vmid ?? 0) + 1), provider: "local", status: "running" } });
  return { user, server };
}

describe("schedule runner", () => {
  it("fires at the expected minute in the schedule's time zone, once across two instances", async () => {
    const { user, server } = await makeServer();
    // 11:30 in Berlin is 10:30 UTC in December.
    const { id } = await createSchedule(user.id, server.id, { action: "command", command: "say hello", cron: "30 11 * * *", timezone: "Europe/Berlin" });
    await db.schedule.update({ where: { id }, data: { createdAt: new Date("2026-12-01T10:00:00Z") } });
    let now = new Date("2026-12-01T10:29:00Z");
    const calls: string[] = [];
    const execute = async (_s: unknown, dueAt: Date) => {
      calls.push(dueAt.toISOString());
      await new Promise((r) => setTimeout(r, 50));
      return "sent";
    };
    const a = new ScheduleRunner({ now: () => now, execute });
    const b = new ScheduleRunner({ now: () => now, execute });
    await Promise.all([a.tick(), b.tick()]);
    expect(calls).toEqual([]);
    const [next] = (await listSchedules(user.id, server.id, now))[0]!.nextRuns;
    expect(next?.toISOString()).toBe("2026-12-01T10:30:00.000Z");

    now = new Date("2026-12-01T10:29:59Z");
    await Promise.all([a.tick(), b.tick()]);
    expect(calls).toEqual([]);
    now = new Date("2026-12-01T10:30:05Z");
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect(calls).toEqual(["2026-12-01T10:30:00.000Z"]);
    now = new Date("2026-12-01T10:31:05Z");
    await Promise.all([a.tick(), b.tick()]);
    expect(calls).toHaveLength(1);

    const runs = await db.scheduleRun.findMany({ where: { scheduleId: id } });
    expect(runs.map((r) => [r.dueAt.toISOString(), r.status])).toEqual([["2026-12-01T10:30:00.000Z", "done"]]);
    const last = (await listSchedules(user.id, server.id, now))[0]!.lastRun;
    expect(last).toMatchObject({ status: "done", message: "sent" });
  });

  it("a failed run is recorded in the timeline and the next run still happens", async () => {
    const { user, server } = await makeServer();
    const { id } = await createSchedule(user.id, server.id, { action: "restart", cron: "*/5 * * * *", timezone: "UTC" });
    await db.schedule.update({ where: { id }, data: { createdAt: new Date("2026-12-01T09:00:00Z") } });
    let now = new Date("2026-12-01T10:05:01Z");
    let fail = true;
    const runner = new ScheduleRunner({
      now: () => now,
      execute: async () => {
        if (fail) throw new Error("the agent did not answer");
        return "restarted";
      },
    });
    await runner.tick();
    fail = false;
    now = new Date("2026-12-01T10:10:01Z");
    await runner.tick();
    const runs = await db.scheduleRun.findMany({ where: { scheduleId: id }, orderBy: { dueAt: "asc" } });
    expect(runs.map((r) => [r.dueAt.toISOString(), r.status, r.message])).toEqual([
      ["2026-12-01T10:05:00.000Z", "failed", "the agent did not answer"],
      ["2026-12-01T10:10:00.000Z", "done", "restarted"],
    ]);
    const events = await db.serverEvent.findMany({ where: { serverId: server.id, type: "schedule" }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.status)).toEqual(["failed", "done"]);
    expect(events[0]!.message).toMatch(/Scheduled restart failed: the agent did not answer/);
    const notes = await db.notification.findMany({ where: { serverId: server.id } });
    expect(notes.map((n) => [n.kind, n.dedupeKey])).toEqual([["schedule_failed", `schedule_failed:${runs[0]!.id}`]]);
  });

  it("refuses invalid expressions, unknown zones and commands on dev servers; other users see nothing", async () => {
    const { user, server } = await makeServer();
    await expect(createSchedule(user.id, server.id, { action: "restart", cron: "* * *", timezone: "UTC" })).rejects.toThrow(/five fields/);
    await expect(createSchedule(user.id, server.id, { action: "restart", cron: "0 4 * * *", timezone: "Nowhere/City" })).rejects.toThrow(/time zone/);
    const dev = await db.server.update({ where: { id: server.id }, data: { kind: "dev" } });
    await expect(createSchedule(user.id, dev.id, { action: "command", command: "ls", cron: "0 4 * * *", timezone: "UTC" })).rejects.toThrow(/game server/);
    const other = await makeServer();
    await expect(listSchedules(other.user.id, server.id)).rejects.toThrow(/No such server/);
  });
});
