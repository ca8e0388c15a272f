import { chown, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { AgentContext } from "../context";
import { writeFileAtomic } from "../fs/atomic";
import { currentRuntimeBins } from "../runtimes/store";
import { normalizePath } from "./path";
import { renderProfile, withSourceLine } from "./profile";
import { tenantEnv } from "../sandbox/env";
import type { RunAs } from "../sandbox/identity";
import { tenantRunAs } from "../sandbox/users";
import { DEV_USER, devUser, ensureDevUser, type DevUserInfo } from "./user";

export { normalizePath } from "./path";
export type { DevUserInfo } from "./user";

export const DEV_HOME = "/home/dev";
export const DEV_WORKSPACE = "/home/dev/workspace";
export const PROFILE_NAME = ".zlh_profile";

export type DevEnvironment = {
  /** The environment a dev shell (console, SSH, code-server terminal) starts with. */
  env: Record<string, string>;
  user: DevUserInfo;
  /** Host paths (equal to the container paths when the agent's root is "/"). */
  home: string;
  workspace: string;
};

/** What a dev process gets: who it runs as, where, and with which environment (PATH with runtimes first). */
export function devEnvironment(ctx: AgentContext): DevEnvironment {
  const user = devUser(ctx);
  const home = ctx.containerPath(DEV_HOME);
  const workspace = ctx.containerPath(DEV_WORKSPACE);
  const { bins } = currentRuntimeBins(ctx);
  return {
    user,
    home,
    workspace,
    env: tenantEnv({ user: user.name, home, shell: "/bin/bash", path: normalizePath(bins) }, { ZLH_WORKSPACE: workspace }),
  };
}

/**
 * Who dev processes (console, SSH, code-server) run as: the container's dev user, or null on the
 * unisolated provider. Throws before the dev user exists (never a root shell).
 */
export const devRunAs = (ctx: AgentContext): RunAs | null => tenantRunAs(ctx, DEV_USER);

async function writeIfChanged(file: string, content: string, owner: DevUserInfo): Promise<boolean> {
  const old = await readFile(file, "utf8").catch(() => null);
  if (old === content) return false;
  await writeFileAtomic(file, content);
  if (owner.real && owner.uid >= 0) await chown(file, owner.uid, owner.gid);
  return true;
}

/**
 * Writes ~/.zlh_profile from the current runtimes and makes .profile and .bashrc (and an existing
 * .bash_profile) source it. Idempotent: unchanged content is not rewritten. Returns whether anything changed.
 */
export async function syncProfile(ctx: AgentContext): Promise<boolean> {
  const { home, workspace, user } = devEnvironment(ctx);
  await mkdir(home, { recursive: true });
  const { bins, runtimes } = currentRuntimeBins(ctx);
  const profile = path.join(home, PROFILE_NAME);
  let changed = await writeIfChanged(profile, renderProfile({ path: normalizePath(bins), workspace, runtimes }), user);
  for (const rc of [".profile", ".bashrc", ".bash_profile"]) {
    const file = path.join(home, rc);
    const old = await readFile(file, "utf8").catch(() => null);
    if (old === null && rc === ".bash_profile") continue;
    changed = (await writeIfChanged(file, withSourceLine(old ?? "", profile), user)) || changed;
  }
  return changed;
}

/** Dev container preparation (idempotent): the dev user, home, workspace, shell profile. */
export async function prepareDevEnvironment(ctx: AgentContext): Promise<DevEnvironment> {
  const home = ctx.containerPath(DEV_HOME);
  const user = await ensureDevUser(ctx, home);
  const workspace = ctx.containerPath(DEV_WORKSPACE);
  await mkdir(workspace, { recursive: true });
  if (user.real && user.uid >= 0) {
    await chown(home, user.uid, user.gid);
    await chown(workspace, user.uid, user.gid);
  }
  await syncProfile(ctx);
  return devEnvironment(ctx);
}
