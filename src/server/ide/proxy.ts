import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { splice } from "../../../agent/src/net/splice";
import { trackConnection } from "../metrics/connections";
import type { IdeTarget } from "./access";
import { openCodeServerTunnel } from "./agent-tunnel";
import { filterCookies, spliceHead, type RequestHead } from "./first-request";
import { trackTunnel, type TunnelOwner } from "./tunnels";

/**
 * The hosted IDE's way to code-server: every connection goes through the server's agent (its
 * authenticated tunnel, see agent-tunnel.ts), resolved by the caller from the database, never from
 * the request. Three entry points:
 *   splice  a client connection whose first request was authorized before any HTTP server parsed
 *           it (see front.ts): that request's head is rewritten, then bytes flow both ways
 *           unparsed for the connection's life, always to this one container
 *   ws      a WebSocket upgrade the HTTP server parsed (its Origin was checked there): spliced too
 *   web     a single request the HTTP server parsed: one tunnel for that request alone
 * Host is kept (code-server's WebSocket origin check), the portal's cookies and any X-Forwarded-* /
 * Forwarded of the client are dropped, ours are set. Spliced connections are registered in
 * tunnels.ts so they can be cut.
 */
export type ForwarderOptions = {
  /** The client's address for X-Forwarded-For (the socket's, unless a trusted proxy is in front). */
  clientAddress?: (req: Pick<IncomingMessage, "headers" | "socket">) => string;
  /** The scheme clients used (from configuration, not from the request). */
  forwardedProto: "http" | "https";
  /** Cookie names that must never reach the upstream (portal session, the IDE's own cookie). */
  dropCookie: (name: string) => boolean;
  /** Idle limit on a single proxied exchange (web): waiting for headers, or a stalled body. */
  httpIdleMs?: number;
  /** Limit on opening the tunnel through the agent. */
  tunnelTimeoutMs?: number;
  /** Answers a request whose upstream failed before any response header was sent. */
  onUpstreamDown: (req: IncomingMessage, res: ServerResponse, err: Error) => void;
  /** The whole raw response (status line to body) for a spliced connection whose upstream is down. */
  upstreamDownResponse: () => string;
  onError?: (err: Error, where: { host?: string }) => void;
  /** How a tunnel is opened (tests and the benchmark keep the default). */
  openTunnel?: (target: IdeTarget, timeoutMs: number) => Promise<Socket>;
};

export type Forwarder = {
  web(req: IncomingMessage, res: ServerResponse, target: IdeTarget): void;
  ws(req: IncomingMessage, socket: Duplex, head: Buffer, target: IdeTarget, owner: TunnelOwner): void;
  splice(client: Socket, first: Buffer, head: RequestHead, target: IdeTarget, owner: TunnelOwner): void;
};

export { filterCookies };

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

const addressOf = (opts: Pick<ForwarderOptions, "clientAddress">, req: Pick<IncomingMessage, "headers" | "socket">) =>
  opts.clientAddress ? opts.clientAddress(req) : (req.socket.remoteAddress ?? "");

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
  out.push("X-Forwarded-For", addressOf(opts, req), "X-Forwarded-Proto", opts.forwardedProto);
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

/** The upstream request line and headers of an upgrade (values come from Node's parser or from us). */
function requestHead(req: IncomingMessage, headers: string[]): string {
  let s = `${req.method} ${req.url} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) s += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${s}\r\n`;
}

/** Streams an upstream response body to the client with backpressure. */
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

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS", "DELETE", "TRACE"]);

/** The X-Forwarded-For facts of a spliced first request: its headers as the HTTP server would see them. */
function headersOf(head: RequestHead): Record<string, string> {
  const h: Record<string, string> = {};
  for (let i = 0; i < head.raw.length; i += 2) {
    const k = head.raw[i]!.toLowerCase();
    h[k] = h[k] ? `${h[k]}, ${head.raw[i + 1]}` : head.raw[i + 1]!;
  }
  return h;
}

export function createForwarder(options: ForwarderOptions): Forwarder {
  const httpIdleMs = options.httpIdleMs ?? 120_000;
  const tunnelTimeoutMs = options.tunnelTimeoutMs ?? 10_000;
  const open = options.openTunnel ?? openCodeServerTunnel;

  /** Joins a client to its tunnel for good and registers the pair. */
  function join(client: Duplex, upstream: Socket, owner: TunnelOwner): void {
    if (client instanceof Socket) {
      client.setNoDelay(true);
      client.setTimeout(0);
    }
    trackConnection("ide", client);
    trackTunnel(owner, client, upstream);
    splice(client, upstream);
    upstream.resume();
    client.resume();
  }

  function web(req: IncomingMessage, res: ServerResponse, target: IdeTarget): void {
    const upstream = http.request({
      // One tunnel for this exchange; Node closes it with the response (no agent, no reuse).
      createConnection: (_opts, cb) => {
        open(target, tunnelTimeoutMs).then(
          (s) => {
            s.resume();
            cb(null, s);
          },
          (err: Error) => cb(err, undefined as unknown as Duplex),
        );
        return undefined;
      },
      method: req.method,
      path: req.url,
      headers: upstreamHeaders(req, options, false),
    });
    upstream.setTimeout(httpIdleMs, () => upstream.destroy(new Error("upstream timed out")));
    upstream.on("response", (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, responseHeaders(up.rawHeaders));
      relayBody(up, res);
    });
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

  /** An upgrade the HTTP server parsed: its head goes on rewritten, then the connection is spliced. */
  function ws(req: IncomingMessage, socket: Duplex, head: Buffer, target: IdeTarget, owner: TunnelOwner): void {
    let gone = false;
    const onGone = () => (gone = true);
    socket.once("close", onGone);
    socket.on("error", onGone);
    open(target, tunnelTimeoutMs).then(
      (upstream) => {
        socket.off("close", onGone);
        socket.off("error", onGone);
        if (gone) return upstream.destroy();
        upstream.write(requestHead(req, upstreamHeaders(req, options, true)));
        if (head.length) upstream.write(head);
        join(socket, upstream, owner);
      },
      (err: Error) => {
        options.onError?.(err, { host: req.headers.host });
        refuseSocket(socket, 502, "Bad Gateway");
      },
    );
  }

  /** A client connection whose first request (not yet parsed by anyone else) was authorized. */
  function spliceConnection(client: Socket, first: Buffer, head: RequestHead, target: IdeTarget, owner: TunnelOwner): void {
    client.pause();
    let gone = false;
    const onGone = () => (gone = true);
    client.once("close", onGone);
    client.on("error", onGone);
    open(target, tunnelTimeoutMs).then(
      (upstream) => {
        client.off("close", onGone);
        client.off("error", onGone);
        if (gone) return upstream.destroy();
        const facts = { clientAddress: addressOf(options, { headers: headersOf(head), socket: client }), forwardedProto: options.forwardedProto, dropCookie: options.dropCookie };
        upstream.write(spliceHead(head, facts));
        if (first.length > head.length) upstream.write(first.subarray(head.length));
        join(client, upstream, owner);
      },
      (err: Error) => {
        options.onError?.(err, { host: headersOf(head).host });
        if (!gone) client.end(options.upstreamDownResponse());
      },
    );
  }

  return { web, ws, splice: spliceConnection };
}
