import http, { type IncomingHttpHeaders } from "node:http";
import type { ConnectionCaps } from "../http/connection-caps";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { useTestDatabase } from "../../../test/db";
import { startIdeUpstream, type IdeUpstream } from "../../../test/support/ide-upstream";
import { startTunnelAgent, type TunnelAgent } from "../../../test/support/tunnel-agent";

useTestDatabase();
process.env.ZLH_SECRET_KEY = randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { createHostRoutes } = await import("./dev-host");
const { createForwarder } = await import("./proxy");
const { createAccessResolver, createJtiStore, createRevocationCheck } = await import("./store");
const { revokeIdeSessions } = await import("../auth/session-version");
const { ideKey } = await import("./keys");
const { encodeIdeSession } = await import("./session-cookie");
const { issueIdeUrl } = await import("./service");
const { isPortalOrIdeCookie } = await import("./http");
const { rawIdePage, sendIdePage } = await import("./pages");
const { installConnectionFront } = await import("./front");
const { createConnectionCaps } = await import("../http/connection-caps");
const { cutTunnels, liveTunnels, sweepIdleTunnels } = await import("./tunnels");
const { encryptToken } = await import("../provisioning/token-codec");
const { provisioningRuntime } = await import("../provisioning/runtime");
const { bus, announce } = await import("../cluster");
const { touchActivity } = await import("../idle/activity");

/**
 * The hosted IDE router and proxy against the real database, an agent's real tunnel route (in
 * this process, test/support/tunnel-agent.ts) and a real upstream standing in for code-server
 * (HTTP + WebSocket on loopback): token exchange, cookies, access checks, header hygiene,
 * splicing, streaming, aborts, cuts, errors. `portal` is wired as server.ts wires it (connection
 * front: first requests spliced); `plain` has no front (every request parsed, one tunnel each).
 */
const silent = { info() {}, warn() {} };
let upstream: IdeUpstream;
let upstreamB: IdeUpstream;
let agentA: TunnelAgent;
let agentB: TunnelAgent;
let agentNoCodeServer: TunnelAgent;
let portal: http.Server;
let plain: http.Server;
let port = 0;
let plainPort = 0;
const vmidBase = 100_000 + Math.floor(Math.random() * 800_000_000);
const vm = { running: vmidBase, stopped: vmidBase + 1, down: vmidBase + 2, other: vmidBase + 3, second: vmidBase + 4, noCs: vmidBase + 5 };
const users = { a: "", b: "" };
const ids: Record<keyof typeof vm, string> = { running: "", stopped: "", down: "", other: "", second: "", noCs: "" };

/** Servers whose IDE was used, as the routes reported them (production: touchActivity, idle auto-stop). */
const activity: string[] = [];
/** Upgrades the HTTP server parsed (an authorized IDE WebSocket is spliced before any parser). */
let parsedUpgrades = 0;

function mount(httpIdleMs?: number, socketCaps?: ConnectionCaps) {
  const portalUrl = new URL("http://localhost:3999");
  const forwarder = createForwarder({
    forwardedProto: "http",
    dropCookie: isPortalOrIdeCookie,
    httpIdleMs,
    onUpstreamDown: (_req, res) => sendIdePage(res, "upstream-down", portalUrl.href),
    upstreamDownResponse: () => rawIdePage("upstream-down", portalUrl.href),
  });
  return createHostRoutes({
    devDomain: "localhost",
    portalUrl,
    keys: { token: () => ideKey("zlh/ide-token/v1"), session: () => ideKey("zlh/ide-session/v1") },
    jtiStore: createJtiStore(db),
    resolveAccess: createAccessResolver(db, 0),
    isRevoked: createRevocationCheck(db, 0),
    forwarder,
    log: silent,
    socketCaps,
    onActivity: (serverId) => {
      activity.push(serverId);
      void touchActivity(serverId);
    },
  });
}

beforeAll(async () => {
  upstream = await startIdeUpstream();
  upstreamB = await startIdeUpstream();
  agentA = await startTunnelAgent({ upstreamPort: upstream.port });
  agentB = await startTunnelAgent({ upstreamPort: upstreamB.port });
  for (const k of ["a", "b"] as const) {
    const u = await db.user.create({ data: { email: `ide-${k}-${randomUUID()}@example.test`, passwordHash: "x" } });
    users[k] = u.id;
  }
  const closedPort = await new Promise<number>((resolve) => {
    const s = http.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  // An agent whose code-server is not listening (its tunnel answers 503).
  agentNoCodeServer = await startTunnelAgent({ upstreamPort: closedPort });
  const make = async (key: keyof typeof vm, userId: string, status: string, agent: { url: string; token: string }, provider = "local") => {
    const s = await db.server.create({
      data: { userId, name: key, kind: "dev", vmid: vm[key], provider, status, enableCodeServer: true, agentUrl: agent.url },
    });
    await db.server.update({ where: { id: s.id }, data: { agentTokenEnc: encryptToken(agent.token, provisioningRuntime().secretKey, s.id) } });
    ids[key] = s.id;
  };
  await make("running", users.a, "running", agentA, "proxmox");
  await make("stopped", users.a, "stopped", agentA);
  await make("down", users.a, "running", { url: `http://127.0.0.1:${closedPort}`, token: "t".repeat(32) });
  await make("other", users.b, "running", agentA);
  await make("second", users.a, "running", agentB);
  await make("noCs", users.a, "running", agentNoCodeServer);
  const routes = mount();
  const slowRoutes = mount(300);
  const next = (res: http.ServerResponse) => res.writeHead(200, { "content-type": "text/plain" }).end("NEXT");
  portal = http.createServer(async (req, res) => {
    if (!(await routes.http(req, res))) next(res);
  });
  portal.on("upgrade", async (req, socket, head) => {
    parsedUpgrades++;
    if (!(await routes.upgrade(req, socket, head))) socket.destroy();
  });
  installConnectionFront(portal, routes.connection);
  plain = http.createServer(async (req, res) => {
    const r = req.headers["x-test-slow"] ? slowRoutes : routes;
    if (!(await r.http(req, res))) next(res);
  });
  await new Promise<void>((resolve) => portal.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  port = (portal.address() as AddressInfo).port;
  plainPort = (plain.address() as AddressInfo).port;
  await bus.start();
});

afterAll(async () => {
  await bus.stop();
  for (const id of Object.values(ids)) cutTunnels({ serverId: id });
  for (const s of [portal, plain]) {
    s?.closeAllConnections();
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
  for (const a of [agentA, agentB, agentNoCodeServer]) await a?.close();
  await upstream?.close();
  await upstreamB?.close();
  await db.server.deleteMany({ where: { vmid: { in: Object.values(vm) } } });
  await db.user.deleteMany({ where: { id: { in: Object.values(users) } } });
  await closeDb();
});

type Reply = { status: number; headers: IncomingHttpHeaders; body: string };
function request(host: string, path: string, opts: { headers?: Record<string, string | string[]>; method?: string; body?: string; port?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: opts.port ?? port, path, method: opts.method ?? "GET", agent: false, headers: { host, ...opts.headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

const devHost = (vmid: number) => `dev-${vmid}.localhost:${port}`;
const cookieFor = (vmid: number, userId: string) => `zlh_ide=${encodeIdeSession(ideKey("zlh/ide-session/v1"), { vmid, userId })}`;

async function tokenPath(userId: string, serverId: string): Promise<string> {
  const r = await issueIdeUrl(db, userId, { id: serverId });
  if (!r.ok) throw new Error(r.reason);
  const u = new URL(r.url);
  expect(u.hostname).toBe(`dev-${r.vmid}.localhost`);
  return u.pathname + u.search;
}

describe("hosted IDE: token exchange", () => {
  it("turns a one-shot token into a host-only session cookie and refuses the replay", async () => {
    const path = await tokenPath(users.a, ids.running);
    const first = await request(devHost(vm.running), path);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe("/?folder=/home/dev/workspace");
    const setCookie = first.headers["set-cookie"]?.[0] ?? "";
    expect(setCookie).toMatch(/^zlh_ide=[^;]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/);
    expect(setCookie).not.toMatch(/domain=/i);
    expect(first.headers["referrer-policy"]).toBe("no-referrer");

    const replay = await request(devHost(vm.running), path);
    expect(replay.status).toBe(403);
    expect(replay.headers["set-cookie"]).toBeUndefined();
    expect(replay.body).toContain("This IDE link has expired");

    const cookie = setCookie.split(";")[0]!;
    const through = await request(devHost(vm.running), "/echo", { headers: { cookie } });
    expect(through.status).toBe(200);
  });

  it("leaves the folder to code-server on the local provider, whose paths are the host's", async () => {
    const r = await request(devHost(vm.down), await tokenPath(users.a, ids.down));
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe("/");
  });

  it("refuses a token on another vmid's host and does not burn it", async () => {
    const path = await tokenPath(users.a, ids.running);
    const wrong = await request(devHost(vm.stopped), path);
    expect(wrong.status).toBe(403);
    expect(wrong.headers["set-cookie"]).toBeUndefined();
    expect((await request(devHost(vm.running), path)).status).toBe(303);
  });

  it("refuses tampered tokens and other users' servers", async () => {
    const path = await tokenPath(users.a, ids.running);
    expect((await request(devHost(vm.running), `${path.slice(0, -3)}abc`)).status).toBe(403);
    expect((await request(devHost(vm.running), "/__zlh/auth")).status).toBe(403);
    expect(await issueIdeUrl(db, users.b, { id: ids.running })).toEqual({ ok: false, reason: "not-found" });
    expect(await issueIdeUrl(db, users.a, { id: ids.stopped })).toEqual({ ok: false, reason: "stopped" });
  });
});

describe("hosted IDE: access on the dev host", () => {
  it("sends a browser without a session to the portal, never upstream", async () => {
    const before = upstream.requests;
    const r = await request(devHost(vm.running), "/");
    expect(r.status).toBe(401);
    expect(r.headers["content-type"]).toContain("text/html");
    expect(r.body).toContain(`http://localhost:3999/api/dev/${vm.running}/ide`);
    expect(upstream.requests).toBe(before);
  });

  it("refuses a session cookie presented on another vmid's host (Host not matching the record)", async () => {
    const before = upstream.requests;
    const r = await request(devHost(vm.other), "/echo", { headers: { cookie: cookieFor(vm.running, users.a) } });
    expect(r.status).toBe(401);
    expect(upstream.requests).toBe(before);
  });

  it("answers a valid cookie of another user, a stopped server and an unknown vmid with a helpful page", async () => {
    const before = upstream.requests;
    const notYours = await request(devHost(vm.other), "/", { headers: { cookie: cookieFor(vm.other, users.a) } });
    expect(notYours.status).toBe(404);
    expect(notYours.body).toContain("No IDE here for your account");
    const stopped = await request(devHost(vm.stopped), "/", { headers: { cookie: cookieFor(vm.stopped, users.a) } });
    expect(stopped.status).toBe(409);
    expect(stopped.body).toContain("not running");
    const unknown = await request(devHost(999_999_999), "/", { headers: { cookie: cookieFor(999_999_999, users.a) } });
    expect(unknown.status).toBe(404);
    for (const r of [notYours, stopped, unknown]) {
      expect(r.body).toContain('href="http://localhost:3999/"');
      expect(r.body).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(upstream.requests).toBe(before);
  });

  it("answers malformed dev hosts itself and leaves other hosts to Next", async () => {
    for (const h of [`dev-01x.localhost:${port}`, `dev-0${vm.running}.localhost`, `x.dev-${vm.running}.localhost`]) {
      const r = await request(h, "/", { headers: { cookie: cookieFor(vm.running, users.a) } });
      expect(r.status, h).toBe(400);
    }
    for (const h of [`dev-${vm.running}.localhost.evil.test`, `dev-${vm.running}.evil.test`, `localhost:${port}`]) {
      const r = await request(h, "/", { headers: { cookie: cookieFor(vm.running, users.a) } });
      expect(r.body, h).toBe("NEXT");
    }
  });

  it("redirects the legacy /__ide path into the hosted flow", async () => {
    const r = await request(`localhost:${port}`, "/__ide/6000/some/path?x=1");
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("/api/dev/6000/ide");
    expect((await request(`localhost:${port}`, "/__ide/../../etc")).status).toBe(404);
  });
});

describe("hosted IDE: the proxy", () => {
  const cookie = () => `next-auth.session-token=portal-secret; theme=dark; ${cookieFor(vm.running, users.a)}; __Secure-next-auth.session-token.0=x; other=1`;

  it("keeps Host, drops portal and IDE cookies and replaces X-Forwarded-*", async () => {
    const r = await request(devHost(vm.running), "/echo?q=1", {
      headers: {
        cookie: cookie(),
        "x-forwarded-for": "6.6.6.6",
        "x-forwarded-host": "evil.test",
        "X-Forwarded-Proto": "https",
        "x-forwarded-port": "1",
        forwarded: "for=6.6.6.6;host=evil.test",
        "x-real-ip": "6.6.6.6",
      },
    });
    expect(r.status).toBe(200);
    expect(r.headers["set-cookie"]).toEqual(["upstream=1; Path=/"]);
    const seen = JSON.parse(r.body) as { url: string; rawHeaders: string[] };
    expect(seen.url).toBe("/echo?q=1");
    const h: Record<string, string[]> = {};
    for (let i = 0; i < seen.rawHeaders.length; i += 2) (h[seen.rawHeaders[i]!.toLowerCase()] ??= []).push(seen.rawHeaders[i + 1]!);
    expect(h.host).toEqual([devHost(vm.running)]);
    expect(h.cookie).toEqual(["theme=dark; other=1"]);
    expect(h["x-forwarded-for"]).toEqual(["127.0.0.1"]);
    expect(h["x-forwarded-host"]).toEqual([devHost(vm.running)]);
    expect(h["x-forwarded-proto"]).toEqual(["http"]);
    expect(h["x-forwarded-port"]).toBeUndefined();
    expect(h.forwarded).toBeUndefined();
    expect(h["x-real-ip"]).toBeUndefined();
  });

  it("forwards request bodies", async () => {
    const body = "x".repeat(200_000);
    const r = await request(devHost(vm.running), "/echo", { method: "POST", body, headers: { cookie: cookie(), "content-type": "text/plain" } });
    expect(JSON.parse(r.body).body).toBe(body);
  });

  it("streams a response before the upstream has finished it", async () => {
    const first = await new Promise<{ chunk: string; rest: Promise<string> }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/stream", agent: false, headers: { host: devHost(vm.running), cookie: cookie() } }, (res) => {
        res.setEncoding("utf8");
        res.once("data", (chunk: string) => {
          let rest = "";
          const done = new Promise<string>((r) => res.on("end", () => r(rest)));
          res.on("data", (c: string) => (rest += c));
          resolve({ chunk, rest: done });
        });
      });
      req.on("error", reject);
      req.end();
    });
    expect(first.chunk).toBe("first\n");
    upstream.releaseStream();
    expect(await first.rest).toBe("second\n");
  });

  it("aborts the upstream request when the client goes away", async () => {
    const [holds, before] = [upstream.holds, upstream.closedHolds];
    const req = http.request({ host: "127.0.0.1", port, path: "/hold", agent: false, headers: { host: devHost(vm.running), cookie: cookie() } });
    req.on("error", () => {});
    req.end();
    await expect.poll(() => upstream.holds, { timeout: 10_000 }).toBe(holds + 1);
    req.destroy();
    await expect.poll(() => upstream.closedHolds, { timeout: 10_000 }).toBe(before + 1);
  });

  it("answers a helpful 502 page when the upstream is down", async () => {
    const r = await request(devHost(vm.down), "/", { headers: { cookie: cookieFor(vm.down, users.a) } });
    expect(r.status).toBe(502);
    expect(r.headers["content-type"]).toContain("text/html");
    expect(r.body).toContain("The IDE is not answering");
    expect(r.body).not.toContain("ECONNREFUSED");
  });

  it("answers the same page when the agent is up but code-server is not", async () => {
    const r = await request(devHost(vm.noCs), "/", { headers: { cookie: cookieFor(vm.noCs, users.a) } });
    expect(r.status).toBe(502);
    expect(r.body).toContain("The IDE is not answering");
  });

  it("proxies WebSocket upgrades with the same header hygiene", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/stable-abc?reconnectionToken=1`, {
      headers: { host: devHost(vm.running), cookie: cookie(), origin: `http://${devHost(vm.running)}`, "x-forwarded-for": "6.6.6.6" },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const echoed = new Promise<string>((resolve) => ws.once("message", (d) => resolve(d.toString())));
    ws.send("ping through the proxy");
    expect(await echoed).toBe("ping through the proxy");
    const big = Buffer.alloc(300_000, 7);
    const echoedBig = new Promise<Buffer>((resolve) => ws.once("message", (d) => resolve(d as Buffer)));
    ws.send(big);
    expect((await echoedBig).equals(big)).toBe(true);
    ws.close();
    const seen = upstream.upgrades.at(-1)!;
    expect(seen.url).toBe("/stable-abc?reconnectionToken=1");
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    const value = (n: string) => seen.rawHeaders[names.indexOf(n) * 2 + 1];
    expect(value("host")).toBe(devHost(vm.running));
    expect(value("cookie")).toBe("theme=dark; other=1");
    expect(value("x-forwarded-for")).toBe("127.0.0.1");
    expect(names.filter((n) => n === "x-forwarded-for")).toHaveLength(1);
  });

  it("refuses WebSocket upgrades without a session, for another user, or to a stopped server", async () => {
    const before = upstream.upgrades.length;
    const status = (vmid: number, cookieHeader?: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`, {
          headers: { host: devHost(vmid), origin: `http://${devHost(vmid)}`, ...(cookieHeader ? { cookie: cookieHeader } : {}) },
        });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("error", () => resolve(-1));
      });
    expect(await status(vm.running)).toBe(401);
    expect(await status(vm.other, cookieFor(vm.other, users.a))).toBe(404);
    expect(await status(vm.stopped, cookieFor(vm.stopped, users.a))).toBe(409);
    expect(await status(vm.down, cookieFor(vm.down, users.a))).toBe(502);
    expect(upstream.upgrades.length).toBe(before);
  });

  it("relays an upstream's refusal of an upgrade", async () => {
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/refuse`, { headers: { host: devHost(vm.running), origin: `http://${devHost(vm.running)}`, cookie: cookie() } });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("error", () => resolve(-1));
    });
    expect(code).toBe(403);
  });
});

describe("hosted IDE: spliced connections", () => {
  const closed = (socket: import("node:net").Socket) =>
    socket.destroyed ? Promise.resolve() : new Promise<void>((resolve) => socket.once("close", () => resolve()));

  /** A keep-alive connection (one socket) that made one authorized request: its socket. */
  async function openSpliced(vmid: number, userId: string): Promise<{ agent: http.Agent; socket: import("node:net").Socket; get(host: string, path: string, cookie?: string): Promise<Reply> }> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let socket!: import("node:net").Socket;
    const get = (host: string, path: string, cookie = cookieFor(vmid, userId)) =>
      new Promise<Reply>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, path, agent, headers: { host, cookie } }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("socket", (s) => (socket = s));
        req.on("error", reject);
        req.end();
      });
    expect((await get(devHost(vmid), "/echo")).status).toBe(200);
    return { agent, get, get socket() {
      return socket;
    } };
  }

  it("keeps a connection on the first request's container: another Host later on it reaches nothing else", async () => {
    const [a, b, tunnels] = [upstream.requests, upstreamB.requests, agentA.tunnels];
    const c = await openSpliced(vm.running, users.a);
    const first = c.socket;
    // Same connection, now naming another of this user's servers (on another agent and upstream).
    const second = await c.get(devHost(vm.second), "/echo", cookieFor(vm.second, users.a));
    expect(second.status).toBe(200);
    expect(c.socket).toBe(first);
    expect(upstream.requests - a).toBe(2);
    expect(upstreamB.requests - b).toBe(0);
    expect(agentA.tunnels - tunnels).toBe(1);
    // Nor does a third request for someone else's server.
    await c.get(devHost(vm.other), "/echo", cookieFor(vm.other, users.b));
    expect(upstreamB.requests - b).toBe(0);
    c.agent.destroy();
  });

  it("is cut when its server stops or is deleted (server.stopped on the cluster bus), WebSockets included", async () => {
    const c = await openSpliced(vm.running, users.a);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { host: devHost(vm.running), origin: `http://${devHost(vm.running)}`, cookie: cookieFor(vm.running, users.a) } });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const wsClosed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
    expect(liveTunnels({ serverId: ids.running })).toBeGreaterThanOrEqual(2);
    const other = await openSpliced(vm.second, users.a);
    await announce({ topic: "server.stopped", serverId: ids.running });
    await closed(c.socket);
    await wsClosed;
    expect(liveTunnels({ serverId: ids.running })).toBe(0);
    // Another server's connection stays.
    expect(other.socket.destroyed).toBe(false);
    expect((await other.get(devHost(vm.second), "/echo")).status).toBe(200);
    other.agent.destroy();
    c.agent.destroy();
  });

  // #18: an open VS Code (its spliced page loads and WebSockets) counts as use for idle auto-stop.
  it("records activity on the server when it accepts a connection, and splices WebSockets before any HTTP parser", async () => {
    // A server of its own: activity writes are throttled per server, and the other tests use theirs.
    const vmid = vmidBase + 6;
    const fresh = await db.server.create({ data: { userId: users.a, name: "activity", kind: "dev", vmid, provider: "local", status: "running", enableCodeServer: true, agentUrl: agentB.url } });
    await db.server.update({ where: { id: fresh.id }, data: { agentTokenEnc: encryptToken(agentB.token, provisioningRuntime().secretKey, fresh.id) } });
    try {
      const seen = activity.length;
      const parsed = parsedUpgrades;
      const host = devHost(vmid);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { host, origin: `http://${host}`, cookie: cookieFor(vmid, users.a) } });
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      const echoed = new Promise<string>((resolve) => ws.once("message", (d) => resolve(d.toString())));
      ws.send("spliced");
      expect(await echoed).toBe("spliced");
      expect(parsedUpgrades).toBe(parsed);
      expect(liveTunnels({ serverId: fresh.id })).toBe(1);
      const c = await openSpliced(vmid, users.a);
      expect(activity.slice(seen)).toEqual([fresh.id, fresh.id]);
      const stamped = async () => (await db.server.findUniqueOrThrow({ where: { id: fresh.id }, select: { lastActivityAt: true } })).lastActivityAt;
      for (let i = 0; i < 50 && !(await stamped()); i++) await new Promise((r) => setTimeout(r, 20));
      expect(await stamped()).not.toBeNull();
      ws.close();
      c.agent.destroy();
    } finally {
      cutTunnels({ serverId: fresh.id });
      await db.server.delete({ where: { id: fresh.id } });
    }
  });

  it("is cut when its user signs out (user.signed-out on the cluster bus)", async () => {
    const c = await openSpliced(vm.second, users.a);
    await announce({ topic: "user.signed-out", userId: users.a });
    await closed(c.socket);
    expect(liveTunnels({ userId: users.a })).toBe(0);
    c.agent.destroy();
  });

  it("is cut after the idle limit without a byte, not before", async () => {
    const c = await openSpliced(vm.running, users.a);
    const t0 = Date.now();
    expect(sweepIdleTunnels(60_000, t0)).toBe(0);
    expect(sweepIdleTunnels(60_000, t0 + 30_000)).toBe(0);
    expect(c.socket.destroyed).toBe(false);
    expect(sweepIdleTunnels(60_000, t0 + 61_000)).toBeGreaterThanOrEqual(1);
    await closed(c.socket);
    c.agent.destroy();
  });
});

describe("hosted IDE: without the connection front (one tunnel per parsed request)", () => {
  it("proxies with the same header hygiene", async () => {
    const r = await request(`dev-${vm.running}.localhost:${plainPort}`, "/echo", { port: plainPort, headers: { cookie: `next-auth.session-token=s; ${cookieFor(vm.running, users.a)}; theme=dark`, "x-forwarded-for": "6.6.6.6" } });
    expect(r.status).toBe(200);
    const seen = JSON.parse(r.body) as { rawHeaders: string[] };
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    const value = (n: string) => seen.rawHeaders[names.indexOf(n) * 2 + 1];
    expect(value("host")).toBe(`dev-${vm.running}.localhost:${plainPort}`);
    expect(value("cookie")).toBe("theme=dark");
    expect(value("x-forwarded-for")).toBe("127.0.0.1");
  });

  it("gives up on an upstream that does not answer in time", async () => {
    const r = await request(`dev-${vm.running}.localhost:${plainPort}`, "/hold", { port: plainPort, headers: { cookie: cookieFor(vm.running, users.a), "x-test-slow": "1" } });
    expect(r.status).toBe(502);
  });
});

describe("hosted IDE: revocation and Origin (#16)", () => {
  const upgradeStatus = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers });
      ws.on("upgrade", () => {
        ws.terminate();
        resolve(101);
      });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("error", () => resolve(-1));
    });

  // Regression: any page on any site could open the IDE's WebSocket with the user's cookie.
  it("refuses WebSocket upgrades from another origin or without one", async () => {
    const before = upstream.upgrades.length;
    const base = { host: devHost(vm.running), cookie: cookieFor(vm.running, users.a) };
    expect(await upgradeStatus({ ...base, origin: "http://evil.example" })).toBe(403);
    expect(await upgradeStatus({ ...base, origin: `http://${devHost(vm.other)}` })).toBe(403);
    expect(await upgradeStatus({ ...base, origin: `https://${devHost(vm.running)}` })).toBe(403);
    expect(await upgradeStatus(base)).toBe(403);
    expect(upstream.upgrades.length).toBe(before);
    expect(await upgradeStatus({ ...base, origin: `http://${devHost(vm.running)}` })).toBe(101);
  });

  // Regression: one user could hold any number of IDE WebSockets.
  it("caps a user's open IDE WebSockets with 429 and frees the slot on close", async () => {
    const routes = mount(undefined, createConnectionCaps({ perUser: 2, global: 10 }));
    const server = http.createServer((_req, res) => res.end());
    server.on("upgrade", async (req, socket, head) => {
      if (!(await routes.upgrade(req, socket, head))) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const p = (server.address() as AddressInfo).port;
    const host = `dev-${vm.running}.localhost:${p}`;
    const open = (): Promise<{ status: number; ws: WebSocket }> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${p}/`, { headers: { host, origin: `http://${host}`, cookie: cookieFor(vm.running, users.a) } });
        ws.on("upgrade", () => resolve({ status: 101, ws }));
        ws.on("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
        ws.on("error", () => resolve({ status: -1, ws }));
      });
    try {
      const first = await open();
      const second = await open();
      expect([first.status, second.status]).toEqual([101, 101]);
      expect((await open()).status).toBe(429);
      first.ws.terminate();
      await new Promise((r) => setTimeout(r, 300));
      const again = await open();
      expect(again.status).toBe(101);
      second.ws.terminate();
      again.ws.terminate();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  // Regression: signing out left every IDE cookie valid for up to 12 hours.
  it("refuses IDE cookies issued before the user signed out, on HTTP and WebSocket", async () => {
    const u = await db.user.create({ data: { email: `ide-rev-${randomUUID()}@example.test`, passwordHash: "x" } });
    await db.server.update({ where: { id: ids.running }, data: { userId: u.id } });
    try {
      const cookie = cookieFor(vm.running, u.id);
      const ws = { host: devHost(vm.running), origin: `http://${devHost(vm.running)}`, cookie };
      expect((await request(devHost(vm.running), "/echo", { headers: { cookie } })).status).toBe(200);
      // The cookie's issue second must be before the revocation instant.
      await new Promise((r) => setTimeout(r, 1100));
      await revokeIdeSessions(u.id);
      expect((await request(devHost(vm.running), "/echo", { headers: { cookie } })).status).toBe(401);
      expect(await upgradeStatus(ws)).toBe(401);
      await new Promise((r) => setTimeout(r, 1100));
      const fresh = cookieFor(vm.running, u.id);
      expect((await request(devHost(vm.running), "/echo", { headers: { cookie: fresh } })).status).toBe(200);
    } finally {
      await db.server.update({ where: { id: ids.running }, data: { userId: users.a } });
    }
  });
});
