import os from "node:os";
import type { AgentContext } from "../context";
import type { DevUser } from "../contract/status";
import { ensureUser, lookupUser, tenantsAreRealUsers } from "../sandbox/users";

export const DEV_USER = "dev";

/** A real `dev` user only when the agent is root inside a real container (root folder "/"). */
export const usesRealDevUser = tenantsAreRealUsers;

/** passwd lookup without spawning: name -> uid, gid. */
export function lookupPasswd(passwd: string, name: string): { uid: number; gid: number } | null {
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f.length >= 7) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return null;
}

export type DevUserInfo = DevUser & { gid: number };

/** Who the dev shell runs as. Before the real user exists its uid reads -1. */
export function devUser(ctx: AgentContext): DevUserInfo {
  if (usesRealDevUser(ctx)) {
    const ids = lookupUser(DEV_USER);
    return { name: DEV_USER, uid: ids?.uid ?? -1, gid: ids?.gid ?? -1, real: true };
  }
  const me = os.userInfo();
  return { name: me.username, uid: me.uid, gid: me.gid, real: false };
}

/** Creates the real dev user (idempotent); a no-op when the agent's own user stands in. */
export async function ensureDevUser(ctx: AgentContext, home: string): Promise<DevUserInfo> {
  if (usesRealDevUser(ctx)) await ensureUser(ctx, DEV_USER, { home, shell: "/bin/bash", system: false });
  return devUser(ctx);
}
