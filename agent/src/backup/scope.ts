import type { AgentContext } from "../context";
import type { BackupScope } from "../contract/backup";
import { gameHandle, GAME_INSTALL_DIR } from "../game";
import type { BackupSpec } from "../game/templates";
import { DEV_HOME } from "../devenv";

export type ResolvedScope = {
  scope: BackupScope;
  /** Container path (for the manifest) and host path of the backed-up folder. */
  containerRoot: string;
  root: string;
  /** Top-level names left out of the archive and kept in place on restore. */
  excludes: string[];
  game: { spec: BackupSpec; handle: NonNullable<ReturnType<typeof gameHandle>> } | null;
};

/** A game container backs up the game's folder (minus the artifact's own files); a dev container its home. */
export function resolveScope(ctx: AgentContext): ResolvedScope {
  const handle = gameHandle(ctx);
  const template = handle?.supervisor.installed ? handle.supervisor.template : null;
  if (handle && template) {
    return { scope: "game", containerRoot: GAME_INSTALL_DIR, root: ctx.containerPath(GAME_INSTALL_DIR), excludes: template.backup.excludes, game: { spec: template.backup, handle } };
  }
  return { scope: "home", containerRoot: DEV_HOME, root: ctx.containerPath(DEV_HOME), excludes: [], game: null };
}
