import type { PrismaClient } from "~/generated/prisma/client";
import { announce, bus } from "../cluster";
import { db as defaultDb } from "../db/client";
import { VersionCache } from "./version-cache";

/**
 * Revocable sessions. Sessions are JWTs (no session table), so each carries the user's
 * `sessionVersion` from the moment it was issued and every request compares it with the row:
 * bumping the version signs out every session of that user at once, on every portal instance.
 * IDE cookies on dev hosts are refused when issued before `ideRevokedAt`.
 */
type Db = Pick<PrismaClient, "user">;

// One per process, shared with Next's bundles like the bus it listens to.
const g = globalThis as unknown as { __zlhVersionCache?: VersionCache };
function versionCache(): VersionCache {
  if (!g.__zlhVersionCache) {
    const cache = new VersionCache(() => ({ connected: bus.connected, epoch: bus.epoch }));
    bus.on("user.signed-out", ({ userId }) => cache.invalidate(userId));
    g.__zlhVersionCache = cache;
  }
  return g.__zlhVersionCache;
}

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

/**
 * Whether a token is still current. A remembered version may accept it (see version-cache.ts for
 * why that stays revocable); a refusal is always confirmed by the database, so a version this
 * instance missed never signs anyone out.
 */
export async function isSessionCurrent(userId: string, tokenVersion: unknown, db: Db = defaultDb): Promise<boolean> {
  const cache = versionCache();
  const remembered = cache.peek(userId);
  if (remembered !== undefined && isVersionCurrent(tokenVersion, remembered)) return true;
  return isVersionCurrent(tokenVersion, await cache.fresh(userId, () => currentSessionVersion(userId, db)));
}

/** Signs out every session of the user (portal JWTs and IDE cookies); returns the new version. */
export async function bumpSessionVersion(userId: string, db: Db = defaultDb): Promise<number> {
  const row = await db.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 }, ideRevokedAt: new Date() },
    select: { sessionVersion: true },
  });
  // This instance forgets at once; the others when the announcement below reaches them.
  versionCache().invalidate(userId);
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
