import type { AgentContext } from "../context";
import { DEV_WORKSPACE } from "../devenv";
import { newestChange } from "./newest-change";

/** A workspace scan is at most this fresh (the portal asks about once a minute). */
const SCAN_TTL_MS = 30_000;

/**
 * The "activity" section of /status, for the portal's idle auto-stop: dev shell viewers connected
 * now (from the console module's gauge) and the newest change in the workspace (edits through the
 * IDE, SSH, SFTP or the files API all land there). SSH connections and players have their own
 * sections; the portal adds its own signals (IDE proxy, console relay).
 */
export function registerActivity(ctx: AgentContext): void {
  let cached: { at: number; value: Date | null } | null = null;
  const workspace = ctx.containerPath(DEV_WORKSPACE);
  ctx.addStatus("activity", async () => {
    if (!cached || Date.now() - cached.at > SCAN_TTL_MS) cached = { at: Date.now(), value: await newestChange(workspace) };
    const viewers = await ctx.metrics.getSingleMetric("zlh_agent_console_viewers")?.get();
    return { consoleViewers: Number(viewers?.values[0]?.value ?? 0), newestFileChangeAt: cached.value?.toISOString() ?? null };
  });
}
