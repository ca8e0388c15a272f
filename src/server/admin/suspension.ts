import { db } from "../db/client";

/** What the portal shows a suspended user (null when in good standing). Kept apart from users.ts so the portal layout imports only this. */
export async function accountSuspension(userId: string): Promise<{ reason: string; since: Date | null } | null> {
  const u = await db.user.findUnique({ where: { id: userId }, select: { suspendedReason: true, suspendedAt: true } });
  return u?.suspendedReason ? { reason: u.suspendedReason, since: u.suspendedAt } : null;
}
