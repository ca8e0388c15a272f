import { lstat, lchown, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AgentContext } from "../context";
import { normalizePath } from "../devenv/path";
import { currentRuntimeBins } from "../runtimes/store";
import { tenantEnv } from "../sandbox/env";
import { runAsArgv, type RunAs } from "../sandbox/identity";
import { ensureUser, tenantRunAs, tenantsAreRealUsers } from "../sandbox/users";

/** The container user games run as (never root: a plugin is the tenant's code). */
export const GAME_USER = "game";
export const GAME_HOME = "/opt/zlh/game";

/** Creates the game user at provisioning (idempotent); nothing on the unisolated provider. */
export async function ensureGameUser(ctx: AgentContext): Promise<void> {
  if (tenantsAreRealUsers(ctx)) await ensureUser(ctx, GAME_USER, { home: GAME_HOME, shell: "/usr/sbin/nologin", system: true });
}

export type GameIdentity = { runAs: RunAs | null; env: Record<string, string> };

/** Who the game runs as and its whole environment (an allowlist: nothing of the agent's own). */
export function gameIdentity(ctx: AgentContext, extra: Record<string, string> = {}): GameIdentity {
  const runAs = tenantRunAs(ctx, GAME_USER);
  const { bins } = currentRuntimeBins(ctx);
  const env = tenantEnv(
    { user: runAs?.name ?? os.userInfo().username, home: runAs?.home ?? ctx.containerPath(GAME_HOME), shell: "/bin/sh", path: normalizePath(bins) },
    extra,
  );
  return { runAs, env };
}

/** The game's command line, dropped to the game user when there is one. */
export const gameArgv = (id: GameIdentity, command: string, args: string[]) => runAsArgv(id.runAs, [command, ...args]);

/**
 * Gives the game user its install folder: everything the agent (root) wrote there (the archive,
 * settings, mods) becomes the game's, so worlds and configs stay writable. Symlinks are changed
 * themselves (lchown, never followed) and a file with other hard links is left alone, so a link the
 * game planted cannot hand it a file from elsewhere.
 */
export async function handOverTree(dir: string, runAs: RunAs): Promise<{ changed: number; skipped: number }> {
  let changed = 0;
  let skipped = 0;
  const visit = async (p: string): Promise<void> => {
    const st = await lstat(p);
    if (st.isFile() && st.nlink > 1) return;
    if (st.uid !== runAs.uid || st.gid !== runAs.gid) {
      try {
        await lchown(p, runAs.uid, runAs.gid);
        changed++;
      } catch {
        // An owner outside the container's id range (EPERM) stays as it is: the game can still read it.
        skipped++;
      }
    }
    if (!st.isDirectory()) return;
    for (const name of await readdir(p)) await visit(path.join(p, name));
  };
  await visit(dir);
  return { changed, skipped };
}
