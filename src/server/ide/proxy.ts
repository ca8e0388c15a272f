import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net, { Socket } from "node:net";
import { trackConnection } from "../metrics/connections";
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

function responseHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (DROP_RESPONSE.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** URL.hostname keeps the brackets of an IPv6 literal; sockets want the bare address. */
function hostOf(target: URL): string {
  const h = target.hostname;
  return h.startsWith("[") ? h.slice(1, -1) : h;
}

/**
 * Joins an upgraded client socket and upstream socket. Deliberately outside ws(): these listeners
 * live as long as the connection, and closing over only the two sockets keeps the request objects
 * collectable (memory per idle IDE session is what limits how many a portal can hold).
 */
function splice(a: Duplex, b: Socket, firstFromB: Buffer): void {
  trackConnection("ide", a);
  b.setTimeout(0);
  if (a instanceof Socket) a.setNoDelay(true);
  a.write(firstFromB);
  const closeBoth = () => {
    a.destroy();
    b.destroy();
  };
  a.on("error", closeBoth);
  b.on("error", closeBoth);
  a.on("close", closeBoth);
  b.on("close", closeBoth);
  a.on("data", (d: Buffer) => {
    if (!b.write(d)) a.pause();
  });
  b.on("data", (d: Buffer) => {
    if (!a.write(d)) b.pause();
  });
  a.on("drain", () => b.resume());
  b.on("drain", () => a.resume());
  a.on("end", () => b.end());
  b.on("end", () => a.end());
}

/**
 * Streams an upstream response body to the client with backpressure. Leaner than pipe(): most IDE
 * responses are small assets, where pipe's per-call listener bookkeeping is a visible share of
 * the proxy's CPU.
 */
function relayBody(up: IncomingMessage, res: ServerResponse): void {
  up.on("data", (chunk: Buffer) => {
    if (!res.write(chunk)) {
      up.pause();
      res.once("drain", () => up.resume());
    }
  });
  up.on("end", () => res.end());
  up.on("error", () => res.destroy());
}

function relayThenClose(from: Socket, to: Duplex): void {
  from.setTimeout(0);
  const closeBoth = () => {
    from.destroy();
    to.destroy();
  };
  from.on("error", closeBoth);
  to.on("error", closeBoth);
  to.on("close", closeBoth);
  from.on("end", () => to.end());
  from.on("close", () => to.end());
  from.pipe(to, { end: false });
}

/** The upstream request line and headers of an upgrade (values come from Node's parser or from us). */
function requestHead(req: IncomingMessage, headers: string[]): string {
  let s = `${req.method} ${req.url} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) s += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${s}\r\n`;
}

const MAX_UPGRADE_RESPONSE_HEAD = 32 * 1024;
const BODYLESS = new Set(["GET", "HEAD", "OPTIONS", "DELETE", "TRACE"]);

export function createForwarder(options: ForwarderOptions): Forwarder {
  const httpIdleMs = options.httpIdleMs ?? 120_000;
  const upgradeTimeoutMs = options.upgradeTimeoutMs ?? 15_000;
  // LIFO reuse keeps a few warm sockets busy instead of spreading load over many idle ones.
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo", timeout: httpIdleMs });

  function web(req: IncomingMessage, res: ServerResponse, target: URL): void {
    // No per-request timeout option: the agent's socket timeout (idle while connecting, waiting or
    // streaming) reaches the request as its 'timeout' event without a timer per request.
    const upstream = http.request({
      agent,
      host: hostOf(target),
      port: target.port || 80,
      method: req.method,
      path: req.url,
      headers: upstreamHeaders(req, options, false),
    });
    upstream.on("response", (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, responseHeaders(up.rawHeaders));
      relayBody(up, res);
    });
    upstream.on("timeout", () => upstream.destroy(new Error("upstream timed out")));
    upstream.on("error", (err) => {
      if (!res.headersSent) options.onUpstreamDown(req, res, err);
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

  /**
   * WebSocket upgrades go over a plain TCP connection with the request head written by hand and the
   * upstream's answer relayed as is: no ClientRequest, parser or response object per connection,
   * which halves what an idle IDE session costs in memory and allocation churn.
   */
  function ws(req: IncomingMessage, socket: Duplex, head: Buffer, target: URL): void {
    const upstream = net.connect({ host: hostOf(target), port: Number(target.port) || 80, noDelay: true });
    upstream.setTimeout(upgradeTimeoutMs);
    let answered = false;
    let buffered: Buffer | null = null;
    const fail = (err: Error) => {
      upstream.destroy();
      if (answered) {
        socket.destroy();
        return;
      }
      options.onError?.(err, req);
      refuseSocket(socket, 502, "Bad Gateway");
    };
    const onClientGone = () => upstream.destroy();
    socket.on("error", onClientGone);
    socket.on("close", onClientGone);
    upstream.on("timeout", () => fail(new Error("upstream upgrade timed out")));
    upstream.on("error", fail);
    upstream.once("connect", () => {
      upstream.write(requestHead(req, upstreamHeaders(req, options, true)));
      if (head.length) upstream.write(head);
    });
    const onHead = (chunk: Buffer) => {
      buffered = buffered ? Buffer.concat([buffered, chunk]) : chunk;
      const end = buffered.indexOf("\r\n\r\n");
      if (end === -1) {
        if (buffered.length > MAX_UPGRADE_RESPONSE_HEAD) fail(new Error("upstream upgrade answer too large"));
        return;
      }
      answered = true;
      upstream.off("data", onHead);
      upstream.off("error", fail);
      socket.off("error", onClientGone);
      socket.off("close", onClientGone);
      upstream.removeAllListeners("timeout");
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buffered.toString("latin1", 0, Math.min(end, 64)));
      const rest = buffered;
      buffered = null;
      if (status?.[1] === "101") {
        splice(socket, upstream, rest);
      } else {
        // The upstream refused the upgrade: relay its answer, then close both ends.
        socket.write(rest);
        relayThenClose(upstream, socket);
      }
    };
    upstream.on("data", onHead);
  }

  return {
    web,
    ws,
    close() {
      agent.destroy();
    },
  };
}
