import http from "node:http";
import https from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { createSelfSignedIdentity, type AgentIdentity } from "../../../agent/src/tls/certificate";
import { agentConnect, agentFetch, agentWebSocket, normalizePin, parseEndpoint } from "./transport";

/**
 * The transport against real servers: a Unix socket, plain TCP and TLS with a self-signed
 * certificate made the way the agent makes its own. Every server counts connections and requests,
 * so a refusal is shown to happen before any request (and so any bearer token) was sent.
 */
type Served = { connections: number; requests: string[]; close(): Promise<void> };

function serve(server: http.Server, seen: Served): void {
  server.on("connection", () => seen.connections++);
  server.on("secureConnection", () => seen.connections++);
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    seen.requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
    wss.handleUpgrade(req, socket, head, (ws) => ws.on("message", (m) => ws.send(`echo:${m}`)));
  });
}

const handler: http.RequestListener = async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  res.writeHead(200, { "content-type": "text/plain", "x-seen-host": req.headers.host ?? "" });
  res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).length}`);
};

async function startServer(listen: (s: http.Server) => Promise<void>, tlsIdentity?: AgentIdentity): Promise<Served & { server: http.Server }> {
  const seen: Served & { server: http.Server } = { connections: 0, requests: [], close: async () => {}, server: undefined as unknown as http.Server };
  const server = tlsIdentity ? https.createServer({ key: tlsIdentity.keyPem, cert: tlsIdentity.certPem }) : http.createServer();
  server.on("request", (req, res) => {
    seen.requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
    handler(req, res);
  });
  serve(server, seen);
  await listen(server);
  seen.server = server;
  seen.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return seen;
}

const tcp = (s: http.Server) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
const portOf = (s: http.Server) => (s.address() as AddressInfo).port;

let dir: string;
let unixServer: Awaited<ReturnType<typeof startServer>>;
let plain: Awaited<ReturnType<typeof startServer>>;
let secure: Awaited<ReturnType<typeof startServer>>;
let identityA: AgentIdentity;
let identityB: AgentIdentity;
let sock: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "zlh-transport-"));
  sock = path.join(dir, "agent.sock");
  identityA = createSelfSignedIdentity();
  identityB = createSelfSignedIdentity();
  unixServer = await startServer((s) => new Promise((r) => s.listen(sock, r)));
  plain = await startServer(tcp);
  secure = await startServer(tcp, identityA);
});

afterAll(async () => {
  await Promise.all([unixServer?.close(), plain?.close(), secure?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("agent endpoints", () => {
  it("parses the three forms and refuses anything else", () => {
    expect(parseEndpoint("unix:/run/zlh/agent.sock")).toEqual({ kind: "unix", path: "/run/zlh/agent.sock" });
    expect(parseEndpoint("http://10.0.0.5:7070")).toEqual({ kind: "http", host: "10.0.0.5", port: 7070 });
    expect(parseEndpoint({ url: "https://[fd00::5]:7070", pin: identityA.fingerprint.toUpperCase() })).toMatchObject({ kind: "https", host: "fd00::5", pin: identityA.fingerprint });
    for (const bad of ["unix:relative.sock", `unix:/${"x".repeat(120)}`, "http://h", "http://u:p@h:1", "http://h:1/path", "ftp://h:1", "http://h:1?x=1", "garbage"]) {
      expect(() => parseEndpoint(bad), bad).toThrow(/invalid agent/);
    }
    expect(normalizePin("AB:".repeat(31) + "AB")).toBe("ab".repeat(32));
    expect(normalizePin("abc")).toBeNull();
  });

  it("refuses plain http and unix for a pinned agent, and https without a pin", () => {
    expect(() => parseEndpoint({ url: "http://127.0.0.1:7070", pin: identityA.fingerprint })).toThrow(/plain http to it is refused/);
    expect(() => parseEndpoint({ url: "unix:/run/a.sock", pin: identityA.fingerprint })).toThrow(/pinned certificate/);
    expect(() => parseEndpoint({ url: "https://127.0.0.1:7070" })).toThrow(/needs the pinned sha256/);
  });
});

describe("agentFetch", () => {
  it("speaks HTTP over a Unix socket, keeping the connection alive", async () => {
    const before = unixServer.connections;
    for (let i = 0; i < 3; i++) {
      const r = await agentFetch(`unix:${sock}`, `/status?i=${i}`, { headers: { authorization: "Bearer t" } });
      expect(r.status).toBe(200);
      expect(await r.text()).toBe(`GET /status?i=${i} 0`);
    }
    expect(unixServer.connections - before).toBe(1);
  });

  it("sends string and streamed bodies, and fails with the source's error when a stream breaks", async () => {
    const url = `http://127.0.0.1:${portOf(plain.server)}`;
    expect(await (await agentFetch(url, "/p", { method: "POST", body: "hello" })).text()).toBe("POST /p 5");
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(1000));
        c.enqueue(new Uint8Array(24));
        c.close();
      },
    });
    expect(await (await agentFetch(url, "/s", { method: "PUT", body: stream, duplex: "half" })).text()).toBe("PUT /s 1024");
    const broken = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error("chunk larger than 16 bytes"));
      },
    });
    await expect(agentFetch(url, "/b", { method: "PUT", body: broken })).rejects.toThrow(/larger than/);
  });

  it("reaches a TLS agent only with its pinned certificate; a different one gets no request", async () => {
    const url = `https://127.0.0.1:${portOf(secure.server)}`;
    const r = await agentFetch({ url, pin: identityA.fingerprint }, "/status", { headers: { authorization: "Bearer secret-token" } });
    expect(await r.text()).toBe("GET /status 0");
    const requests = secure.requests.length;
    await expect(agentFetch({ url, pin: identityB.fingerprint }, "/status", { headers: { authorization: "Bearer secret-token" } })).rejects.toMatchObject({ code: "PIN_MISMATCH" });
    expect(secure.requests.length).toBe(requests);
  });

  it("refuses a regenerated key until the new pin is recorded", async () => {
    const port = portOf(secure.server);
    await secure.close();
    // Same address, new key pair (a rebuilt container): the old pin no longer matches.
    secure = await startServer((s) => new Promise((r) => s.listen(port, "127.0.0.1", r)), identityB);
    const url = `https://127.0.0.1:${port}`;
    await expect(agentFetch({ url, pin: identityA.fingerprint }, "/status", { headers: { authorization: "Bearer secret-token" } })).rejects.toMatchObject({ code: "PIN_MISMATCH" });
    expect(secure.requests).toEqual([]);
    expect((await agentFetch({ url, pin: identityB.fingerprint }, "/status")).status).toBe(200);
  });

  it("honours an abort signal", async () => {
    await expect(agentFetch(`http://127.0.0.1:${portOf(plain.server)}`, "/x", { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });
});

describe("agentWebSocket and agentConnect", () => {
  it("opens WebSockets over a Unix socket and over pinned TLS", async () => {
    for (const endpoint of [`unix:${sock}`, { url: `https://127.0.0.1:${portOf(secure.server)}`, pin: identityB.fingerprint }]) {
      const ws = agentWebSocket(endpoint, "/console", { headers: { authorization: "Bearer t" } });
      const msg = await new Promise<string>((resolve, reject) => {
        ws.once("open", () => ws.send("hi"));
        ws.once("message", (d) => resolve(d.toString()));
        ws.once("error", reject);
      });
      expect(msg).toBe("echo:hi");
      ws.close();
    }
    const refused = agentWebSocket({ url: `https://127.0.0.1:${portOf(secure.server)}`, pin: identityA.fingerprint }, "/console", { headers: { authorization: "Bearer t" } });
    await expect(new Promise((_, reject) => refused.once("error", reject))).rejects.toMatchObject({ code: "PIN_MISMATCH" });
  });

  it("hands out a connected raw socket, verified for TLS", async () => {
    const s = await agentConnect(`unix:${sock}`);
    s.write("GET /raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const text = await new Promise<string>((resolve) => {
      let buf = "";
      s.on("data", (d) => (buf += d));
      s.on("end", () => resolve(buf));
    });
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    await expect(agentConnect({ url: `https://127.0.0.1:${portOf(secure.server)}`, pin: identityA.fingerprint })).rejects.toMatchObject({ code: "PIN_MISMATCH" });
    const ok = await agentConnect({ url: `https://127.0.0.1:${portOf(secure.server)}`, pin: identityB.fingerprint });
    ok.destroy();
  });
});
