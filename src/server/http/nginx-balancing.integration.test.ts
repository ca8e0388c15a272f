import http from "node:http";
import https from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { startNginx, type Nginx } from "../../../test/support/nginx";

/**
 * Debian's nginx with the production configuration in front of two stand-in instances that say
 * who answered: a plain request goes to the instance with fewer in flight, so one that is stalled
 * (a major garbage collection) stops receiving new work; consoles' long-lived WebSockets are spread
 * on their own and do not skew where plain requests go.
 */
type Instance = { name: string; server: http.Server; holdMs: number; sockets: WebSocket[] };

function instance(name: string): Instance {
  const inst: Instance = { name, server: http.createServer(), holdMs: 0, sockets: [] };
  const wss = new WebSocketServer({ noServer: true });
  inst.server.on("request", (_req, res) => {
    setTimeout(() => res.writeHead(200, { "x-zlh-instance": name }).end(name), inst.holdMs);
  });
  inst.server.on("upgrade", (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => {
      inst.sockets.push(ws);
      ws.send(name);
    }),
  );
  return inst;
}

const a = instance("a");
const b = instance("b");
let nginx: Nginx;
let dir: string;
beforeAll(async () => {
  for (const i of [a, b]) await new Promise<void>((r) => i.server.listen(0, "127.0.0.1", r));
  dir = mkdtempSync(path.join(os.tmpdir(), "zlh-nginx-lb-"));
  nginx = await startNginx(dir, [a, b].map((i) => `127.0.0.1:${(i.server.address() as AddressInfo).port}`));
}, 30_000);
afterAll(async () => {
  await nginx?.stop();
  for (const i of [a, b]) {
    i.server.closeAllConnections();
    await new Promise((r) => i.server.close(r));
  }
  rmSync(dir, { recursive: true, force: true });
});

function get(): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: "127.0.0.1", port: nginx.port, path: "/api/health", servername: "localhost", headers: { host: "localhost" }, rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(String(res.headers["x-zlh-instance"])));
      })
      .on("error", reject);
  });
}

function openConsole(): Promise<{ ws: WebSocket; answeredBy: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://localhost:${nginx.port}/api/servers/x/console`, { rejectUnauthorized: false });
    ws.once("message", (m) => resolve({ ws, answeredBy: String(m) }));
    ws.once("error", reject);
  });
}

describe("nginx in front of two portal instances", () => {
  it("sends new requests past an instance that is stalled", async () => {
    a.holdMs = 1_500;
    const answers: Array<Promise<string>> = [];
    for (let i = 0; i < 20; i++) {
      answers.push(get());
      await new Promise((r) => setTimeout(r, 20));
    }
    const by = await Promise.all(answers);
    a.holdMs = 0;
    // Round-robin would have queued half of them (10) behind the stalled instance.
    expect(by.filter((n) => n === "a").length).toBeLessThanOrEqual(2);
    expect(by.filter((n) => n === "b").length).toBeGreaterThanOrEqual(18);
  });

  it("spreads consoles' WebSockets without steering plain requests away from the instance holding more", async () => {
    const consoles = [];
    for (let i = 0; i < 3; i++) consoles.push(await openConsole());
    // Three sockets on two instances: one holds two, the other one.
    expect(new Set(consoles.map((c) => c.answeredBy)).size).toBe(2);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await get());
    expect([...seen].sort()).toEqual(["a", "b"]);
    for (const c of consoles) c.ws.close();
  });
});
