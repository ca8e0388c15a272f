import { mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDb } from "../../src/server/db/embedded";
import { until } from "../support/until";
import { PortalUser } from "./client";
import { portalSecrets, startPortal, tail, type Portal } from "./portal";
import { agentPids, signalAll } from "./processes";

/**
 * Faults against real portal processes (production build) on one PostgreSQL: a portal killed in the
 * middle of provisioning, an agent killed in the middle of a runtime install, PostgreSQL restarted
 * while users work, an agent that stops answering.
 */
const dataDir = path.resolve(".data/faults");
const secrets = portalSecrets();
let database: EmbeddedDb;
let dbPort: number;
let sql: pg.Pool;
let portal: Portal;
const portals: Portal[] = [];

type ServerRow = { id: string; vmid: number; status: string };

async function boot(): Promise<Portal> {
  const p = await startPortal({ dataDir, databaseUrl: database.url, secrets, env: { ZLH_GAME_BACKOFF_MS: "1000,2000,4000" } });
  portals.push(p);
  return p;
}

async function newUser(base: string): Promise<PortalUser> {
  return new PortalUser(base).signUpAndIn();
}

async function createDev(user: PortalUser, name: string): Promise<ServerRow> {
  const r = await user.mutation<ServerRow>("servers.create", { kind: "dev", name, runtimeId: "node", enableCodeServer: false, memoryMb: 1024 });
  if (!r.ok) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.data;
}

async function statusOf(user: PortalUser, serverId: string): Promise<string | undefined> {
  return (await user.query<{ status: string }>("servers.get", { serverId })).data?.status;
}

async function events(serverId: string): Promise<{ type: string; status: string; message: string; step: string | null }[]> {
  const r = await sql.query(`SELECT type, status, message, data->>'step' AS step FROM "ServerEvent" WHERE "serverId" = $1 ORDER BY "createdAt"`, [serverId]);
  return r.rows;
}

async function stepStarted(serverId: string, step: string): Promise<boolean> {
  const r = await sql.query(`SELECT 1 FROM "ServerEvent" WHERE "serverId" = $1 AND type = 'step' AND status = 'started' AND data->>'step' = $2`, [serverId, step]);
  return (r.rowCount ?? 0) > 0;
}

beforeAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  // The lxc provider's container template, published up front as the e2e runner does (the portal's
  // first-run builds would publish it too, but only after the servers below are created).
  const { spawnSync } = await import("node:child_process");
  const published = spawnSync(process.execPath, ["--import", "tsx", "scripts/artifacts.ts", "build", "template-debian-12", "--publish", "--data-dir", dataDir], { stdio: "inherit" });
  expect(published.status, "publishing the container template").toBe(0);
  database = await startEmbeddedPostgres(path.join(dataDir, "db"));
  dbPort = Number(new URL(database.url).port);
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
  sql.on("error", () => {});
  portal = await boot();
  // The seed service publishes Node from the build cache: wait for it before creating dev servers.
  await until("node in the artifact catalog", async () => (await (await fetch(`${portal.url}/artifacts/catalog.json`)).text()).includes('"node"'), 120_000, 500);
});

afterAll(async () => {
  for (const p of portals) await p.stop().catch(() => {});
  await sql?.end().catch(() => {});
  // Containers outlive portals by design: stop this suite's.
  const { spawnSync } = await import("node:child_process");
  spawnSync(process.execPath, ["--import", "tsx", "scripts/stop-containers.ts", dataDir], { stdio: "inherit" });
  await database?.stop();
});

describe("fault suite: real portals on one PostgreSQL", () => {
  it("kill -9 a portal in the middle of provisioning: after a restart exactly one container exists and the job completes", async () => {
    const user = await newUser(portal.url);
    const server = await createDev(user, "fault-portal-kill");
    await until("the provisioning job to reach the agent step", () => stepStarted(server.id, "agent"), 60_000, 10);
    process.kill(portal.pid, "SIGKILL");
    await portal.exited;
    const lease = await sql.query(`SELECT "jobId" FROM "JobLease"`);
    expect(lease.rowCount, "the killed process left its job lease behind").toBe(1);

    portal = await boot();
    user.base = portal.url;
    const t0 = Date.now();
    await until("the server to be running after the restart", async () => (await statusOf(user, server.id)) === "running", 180_000, 500);
    const resumedInMs = Date.now() - t0;
    expect(resumedInMs, "resumed well before pg-boss's 20-minute expiry").toBeLessThan(120_000);
    const ev = await events(server.id);
    expect(ev.filter((e) => e.type === "step" && e.step === "container" && e.status === "done").length, "container created").toBeGreaterThanOrEqual(1);
    expect(agentPids(server.vmid).length, "one live agent for the server").toBeGreaterThanOrEqual(1);
    const rows = await sql.query(`SELECT count(*)::int AS n FROM "Server" WHERE status <> 'deleted'`);
    expect(rows.rows[0].n).toBe(1);
    expect(await sql.query(`SELECT 1 FROM "JobLease"`).then((r) => r.rowCount)).toBe(0);
  });

  it("kill -9 an agent in the middle of a runtime install: retried, and the runtime is whole", async () => {
    const user = await newUser(portal.url);
    const server = await createDev(user, "fault-agent-kill");
    await until("the provision step", () => stepStarted(server.id, "provision"), 60_000, 10);
    await until("the agent to be installing", async () => {
      const r = await sql.query(`SELECT 1 FROM "ServerEvent" WHERE "serverId" = $1 AND type = 'progress'`, [server.id]);
      return (r.rowCount ?? 0) > 0;
    }, 60_000, 10);
    const pids = agentPids(server.vmid);
    expect(pids.length, "the agent's process").toBeGreaterThanOrEqual(1);
    signalAll(pids, "SIGKILL");
    await until("the server to be running after the retry", async () => (await statusOf(user, server.id)) === "running", 180_000, 500);
    const ev = await events(server.id);
    expect(ev.some((e) => e.status === "failed" || e.status === "retrying"), "the kill interrupted the job").toBe(true);
    const live = await user.query<{ live: { reachable: boolean; runtimes: { name: string; version: string; current: boolean }[] } }>("monitor.server", { serverId: server.id });
    const node = live.data.live.runtimes.filter((r) => r.name === "node");
    expect(node.filter((r) => r.current).length, JSON.stringify(live.data.live.runtimes)).toBe(1);
  });

  it("restart PostgreSQL while users work: health answers 503, then recovers without a portal restart; the queued job runs once", async () => {
    const worker = await newUser(portal.url);
    const queuedFor = await newUser(portal.url);
    const pid = portal.pid;
    const seen = new Set<number>();
    let working = true;
    const work = (async () => {
      while (working) {
        const r = await fetch(`${portal.url}/api/health`).catch(() => null);
        if (r) seen.add(r.status);
        await worker.query("servers.list").catch(() => null);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    const server = await createDev(queuedFor, "fault-db-restart");
    await database.stop();
    await until("health to answer 503", () => seen.has(503), 30_000, 50);
    database = await startEmbeddedPostgres(path.join(dataDir, "db"), "zlh", { port: dbPort });
    await until("health to answer 200 again", async () => (await fetch(`${portal.url}/api/health`)).status === 200, 60_000, 250);
    working = false;
    await work;
    expect(portal.pid).toBe(pid);
    expect(portal.proc.exitCode, tail(portal.logFile)).toBeNull();
    await until("the queued server to be running", async () => (await statusOf(queuedFor, server.id)) === "running", 180_000, 500);
    const ev = await events(server.id);
    const ready = ev.filter((e) => e.type === "job" && e.status === "done");
    expect(ready.length, JSON.stringify(ev.map((e) => `${e.type}/${e.status}/${e.message}`))).toBe(1);
    expect(ev.filter((e) => e.type === "step" && e.step === "container" && e.status === "done").length).toBeGreaterThanOrEqual(1);
  });

  it("a portal whose services cannot start exits with the reason instead of lingering unhealthy", async () => {
    // Its SSH gateway port is taken: the start fails. Before, Next's handler logged the error and the
    // process stayed up without listening until startPortal gave up waiting (120 s).
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      const start = startPortal({ dataDir, databaseUrl: database.url, secrets, name: "no-start", env: { ZLH_SSH_GATEWAY_PORT: String(port), ZLH_SSH_GATEWAY_HOST: "127.0.0.1" } });
      const err = (await start.then(() => null, (e: unknown) => e)) as Error | null;
      expect(err?.message).toMatch(/exited before it was healthy/);
      expect(err?.message).toMatch(/EADDRINUSE.*"msg":"portal failed to start"/);
      expect(Date.now() - t0).toBeLessThan(90_000);
    } finally {
      taken.close();
    }
  });

  it("an agent that stops answering shows as unreachable, then recovers by itself", async () => {
    const user = await newUser(portal.url);
    const server = await createDev(user, "fault-frozen-agent");
    await until("the server to be running", async () => (await statusOf(user, server.id)) === "running", 180_000, 500);
    const pids = agentPids(server.vmid);
    expect(pids.length).toBeGreaterThanOrEqual(1);
    signalAll(pids, "SIGSTOP");
    try {
      const frozen = await until("the portal to see the agent unreachable", async () => {
        const r = await user.query<{ server: { status: string }; live: { reachable: boolean; error: string | null } }>("monitor.server", { serverId: server.id });
        return r.data && !r.data.live.reachable && r.data.live.error ? r.data : null;
      }, 60_000, 500);
      expect(frozen.server.status).toBe("running");
    } finally {
      signalAll(pids, "SIGCONT");
    }
    await until("the agent to answer again", async () => {
      const r = await user.query<{ live: { reachable: boolean } }>("monitor.server", { serverId: server.id });
      return r.data?.live.reachable;
    }, 60_000, 500);
  });
});
