/**
 * Who may reach which IDE, pure: the server record of a vmid against the user of a token or an IDE
 * session. Unknown and someone else's are the same answer, so a probe learns nothing about vmids.
 */
export type IdeServerRecord = {
  id: string;
  userId: string;
  status: string;
  enableCodeServer: boolean;
  codeServerUrl: string | null;
};

export type IdeDenial = "not-found" | "stopped" | "no-ide";
export type IdeAccess = { ok: true; target: URL } | { ok: false; reason: IdeDenial };

/** Only plain http targets on a host and port, as provisioning records them. */
export function parseTarget(url: string | null): URL | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" || !u.hostname || u.username || u.password) return null;
  return u;
}

export function decideIdeAccess(server: IdeServerRecord | null, userId: string): IdeAccess {
  if (!server || server.userId !== userId) return { ok: false, reason: "not-found" };
  if (!server.enableCodeServer) return { ok: false, reason: "no-ide" };
  if (server.status !== "running") return { ok: false, reason: "stopped" };
  const target = parseTarget(server.codeServerUrl);
  if (!target) return { ok: false, reason: "no-ide" };
  return { ok: true, target };
}
