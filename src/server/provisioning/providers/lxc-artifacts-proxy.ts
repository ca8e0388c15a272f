import { chmodSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { logger } from "../../log/logger";

/**
 * The container's only way to the artifact store when that store is on the host's loopback (which
 * slirp4netns keeps containers away from): a Unix socket in a host-owned folder bound read-only into
 * the container, served by the portal. It answers GET/HEAD under the store's base path only and
 * forwards no client headers but Range, so a container cannot use it to reach anything else of the
 * portal (or spoof a client address through it).
 */
const log = logger.child({ module: "provider.lxc.artifacts" });

type Proxy = { server: http.Server; target: URL };
const g = globalThis as unknown as { __zlhLxcArtifactProxies?: Map<string, Proxy> };
const proxies = (g.__zlhLxcArtifactProxies ??= new Map());

/** Pure: the upstream URL for a request path, or null when the path is outside the store. */
export function upstreamFor(base: URL, reqPath: string): URL | null {
  if (!reqPath.startsWith("/") || reqPath.startsWith("//")) return null;
  const basePath = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  let u: URL;
  try {
    u = new URL(reqPath, base.origin);
  } catch {
    return null;
  }
  // URL parsing has resolved any dot segments: what is left must still be under the base path.
  if (u.origin !== base.origin || !u.pathname.startsWith(basePath)) return null;
  return u;
}

function handle(p: Proxy, req: http.IncomingMessage, res: http.ServerResponse): void {
  const up = req.method === "GET" || req.method === "HEAD" ? upstreamFor(p.target, req.url ?? "") : null;
  if (!up) {
    res.writeHead(404).end();
    return;
  }
  const mod = up.protocol === "https:" ? https : http;
  const headers: http.OutgoingHttpHeaders = typeof req.headers.range === "string" ? { range: req.headers.range } : {};
  const out = mod.request(up, { method: req.method, headers, agent: false }, (upRes) => {
    const keep: http.OutgoingHttpHeaders = {};
    for (const h of ["content-length", "content-type", "content-range", "accept-ranges", "etag", "last-modified", "location"]) {
      const v = upRes.headers[h];
      if (v !== undefined) keep[h] = v;
    }
    res.writeHead(upRes.statusCode ?? 502, keep);
    upRes.pipe(res);
  });
  out.on("error", (err) => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy(err);
  });
  req.on("close", () => out.destroy());
  out.end();
}

/** Serves (or re-points) the proxy on `socketPath`; idempotent within this process. */
export async function ensureArtifactsProxy(socketPath: string, targetUrl: string): Promise<void> {
  const target = new URL(targetUrl);
  const existing = proxies.get(socketPath);
  if (existing && existing.server.listening) {
    existing.target = target;
    return;
  }
  const p: Proxy = { server: http.createServer((req, res) => handle(p, req, res)), target };
  p.server.requestTimeout = 0;
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    p.server.once("error", reject);
    p.server.listen(socketPath, () => resolve());
  });
  // Container root is an unmapped "other" to this host-owned socket: it needs o+w to connect.
  chmodSync(socketPath, 0o666);
  p.server.unref();
  proxies.set(socketPath, p);
  log.debug({ socketPath, target: target.href }, "artifact proxy listening");
}

export async function closeArtifactsProxy(socketPath: string): Promise<void> {
  const p = proxies.get(socketPath);
  proxies.delete(socketPath);
  if (p) {
    p.server.closeAllConnections();
    await new Promise<void>((r) => p.server.close(() => r()));
  }
  rmSync(socketPath, { force: true });
}

export function artifactsProxyListening(socketPath: string): boolean {
  return proxies.get(socketPath)?.server.listening ?? false;
}
