import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { AgentClient } from "../agent-client";
import { createConnectionCaps } from "../http/connection-caps";
import { createConsoleRelay } from "./relay";

/**
 * The relay between a real HTTP server and a real agent's dev shell (PTY). Authentication and the
 * database lookup are injected here (the session cookie path is covered by the e2e suite).
 */
let artifacts: TestArtifactServer;
let agent: AgentProcess;
let portal: http.Server;
let origin: string;
let base: string;
let strict: http.Server;
let strictBase: string;

beforeAll(async () => {
  artifacts = await startTestArtifactServer();
  agent = await startAgentProcess({ artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey });
  const client = new AgentClient({ url: agent.url, token: agent.token });
  const relay = (extra: Partial<Parameters<typeof createConsoleRelay>[0]> = {}) =>
    createConsoleRelay({
      authenticate: async (req) => (req.headers.cookie === "session=alice" ? "alice" : null),
      target: async (userId, serverId) => {
        if (userId !== "alice" || serverId === "someone-elses") return "not_found";
        if (serverId === "stopped") return "not_running";
        if (serverId === "broken") return { kind: "dev", open: () => new AgentClient({ url: agent.url, token: "wrong-token-wrong-token" }).openWebSocket("/console") };
        return { kind: "dev", open: (p) => client.openWebSocket(p) };
      },
      origins: () => new Set([origin]),
      ...extra,
    });
  const route = relay();
  // Small caps and a fast heartbeat, on their own server so the other tests keep the defaults.
  const strictRoute = relay({ caps: createConnectionCaps({ perUser: 3, global: 10 }), heartbeatMs: 300 });
  portal = http.createServer((_req, res) => res.end("not here"));
  portal.on("upgrade", async (req, socket, head) => {
    if (!(await route(req, socket, head))) socket.destroy();
  });
  await new Promise<void>((r) => portal.listen(0, "127.0.0.1", r));
  strict = http.createServer((_req, res) => res.end("not here"));
  strict.on("upgrade", async (req, socket, head) => {
    if (!(await strictRoute(req, socket, head))) socket.destroy();
  });
  await new Promise<void>((r) => strict.listen(0, "127.0.0.1", r));
  strictBase = `ws://127.0.0.1:${(strict.address() as AddressInfo).port}`;
  const port = (portal.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  base = `ws://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  strict?.closeAllConnections();
  await new Promise<void>((r) => (strict ? strict.close(() => r()) : r()));
  portal?.closeAllConnections();
  await new Promise<void>((r) => (portal ? portal.close(() => r()) : r()));
  await agent?.dispose();
  await artifacts?.close();
});

function connect(path: string, headers: Record<string, string> = { origin: "", cookie: "session=alice" }, at = base): WebSocket {
  return new WebSocket(`${at}${path}`, { headers: { ...headers, origin: headers.origin || origin } });
}
const connectStrict = (path: string) => connect(path, undefined, strictBase);

function statusOf(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("open", () => reject(new Error("opened")));
    ws.once("error", () => {});
  });
}

/** Collects output until `re` matches it. */
function waitForOutput(ws: WebSocket, re: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no ${re} in output: ${JSON.stringify(out.slice(-500))}`)), timeoutMs);
    const onMessage = (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        clearTimeout(timer);
        ws.off("message", onMessage);
        resolve(out);
      }
    };
    ws.on("message", onMessage);
  });
}

describe("console relay", () => {
  it("refuses a foreign Origin, a missing session, others' servers and stopped ones with HTTP statuses", async () => {
    expect(await statusOf(connect("/api/servers/mine/console", { origin: "http://evil.example", cookie: "session=alice" }))).toBe(403);
    expect(await statusOf(connect("/api/servers/mine/console", { origin, cookie: "" }))).toBe(401);
    expect(await statusOf(connect("/api/servers/someone-elses/console"))).toBe(404);
    expect(await statusOf(connect("/api/servers/stopped/console"))).toBe(409);
    expect(await statusOf(connect("/api/servers/broken/console"))).toBe(502);
  });

  it("relays the dev shell both ways and replays the scrollback on reconnect", async () => {
    const ws = connect("/api/servers/mine/console?cols=100&rows=30");
    await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
    ws.send(Buffer.from("echo relay-$((40+2))\r"), { binary: true });
    await waitForOutput(ws, /relay-42/);
    ws.close();
    await new Promise((r) => ws.once("close", r));

    const again = connect("/api/servers/mine/console");
    const replay = waitForOutput(again, /relay-42/);
    await new Promise((r, j) => (again.once("open", r), again.once("error", j)));
    await replay;
    // A text frame that is a control message resizes instead of typing.
    again.send(JSON.stringify({ type: "resize", cols: 120, rows: 40 }));
    again.send(Buffer.from("stty size\r"), { binary: true });
    await waitForOutput(again, /40 120/);
    again.close();
  });

  it("closes a browser that sends a message over the cap with 1009", async () => {
    const ws = connect("/api/servers/mine/console");
    await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
    const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    ws.send(Buffer.alloc(65 * 1024, 0x61), { binary: true });
    expect(await closed).toBe(1009);
  });

  it("carries a burst of output larger than the high-water mark without losing the end", async () => {
    const ws = connect("/api/servers/mine/console?cols=200&rows=50");
    await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
    ws.send(Buffer.from("head -c 3000000 /dev/zero | tr '\\0' x; echo; echo burst-$((6*7))-done\r"), { binary: true });
    await waitForOutput(ws, /burst-42-done/, 60_000);
    ws.close();
  }, 90_000);

  // Regression (#16): one user could hold any number of console relays (sockets, agent shells).
  it("caps open consoles per user with 429 and frees the slot when one closes", async () => {
    const open: WebSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const ws = connectStrict("/api/servers/mine/console");
      await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
      open.push(ws);
    }
    expect(await statusOf(connectStrict("/api/servers/mine/console"))).toBe(429);
    open[0]!.close();
    await new Promise((r) => open[0]!.once("close", r));
    await new Promise((r) => setTimeout(r, 100));
    const next = connectStrict("/api/servers/mine/console");
    await new Promise((r, j) => (next.once("open", r), next.once("error", j)));
    for (const ws of [...open.slice(1), next]) ws.close();
    await new Promise((r) => setTimeout(r, 100));
  });

  // Regression (#16): a browser that vanished without closing kept its relay (and the agent shell) forever.
  it("closes a relay whose browser stops answering pings", async () => {
    const port = Number(new URL(strictBase).port);
    const closedIn = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      // A raw client: handshake, then never reads or answers anything (no pong).
      const sock = net.connect(port, "127.0.0.1", () => {
        sock.write(
          `GET /api/servers/mine/console HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nCookie: session=alice\r\n` +
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        );
      });
      sock.on("data", () => {});
      sock.on("close", () => resolve(Date.now() - t0));
      setTimeout(() => (sock.destroy(), resolve(-1)), 10_000);
    });
    expect(closedIn).toBeGreaterThan(0);
    expect(closedIn).toBeLessThan(5_000);
  });
});
