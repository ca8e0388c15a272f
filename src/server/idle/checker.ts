import { z } from "zod";
import type { Server } from "../../generated/prisma/client";
import { agentActivitySchema } from "../../../agent/src/contract/backup";
import { db } from "../db/client";
import { limitsFor } from "../billing/entitlements";
import { logger } from "../log/logger";
import { notify } from "../notify/notify";
import { agentClientFor } from "../provisioning/agent-for";
import { recordEvent } from "../provisioning/events";
import { stopServer } from "../provisioning/service";
import { idleDecision, idleLimitMinutes } from "./policy";

const log = logger.child({ module: "idle" });

/** The parts of an agent's /status the idle check reads (sections other modules own, parsed leniently). */
const statusView = z.object({
  uptimeSeconds: z.number().nonnegative(),
  ssh: z.object({ connections: z.number().int().nonnegative() }).partial().nullish(),
  players: z.object({ online: z.number().int().nonnegative() }).nullish(),
  activity: agentActivitySchema.nullish(),
});

/**
 * One pass of idle auto-stop over the running servers: reads each agent's activity, records the
 * newest activity, and stops servers idle past their limit (stopping acts for the owner, so a
 * second portal instance doing the same pass gets a conflict and does nothing). Returns the ids
 * it stopped.
 */
export type IdleStopper = (s: Server) => Promise<unknown>;
const stopAsOwner: IdleStopper = (s) => stopServer(s.userId, s.id);

export async function checkIdleServers(now = new Date(), stop: IdleStopper = stopAsOwner): Promise<string[]> {
  const servers = await db.server.findMany({ where: { status: "running", OR: [{ kind: "dev" }, { kind: "game", idleStopMinutes: { not: null } }] } });
  const stopped: string[] = [];
  for (const s of servers) {
    try {
      if (await checkOne(s, now, stop)) stopped.push(s.id);
    } catch (err) {
      log.warn({ serverId: s.id, err: (err as Error).message }, "idle check failed");
    }
  }
  return stopped;
}

async function checkOne(s: Server, now: Date, stop: IdleStopper): Promise<boolean> {
  const kind = s.kind === "game" ? "game" : "dev";
  const limit = idleLimitMinutes(kind, s.idleStopMinutes, (await limitsFor(s.userId)).devIdleStopMinutes);
  if (limit === null) return false;
  const client = agentClientFor(s, { timeoutMs: 5_000, retries: 0 });
  if (!client) return false;
  const st = statusView.parse(await client.status());
  const d = idleDecision({
    kind,
    now,
    limitMinutes: limit,
    lastActivityAt: s.lastActivityAt,
    // Uptime is real time even when the caller's clock is not.
    agentStartedAt: new Date(Date.now() - st.uptimeSeconds * 1000),
    consoleViewers: st.activity?.consoleViewers ?? 0,
    sshConnections: st.ssh?.connections ?? 0,
    players: st.players?.online ?? 0,
    newestFileChangeAt: st.activity?.newestFileChangeAt ? new Date(st.activity.newestFileChangeAt) : null,
  });
  if (!s.lastActivityAt || d.activityAt.getTime() - s.lastActivityAt.getTime() >= 30_000) {
    await db.server.update({ where: { id: s.id }, data: { lastActivityAt: d.activityAt } });
  }
  if (!d.stop) return false;
  const what = kind === "game" ? "no players" : "no console, IDE, SSH or file activity";
  try {
    await stop(s);
  } catch (err) {
    log.info({ serverId: s.id, err: (err as Error).message }, "idle stop skipped");
    return false;
  }
  await db.server.update({ where: { id: s.id }, data: { autoStoppedAt: now } });
  await recordEvent(s.id, "action", "info", `Auto-stopped after ${limit} minutes with ${what}`, { idleMinutes: Math.floor(d.idleMs / 60_000), limit });
  await notify({
    userId: s.userId,
    serverId: s.id,
    kind: "auto_stop",
    title: `${s.name} was stopped while idle`,
    body: `${s.name} had ${what} for ${limit} minutes and was stopped. ${kind === "dev" ? "Opening the IDE or the console starts it again." : "Start it from the portal when you want to play."}`,
    dedupeKey: `auto_stop:${s.id}:${now.toISOString()}`,
  }).catch((err: unknown) => log.warn({ err }, "notify failed"));
  return true;
}
