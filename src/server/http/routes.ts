import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { env } from "../../env";
import { requestContextRoute } from "../auth/request-context";
import { portalUrl } from "../ide/config";
import { securityHeadersRoute } from "./security-headers";
import { allowedHostNames, allowedHostRoute, allowedHostUpgradeRoute } from "./allowed-host";
import { ideHttpRoute, ideUpgradeRoute } from "../ide/http";
import { artifactsHttpRoute } from "../artifacts";
import { consoleUpgradeRoute } from "../console/relay";
import { metricsHttpRoute } from "../metrics/route";
import { trpcHttpRoute } from "../api/http-route";

/**
 * Routes the custom server tries before Next. An HTTP route returns true when it answered the
 * request; an upgrade route returns true when it took the socket. Each domain adds its own here.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
export type UpgradeRoute = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean | Promise<boolean>;

/** The names pages, the API and console sockets answer to (see allowed-host.ts). */
const portalHostNames = () => allowedHostNames(portalUrl().hostname, env.ZLH_ALLOWED_HOSTS);

export const httpRoutes: HttpRoute[] = [
  // Before anything else: dev-<vmid> hosts are the hosted IDE and never reach Next.
  ideHttpRoute,
  // First: stamps the client address and request path every later handler (and Next) relies on.
  requestContextRoute(env.ZLH_TRUSTED_PROXIES),
  // Every portal response: no framing, no sniffing, origin-only referrers, nonce-only scripts, HSTS under https.
  securityHeadersRoute(() => portalUrl().protocol === "https:", env.NODE_ENV !== "production"),
  // /artifacts/: the local artifact store (catalog, signature, versioned files) for agents.
  artifactsHttpRoute,
  // /metrics: Prometheus text for a scraper holding ZLH_METRICS_TOKEN (404 when unset).
  metricsHttpRoute(() => env.ZLH_METRICS_TOKEN),
  // Pages and the API only for the portal's own host names (421 otherwise; see allowed-host.ts).
  allowedHostRoute(portalHostNames),
  // /api/trpc/: served here rather than by Next's route handler (see api/http-route.ts).
  trpcHttpRoute,
];

export const upgradeRoutes: UpgradeRoute[] = [
  // Dev hosts first (the hosted IDE), then only the portal's own names (421 otherwise).
  ideUpgradeRoute,
  allowedHostUpgradeRoute(portalHostNames),
  consoleUpgradeRoute,
];
