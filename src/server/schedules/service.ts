import { TRPCError } from "@trpc/server";
import { db } from "../db/client";
import { getServerForUser } from "../provisioning/service";
import { nextRuns, parseSchedule } from "./cron";
import { describe } from "./runner";

export type ScheduleInput = { action: "restart" | "backup" | "command"; cron: string; timezone: string; command?: string; enabled?: boolean };

export type ScheduleView = {
  id: string;
  action: string;
  command: string | null;
  cron: string;
  timezone: string;
  enabled: boolean;
  label: string;
  nextRuns: Date[];
  lastRun: { dueAt: Date; status: string; message: string | null; finishedAt: Date | null } | null;
};

function validate(input: ScheduleInput, kind: string): void {
  try {
    parseSchedule(input.cron, input.timezone);
  } catch (err) {
    throw new TRPCError({ code: "BAD_REQUEST", message: (err as Error).message });
  }
  if (input.action === "command" && (kind !== "game" || !input.command?.trim())) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Console command schedules need a game server and a command." });
  }
}

export async function listSchedules(userId: string, serverId: string, now = new Date()): Promise<ScheduleView[]> {
  await getServerForUser(userId, serverId);
  const rows = await db.schedule.findMany({ where: { serverId }, orderBy: { createdAt: "asc" }, include: { runs: { orderBy: { dueAt: "desc" }, take: 1 } } });
  return rows.map((s) => {
    let upcoming: Date[] = [];
    try {
      upcoming = s.enabled ? nextRuns(s.cron, s.timezone, now, 3) : [];
    } catch {
      // an expression that no longer parses shows no next runs
    }
    const last = s.runs[0];
    return {
      id: s.id,
      action: s.action,
      command: s.command,
      cron: s.cron,
      timezone: s.timezone,
      enabled: s.enabled,
      label: describe(s),
      nextRuns: upcoming,
      lastRun: last ? { dueAt: last.dueAt, status: last.status, message: last.message, finishedAt: last.finishedAt } : null,
    };
  });
}

export async function createSchedule(userId: string, serverId: string, input: ScheduleInput): Promise<{ id: string }> {
  const s = await getServerForUser(userId, serverId);
  validate(input, s.kind);
  if ((await db.schedule.count({ where: { serverId } })) >= 20) throw new TRPCError({ code: "CONFLICT", message: "A server has at most 20 schedules." });
  const row = await db.schedule.create({
    data: { serverId, action: input.action, cron: input.cron.trim().split(/\s+/).join(" "), timezone: input.timezone, command: input.action === "command" ? input.command!.trim() : null, enabled: input.enabled ?? true },
  });
  return { id: row.id };
}

export async function setScheduleEnabled(userId: string, serverId: string, scheduleId: string, enabled: boolean): Promise<{ id: string; enabled: boolean }> {
  await getServerForUser(userId, serverId);
  const r = await db.schedule.updateMany({ where: { id: scheduleId, serverId }, data: { enabled } });
  if (r.count !== 1) throw new TRPCError({ code: "NOT_FOUND", message: "No such schedule." });
  return { id: scheduleId, enabled };
}

export async function deleteSchedule(userId: string, serverId: string, scheduleId: string): Promise<{ deleted: string }> {
  await getServerForUser(userId, serverId);
  const r = await db.schedule.deleteMany({ where: { id: scheduleId, serverId } });
  if (r.count !== 1) throw new TRPCError({ code: "NOT_FOUND", message: "No such schedule." });
  return { deleted: scheduleId };
}
