import type { AgentEndpoint } from "../agent-client/transport";

/**
 * Who may reach which IDE, pure: the server record of a vmid against the user of a token or an IDE
 * session. Unknown and someone else's are the same answer, so a probe learns nothing about vmids.
 * The way in is the server's agent (its tunnel to code-server), never an address of code-server.
 */
export type IdeServerRecord = {
  id: string;
  userId: string;
  provider: string;
  status: string;
  enableCodeServer: boolean;
  agentUrl: string | null;
};

export type IdeDenial = "not-found" | "stopped" | "no-ide";
/** Where an authorized IDE connection goes: the server's agent and the bearer token it accepts. */
export type IdeTarget = { serverId: string; endpoint: AgentEndpoint; token: string };
export type IdeDecision = { ok: true; folder: string | null } | { ok: false; reason: IdeDenial };
export type IdeAccess = { ok: true; target: IdeTarget; folder: string | null } | { ok: false; reason: IdeDenial };

/** The dev workspace inside a container, as code-server sees it there. */
export const WORKSPACE_FOLDER = "/home/dev/workspace";

/**
 * The folder to open after sign-in. In a real container it is /home/dev/workspace. The local
 * provider's containers share the host's file system, where the workspace lives under the
 * container's folder: code-server is started with that folder and opens it itself from `/` (null).
 */
export function workspaceFolderFor(provider: string): string | null {
  return provider === "local" ? null : WORKSPACE_FOLDER;
}

export function decideIdeAccess(server: IdeServerRecord | null, userId: string): IdeDecision {
  if (!server || server.userId !== userId) return { ok: false, reason: "not-found" };
  if (!server.enableCodeServer) return { ok: false, reason: "no-ide" };
  if (server.status !== "running") return { ok: false, reason: "stopped" };
  if (!server.agentUrl) return { ok: false, reason: "no-ide" };
  return { ok: true, folder: workspaceFolderFor(server.provider) };
}
