import type { PrismaClient } from "~/generated/prisma/client";
import { agentAccessFor } from "../provisioning/agent-for";
import { decideIdeAccess, type IdeAccess } from "./access";
import { isIdeSessionCurrent } from "../auth/session-version";
import type { ResolveAccess, RevocationCheck } from "./dev-host";
import type { JtiStore } from "./token";

/**
 * Database adapters for the hosted IDE: used token ids (IdeTokenUse) and the access check of a
 * vmid for a user (Server).
 */
type Db = Pick<PrismaClient, "ideTokenUse" | "server" | "user">;

/**
 * Records a jti with one INSERT ... ON CONFLICT DO NOTHING: of two concurrent presentations exactly
 * one inserts the row, so a token works once even across portal instances. Expired rows are swept
 * at most once a minute, after their token could no longer verify anyway.
 */
export function createJtiStore(db: Db, now: () => number = Date.now): JtiStore {
  let lastSweep = 0;
  return {
    async markUsed(jti, expiresAt) {
      const { count } = await db.ideTokenUse.createMany({ data: [{ jti, expiresAt }], skipDuplicates: true });
      const t = now();
      if (t - lastSweep > 60_000) {
        lastSweep = t;
        await db.ideTokenUse.deleteMany({ where: { expiresAt: { lt: new Date(t - 60_000) } } });
      }
      return count === 1;
    },
  };
}

export async function loadIdeAccess(db: Db, vmid: number, userId: string): Promise<IdeAccess> {
  const server = await db.server.findUnique({
    where: { vmid },
    select: { id: true, userId: true, provider: true, status: true, enableCodeServer: true, agentUrl: true, agentTokenEnc: true, agentCertPinEnc: true },
  });
  const decision = decideIdeAccess(server, userId);
  if (!decision.ok) return decision;
  const agent = agentAccessFor(server!);
  if (!agent) return { ok: false, reason: "no-ide" };
  return { ok: true, folder: decision.folder, target: { serverId: server!.id, ...agent } };
}

/**
 * The proxy's access check. Each IDE page load makes a burst of asset requests: within `ttlMs` one
 * database answer serves them all (and concurrent ones share it). New sessions and WebSocket
 * upgrades always ask the database.
 */
export function createAccessResolver(db: Db, ttlMs = 2000, now: () => number = Date.now): ResolveAccess {
  const cache = new Map<string, { at: number; value: Promise<IdeAccess> }>();
  return (vmid, userId, { fresh }) => {
    const key = `${vmid}:${userId}`;
    const t = now();
    const hit = cache.get(key);
    if (!fresh && hit && t - hit.at < ttlMs) return hit.value;
    if (cache.size >= 10_000) cache.clear();
    const value = loadIdeAccess(db, vmid, userId);
    cache.set(key, { at: t, value });
    value.catch(() => cache.delete(key));
    return value;
  };
}

/**
 * Whether an IDE cookie was revoked (sign-out, sign out everywhere, password change): the user's
 * `ideRevokedAt` against the cookie's issue time. Cached like access for asset bursts; upgrades ask
 * fresh. A deleted user counts as revoked.
 */
export function createRevocationCheck(db: Db, ttlMs = 2000, now: () => number = Date.now): RevocationCheck {
  const cache = new Map<string, { at: number; value: Promise<{ revokedAt: Date | null } | null> }>();
  return async (userId, issuedAt, { fresh }) => {
    const t = now();
    const hit = cache.get(userId);
    let value = hit && !fresh && t - hit.at < ttlMs ? hit.value : undefined;
    if (!value) {
      if (cache.size >= 10_000) cache.clear();
      value = db.user.findUnique({ where: { id: userId }, select: { ideRevokedAt: true } }).then((u) => (u ? { revokedAt: u.ideRevokedAt } : null));
      cache.set(userId, { at: t, value });
      value.catch(() => cache.delete(userId));
    }
    const row = await value;
    return !row || !isIdeSessionCurrent(issuedAt, row.revokedAt);
  };
}
