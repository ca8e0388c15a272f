import { TRPCError } from "@trpc/server";
import { recordAudit } from "../audit/audit";
import { billingConfig } from "../billing/config";
import { standingOf } from "../billing/standing";
import { db } from "../db/client";
import { stopServerAsSystem, unsuspendServerAsSystem } from "../provisioning/service";

/**
 * Users as the operator sees them: plan and billing standing, servers, role, suspension.
 * Suspending stops the user's servers through billing's lever (stopServerAsSystem) with a reason
 * that names the account suspension, so lifting it clears exactly those and no billing suspension.
 */
export const ACCOUNT_SUSPENDED = "Account suspended";

export type AdminUser = {
  id: string;
  email: string;
  role: string;
  createdAt: Date;
  plan: string;
  standing: string;
  suspendedReason: string | null;
  suspendedAt: Date | null;
  servers: { total: number; running: number };
};

export async function listUsers(input: { query?: string; take?: number }): Promise<AdminUser[]> {
  const users = await db.user.findMany({
    where: { deletedAt: null, ...(input.query ? { email: { contains: input.query, mode: "insensitive" as const } } : {}) },
    orderBy: { createdAt: "desc" },
    take: input.take ?? 100,
    select: { id: true, email: true, role: true, createdAt: true, suspendedReason: true, suspendedAt: true, subscription: { select: { plan: true, status: true, paymentFailedAt: true } } },
  });
  const counts = await db.server.groupBy({ by: ["userId", "status"], where: { userId: { in: users.map((u) => u.id) }, status: { not: "deleted" } }, _count: true });
  const config = billingConfig();
  const now = new Date();
  return users.map((u) => {
    const mine = counts.filter((c) => c.userId === u.id);
    const standing = config.configured ? standingOf(u.subscription, now, config.graceDays) : null;
    return {
      id: u.id,
      email: u.email,
      role: u.role,
      createdAt: u.createdAt,
      plan: standing?.plan ?? "free",
      standing: standing ? (standing.graceEndsAt ? `${standing.state} until ${standing.graceEndsAt.toISOString().slice(0, 10)}` : standing.state) : "billing not configured",
      suspendedReason: u.suspendedReason,
      suspendedAt: u.suspendedAt,
      servers: { total: mine.reduce((n, c) => n + c._count, 0), running: mine.filter((c) => c.status === "running").reduce((n, c) => n + c._count, 0) },
    };
  });
}

export function suspensionReason(reason: string): string {
  return `${ACCOUNT_SUSPENDED}: ${reason}`;
}

export async function suspendUser(actor: { id: string; ip: string | null }, userId: string, reason: string): Promise<void> {
  const u = await db.user.findFirst({ where: { id: userId, deletedAt: null }, select: { id: true, email: true } });
  if (!u) throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
  if (u.id === actor.id) throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot suspend your own account." });
  await db.user.update({ where: { id: u.id }, data: { suspendedReason: reason, suspendedAt: new Date() } });
  const servers = await db.server.findMany({ where: { userId: u.id, status: { notIn: ["deleted", "deleting"] } }, select: { id: true } });
  for (const s of servers) await stopServerAsSystem(s.id, suspensionReason(reason));
  await recordAudit({ actorId: actor.id, action: "admin.user_suspend", targetType: "user", targetId: u.id, ip: actor.ip, data: { email: u.email, reason, servers: servers.length } });
}

export async function unsuspendUser(actor: { id: string; ip: string | null }, userId: string): Promise<void> {
  const u = await db.user.findFirst({ where: { id: userId, deletedAt: null }, select: { id: true, email: true } });
  if (!u) throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
  await db.user.update({ where: { id: u.id }, data: { suspendedReason: null, suspendedAt: null } });
  const servers = await db.server.findMany({ where: { userId: u.id, suspendedReason: { startsWith: `${ACCOUNT_SUSPENDED}:` } }, select: { id: true } });
  for (const s of servers) await unsuspendServerAsSystem(s.id);
  await recordAudit({ actorId: actor.id, action: "admin.user_unsuspend", targetType: "user", targetId: u.id, ip: actor.ip, data: { email: u.email } });
}
