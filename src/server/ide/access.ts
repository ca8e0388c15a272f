/**
 * Who may reach which IDE, pure: the server record of a vmid against the user of a token or an IDE
 * session. Unknown and someone else's are the same answer, so a probe learns nothing about vmids.
 */
export type IdeServerRecord = {
  id: string;
  userId: string;
  provider: string;
  status: string;
  enableCodeServer: boolean;
  codeServerUrl: string | null;
};

export type IdeDenial = "not-found" | "stopped" | "no-ide";
export type IdeAccess = { ok: true; target: URL; folder: string | null } | { ok: false; reason: IdeDenial };

/** The dev workspace inside a container, as code-server sees it there. */
export const WORKSPACE_FOLDER = "/home/dev/workspace";

/**
 * The folder to open after sign-in. In a real container (Proxmox LXC) it is /home/dev/workspace.
 * The local provider's containers share the host's file system, where the workspace lives under the
 * container's folder: code-server is started with that folder and opens it itself from `/` (null).
 */
export function workspaceFolderFor(provider: string): string | null {
  return provider === "local" ? null : WORKSPACE_FOLDER;
}

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
  return { ok: true, target, folder: workspaceFolderFor(server.provider) };
}
