import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { AgentClient } from "../agent-client";
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

beforeAll(async () => {
  artifacts = await startTestArtifactServer();
  agent = await startAgentProcess({ artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey });
  const client = new AgentClient({ url: agent.url, token: agent.token });
  const route = createConsoleRelay({
    authenticate: async (req) => (req.headers.cookie === "session=alice" ? "alice" : null),
    target: async (userId, serverId) => {
      if (userId !== "alice" || serverId === "someone-elses") return "not_found";
      if (serverId === "stopped") return "not_running";
      if (serverId === "broken") return { kind: "dev", open: () => new AgentClient({ url: agent.url, token: "wrong-token-wrong-token" }).openWebSocket("/console") };
      return { kind: "dev", open: (p) => client.openWebSocket(p) };
    },
    origins: () => new Set([origin]),
  });
  portal = http.createServer((_req, res) => res.end("not here"));
  portal.on("upgrade", async (req, socket, head) => {
    if (!(await route(req, socket, head))) socket.destroy();
  });
  await new Promise<void>((r) => portal.listen(0, "127.0.0.1", r));
  const port = (portal.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  base = `ws://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  portal?.closeAllConnections();
  await new Promise<void>((r) => (portal ? portal.close(() => r()) : r()));
  await agent?.dispose();
  await artifacts?.close();
});

function connect(path: string, headers: Record<string, string> = { origin: "", cookie: "session=alice" }): WebSocket {
  return new WebSocket(`${base}${path}`, { headers: { ...headers, origin: headers.origin || origin } });
}

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
});
