import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { labelNames, parsePrometheusText, type PromFamily } from "../../../test/support/prom-text";

/**
 * The portal's /metrics as server.ts serves it: the real route list and request scope in front of a
 * stand-in for Next, scraped over HTTP and parsed as Prometheus text.
 */
useTestDatabase();
const TOKEN = "test-metrics-token-0123456789";
process.env.ZLH_METRICS_TOKEN = TOKEN;
const { httpRoutes } = await import("../http/routes");
const { inRequestScope } = await import("../http/request-scope");
const { closeDb, db } = await import("../db/client");
const { AgentClient } = await import("../agent-client");
const { trackConnection } = await import("./connections");
const { createCaller } = await import("../api/root");
const { createTRPCContext } = await import("../api/trpc");

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) =>
    inRequestScope(req, res, async () => {
      for (const route of httpRoutes) if (await route(req, res)) return;
      res.writeHead(req.url === "/api/health" ? 200 : 404).end();
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await closeDb();
});

async function scrape(): Promise<Map<string, PromFamily>> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

describe("portal /metrics", () => {
  it("refuses a scrape without the bearer token and tags every answer with a request id", async () => {
    const none = await fetch(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    const mine = await fetch(`${base}/api/health`, { headers: { "x-request-id": "proxy-req-000001" } });
    expect(mine.headers.get("x-request-id")).toBe("proxy-req-000001");
  });

  it("serves histograms and gauges with bounded labels", async () => {
    // Traffic worth counting: pages by id, random paths, a tRPC call, an agent that is down, a console connection.
    for (const p of ["/servers/cm123abc", "/servers/cm456def", "/wp-login.php?x=1", "/api/health"]) await (await fetch(base + p)).body?.cancel();
    const user = await db.user.create({ data: { email: `metrics-${Date.now()}@example.test`, passwordHash: "x" } });
    const caller = createCaller(await createTRPCContext({ headers: new Headers(), session: { user: { id: user.id, email: user.email }, expires: new Date(Date.now() + 60_000).toISOString() } }));
    await caller.monitor.dashboard();
    await new AgentClient({ url: "http://127.0.0.1:1", token: "t", retries: 0, timeoutMs: 500 }).status().catch(() => undefined);
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const b = net.connect((srv.address() as AddressInfo).port, "127.0.0.1");
    const a = await new Promise<net.Socket>((resolve) => srv.once("connection", resolve));
    srv.close();
    trackConnection("console", a);
    b.write("hello");
    await new Promise((r) => setTimeout(r, 50));

    const open = await scrape();
    expect(open.get("zlh_connections_open")!.samples).toContainEqual({ name: "zlh_connections_open", labels: { kind: "console" }, value: 1 });
    a.destroy();
    b.destroy();
    await new Promise((r) => setTimeout(r, 50));

    const m = await scrape();
    const http = m.get("zlh_http_request_duration_seconds")!;
    expect(http.type).toBe("histogram");
    expect(labelNames(http)).toEqual(["method", "route", "status"]);
    const routes = new Set(http.samples.map((s) => s.labels.route));
    expect(routes).toContain("/servers/[id]");
    expect(routes).toContain("other");
    expect([...routes].some((r) => r!.includes("cm123") || r!.includes("wp-login"))).toBe(false);
    expect(http.samples.find((s) => s.name.endsWith("_count") && s.labels.route === "/servers/[id]")!.value).toBe(2);

    const trpc = m.get("zlh_trpc_procedure_duration_seconds")!;
    expect(trpc.type).toBe("histogram");
    expect(labelNames(trpc)).toEqual(["code", "procedure", "type"]);
    expect(trpc.samples.some((s) => s.labels.procedure === "monitor.dashboard" && s.labels.code === "OK")).toBe(true);

    expect(m.get("zlh_agent_call_errors_total")!.samples.find((s) => s.labels.kind === "unreachable")!.value).toBeGreaterThanOrEqual(1);
    expect(m.get("zlh_connections_open")!.samples.find((s) => s.labels.kind === "console")!.value).toBe(0);
    expect(m.get("zlh_proxy_bytes_total")!.samples.find((s) => s.labels.kind === "console" && s.labels.direction === "in")!.value).toBe(5);

    for (const name of ["zlh_provisioning_duration_seconds", "zlh_webhook_events_total", "zlh_history_sample_cycle_seconds"]) expect(m.has(name)).toBe(true);
    expect(m.get("zlh_db_pool_connections")!.type).toBe("gauge");
    expect(m.get("zlh_db_pool_connections")!.samples.map((s) => s.labels.state).sort()).toEqual(["idle", "total", "waiting"]);
    expect(m.get("zlh_servers")!.type).toBe("gauge");
    expect(m.get("zlh_jobs")!.type).toBe("gauge");
    expect(m.get("zlh_portal_process_cpu_seconds_total")!.type).toBe("counter");
  });
});
