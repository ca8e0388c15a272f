import { db } from "../db/client";
import { logger } from "../log/logger";
import { limitsFor } from "./entitlements";
import { PLAN_SUSPENSION_PREFIX, serversOverPlan, type PlanServer } from "./over-plan";
import { planById } from "./plans";
import type { StopServer } from "./suspension";

/**
 * The periodic plan check (with the billing check, every minute): servers a user's current plan no
 * longer covers are stopped with a "Plan:" reason (start refuses while it is set), and the reason
 * is cleared once the plan covers them again (an upgrade, or another server deleted). Only users
 * beyond what the free plan allows can be over any plan, so only they are looked at. Idempotent.
 */
const log = logger.child({ domain: "billing" });

export type PlanCheckResult = { stopped: number; lifted: number; failures: number };

type Row = PlanServer & { userId: string; suspendedReason: string | null };

export async function reconcilePlanLimits(stopServer: StopServer): Promise<PlanCheckResult> {
  const result: PlanCheckResult = { stopped: 0, lifted: 0, failures: 0 };
  const rows: Row[] = await db.server.findMany({
    where: { status: { notIn: ["deleted", "deleting"] } },
    select: { id: true, userId: true, kind: true, memoryMb: true, createdAt: true, suspendedReason: true },
  });
  const byUser = new Map<string, Row[]>();
  for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  const free = planById("free").limits;
  for (const [userId, servers] of byUser) {
    const mayBeOver = serversOverPlan(free, servers).size > 0 || servers.some((s) => s.suspendedReason?.startsWith(PLAN_SUSPENSION_PREFIX));
    if (!mayBeOver) continue;
    const over = serversOverPlan(await limitsFor(userId), servers);
    for (const s of servers) {
      const reason = over.get(s.id);
      if (reason && !s.suspendedReason) {
        try {
          await stopServer(s.id, reason);
          result.stopped += 1;
          log.warn({ userId, serverId: s.id }, "server stopped: over the plan's limits");
        } catch (err) {
          result.failures += 1;
          log.error({ err, serverId: s.id }, "could not stop a server over the plan; retrying on the next run");
        }
      } else if (!reason && s.suspendedReason?.startsWith(PLAN_SUSPENSION_PREFIX)) {
        const { count } = await db.server.updateMany({ where: { id: s.id, suspendedReason: s.suspendedReason }, data: { suspendedReason: null } });
        if (count) {
          await db.serverEvent.create({ data: { serverId: s.id, type: "action", status: "info", message: "Your plan covers this server again: it can be started" } });
          result.lifted += 1;
        }
      }
    }
  }
  return result;
}
