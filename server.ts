import http from "node:http";
import next from "next";
import { env, dataDir } from "./src/env";
import { logger } from "./src/server/log/logger";
import { ensureSecrets } from "./src/server/secrets";
import { bootstrapDatabase } from "./src/server/db/bootstrap";
import { closeDb } from "./src/server/db/client";
import { httpRoutes, upgradeRoutes } from "./src/server/http/routes";
import { upgradeOwner } from "./src/server/http/upgrade-policy";
import { startServices, stopServices } from "./src/server/lifecycle";
import { inRequestScope } from "./src/server/http/request-scope";
import { PORTAL_KEEP_ALIVE_MS } from "./src/server/http/keep-alive";
import { INSTANCE_HEADER, instanceIdFrom } from "./src/server/cluster/instance";
import { installConnectionFront } from "./src/server/ide/front";
import { ideConnectionRoute } from "./src/server/ide/http";
import { disableNextTelemetry } from "./src/server/next-telemetry";
import { missingNodeFlags } from "./src/server/runtime/node-flags";

/**
 * The portal process: Next.js (pages, tRPC, route handlers) plus, in the same HTTP server, the
 * routes that must see raw requests and upgrades (hosted IDE proxy, console relays, artifacts).
 */
const dev = env.NODE_ENV !== "production";
const t0 = Date.now();

// Not fatal: the portal works without them, but runs full collections about five times as often.
const missingFlags = missingNodeFlags();
if (!dev && missingFlags.length > 0) logger.warn({ missing: missingFlags }, "started without the portal's V8 flags (src/server/runtime/node-flags.ts): start it with npm start or the systemd unit");
ensureSecrets(dataDir, !dev);
process.env.NEXTAUTH_URL ??= env.ZLH_PUBLIC_URL ?? `http://localhost:${env.PORT}`;
const database = await bootstrapDatabase(dataDir);

disableNextTelemetry();
const app = next({ dev, hostname: "localhost", port: env.PORT });
await app.prepare();
const handle = app.getRequestHandler();

const instanceId = instanceIdFrom(env.ZLH_INSTANCE_ID, env.PORT);
// Every request and upgrade runs in a scope: its log lines carry the request id (also sent back).
const server = http.createServer((req, res) => inRequestScope(req, res, async (reqId) => {
  res.setHeader(INSTANCE_HEADER, instanceId);
  try {
    for (const route of httpRoutes) if (await route(req, res)) return;
    await handle(req, res);
  } catch (err) {
    logger.error({ err, url: req.url }, "request failed");
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end(`Internal error (request id ${reqId})`);
  }
}));

server.on("upgrade", (req, socket, head) => {
  // In development Next attaches its own listener for its hot-reload socket: leave that one to it.
  if (upgradeOwner(req.url, dev) === "next") return;
  void inRequestScope(req, null, async () => {
  try {
    for (const route of upgradeRoutes) if (await route(req, socket, head)) return;
  } catch (err) {
    logger.error({ err, url: req.url }, "upgrade failed");
  }
  // Nobody took it: close it rather than leave it hanging.
  socket.destroy();
  });
});

// Set explicitly: nginx's pooled connections rely on it (see keep-alive.ts).
server.keepAliveTimeout = PORTAL_KEEP_ALIVE_MS;

// Hosted IDE connections are authorized at their first request and spliced before any parser runs.
installConnectionFront(server, ideConnectionRoute, (err) => logger.error({ err }, "ide connection failed"));

// A start that fails must end the process (systemd or the operator restarts it): left to Next's
// uncaughtException handler, it logs and the process lingers, never listening and never healthy.
try {
  await startServices();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
} catch (err) {
  logger.fatal({ err }, "portal failed to start");
  process.exit(1);
}
logger.info({ port: env.PORT, dev, ms: Date.now() - t0 }, `portal ready on http://localhost:${env.PORT}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: draining requests");
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // In-flight requests get a bounded time to finish.
  const timer = setTimeout(() => server.closeAllConnections(), 10_000);
  await drained;
  clearTimeout(timer);
  await stopServices();
  await app.close().catch(() => {});
  await closeDb();
  await database.stop();
  logger.info("portal stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
