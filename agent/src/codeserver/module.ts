import type { AgentContext } from "../context";
import { CodeServerManager } from "./manager";

/**
 * code-server addon: POST /dev/codeserver/start|stop|restart, the "codeServer" section of /status,
 * and the provisioning step that installs and starts it for dev containers that asked for it.
 * The agent's own shutdown leaves code-server running: the next agent adopts it.
 */
export async function registerCodeServer(ctx: AgentContext): Promise<void> {
  const cs = new CodeServerManager(ctx);
  const found = await cs.find();
  if (found.main) ctx.log.info({ pid: found.main.pid, port: cs.port }, "adopted a running code-server");

  ctx.addStatus("codeServer", () => cs.status());
  ctx.router.post("/dev/codeserver/start", async ({ send }) => send(200, await cs.start()));
  ctx.router.post("/dev/codeserver/stop", async ({ send }) => send(200, await cs.stop()));
  ctx.router.post("/dev/codeserver/restart", async ({ send }) => send(200, await cs.restart()));
  ctx.addProvisionStep({
    name: "code-server",
    applies: (p) => p.kind === "dev" && p.enableCodeServer,
    run: (_payload, progress) => cs.ensureRunning(progress),
  });
}
