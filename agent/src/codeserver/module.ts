import net from "node:net";
import type { AgentContext } from "../context";
import { CODE_SERVER_TUNNEL_PATH } from "../contract/codeserver";
import { loadSavedProvision } from "../core/provision-state";
import { CodeServerManager } from "./manager";
import { codeServerTunnel } from "./tunnel";

/**
 * code-server addon: POST /dev/codeserver/start|stop|restart, the "codeServer" section of /status,
 * the tunnel the portal's IDE path opens, and the provisioning step that installs and starts it for
 * dev containers that asked for it. The agent's own shutdown leaves code-server running: the next
 * agent adopts it. A container that was stopped (everything in it ended) starts it again on boot.
 */
export async function registerCodeServer(ctx: AgentContext): Promise<void> {
  const cs = new CodeServerManager(ctx);
  const found = await cs.find();
  if (found.main) ctx.log.info({ pid: found.main.pid, socket: cs.socketPath }, "adopted a running code-server");

  ctx.addStatus("codeServer", () => cs.status());
  ctx.router.post("/dev/codeserver/start", async ({ send }) => send(200, await cs.start()));
  ctx.router.post("/dev/codeserver/stop", async ({ send }) => send(200, await cs.stop()));
  ctx.router.post("/dev/codeserver/restart", async ({ send }) => send(200, await cs.restart()));
  ctx.router.tunnel(CODE_SERVER_TUNNEL_PATH, codeServerTunnel(() => net.connect({ path: cs.socketPath })));
  ctx.addProvisionStep({
    name: "code-server",
    applies: (p) => p.kind === "dev" && p.enableCodeServer,
    run: (_payload, progress) => cs.ensureRunning(progress),
  });

  // A finished provisioning is not run again (POST /provision with the same payload is a no-op), so
  // the addon is brought back here; an unfinished one is resumed by the core and starts it itself.
  ctx.events.once("started", () => {
    void (async () => {
      const saved = await loadSavedProvision(ctx);
      if (!saved?.complete || saved.payload.kind !== "dev" || !saved.payload.enableCodeServer) return;
      ctx.log.info("starting code-server again after a container start");
      await cs.start();
    })().catch((err: unknown) => ctx.log.error({ err: (err as Error).message }, "code-server did not come back after a start"));
  });
}
