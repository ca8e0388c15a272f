import { chmodSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { EventEmitter } from "node:events";
import { Registry, collectDefaultMetrics } from "prom-client";
import { loadAgentConfig } from "./config";
import { createLogger } from "./log";
import { Router } from "./http/router";
import { containerPathUnder, type AgentContext, type ProvisionStep } from "./context";
import { modules } from "./modules";
import { TLS_BINDING_PATH, tlsBindingMac } from "./contract/tls";
import { loadOrCreateIdentity } from "./tls/identity";

/** The ZeroLagHub agent: one per container. See DESIGN.md ("The agent is one command"). */
async function main(): Promise<void> {
  const config = loadAgentConfig();
  const log = createLogger(config.logLevel);
  const router = new Router(config.token, log);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: "zlh_agent_" });
  const statusSections = new Map<string, () => unknown | Promise<unknown>>();
  const shutdownHooks: (() => Promise<void> | void)[] = [];
  const provisionSteps: ProvisionStep[] = [];
  const ctx: AgentContext = {
    config,
    log,
    router,
    metrics,
    events: new EventEmitter().setMaxListeners(0),
    containerPath: (p) => containerPathUnder(config.root, p),
    addStatus: (key, get) => void statusSections.set(key, get),
    collectStatus: async () => {
      const out: Record<string, unknown> = {};
      for (const [key, get] of statusSections) out[key] = await get();
      return out;
    },
    onShutdown: (fn) => void shutdownHooks.push(fn),
    addProvisionStep: (step) => void provisionSteps.push(step),
    provisionSteps: () => [...provisionSteps],
  };

  router.get("/healthz", ({ send }) => send(200, { ok: true }), { auth: false });
  for (const mod of modules) await mod(ctx);

  // Proxmox: HTTPS with a key pair made in here; the portal pins it after the hand-over.
  const identity = config.tlsDir ? await loadOrCreateIdentity(config.tlsDir) : null;
  if (identity) {
    log.info({ fingerprint: identity.fingerprint, created: identity.created }, "agent TLS certificate");
    const binding = { fingerprint: identity.fingerprint, mac: tlsBindingMac(config.token, identity.fingerprint) };
    router.get(TLS_BINDING_PATH, ({ send }) => send(200, binding), { auth: false });
  }
  const handler: http.RequestListener = (req, res) => void router.handle(req, res);
  const server = identity ? https.createServer({ key: identity.keyPem, cert: identity.certPem, minVersion: "TLSv1.2" }, handler) : http.createServer(handler);
  server.on("upgrade", (req, socket, head) => router.handleUpgrade(req, socket, head));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0; // uploads and event streams are long-lived

  if (config.socket) {
    // A socket left by a previous run (the container was killed) would make listen fail.
    rmSync(config.socket, { force: true });
    await new Promise<void>((resolve) => server.listen(config.socket, resolve));
    // Only root may connect: inside the container that is the agent itself, outside the portal.
    chmodSync(config.socket, 0o600);
    log.info({ socket: config.socket, root: config.root }, "agent listening");
  } else {
    await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
    const addr = server.address();
    log.info({ port: typeof addr === "object" && addr ? addr.port : config.port, root: config.root }, "agent listening");
  }
  // Modules that act once every module is registered (e.g. resuming provisioning) wait for this.
  ctx.events.emit("started");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "agent shutting down");
    server.close();
    server.closeIdleConnections();
    for (const fn of shutdownHooks.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.error({ err }, "shutdown hook failed");
      }
    }
    server.closeAllConnections();
    log.info("agent stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: "fatal", time: new Date().toISOString(), service: "agent", msg: (err as Error).message })}\n`);
  process.exit(1);
});
