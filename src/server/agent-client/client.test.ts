import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { AgentClient } from "./client";
import { AgentResponseError, AgentUnauthorizedError, AgentUnreachableError } from "./errors";
import type { AgentEvent } from "../../../agent/src/contract";

// A loopback HTTP server speaking the agent's wire format, with switchable failure modes.
const TOKEN = "t".repeat(32);
const status = {
  agentVersion: "0.1.0", uptimeSeconds: 1, state: "ready", provisioningComplete: true,
  devUser: { name: "dev", uid: 1000, real: false }, runtimes: [], catalogVerified: true,
};
let statusFailures = 0;
let provisionCalls = 0;
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const json = (code: number, body: unknown) => res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/healthz") return json(200, { ok: true });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: "unauthorized" });
    if (req.url === "/status") {
      if (statusFailures-- > 0) return json(503, { error: "busy" });
      return json(200, status);
    }
    if (req.url === "/provision") {
      provisionCalls++;
      return json(400, { error: "invalid request body", details: { x: 1 } });
    }
    if (req.url === "/bad-shape") return json(200, { nope: true });
    if (req.url === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(": ping\n\n");
      res.write(`data: ${JSON.stringify({ type: "state", state: "provisioning", provisioningComplete: false })}\n\n`);
      res.write("data: {not json}\n\n");
      res.write(`data: ${JSON.stringify({ type: "progress", step: "runtime", phase: "download", bytesDone: 5, bytesTotal: 10 })}\n\n`);
      res.end();
      return;
    }
    json(404, { error: "not found" });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
    wss.handleUpgrade(req, socket, head, (ws) => ws.send("hello"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("agent client", () => {
  it("parses status with the contract and retries transient failures of idempotent calls", async () => {
    statusFailures = 2;
    const c = new AgentClient({ url, token: TOKEN });
    const s = await c.status();
    expect(s.provisioningComplete).toBe(true);
    expect(statusFailures).toBe(-1);
  });
  it("maps 401 to unauthorized and an agent error to its message", async () => {
    await expect(new AgentClient({ url, token: "wrong".repeat(8) }).status()).rejects.toBeInstanceOf(AgentUnauthorizedError);
    const c = new AgentClient({ url, token: TOKEN });
    const err = await c.provision({ kind: "dev", runtime: { name: "node" }, enableCodeServer: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentResponseError);
    expect((err as AgentResponseError).agentMessage).toBe("invalid request body");
    expect(provisionCalls).toBe(1); // 400 is not transient: no retry
    await expect(c.request("GET", "/bad-shape", (await import("../../../agent/src/contract")).agentStatusSchema)).rejects.toThrow(/contract/);
  });
  it("reports an unreachable agent after its retries", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = new AgentClient({ url: `http://127.0.0.1:${port}`, token: TOKEN, retries: 1 });
    await expect(c.status()).rejects.toBeInstanceOf(AgentUnreachableError);
    expect(await c.healthy()).toBe(false);
    expect(await new AgentClient({ url, token: TOKEN }).healthy()).toBe(true);
  });
  it("follows the SSE stream, skipping malformed frames", async () => {
    const got: AgentEvent[] = [];
    await new AgentClient({ url, token: TOKEN }).followEvents((e) => got.push(e), new AbortController().signal);
    expect(got.map((e) => e.type)).toEqual(["state", "progress"]);
  });
  it("opens WebSocket routes with the bearer token", async () => {
    const ws = new AgentClient({ url, token: TOKEN }).openWebSocket("/console");
    const msg = await new Promise<string>((resolve, reject) => {
      ws.once("message", (d) => resolve(d.toString()));
      ws.once("error", reject);
    });
    expect(msg).toBe("hello");
    ws.close();
  });
});
