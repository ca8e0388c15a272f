import type { Server } from "../../generated/prisma/client";
import { authorizedKeysResultSchema, type AuthorizedKeysPut, type AuthorizedKeysResult } from "../../../agent/src/contract";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { agentClientFor } from "../provisioning/agent-for";
import { recordEvent } from "../provisioning/events";
import { gatewayAuthorizedKey } from "./gateway-key";

/**
 * Pushing a user's current SSH keys to their dev containers' agents (PUT /ssh/authorized-keys).
 *
 * Why push rather than the agent asking the portal per login: the agent already trusts the portal's
 * bearer token, so no new agent->portal credential is needed; logins keep working while the portal
 * is down; and the agent checks every attempt against its latest list, so a removed key fails on
 * the next attempt (and its open sessions are closed) as soon as the push lands. The revision (the
 * time the list was read) keeps a delayed push from restoring a removed key. Pushes happen on every
 * change and whenever a container is provisioned or started; a container that was unreachable
 * during a change gets the current list at its next start.
 */
const log = logger.child({ module: "ssh.sync" });

/** Servers whose agent may run SSH: dev containers with an agent. */
const ACTIVE = ["running", "starting", "provisioning", "error"];

export async function authorizedKeysFor(userId: string): Promise<AuthorizedKeysPut> {
  const revision = Date.now();
  const keys = await db.sshKey.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
  const gateway = gatewayAuthorizedKey();
  return { revision, keys: [...keys.map((k) => ({ publicKey: k.publicKey, fingerprint: k.fingerprint, name: k.name.slice(0, 100) })), ...(gateway ? [gateway] : [])] };
}

/** Pushes the owner's keys to one dev server's agent. Throws when the agent does not take them. */
export async function pushKeysToServer(server: Server): Promise<AuthorizedKeysResult | null> {
  if (server.kind !== "dev") return null;
  const client = agentClientFor(server, { timeoutMs: 5_000, retries: 1 });
  if (!client) return null;
  const body = await authorizedKeysFor(server.userId);
  return client.request("PUT", "/ssh/authorized-keys", authorizedKeysResultSchema, { body, idempotent: true });
}

/** Pushes to every active dev server of the user; failures are recorded, never thrown (the next start re-pushes). */
export async function syncUserKeys(userId: string): Promise<{ pushed: number; failed: number }> {
  const servers = await db.server.findMany({ where: { userId, kind: "dev", status: { in: ACTIVE }, agentUrl: { not: null } } });
  let pushed = 0;
  let failed = 0;
  await Promise.all(
    servers.map(async (s) => {
      try {
        await pushKeysToServer(s);
        pushed++;
      } catch (err) {
        failed++;
        log.warn({ err, serverId: s.id }, "could not push SSH keys");
        await recordEvent(s.id, "ssh", "failed", `Could not update SSH keys: ${(err as Error).message}`).catch(() => {});
      }
    }),
  );
  return { pushed, failed };
}
