import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { AgentContext } from "../context";
import { runAsFrom, type RunAs } from "./identity";

const run = promisify(execFile);

/**
 * Tenant processes switch to the container's own users only when the agent is root inside a real
 * container (root folder "/"). The unisolated provider runs everything as one account.
 */
export const tenantsAreRealUsers = (ctx: AgentContext) => process.getuid?.() === 0 && ctx.config.root === "/";

/** The user from the container's /etc/passwd and /etc/group, or null when it does not exist. */
export function lookupUser(name: string): RunAs | null {
  try {
    return runAsFrom(readFileSync("/etc/passwd", "utf8"), readFileSync("/etc/group", "utf8"), name);
  } catch {
    return null;
  }
}

/** Creates the user (with its own group and home) unless it exists; idempotent. */
export async function ensureUser(ctx: AgentContext, name: string, opts: { home: string; shell: string; system: boolean }): Promise<RunAs> {
  const found = lookupUser(name);
  if (found) return found;
  await run("useradd", [...(opts.system ? ["--system"] : []), "--create-home", "--home-dir", opts.home, "--shell", opts.shell, "--user-group", name]);
  ctx.log.info({ user: name }, "container user created");
  const made = lookupUser(name);
  if (!made) throw new Error(`useradd did not create ${name}`);
  return made;
}

/**
 * Who a tenant process runs as: the named container user, or null (the agent itself) on the
 * unisolated provider. Throws when the user should exist but does not: a tenant process must never
 * fall back to the agent's root.
 */
export function tenantRunAs(ctx: AgentContext, name: string): RunAs | null {
  if (!tenantsAreRealUsers(ctx)) return null;
  const user = lookupUser(name);
  if (!user) throw new Error(`the ${name} user does not exist yet`);
  return user;
}
