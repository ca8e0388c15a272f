import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { parsePrometheusText } from "../../../test/support/prom-text";
import type { ProvisioningRuntime } from "../provisioning/runtime";

/**
 * Prometheus's path to agents through the portal, against a real agent: service discovery lists the
 * running server, the relay serves that agent's metrics, and a history sampling cycle reads the
 * same agent and writes its row.
 */
useTestDatabase();
const TOKEN = "relay-metrics-token-0123456789";
const { metricsHttpRoute } = await import("./route");
const { db, closeDb } = await import("../db/client");
const { setProvisioningRuntime } = await import("../provisioning/runtime");
const { encryptToken } = await import("../provisioning/token-codec");
const { createSampler } = await import("../history/sampler");
const { readAgentFigures } = await import("../history/read-agent");

const rtDir = mkdtempSync(path.join(os.tmpdir(), "zlh-metrics-relay-"));
const secretKey = randomBytes(32);
let artifacts: TestArtifactServer;
let agent: AgentProcess;
let portal: http.Server;
let base: string;
let serverId: string;

beforeAll(async () => {
  setProvisioningRuntime({ secretKey, dataDir: rtDir } as unknown as ProvisioningRuntime);
  artifacts = await startTestArtifactServer();
  agent = await startAgentProcess({ artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey });
  const user = await db.user.create({ data: { email: `relay-${randomUUID()}@example.test`, passwordHash: "x" } });
  const s = await db.server.create({ data: { userId: user.id, name: "relay", kind: "dev", vmid: 200_000 + Math.floor(Math.random() * 1e6), provider: "local", status: "running", agentUrl: agent.url, memoryMb: 512 } });
  await db.server.update({ where: { id: s.id }, data: { agentTokenEnc: encryptToken(agent.token, secretKey, s.id) } });
  serverId = s.id;
  const route = metricsHttpRoute(() => TOKEN);
  portal = http.createServer(async (req, res) => {
    if (!(await route(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((r) => portal.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  portal?.closeAllConnections();
  await new Promise((r) => portal?.close(r));
  await agent?.dispose();
  await artifacts?.close();
  await closeDb();
  rmSync(rtDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe("agent metrics through the portal", () => {
  it("lists running servers for Prometheus service discovery, only for the token holder", async () => {
    expect((await fetch(`${base}/metrics/targets`)).status).toBe(401);
    const targets = (await (await fetch(`${base}/metrics/targets`, { headers: auth })).json()) as { targets: string[]; labels: Record<string, string> }[];
    const mine = targets.find((t) => t.labels.serverId === serverId);
    expect(mine).toMatchObject({ targets: [new URL(base).host], labels: { __metrics_path__: `/metrics/agents/${serverId}`, kind: "dev" } });
  });

  it("relays the agent's metrics with the agent's own token", async () => {
    expect((await fetch(`${base}/metrics/agents/${serverId}`)).status).toBe(401);
    expect((await fetch(`${base}/metrics/agents/nope`, { headers: auth })).status).toBe(404);
    const res = await fetch(`${base}/metrics/agents/${serverId}`, { headers: auth });
    expect(res.status).toBe(200);
    const m = parsePrometheusText(await res.text());
    expect(m.get("zlh_agent_state")!.samples.find((s) => s.labels.state === "ready" || s.labels.state === "booting")).toBeDefined();
    expect(m.get("zlh_agent_process_resident_memory_bytes")!.samples[0]!.value).toBeGreaterThan(0);
  });

  it("samples the real agent into the history table", async () => {
    let clock = Date.now();
    const sampler = createSampler({ db, readAgent: readAgentFigures, now: () => clock });
    await sampler.cycle();
    clock += 30_000;
    // Other test files' servers (unreachable on purpose) share the database: count only ours.
    await sampler.cycle();
    const rows = await db.serverSample.findMany({ where: { serverId }, orderBy: { at: "asc" } });
    expect(rows).toHaveLength(2);
    expect(Number(rows[1]!.memoryBytes)).toBeGreaterThan(1024 * 1024);
    expect(rows[1]!.cpuPercent).not.toBeNull();
    expect(Number(rows[1]!.memoryLimitBytes)).toBe(512 * 1024 * 1024);
  });
});
