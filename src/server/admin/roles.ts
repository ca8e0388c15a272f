import { recordAudit } from "../audit/audit";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { configuredAdminEmails } from "./admin-emails";

/**
 * The admin role. It lives in the database (User.role) and is read on every admin request, never
 * from the session token, so granting or revoking takes effect at once on every portal instance.
 */
export type Role = "user" | "admin";

export async function isAdmin(userId: string): Promise<boolean> {
  const u = await db.user.findUnique({ where: { id: userId }, select: { role: true, deletedAt: true } });
  return u?.role === "admin" && !u.deletedAt;
}

/** Grants admin to every listed account that does not have it yet (start-up, sign-in). Returns the emails changed. */
export async function applyAdminEmails(emails: Set<string> = configuredAdminEmails(), only?: string): Promise<string[]> {
  const wanted = only ? [...emails].filter((e) => e === only.toLowerCase()) : [...emails];
  if (wanted.length === 0) return [];
  const users = await db.user.findMany({
    where: { email: { in: wanted, mode: "insensitive" }, role: { not: "admin" }, deletedAt: null },
    select: { id: true, email: true },
  });
  for (const u of users) {
    await db.user.update({ where: { id: u.id }, data: { role: "admin" } });
    await recordAudit({ action: "admin.role_grant", targetType: "user", targetId: u.id, data: { email: u.email, via: "ZLH_ADMIN_EMAILS" } });
    logger.info({ userId: u.id }, "admin role granted from ZLH_ADMIN_EMAILS");
  }
  return users.map((u) => u.email);
}

/** `npm run admin -- grant|revoke <email>`. */
export async function setRole(email: string, role: Role, via: string): Promise<{ changed: boolean; userId: string } | null> {
  const u = await db.user.findFirst({ where: { email: { equals: email.trim(), mode: "insensitive" }, deletedAt: null }, select: { id: true, role: true } });
  if (!u) return null;
  if (u.role === role) return { changed: false, userId: u.id };
  await db.user.update({ where: { id: u.id }, data: { role } });
  await recordAudit({ action: role === "admin" ? "admin.role_grant" : "admin.role_revoke", targetType: "user", targetId: u.id, data: { email, via } });
  return { changed: true, userId: u.id };
}

/** At sign-in: grants the role when the account is listed; never fails the sign-in. */
export async function applyAdminEmailAtSignIn(email: string): Promise<void> {
  try {
    await applyAdminEmails(configuredAdminEmails(), email);
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "could not apply ZLH_ADMIN_EMAILS at sign-in");
  }
}

/** At start-up: every listed account gets the role (accounts created before the list changed). */
export function adminRolesService() {
  return {
    name: "admin-roles",
    async start() {
      const granted = await applyAdminEmails();
      if (granted.length) logger.info({ granted }, "admin role granted from ZLH_ADMIN_EMAILS");
    },
    async stop() {},
  };
}
