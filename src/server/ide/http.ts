import { env } from "~/env";
import type { HttpRoute, UpgradeRoute } from "../http/routes";
import { clientAddress } from "../auth/request-context";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { portalUrl } from "./config";
import { createHostRoutes, type ResolveAccess, type RevocationCheck } from "./dev-host";
import { ideKey } from "./keys";
import { rawIdePage, sendIdePage } from "./pages";
import { createForwarder } from "./proxy";
import { bus } from "../cluster";
import { cutTunnels, startIdleSweeper } from "./tunnels";
import { createAccessResolver, createJtiStore, createRevocationCheck } from "./store";
import type { JtiStore } from "./token";
import type { ConnectionRoute } from "./front";
import { IDE_SOCKET_CAPS, createConnectionCaps, type ConnectionCaps } from "../http/connection-caps";
import { touchActivity } from "../idle/activity";

/**
 * The production host router, registered first in src/server/http/routes.ts. Built on first use so
 * that the secrets and portal URL that server.ts settles at start are the ones it sees.
 */
const log = logger.child({ area: "ide" });
let routes: ReturnType<typeof createHostRoutes> | undefined;

/** Next's and our own session cookies never reach a container. */
export function isPortalOrIdeCookie(name: string): boolean {
  return name.includes("next-auth.") || name === "zlh_ide" || name === "__Host-zlh_ide";
}

function once<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}

/**
 * The hosted IDE routes as production wires them. The proxy benchmark passes a fixed resolver, jti
 * store and activity hook to measure exactly this code without a database.
 */
export function createIdeRoutes(
  overrides: { resolveAccess?: ResolveAccess; jtiStore?: JtiStore; isRevoked?: RevocationCheck; socketCaps?: ConnectionCaps; onActivity?: (serverId: string) => void } = {},
) {
  const portal = portalUrl();
  const forwarder = createForwarder({
    clientAddress: (req) => clientAddress(req, env.ZLH_TRUSTED_PROXIES),
    forwardedProto: portal.protocol === "https:" ? "https" : "http",
    dropCookie: isPortalOrIdeCookie,
    onUpstreamDown: (req, res, err) => {
      log.warn({ err: err.message, host: req.headers.host }, "ide upstream down");
      sendIdePage(res, "upstream-down", new URL("/", portal).href);
    },
    upstreamDownResponse: () => rawIdePage("upstream-down", new URL("/", portal).href),
    onError: (err, where) => log.warn({ err: err.message, host: where.host }, "ide tunnel failed"),
  });
  return createHostRoutes({
    devDomain: env.ZLH_DEV_DOMAIN,
    portalUrl: portal,
    keys: { token: () => ideKey("zlh/ide-token/v1"), session: once(() => ideKey("zlh/ide-session/v1")) },
    jtiStore: overrides.jtiStore ?? createJtiStore(db),
    resolveAccess: overrides.resolveAccess ?? createAccessResolver(db),
    isRevoked: overrides.isRevoked ?? createRevocationCheck(db),
    forwarder,
    socketCaps: overrides.socketCaps ?? createConnectionCaps({ ...IDE_SOCKET_CAPS, perUser: env.ZLH_IDE_SOCKETS_PER_USER }),
    // Throttled to one write per server every 30 s (idle/activity.ts); a failed write only logs.
    onActivity: overrides.onActivity ?? ((serverId) => void touchActivity(serverId).catch((err: Error) => log.warn({ err: err.message, serverId }, "ide activity not recorded"))),
    log,
  });
}

export const ideHttpRoute: HttpRoute = (req, res) => (routes ??= createIdeRoutes()).http(req, res);
export const ideUpgradeRoute: UpgradeRoute = (req, socket, head) => (routes ??= createIdeRoutes()).upgrade(req, socket, head);
/** Installed in front of the HTTP server by server.ts (installConnectionFront in ./front). */
export const ideConnectionRoute: ConnectionRoute = (socket, first, head) => (routes ??= createIdeRoutes()).connection(socket, first, head);

// Spliced IDE connections end when their server stops or is deleted, or their user signs out, on
// whichever portal instance holds them; and after ZLH_IDE_IDLE_TIMEOUT_S without a byte.
bus.on("server.stopped", ({ serverId }) => void cutTunnels({ serverId }));
bus.on("user.signed-out", ({ userId }) => void cutTunnels({ userId }));
startIdleSweeper(env.ZLH_IDE_IDLE_TIMEOUT_S * 1000);
