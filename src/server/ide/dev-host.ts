import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { HttpRoute, UpgradeRoute } from "../http/routes";
import type { IdeAccess } from "./access";
import { parseDevHost } from "./host";
import { sendIdePage, type IdePageKind } from "./pages";
import { headerValues, singleHeader } from "./first-request";
import type { ConnectionRoute } from "./front";
import type { Forwarder } from "./proxy";
import {
  IDE_SESSION_TTL_S,
  decodeIdeSession,
  encodeIdeSession,
  ideCookieName,
  ideSessionSetCookie,
  readCookie,
  type IdeSession,
} from "./session-cookie";
import { IDE_SOCKET_CAPS, createConnectionCaps, type ConnectionCaps } from "../http/connection-caps";
import { consumeIdeToken, type JtiStore } from "./token";

/**
 * Host routing for the custom server. On `dev-<vmid>.<dev domain>`: `/__zlh/auth?token=` turns a
 * one-shot token into an IDE session cookie, every other request needs that cookie, a fresh
 * ownership/running check and is proxied to the target recorded for the vmid. Dev hosts never reach
 * Next. On any other host only the legacy `/__ide/:id/*` path is answered (with a redirect into the
 * hosted flow); everything else falls through to Next.
 */
export const AUTH_PATH = "/__zlh/auth";

export type ResolveAccess = (vmid: number, userId: string, opts: { fresh: boolean }) => IdeAccess | Promise<IdeAccess>;

export type RevocationCheck = (userId: string, issuedAt: Date, opts: { fresh: boolean }) => boolean | Promise<boolean>;

export type DevHostDeps = {
  devDomain: string;
  /** The portal's public URL: links back and the scheme (Secure cookies, X-Forwarded-Proto). */
  portalUrl: URL;
  keys: { token(): Uint8Array; session(): Uint8Array };
  jtiStore: JtiStore;
  resolveAccess: ResolveAccess;
  /** True when the user signed out (or was signed out everywhere) after this IDE cookie was issued. */
  isRevoked: RevocationCheck;
  forwarder: Forwarder;
  /** Open IDE WebSockets and spliced connections per user and per process (default IDE_SOCKET_CAPS). */
  socketCaps?: ConnectionCaps;
  /** Told of each authorized long-lived connection (an open VS Code counts as use for idle auto-stop). */
  onActivity?: (serverId: string) => void;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
};

export type HostRoutes = { http: HttpRoute; upgrade: UpgradeRoute; connection: ConnectionRoute };

/** Cookies always carry the full lifetime (see encodeIdeSession), so expiry minus it is the issue time. */
function issuedAt(s: IdeSession): Date {
  return new Date(s.expiresAt.getTime() - IDE_SESSION_TTL_S * 1000);
}

/** The upgrade's Origin must be the dev host itself (same scheme and host:port as the request). */
export function sameOriginUpgrade(req: Pick<IncomingMessage, "headers">, secure: boolean): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  try {
    const u = new URL(origin);
    // Parsed with the Origin's scheme, so a default port (80/443) compares equal written or not.
    return u.protocol === (secure ? "https:" : "http:") && origin === u.origin && u.host === new URL(`${u.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

const LEGACY = /^\/__ide\/([A-Za-z0-9_-]{1,64})(?:[/?#]|$)/;

export function createHostRoutes(deps: DevHostDeps): HostRoutes {
  const socketCaps = deps.socketCaps ?? createConnectionCaps(IDE_SOCKET_CAPS);
  const secure = deps.portalUrl.protocol === "https:";
  const cookieName = ideCookieName(secure);
  const portal = (path: string) => new URL(path, deps.portalUrl).href;

  function page(res: ServerResponse, kind: IdePageKind, vmid: number | null): void {
    const link = (kind === "signed-out" || kind === "link-expired") && vmid !== null ? portal(`/api/dev/${vmid}/ide`) : portal("/");
    // The browser's next request comes on a new connection, whose first request the connection
    // front (front.ts) authorizes and splices.
    res.setHeader("connection", "close");
    sendIdePage(res, kind, link);
  }

  // Verified cookie values, so the burst of requests behind one IDE page load pays for one HMAC.
  const verified = new Map<string, IdeSession>();
  function session(cookieHeader: string | undefined, vmid: number): IdeSession | null {
    const value = readCookie(cookieHeader, cookieName);
    if (!value) return null;
    const hit = verified.get(value);
    if (hit) return hit.vmid === vmid && hit.expiresAt.getTime() > Date.now() ? hit : null;
    const s = decodeIdeSession(deps.keys.session(), value, { vmid });
    if (s) {
      if (verified.size >= 10_000) verified.clear();
      verified.set(value, s);
    }
    return s;
  }

  async function authenticate(req: IncomingMessage, res: ServerResponse, vmid: number): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET", "content-length": 0 }).end();
      return;
    }
    const token = new URL(req.url ?? "/", "http://h").searchParams.get("token") ?? "";
    const r = await consumeIdeToken(deps.keys.token(), deps.jtiStore, token, { vmid });
    if (!r.ok) {
      deps.log.warn({ vmid, reason: r.reason }, "ide token refused");
      return page(res, "link-expired", vmid);
    }
    const access = await deps.resolveAccess(vmid, r.claims.userId, { fresh: true });
    if (!access.ok) return page(res, access.reason, vmid);
    const cookie = encodeIdeSession(deps.keys.session(), { vmid, userId: r.claims.userId });
    deps.log.info({ vmid, userId: r.claims.userId }, "ide session started");
    res.writeHead(303, {
      location: access.folder ? `/?folder=${encodeURIComponent(access.folder).replace(/%2F/g, "/")}` : "/",
      "set-cookie": ideSessionSetCookie(cookie, secure),
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "content-length": 0,
      connection: "close",
    });
    res.end();
  }

  async function devHttp(req: IncomingMessage, res: ServerResponse, vmid: number): Promise<void> {
    const url = req.url ?? "/";
    if (url.startsWith("/__zlh/")) {
      if (url === AUTH_PATH || url.startsWith(`${AUTH_PATH}?`)) return authenticate(req, res, vmid);
      return page(res, "not-found", vmid);
    }
    const s = session(req.headers.cookie, vmid);
    if (!s || (await deps.isRevoked(s.userId, issuedAt(s), { fresh: false }))) return page(res, "signed-out", vmid);
    const access = await deps.resolveAccess(vmid, s.userId, { fresh: false });
    if (!access.ok) return page(res, access.reason, vmid);
    deps.forwarder.web(req, res, access.target);
  }

  const httpRoute: HttpRoute = async (req, res) => {
    const host = parseDevHost(req.headers.host, deps.devDomain);
    if (host.kind === "dev") {
      await devHttp(req, res, host.vmid);
      return true;
    }
    if (host.kind === "invalid") {
      page(res, "bad-host", null);
      return true;
    }
    const legacy = req.url ? LEGACY.exec(req.url) : null;
    if (legacy) {
      // The old same-origin tunnel let an app in the container call the portal with the user's
      // session; it now only points into the hosted flow.
      res.writeHead(302, { location: `/api/dev/${legacy[1]}/ide`, "cache-control": "no-store", "content-length": 0 });
      res.end();
      return true;
    }
    if (req.url?.startsWith("/__ide/")) {
      page(res, "not-found", null);
      return true;
    }
    return false;
  };

  function refuse(socket: Duplex, status: number, text: string): void {
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  const upgradeRoute: UpgradeRoute = async (req, socket, head) => {
    const host = parseDevHost(req.headers.host, deps.devDomain);
    if (host.kind === "invalid") {
      refuse(socket, 400, "Bad Request");
      return true;
    }
    if (host.kind !== "dev") return false;
    // Cross-site WebSocket hijacking: a page elsewhere could open a socket that carries the IDE cookie.
    if (!sameOriginUpgrade(req, secure)) {
      refuse(socket, 403, "Forbidden");
      return true;
    }
    const authorizedAt = Date.now();
    const s = session(req.headers.cookie, host.vmid);
    if (!s || (await deps.isRevoked(s.userId, issuedAt(s), { fresh: true }))) {
      refuse(socket, 401, "Unauthorized");
      return true;
    }
    // A new long-lived connection: always check against the database, never a cached answer.
    const access = await deps.resolveAccess(host.vmid, s.userId, { fresh: true });
    if (!access.ok) {
      refuse(socket, access.reason === "not-found" ? 404 : 409, access.reason === "not-found" ? "Not Found" : "Conflict");
      return true;
    }
    const release = socketCaps.acquire(s.userId);
    if (!release) {
      refuse(socket, 429, "Too Many Requests");
      return true;
    }
    socket.on("close", release);
    deps.onActivity?.(access.target.serverId);
    deps.forwarder.ws(req, socket, head, access.target, { serverId: access.target.serverId, userId: s.userId, authorizedAt });
    return true;
  };

  /**
   * The first request of a new client connection, before any HTTP parser: on a dev host, with a
   * current IDE session of the owner of a running server, the connection is spliced to that
   * server's code-server for its whole life. A WebSocket upgrade from the dev host's own origin is
   * spliced the same way, so an open IDE session never carries an HTTP parser's leftovers. Everything
   * else (the sign-in exchange, the pages, bad hosts, refused upgrades, other hosts) goes to the HTTP
   * server, which answers it (refusals of upgrades with their status codes).
   */
  const connectionRoute: ConnectionRoute = async (socket, first, head) => {
    const host = parseDevHost(singleHeader(head, "host"), deps.devDomain);
    if (host.kind !== "dev" || head.target.startsWith("/__zlh/")) return false;
    if (headerValues(head, "upgrade").length > 0 && !sameOriginUpgrade({ headers: { host: singleHeader(head, "host"), origin: singleHeader(head, "origin") } }, secure)) return false;
    const authorizedAt = Date.now();
    const s = session(headerValues(head, "cookie").join("; "), host.vmid);
    // Long-lived like an upgrade: asked fresh, so a sign-out or stop is never answered from a cache.
    if (!s || (await deps.isRevoked(s.userId, issuedAt(s), { fresh: true }))) return false;
    const access = await deps.resolveAccess(host.vmid, s.userId, { fresh: true });
    if (!access.ok) return false;
    // Over the cap: the HTTP server answers it as a plain (short-lived) request instead.
    const release = socketCaps.acquire(s.userId);
    if (!release) return false;
    socket.on("close", release);
    deps.onActivity?.(access.target.serverId);
    deps.forwarder.splice(socket, first, head, access.target, { serverId: access.target.serverId, userId: s.userId, authorizedAt });
    return true;
  };

  return { http: httpRoute, upgrade: upgradeRoute, connection: connectionRoute };
}
