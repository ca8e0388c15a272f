import type { PrismaClient } from "~/generated/prisma/client";
import { announce } from "../cluster";
import { db as defaultDb } from "../db/client";

/**
 * Revocable sessions. Sessions are JWTs (no session table), so each carries the user's
 * `sessionVersion` from the moment it was issued and every request compares it with the row:
 * bumping the version signs out every session of that user at once, on every portal instance.
 * IDE cookies on dev hosts are refused when issued before `ideRevokedAt`.
 */
type Db = Pick<PrismaClient, "user">;

/** Pure: a token is current when it carries exactly the user's version (tokens from before versions count as 0). */
export function isVersionCurrent(tokenVersion: unknown, userVersion: number | null): boolean {
  if (userVersion === null) return false;
  const v = tokenVersion === undefined ? 0 : tokenVersion;
  return typeof v === "number" && v === userVersion;
}

/** The user's version, or null when the account no longer exists. */
export async function currentSessionVersion(userId: string, db: Db = defaultDb): Promise<number | null> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return row?.sessionVersion ?? null;
}

export async function isSessionCurrent(userId: string, tokenVersion: unknown, db: Db = defaultDb): Promise<boolean> {
  return isVersionCurrent(tokenVersion, await currentSessionVersion(userId, db));
}

/** Signs out every session of the user (portal JWTs and IDE cookies); returns the new version. */
export async function bumpSessionVersion(userId: string, db: Db = defaultDb): Promise<number> {
  const row = await db.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 }, ideRevokedAt: new Date() },
    select: { sessionVersion: true },
  });
  // Every portal instance cuts the user's live IDE connections and consoles.
  await announce({ topic: "user.signed-out", userId });
  return row.sessionVersion;
}

/** "Sign out everywhere": every device, this one included (the caller then clears its own cookie). */
export async function signOutEverywhere(userId: string): Promise<{ ok: true }> {
  await bumpSessionVersion(userId);
  return { ok: true };
}

/**
 * Ends the user's IDE cookies and live IDE connections without touching portal sessions on other
 * devices (a plain sign-out: this browser's JWT cookie is cleared by next-auth).
 */
export async function revokeIdeSessions(userId: string, db: Db = defaultDb): Promise<void> {
  await db.user.updateMany({ where: { id: userId }, data: { ideRevokedAt: new Date() } });
  await announce({ topic: "user.signed-out", userId });
}

/** Pure: an IDE cookie issued at `issuedAt` survives only if no revocation came after it. */
export function isIdeSessionCurrent(issuedAt: Date, revokedAt: Date | null): boolean {
  return revokedAt === null || issuedAt.getTime() > revokedAt.getTime();
}
