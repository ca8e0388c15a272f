import type { PrismaClient } from "~/generated/prisma/client";
import { recordAudit } from "../audit/audit";
import { decideIdeAccess, type IdeDenial } from "./access";
import { hostedIdeOrigin } from "./config";
import { AUTH_PATH } from "./dev-host";
import { ideKey } from "./keys";
import { signIdeToken } from "./token";

/**
 * Issues the hosted IDE URL for a user's server: checks ownership, running state and code-server,
 * then mints a one-shot token bound to the vmid and the user.
 */
type Db = Pick<PrismaClient, "server">;

/** A server named by its id, or by its vmid (the legacy `/__ide/<vmid>` links). */
export type ServerRef = { id: string } | { vmid: number };

export type IssueResult = { ok: true; url: string; vmid: number } | { ok: false; reason: IdeDenial };

export async function issueIdeUrl(db: Db, userId: string, ref: ServerRef, origin: (vmid: number) => string = hostedIdeOrigin): Promise<IssueResult> {
  const select = { id: true, vmid: true, userId: true, provider: true, status: true, enableCodeServer: true, agentUrl: true } as const;
  const server = "id" in ref
    ? await db.server.findUnique({ where: { id: ref.id }, select })
    : await db.server.findUnique({ where: { vmid: ref.vmid }, select });
  const access = decideIdeAccess(server, userId);
  if (!access.ok) return access;
  const vmid = server!.vmid;
  const { token } = await signIdeToken(ideKey("zlh/ide-token/v1"), { vmid, userId });
  // The token itself is a credential: only the fact of issuing it is recorded.
  await recordAudit({ actorId: userId, action: "ide.token_issued", targetType: "server", targetId: server!.id, data: { vmid } });
  return { ok: true, vmid, url: `${origin(vmid)}${AUTH_PATH}?token=${encodeURIComponent(token)}` };
}

/** Parses the `:id` of `/api/dev/:id/ide`: digits are a vmid, anything else a server id. */
export function parseServerRef(id: string): ServerRef | null {
  if (/^[1-9][0-9]{0,8}$/.test(id)) return { vmid: Number(id) };
  if (/^[A-Za-z0-9_-]{1,64}$/.test(id)) return { id };
  return null;
}
