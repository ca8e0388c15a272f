import { TRPCError } from "@trpc/server";
import { db } from "../db/client";
import { assertCanStartServer, limitsFor } from "../billing/entitlements";
import { logger } from "../log/logger";
import { getServerForUser, startServer } from "../provisioning/service";
import { idleLimitMinutes } from "./policy";

const log = logger.child({ module: "idle" });

export type IdleSettings = { kind: "game" | "dev"; minutes: number | null; effectiveMinutes: number | null; planMaxMinutes: number; autoStoppedAt: Date | null; lastActivityAt: Date | null };

export async function idleSettings(userId: string, serverId: string): Promise<IdleSettings> {
  const s = await getServerForUser(userId, serverId);
  const plan = (await limitsFor(userId)).devIdleStopMinutes;
  const kind = s.kind === "game" ? "game" : "dev";
  return { kind, minutes: s.idleStopMinutes, effectiveMinutes: idleLimitMinutes(kind, s.idleStopMinutes, plan), planMaxMinutes: plan, autoStoppedAt: s.autoStoppedAt, lastActivityAt: s.lastActivityAt };
}

/** Dev: minutes up to the plan's limit (null = the plan's); game: minutes or null (off). */
export async function setIdleStop(userId: string, serverId: string, minutes: number | null): Promise<IdleSettings> {
  const s = await getServerForUser(userId, serverId);
  const plan = (await limitsFor(userId)).devIdleStopMinutes;
  if (s.kind === "dev" && minutes !== null && minutes > plan) throw new TRPCError({ code: "BAD_REQUEST", message: `Your plan stops idle dev containers after at most ${plan} minutes.` });
  await db.server.update({ where: { id: s.id }, data: { idleStopMinutes: minutes } });
  return idleSettings(userId, serverId);
}

/**
 * Someone opened the IDE or the console of a stopped server: start it (in the background; the
 * caller shows "Starting your container...") and say whether it is on its way. Throws FORBIDDEN,
 * with the reason, when the server may not start.
 */
export async function wakeForAccess(userId: string, serverId: string): Promise<{ starting: boolean; status: string }> {
  const s = await getServerForUser(userId, serverId);
  if (s.status === "starting") return { starting: true, status: s.status };
  if (s.status !== "stopped") return { starting: false, status: s.status };
  // A start that would be refused (suspended owner or server) is refused here, with its reason:
  // handed off, it failed out of sight and the caller waited for a start that never came.
  await assertCanStartServer(s);
  const claimed = await db.server.updateMany({ where: { id: s.id, status: "stopped" }, data: { autoStoppedAt: null, lastActivityAt: new Date() } });
  if (claimed.count === 1) {
    void startServer(userId, serverId).catch((err: unknown) => log.warn({ serverId, err: (err as Error).message }, "wake start failed"));
  }
  return { starting: true, status: "starting" };
}
