import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { z } from "zod";
import { WebSocketServer, type WebSocket } from "ws";
import { bearerMatches } from "./auth";
import { HttpError } from "./errors";
import type { Logger } from "../log";

export type Params = Record<string, string>;

export type RequestContext = {
  req: IncomingMessage;
  res: ServerResponse;
  params: Params;
  url: URL;
  log: Logger;
  /** Reads and parses a JSON body with the schema; 400 on malformed JSON or invalid shape, 413 past the limit. */
  json<T extends z.ZodType>(schema: T, limitBytes?: number): Promise<z.infer<T>>;
  /** Sends a JSON response. */
  send(status: number, body: unknown): void;
};

export type Handler = (ctx: RequestContext) => Promise<void> | void;
/** A raw upgrade (`Upgrade: zlh-tunnel`): the handler owns the socket once the bearer check passed. */
export type TunnelHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, log: Logger) => void;
export const TUNNEL_PROTOCOL = "zlh-tunnel";

export type WsHandler = (ws: WebSocket, ctx: { req: IncomingMessage; params: Params; url: URL; log: Logger }) => void;

type Route<H> = { method: string; parts: string[]; handler: H; auth: boolean };

export const DEFAULT_JSON_LIMIT = 1024 * 1024;

function match(parts: string[], pathname: string): Params | null {
  const segs = pathname.split("/").filter(Boolean);
  if (segs.length !== parts.length) {
    // A trailing "*" part swallows the rest of the path.
    if (parts.at(-1) !== "*" || segs.length < parts.length - 1) return null;
  }
  const params: Params = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === "*") {
      params["*"] = segs.slice(i).map(decodeURIComponent).join("/");
      return params;
    }
    const s = segs[i]!;
    if (p.startsWith(":")) params[p.slice(1)] = decodeURIComponent(s);
    else if (p !== s) return null;
  }
  return params;
}

/** The portal's request id (x-request-id), when plain, ties our lines to the portal's. */
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

function logFor(log: Logger, req: IncomingMessage): Logger {
  const id = req.headers["x-request-id"];
  return typeof id === "string" && REQUEST_ID.test(id) ? log.child({ reqId: id }) : log;
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limitBytes) throw new HttpError(413, `body larger than ${limitBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new HttpError(413, `body larger than ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A small router: exact segments, `:param` and a trailing `*`. Every route requires the bearer token
 * unless registered with `{ auth: false }`; a failed check answers 401 with no detail.
 */
export class Router {
  private routes: Route<Handler>[] = [];
  private wsRoutes: Route<WsHandler>[] = [];
  private tunnelRoutes: Route<TunnelHandler>[] = [];
  private wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  constructor(
    private token: string,
    private log: Logger,
  ) {}

  add(method: string, path: string, handler: Handler, opts: { auth?: boolean } = {}): void {
    this.routes.push({ method, parts: path.split("/").filter(Boolean), handler, auth: opts.auth ?? true });
  }
  get(path: string, h: Handler, o?: { auth?: boolean }) { this.add("GET", path, h, o); }
  post(path: string, h: Handler, o?: { auth?: boolean }) { this.add("POST", path, h, o); }
  put(path: string, h: Handler, o?: { auth?: boolean }) { this.add("PUT", path, h, o); }
  patch(path: string, h: Handler, o?: { auth?: boolean }) { this.add("PATCH", path, h, o); }
  delete(path: string, h: Handler, o?: { auth?: boolean }) { this.add("DELETE", path, h, o); }
  /** WebSocket route; always authenticated (Authorization header, checked before the upgrade). */
  ws(path: string, handler: WsHandler): void {
    this.wsRoutes.push({ method: "GET", parts: path.split("/").filter(Boolean), handler, auth: true });
  }

  /** Tunnel route (always authenticated): a raw byte stream after `101`, for splicing. */
  tunnel(path: string, handler: TunnelHandler): void {
    this.tunnelRoutes.push({ method: "GET", parts: path.split("/").filter(Boolean), handler, auth: true });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://agent.local");
    const log = logFor(this.log, req);
    const t0 = Date.now();
    // Reads are polled every few seconds (debug); changes and failures are the story (info).
    res.once("finish", () => {
      const level = res.statusCode >= 500 ? "warn" : req.method === "GET" || req.method === "HEAD" ? "debug" : "info";
      log[level]({ method: req.method, path: url.pathname, status: res.statusCode, ms: Date.now() - t0 }, "request");
    });
    const send = (status: number, body: unknown) => {
      if (res.headersSent) return;
      const data = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
      res.end(data);
    };
    try {
      let found: { route: Route<Handler>; params: Params } | undefined;
      let pathMatched = false;
      for (const route of this.routes) {
        const params = match(route.parts, url.pathname);
        if (!params) continue;
        pathMatched = true;
        if (route.method === req.method) {
          found = { route, params };
          break;
        }
      }
      if (found && found.route.auth && !bearerMatches(req.headers.authorization, this.token)) {
        return send(401, { error: "unauthorized" });
      }
      if (!found) {
        // Unauthenticated callers learn nothing about which paths exist.
        if (!bearerMatches(req.headers.authorization, this.token)) return send(401, { error: "unauthorized" });
        return send(pathMatched ? 405 : 404, { error: pathMatched ? "method not allowed" : "not found" });
      }
      const ctx: RequestContext = {
        req,
        res,
        params: found.params,
        url,
        log,
        send,
        json: async (schema, limit = DEFAULT_JSON_LIMIT) => {
          const raw = await readBody(req, limit);
          let value: unknown;
          try {
            value = raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
          } catch {
            throw new HttpError(400, "malformed JSON body");
          }
          const parsed = schema.safeParse(value);
          if (!parsed.success) throw new HttpError(400, "invalid request body", z.treeifyError(parsed.error));
          return parsed.data;
        },
      };
      await found.route.handler(ctx);
    } catch (err) {
      if (err instanceof HttpError) {
        if (err.status === 413) res.setHeader("connection", "close");
        send(err.status, { error: err.message, ...(err.details ? { details: err.details } : {}) });
      } else {
        log.error({ err, path: url.pathname }, "request failed");
        send(500, { error: "internal error" });
      }
    }
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://agent.local");
    if (req.headers.upgrade?.toLowerCase() === TUNNEL_PROTOCOL) {
      const route = this.tunnelRoutes.find((r) => match(r.parts, url.pathname));
      const authorized = bearerMatches(req.headers.authorization, this.token);
      if (!route || !authorized) {
        socket.end(`HTTP/1.1 ${authorized ? "404 Not Found" : "401 Unauthorized"}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      route.handler(req, socket, head, logFor(this.log, req));
      return;
    }
    for (const route of this.wsRoutes) {
      const params = match(route.parts, url.pathname);
      if (!params) continue;
      if (!bearerMatches(req.headers.authorization, this.token)) {
        socket.end("HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
        return;
      }
      const log = logFor(this.log, req);
      log.info({ path: url.pathname }, "websocket opened");
      this.wss.handleUpgrade(req, socket, head, (ws) => route.handler(ws, { req, params, url, log }));
      return;
    }
    socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
  }
}
