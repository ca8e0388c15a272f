import { db } from "../db/client";
import type { Prisma } from "../../generated/prisma/client";
import { logger } from "../log/logger";
import { allowedFrom } from "../provisioning/status-policy";
import type { BillingConfig } from "./config";
import { BILLING_SUSPENSION_PREFIX, shouldSuspend, standingOf, suspensionReason } from "./standing";

/**
 * The periodic billing check. Accounts whose grace period has ended get their servers suspended
 * through provisioning's lever (reason set, container stopped); suspensions whose cause was paid
 * are lifted. Idempotent: running it again changes nothing, and a stop that failed is retried on
 * the next run.
 */
export type StopServer = (serverId: string, reason: string) => Promise<void>;
export type ReconcileResult = { suspended: number; stopped: number; lifted: number; stopFailures: number };

/** Server states a stop applies to (provisioning's own policy); others are at rest or on their way. */
const STOPPABLE = new Set<string>(allowedFrom("stop"));

const log = logger.child({ domain: "billing" });

type Db = Pick<Prisma.TransactionClient, "server" | "serverEvent">;

/**
 * Clears billing's own suspensions (other reasons stay) and notes it on each server's timeline.
 * Runs inside the webhook's transaction when a payment arrives.
 */
export async function liftBillingSuspensions(client: Db, where: Prisma.ServerWhereInput, message: string): Promise<number> {
  const scope = { ...where, suspendedReason: { startsWith: BILLING_SUSPENSION_PREFIX } };
  const servers = await client.server.findMany({ where: scope, select: { id: true } });
  if (servers.length === 0) return 0;
  const lifted = await client.server.updateMany({ where: { ...scope, id: { in: servers.map((s) => s.id) } }, data: { suspendedReason: null } });
  await client.serverEvent.createMany({ data: servers.map((s) => ({ serverId: s.id, type: "action", status: "info", message })) });
  return lifted.count;
}

export async function reconcileSuspensions(config: BillingConfig, stopServer: StopServer, now: Date = new Date()): Promise<ReconcileResult> {
  const result: ReconcileResult = { suspended: 0, stopped: 0, lifted: 0, stopFailures: 0 };
  const handled = new Set<string>();
  const stop = async (server: { id: string; status: string }, reason: string) => {
    handled.add(server.id);
    try {
      await stopServer(server.id, reason);
      if (STOPPABLE.has(server.status)) result.stopped += 1;
      return true;
    } catch (err) {
      result.stopFailures += 1;
      log.error({ err, serverId: server.id }, "could not suspend/stop a server; retrying on the next run");
      return false;
    }
  };

  if (config.configured) {
    const failing = await db.subscription.findMany({
      where: { paymentFailedAt: { not: null } },
      select: { userId: true, plan: true, status: true, paymentFailedAt: true },
    });
    for (const sub of failing) {
      const standing = standingOf(sub, now, config.graceDays);
      if (!shouldSuspend(standing)) continue;
      const reason = suspensionReason(standing);
      const servers = await db.server.findMany({
        where: { userId: sub.userId, suspendedReason: null, status: { notIn: ["deleted", "deleting"] } },
        select: { id: true, status: true },
      });
      for (const server of servers) if (await stop(server, reason)) result.suspended += 1;
      if (servers.length) log.warn({ userId: sub.userId, servers: servers.length, graceEndedAt: standing.graceEndsAt }, "servers suspended: grace period over");
    }
  }

  const suspended = await db.server.findMany({
    where: { suspendedReason: { startsWith: BILLING_SUSPENSION_PREFIX } },
    select: { id: true, userId: true, status: true, suspendedReason: true, user: { select: { subscription: { select: { plan: true, status: true, paymentFailedAt: true } } } } },
  });
  for (const server of suspended) {
    if (handled.has(server.id)) continue;
    // Without billing configured nobody is held to a payment, so nothing stays suspended for one.
    const lapsed = config.configured && shouldSuspend(standingOf(server.user.subscription, now, config.graceDays));
    if (!lapsed) {
      result.lifted += await liftBillingSuspensions(db, { id: server.id }, "Suspension lifted: the account is in good standing");
      continue;
    }
    // Still running (an earlier stop failed): try again.
    if (STOPPABLE.has(server.status)) await stop(server, server.suspendedReason ?? BILLING_SUSPENSION_PREFIX);
  }
  return result;
}
