import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import WebSocket, { WebSocketServer, type RawData } from "ws";
import { CONSOLE_MAX_MESSAGE_BYTES } from "../../../agent/src/contract";
import { sessionUserFromRequest } from "../auth/node-session";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { agentClientFor } from "../provisioning/agent-for";
import { trackConnection } from "../metrics/connections";
import { CONSOLE_CAPS, createConnectionCaps, type ConnectionCaps } from "../http/connection-caps";
import { agentConsolePath, allowedOrigins, originAllowed, parseConsolePath } from "./relay-policy";

/**
 * The console relay: GET /api/servers/<id>/console upgraded to a WebSocket by the custom server.
 * Checks the Origin, the portal session (cookie) and ownership, then opens the agent's console
 * (game console or dev shell) with the server's bearer token and pipes frames both ways, keeping
 * their type (binary output, text input/control). Each side is paused while the other cannot keep
 * up; a close on either side closes the other. The agent sends its scrollback on every connect, so
 * a reconnecting browser gets the recent output again.
 */
const log = logger.child({ module: "console.relay" });

/** Output queued towards a slow browser before the agent side is paused. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

export type RelayTarget = { kind: string; open: (path: string) => WebSocket };

export type RelayDeps = {
  /** The user id of the request's session, or null. */
  authenticate: (req: IncomingMessage) => Promise<string | null>;
  /** The server's agent console for this user: "not_found", "not_running", or a way to open it. */
  target: (userId: string, serverId: string) => Promise<RelayTarget | "not_found" | "not_running">;
  origins: (req: IncomingMessage) => Set<string>;
  upstreamTimeoutMs?: number;
  /** Open consoles per user and per process (default CONSOLE_CAPS). */
  caps?: ConnectionCaps;
  /** A browser that does not answer a ping within this long is gone: its relay is closed. */
  heartbeatMs?: number;
};

function reject(socket: Duplex, status: number, text: string): true {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  return true;
}

/** Pipes one side to the other with backpressure: `from` is paused while `to` has too much queued. */
function pipe(from: WebSocket, to: WebSocket): void {
  let waiting: NodeJS.Timeout | undefined;
  const drainCheck = () => {
    waiting = undefined;
    if (to.readyState !== WebSocket.OPEN) return;
    if (to.bufferedAmount <= LOW_WATER) from.resume();
    else waiting = setTimeout(drainCheck, 20);
  };
  from.on("message", (data: RawData, isBinary: boolean) => {
    if (to.readyState !== WebSocket.OPEN) return;
    to.send(data, { binary: isBinary });
    if (to.bufferedAmount > HIGH_WATER && !from.isPaused) {
      from.pause();
      waiting ??= setTimeout(drainCheck, 20);
    }
  });
  from.on("close", () => clearTimeout(waiting));
}

/** Close codes a browser may not receive or send as-is are mapped to a generic one. */
function forwardableCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) || code === 1001 || code === 1009 || code === 1011 ? code : 1011;
}

export function createConsoleRelay(deps: RelayDeps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: CONSOLE_MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const caps = deps.caps ?? createConnectionCaps(CONSOLE_CAPS);
  const heartbeatMs = deps.heartbeatMs ?? 30_000;

  return async function consoleRelayRoute(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
    const parsed = parseConsolePath(req.url);
    if (!parsed) return false;
    if (!originAllowed(req.headers.origin, deps.origins(req))) return reject(socket, 403, "Forbidden origin");
    const userId = await deps.authenticate(req);
    if (!userId) return reject(socket, 401, "Sign in first");
    const target = await deps.target(userId, parsed.serverId);
    if (target === "not_found") return reject(socket, 404, "No such server");
    if (target === "not_running") return reject(socket, 409, "The server is not running");
    const release = caps.acquire(userId);
    if (!release) return reject(socket, 429, "Too many open consoles");
    socket.once("close", release);

    // The agent first: a failure is still an HTTP answer the client can see.
    const upstream = target.open(agentConsolePath(target.kind, parsed));
    // Keep the agent's first frames (the scrollback, often in the same packet as its 101: they can
    // be emitted before any await below resumes) until the browser side is there to take them.
    const early: [RawData, boolean][] = [];
    const hold = (data: RawData, isBinary: boolean) => early.push([data, isBinary]);
    upstream.on("message", hold);
    const opened = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve("timed out"), deps.upstreamTimeoutMs ?? 10_000);
      upstream.once("open", () => (clearTimeout(timer), resolve(null)));
      upstream.once("unexpected-response", (_r, res) => (clearTimeout(timer), resolve(`agent answered ${res.statusCode}`)));
      upstream.once("error", (err) => (clearTimeout(timer), resolve(err.message)));
    });
    if (opened) {
      upstream.removeAllListeners();
      upstream.on("error", () => {});
      upstream.terminate();
      log.warn({ serverId: parsed.serverId, reason: opened }, "agent console unavailable");
      return reject(socket, 502, "The server's console is not available");
    }

    wss.handleUpgrade(req, socket, head, (client) => {
      log.info({ serverId: parsed.serverId, userId }, "console relay opened");
      trackConnection("console", socket);
      upstream.off("message", hold);
      for (const [data, isBinary] of early) client.send(data, { binary: isBinary });
      pipe(upstream, client);
      pipe(client, upstream);
      const closeBoth = (code: number, reason: Buffer) => {
        const why = reason.toString().slice(0, 120);
        if (client.readyState === WebSocket.OPEN) client.close(forwardableCode(code), why);
        if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.close(forwardableCode(code), why);
      };
      upstream.on("close", closeBoth);
      client.on("close", closeBoth);
      // Liveness: a browser that vanished without a close (sleep, network loss) is found by ping.
      let alive = true;
      client.on("pong", () => (alive = true));
      const heartbeat = setInterval(() => {
        if (!alive) return client.terminate();
        alive = false;
        client.ping();
      }, heartbeatMs);
      heartbeat.unref();
      client.on("close", () => clearInterval(heartbeat));
      // An error (too-big message, reset) is followed by close; the handlers above clean up.
      upstream.on("error", (err) => log.debug({ err }, "agent console socket error"));
      client.on("error", (err) => log.debug({ err }, "browser console socket error"));
    });
    return true;
  };
}

/** The relay wired to the portal's session, database and agents. */
export const consoleUpgradeRoute = createConsoleRelay({
  authenticate: async (req) => (await sessionUserFromRequest(req))?.id ?? null,
  target: async (userId, serverId) => {
    const s = await db.server.findFirst({ where: { id: serverId, userId, status: { not: "deleted" } } });
    if (!s) return "not_found";
    if (s.status !== "running") return "not_running";
    const client = agentClientFor(s);
    if (!client) return "not_running";
    return { kind: s.kind, open: (path) => client.openWebSocket(path) };
  },
  origins: (req) =>
    allowedOrigins(
      [process.env.ZLH_PUBLIC_URL, process.env.NEXTAUTH_URL],
      req.headers.host,
      (req.socket as { encrypted?: boolean }).encrypted === true,
    ),
});
