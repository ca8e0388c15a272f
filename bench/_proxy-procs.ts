import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

/**
 * Child processes of bench/proxy.ts, one role each so their CPU and RSS are their own:
 *   upstream               the test upstream standing in for code-server (HTTP sizes + WebSocket echo)
 *   agent <upstream>       the agent's real router and code-server tunnel on a Unix socket, with the
 *                          upstream where code-server's socket would be
 *   zlh <agent> <token>    the production hosted-IDE path (connection front, createIdeRoutes) with a
 *                          fixed resolver pointing at that agent
 *   http-proxy <upstream>  the http-proxy library with a keep-alive agent, as the reference
 * Each prints one JSON line {port, ...} when listening; on stdin "mem" it answers {rss, heapUsed,
 * handles} after a full GC (run with --expose-gc), on "handles" the same without the GC.
 */
const [role, target, agentToken] = process.argv.slice(2);

function answerMemory(): void {
  createInterface({ input: process.stdin }).on("line", (line) => {
    const cmd = line.trim();
    if (cmd !== "mem" && cmd !== "handles") return;
    // "mem" measures after a full GC; "handles" only counts open sockets (to wait for closes).
    if (cmd === "mem") (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    process.stdout.write(`${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, handles })}\n`);
  });
}

/** The soft limit on open files (the parent sizes the idle-socket test by it). */
function maxFiles(): number {
  const m = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  return m ? Number(m[1]) : 1024;
}

async function listen(server: http.Server, extra: object = {}): Promise<void> {
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, maxFiles: maxFiles(), ...extra })}\n`);
  answerMemory();
}

if (role === "upstream") {
  const { startIdeUpstream } = await import("../test/support/ide-upstream");
  const up = await startIdeUpstream();
  process.stdout.write(`${JSON.stringify({ port: up.port })}\n`);
  answerMemory();
} else if (role === "agent") {
  const { startTunnelAgent } = await import("../test/support/tunnel-agent");
  const agent = await startTunnelAgent({ upstreamPort: Number(new URL(target!).port) });
  // Its socket lives in a temp folder: removed when this process exits (SIGTERM goes through exit).
  process.once("exit", () => rmSync(path.dirname(agent.url.slice("unix:".length)), { recursive: true, force: true }));
  process.stdout.write(`${JSON.stringify({ port: 0, url: agent.url, token: agent.token, maxFiles: maxFiles() })}\n`);
  answerMemory();
} else if (role === "zlh") {
  process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
  const { createIdeRoutes } = await import("../src/server/ide/http");
  const { installConnectionFront } = await import("../src/server/ide/front");
  const { ideKey } = await import("../src/server/ide/keys");
  const { encodeIdeSession } = await import("../src/server/ide/session-cookie");
  const vmid = 6070;
  const fixed = { ok: true as const, target: { serverId: "bench-server", endpoint: { url: target! }, token: agentToken! }, folder: null };
  const { createConnectionCaps } = await import("../src/server/http/connection-caps");
  // Capacity is measured here, not the per-user and per-process policy caps.
  const socketCaps = createConnectionCaps({ perUser: 1_000_000, global: 1_000_000 });
  // No database here: the idle auto-stop activity write (throttled, off the data path) is skipped.
  const routes = createIdeRoutes({ resolveAccess: () => fixed, jtiStore: { markUsed: async () => true }, isRevoked: () => false, socketCaps, onActivity: () => {} });
  const server = http.createServer(async (req, res) => {
    if (await routes.http(req, res)) return;
    res.writeHead(404).end();
  });
  server.on("upgrade", async (req, socket, head) => {
    if (!(await routes.upgrade(req, socket, head))) socket.destroy();
  });
  installConnectionFront(server, routes.connection);
  const cookie = `zlh_ide=${encodeIdeSession(ideKey("zlh/ide-session/v1"), { vmid, userId: "bench-user" })}`;
  await listen(server, { vmid, cookie });
} else if (role === "http-proxy") {
  const { default: httpProxy } = await import("http-proxy");
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo" });
  const proxy = httpProxy.createProxyServer({ target, agent, ws: true, xfwd: true });
  proxy.on("error", (_err, _req, res) => {
    if (res instanceof http.ServerResponse && !res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  const server = http.createServer((req, res) => proxy.web(req, res));
  server.on("upgrade", (req, socket, head) => proxy.ws(req, socket, head));
  await listen(server);
} else {
  process.stderr.write(`unknown role ${role}\n`);
  process.exit(2);
}

// Exit through process.exit so --cpu-prof and similar flags write their output.
process.on("SIGTERM", () => process.exit(0));
