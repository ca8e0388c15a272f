import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/**
 * A small reverse proxy for HTTP and WebSocket upgrades to a target the caller resolved (from the
 * database, never from the request). It keeps the Host header (code-server's origin check), drops
 * hop-by-hop headers, chosen cookies and any incoming X-Forwarded-* / Forwarded, and sets its own.
 * Upstream connections are kept alive: without that, a Node proxy collapses under load.
 */
export type ForwarderOptions = {
  /** The client's address for X-Forwarded-For (the socket's, unless a trusted proxy is in front). */
  clientAddress?: (req: IncomingMessage) => string;
  /** The scheme clients used (from configuration, not from the request). */
  forwardedProto: "http" | "https";
  /** Cookie names that must never reach the upstream (portal session, the IDE's own cookie). */
  dropCookie: (name: string) => boolean;
  /** Idle limit on an upstream HTTP exchange: connect, waiting for headers, or a stalled body. */
  httpIdleMs?: number;
  /** Limit on the WebSocket handshake with the upstream. */
  upgradeTimeoutMs?: number;
  /** Answers a request whose upstream failed before any response header was sent. */
  onUpstreamDown: (req: IncomingMessage, res: ServerResponse, err: Error) => void;
  onError?: (err: Error, req: IncomingMessage) => void;
};

export type Forwarder = {
  web(req: IncomingMessage, res: ServerResponse, target: URL): void;
  ws(req: IncomingMessage, socket: Duplex, head: Buffer, target: URL): void;
  close(): void;
};

/** Request headers never forwarded as-is (RFC 9110 hop-by-hop, plus what we replace). */
const DROP_REQUEST = new Set([
  "connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
  "forwarded", "x-real-ip", "cookie",
]);
/** Response headers never forwarded as-is; Node re-frames the body itself. */
const DROP_RESPONSE = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "trailer", "upgrade", "te"]);

/** Extra header names the sender listed in Connection (also hop-by-hop). */
function connectionTokens(value: string | undefined): Set<string> | null {
  if (!value) return null;
  const named = value.toLowerCase().split(",").map((t) => t.trim()).filter((t) => t && t !== "close" && t !== "keep-alive" && t !== "upgrade");
  return named.length ? new Set(named) : null;
}

export function filterCookies(header: string, drop: (name: string) => boolean): string {
  let out = "";
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    if (!name || drop(name)) continue;
    out += out ? `; ${part.trim()}` : part.trim();
  }
  return out;
}

/** The upstream request's headers as a flat raw list (kept in the client's order and casing). */
export function upstreamHeaders(req: IncomingMessage, opts: Pick<ForwarderOptions, "forwardedProto" | "dropCookie" | "clientAddress">, upgrade: boolean): string[] {
  const raw = req.rawHeaders;
  const extra = connectionTokens(req.headers.connection);
  const out: string[] = [];
  let host = "";
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (lower === "host") {
      if (!host) {
        host = raw[i + 1]!;
        out.push(name, host);
      }
      continue;
    }
    if (lower.startsWith("x-forwarded-") || DROP_REQUEST.has(lower) || extra?.has(lower)) {
      if (lower === "cookie") {
        const kept = filterCookies(raw[i + 1]!, opts.dropCookie);
        if (kept) out.push(name, kept);
      }
      continue;
    }
    out.push(name, raw[i + 1]!);
  }
  out.push("X-Forwarded-For", opts.clientAddress ? opts.clientAddress(req) : (req.socket.remoteAddress ?? ""), "X-Forwarded-Proto", opts.forwardedProto);
  if (host) out.push("X-Forwarded-Host", host);
  if (upgrade) out.push("Connection", "Upgrade", "Upgrade", req.headers.upgrade ?? "websocket");
  return out;
}

function responseHeaders(raw: string[], keepUpgrade: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (!keepUpgrade && DROP_RESPONSE.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function rawHead(statusCode: number, statusMessage: string | undefined, headers: string[]): string {
  let s = `HTTP/1.1 ${statusCode} ${statusMessage ?? ""}\r\n`;
  for (let i = 0; i < headers.length; i += 2) s += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${s}\r\n`;
}

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS", "DELETE", "TRACE"]);

export function createForwarder(options: ForwarderOptions): Forwarder {
  const httpIdleMs = options.httpIdleMs ?? 120_000;
  const upgradeTimeoutMs = options.upgradeTimeoutMs ?? 15_000;
  // LIFO reuse keeps a few warm sockets busy instead of spreading load over many idle ones.
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo", timeout: httpIdleMs });
  // Upgraded sockets leave their agent anyway; a separate one keeps them out of the HTTP pool's limits.
  const upgradeAgent = new http.Agent({ keepAlive: false });

  function web(req: IncomingMessage, res: ServerResponse, target: URL): void {
    const upstream = http.request({
      agent,
      host: target.hostname,
      port: target.port || 80,
      method: req.method,
      path: req.url,
      headers: upstreamHeaders(req, options, false),
      timeout: httpIdleMs,
    });
    let answered = false;
    upstream.on("response", (up) => {
      answered = true;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, responseHeaders(up.rawHeaders, false));
      up.pipe(res);
      up.on("error", () => res.destroy());
    });
    upstream.on("timeout", () => upstream.destroy(new Error("upstream timed out")));
    upstream.on("error", (err) => {
      if (!answered && !res.headersSent) options.onUpstreamDown(req, res, err);
      else res.destroy();
    });
    // The client went away before the response finished: stop the upstream work too.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    const bodyless = BODYLESS.has(req.method ?? "GET") && !req.headers["content-length"] && !req.headers["transfer-encoding"];
    if (bodyless) upstream.end();
    else req.pipe(upstream);
  }

  function refuseSocket(socket: Duplex, status: number, text: string): void {
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  function ws(req: IncomingMessage, socket: Duplex, head: Buffer, target: URL): void {
    const upstream = http.request({
      agent: upgradeAgent,
      host: target.hostname,
      port: target.port || 80,
      method: req.method,
      path: req.url,
      headers: upstreamHeaders(req, options, true),
      timeout: upgradeTimeoutMs,
    });
    const onClientError = () => upstream.destroy();
    socket.on("error", onClientError);
    upstream.on("timeout", () => upstream.destroy(new Error("upstream upgrade timed out")));
    upstream.on("error", (err) => {
      options.onError?.(err, req);
      refuseSocket(socket, 502, "Bad Gateway");
    });
    upstream.on("response", (up) => {
      // The upstream refused the upgrade: relay its answer and close.
      socket.write(rawHead(up.statusCode ?? 502, up.statusMessage, responseHeaders(up.rawHeaders, false).concat("Connection", "close")));
      up.pipe(socket);
    });
    upstream.on("upgrade", (up, upSocket, upHead) => {
      socket.off("error", onClientError);
      upSocket.setTimeout(0);
      upSocket.setNoDelay(true);
      if ("setNoDelay" in socket) (socket as import("node:net").Socket).setNoDelay(true);
      socket.write(rawHead(101, up.statusMessage, responseHeaders(up.rawHeaders, true)));
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      const closeBoth = () => {
        socket.destroy();
        upSocket.destroy();
      };
      socket.on("error", closeBoth);
      upSocket.on("error", closeBoth);
      socket.on("close", closeBoth);
      upSocket.on("close", closeBoth);
      socket.pipe(upSocket);
      upSocket.pipe(socket);
    });
    upstream.end();
  }

  return {
    web,
    ws,
    close() {
      agent.destroy();
      upgradeAgent.destroy();
    },
  };
}
