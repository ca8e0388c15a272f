import { Prisma, type Schedule, type Server } from "../../generated/prisma/client";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { notify } from "../notify/notify";
import { recordEvent } from "../provisioning/events";
import { dueTimes } from "./cron";
import { executeSchedule } from "./actions";

const log = logger.child({ module: "schedules" });

export type ScheduleWithServer = Schedule & { server: Server };
/** Runs one schedule's action; resolves with a short result for the UI, rejects when it failed. */
export type ScheduleExecutor = (s: ScheduleWithServer, dueAt: Date) => Promise<string>;

/** How far back a starting (or long-stalled) instance still catches up on missed runs. */
const LOOKBACK_MS = 2 * 60_000;

/**
 * Finds due runs and runs each exactly once across all portal instances: a run is claimed by
 * inserting its unique (scheduleId, dueAt) row; an instance whose insert conflicts skips it. A failed
 * run is recorded (run row, timeline, notification) and never stops the next one. The clock is a
 * parameter so tests drive time.
 */
export class ScheduleRunner {
  private lastTick: Date | null = null;
  constructor(private opts: { now?: () => Date; execute?: ScheduleExecutor } = {}) {}

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  async tick(): Promise<number> {
    const now = this.now();
    const floor = new Date(now.getTime() - LOOKBACK_MS);
    const after = this.lastTick && this.lastTick > floor ? this.lastTick : floor;
    this.lastTick = now;
    const schedules = await db.schedule.findMany({ where: { enabled: true, server: { status: { notIn: ["deleting", "deleted"] } } }, include: { server: true } });
    let ran = 0;
    for (const s of schedules) {
      const from = s.createdAt > after ? s.createdAt : after;
      let due: Date[];
      try {
        due = dueTimes(s.cron, s.timezone, from, now);
      } catch (err) {
        log.warn({ scheduleId: s.id, err: (err as Error).message }, "schedule has an invalid expression");
        continue;
      }
      for (const dueAt of due) if (await this.runOnce(s, dueAt)) ran++;
    }
    return ran;
  }

  private async runOnce(s: ScheduleWithServer, dueAt: Date): Promise<boolean> {
    let runId: string;
    try {
      runId = (await db.scheduleRun.create({ data: { scheduleId: s.id, dueAt } })).id;
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return false; // another instance has it
      throw err;
    }
    const label = describe(s);
    try {
      const message = await (this.opts.execute ?? executeSchedule)(s, dueAt);
      await db.scheduleRun.update({ where: { id: runId }, data: { status: "done", message: message.slice(0, 1000), finishedAt: new Date() } });
      await recordEvent(s.serverId, "schedule", "done", `Scheduled ${label}: ${message}`, { scheduleId: s.id, runId, dueAt: dueAt.toISOString() });
    } catch (err) {
      const message = (err as Error).message.slice(0, 1000);
      await db.scheduleRun.update({ where: { id: runId }, data: { status: "failed", message, finishedAt: new Date() } });
      await recordEvent(s.serverId, "schedule", "failed", `Scheduled ${label} failed: ${message}`, { scheduleId: s.id, runId, dueAt: dueAt.toISOString() });
      await notify({ userId: s.server.userId, serverId: s.serverId, kind: "schedule_failed", title: `Scheduled ${label} of ${s.server.name} failed`, body: message, dedupeKey: `schedule_failed:${runId}` }).catch((e: unknown) =>
        log.warn({ err: e }, "notify failed"),
      );
    }
    return true;
  }
}

export function describe(s: Pick<Schedule, "action" | "command">): string {
  return s.action === "command" ? `command "${s.command ?? ""}"` : s.action;
}
