import { env } from "~/env";
import { clientAddress } from "../auth/request-context";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { portalUrl } from "./config";
import { createHostRoutes } from "./dev-host";
import { ideKey } from "./keys";
import { sendIdePage } from "./pages";
import { createForwarder } from "./proxy";
import { createAccessResolver, createJtiStore } from "./store";

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

function build() {
  const portal = portalUrl();
  const forwarder = createForwarder({
    clientAddress: (req) => clientAddress(req, env.ZLH_TRUST_PROXY === "true"),
    forwardedProto: portal.protocol === "https:" ? "https" : "http",
    dropCookie: isPortalOrIdeCookie,
    onUpstreamDown: (req, res, err) => {
      log.warn({ err: err.message, host: req.headers.host }, "ide upstream down");
      sendIdePage(res, "upstream-down", new URL("/", portal).href);
    },
    onError: (err, req) => log.warn({ err: err.message, host: req.headers.host }, "ide upgrade failed"),
  });
  return createHostRoutes({
    devDomain: env.ZLH_DEV_DOMAIN,
    portalUrl: portal,
    keys: { token: () => ideKey("zlh/ide-token/v1"), session: () => ideKey("zlh/ide-session/v1") },
    jtiStore: createJtiStore(db),
    resolveAccess: createAccessResolver(db),
    forwarder,
    log,
  });
}

export const ideHttpRoute = (...a: Parameters<ReturnType<typeof createHostRoutes>["http"]>) => (routes ??= build()).http(...a);
export const ideUpgradeRoute = (...a: Parameters<ReturnType<typeof createHostRoutes>["upgrade"]>) => (routes ??= build()).upgrade(...a);
