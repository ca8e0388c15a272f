import { readdir } from "node:fs/promises";
import type { AgentContext } from "../context";
import { artifactNameSchema, versionSchema } from "../contract/catalog";
import { AGENT_EVENT, type AgentEvent } from "../contract/events";
import { runtimeInstallRequestSchema, runtimeRollbackRequestSchema } from "../contract/runtimes";
import { badRequest } from "../http/errors";
import { RuntimeManager, cleanStaleLinks } from "./manager";
import { listInstalled, runtimesDir } from "./store";

export { RuntimeManager } from "./manager";
export { listInstalled, currentRuntimeBins } from "./store";

const managers = new WeakMap<AgentContext, RuntimeManager>();

/** The agent's runtime manager (one per agent context). */
export function getRuntimeManager(ctx: AgentContext): RuntimeManager {
  let m = managers.get(ctx);
  if (!m) managers.set(ctx, (m = new RuntimeManager(ctx)));
  return m;
}

/** Routes: GET /runtimes, POST /runtimes/install, POST /runtimes/rollback, DELETE /runtimes/:name/:version. */
export async function runtimesModule(ctx: AgentContext): Promise<void> {
  const manager = getRuntimeManager(ctx);
  await cleanStaleLinks(ctx, await readdir(runtimesDir(ctx)).catch(() => []));

  ctx.router.get("/runtimes", ({ send }) => send(200, { runtimes: listInstalled(ctx) }));

  ctx.router.post("/runtimes/install", async ({ json, send }) => {
    const ref = await json(runtimeInstallRequestSchema, 16 * 1024);
    const step = `runtime:${ref.name}`;
    const result = await manager.install(ref, {
      onProgress: (p) => {
        const ev: AgentEvent = { type: "progress", step, ...p };
        ctx.events.emit(AGENT_EVENT, ev);
      },
    });
    send(200, result);
  });

  ctx.router.post("/runtimes/rollback", async ({ json, send }) => {
    const { name } = await json(runtimeRollbackRequestSchema, 16 * 1024);
    send(200, await manager.rollback(name));
  });

  ctx.router.delete("/runtimes/:name/:version", async ({ params, url, send }) => {
    const name = artifactNameSchema.safeParse(params.name);
    const version = versionSchema.safeParse(params.version);
    if (!name.success || !version.success) throw badRequest("invalid runtime name or version");
    const force = ["1", "true"].includes(url.searchParams.get("force") ?? "");
    await manager.remove(name.data, version.data, force);
    send(200, { removed: true });
  });
}
