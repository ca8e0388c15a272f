import { db } from "../db/client";
import { logger } from "../log/logger";
import { allowedFrom } from "../provisioning/status-policy";
import type { BillingConfig } from "./config";
import { BILLING_SUSPENSION_PREFIX, shouldSuspend, standingOf, suspensionReason } from "./standing";

/**
 * The periodic billing check. Accounts whose grace period has ended get their servers suspended
 * (marked, then stopped); suspensions whose cause was paid are lifted. Idempotent: running it again
 * changes nothing, and a stop that failed is retried on the next run.
 */
export type StopServer = (serverId: string, reason: string) => Promise<void>;
export type ReconcileResult = { suspended: number; stopped: number; lifted: number; stopFailures: number };

/** Server states a stop applies to (provisioning's own policy); others are at rest or on their way. */
const STOPPABLE = new Set<string>(allowedFrom("stop"));

const log = logger.child({ domain: "billing" });

export async function reconcileSuspensions(config: BillingConfig, stopServer: StopServer, now: Date = new Date()): Promise<ReconcileResult> {
  const result: ReconcileResult = { suspended: 0, stopped: 0, lifted: 0, stopFailures: 0 };

  if (config.configured) {
    const failing = await db.subscription.findMany({
      where: { paymentFailedAt: { not: null } },
      select: { userId: true, plan: true, status: true, paymentFailedAt: true },
    });
    for (const sub of failing) {
      const standing = standingOf(sub, now, config.graceDays);
      if (!shouldSuspend(standing)) continue;
      const marked = await db.server.updateMany({
        where: { userId: sub.userId, suspendedReason: null, status: { not: "deleted" } },
        data: { suspendedReason: suspensionReason(standing) },
      });
      if (marked.count) log.warn({ userId: sub.userId, servers: marked.count, graceEndedAt: standing.graceEndsAt }, "servers suspended: grace period over");
      result.suspended += marked.count;
    }
  }

  const suspended = await db.server.findMany({
    where: { suspendedReason: { startsWith: BILLING_SUSPENSION_PREFIX } },
    select: { id: true, status: true, suspendedReason: true, user: { select: { subscription: { select: { plan: true, status: true, paymentFailedAt: true } } } } },
  });
  for (const server of suspended) {
    // Without billing configured nobody is held to a payment, so nothing stays suspended for one.
    const lapsed = config.configured && shouldSuspend(standingOf(server.user.subscription, now, config.graceDays));
    if (!lapsed) {
      const lifted = await db.server.updateMany({
        where: { id: server.id, suspendedReason: { startsWith: BILLING_SUSPENSION_PREFIX } },
        data: { suspendedReason: null },
      });
      result.lifted += lifted.count;
      continue;
    }
    if (!STOPPABLE.has(server.status)) continue;
    try {
      await stopServer(server.id, server.suspendedReason ?? BILLING_SUSPENSION_PREFIX);
      result.stopped += 1;
    } catch (err) {
      result.stopFailures += 1;
      log.error({ err, serverId: server.id }, "could not stop a suspended server; retrying on the next run");
    }
  }
  return result;
}
