import type { HttpRoute } from "../http/routes";
import { metricsAccess } from "./access";
import { sendAgentMetrics, sendTargets } from "./agent-targets";
import { registerCollectors } from "./collectors";
import { portalMetrics } from "./registry";

/**
 * GET /metrics (the portal's own), /metrics/targets and /metrics/agents/<serverId> (agents, relayed:
 * see agent-targets.ts) on the portal host, for a scraper holding ZLH_METRICS_TOKEN.
 */
export function metricsHttpRoute(token: () => string | undefined): HttpRoute {
  return async (req, res) => {
    const pathname = (req.url ?? "/").split("?")[0]!;
    if (pathname !== "/metrics" && !pathname.startsWith("/metrics/")) return false;
    const access = metricsAccess(req.headers.authorization, token());
    if (access === "disabled") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return true;
    }
    if (access === "unauthorized") {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' }).end("Unauthorized");
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    if (pathname === "/metrics/targets") {
      await sendTargets(res, req.headers.host);
      return true;
    }
    const agent = /^\/metrics\/agents\/([^/]+)$/.exec(pathname);
    if (agent) {
      await sendAgentMetrics(res, agent[1]!);
      return true;
    }
    if (pathname !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return true;
    }
    registerCollectors();
    const { registry } = portalMetrics();
    const body = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
