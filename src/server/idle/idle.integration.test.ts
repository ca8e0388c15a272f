import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { until } from "../../../test/support/until";
import type { ProvisioningRuntime } from "../provisioning/runtime";

/**
 * The idle pass against a real agent (its /status activity section) and PostgreSQL, with the clock
 * driven by the test: no stop before the limit, a stop (timeline + auto_stop notification) after
 * it, and an open dev shell or a fresh workspace edit keeps the container up.
 */
useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { setProvisioningRuntime } = await import("../provisioning/runtime");
const { encryptToken } = await import("../provisioning/token-codec");
const { checkIdleServers } = await import("./checker");

const rtDir = mkdtempSync(path.join(os.tmpdir(), "zlh-idle-"));
const secretKey = randomBytes(32);
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
let agent: AgentProcess;
let serverId: string;
const stopped: string[] = [];
const stop = async (s: { id: string }) => {
  stopped.push(s.id);
  await db.server.update({ where: { id: s.id }, data: { status: "stopped" } });
};

beforeAll(async () => {
  setProvisioningRuntime({ secretKey, dataDir: rtDir } as unknown as ProvisioningRuntime);
  agent = await startAgentProcess({ artifactsUrl: "http://127.0.0.1:9/artifacts/" });
  mkdirSync(path.join(agent.root, "home/dev/workspace"), { recursive: true });
  const user = await db.user.create({ data: { email: `idle-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
  const s = await db.server.create({ data: { userId: user.id, name: "idle", kind: "dev", vmid: 300_000 + Math.floor(Math.random() * 1e6), provider: "local", status: "running", agentUrl: agent.url, memoryMb: 512 } });
  await db.server.update({ where: { id: s.id }, data: { agentTokenEnc: encryptToken(agent.token, secretKey, s.id), idleStopMinutes: 10 } });
  serverId = s.id;
}, 60_000);

afterAll(async () => {
  await agent?.dispose();
  await closeDb();
  rmSync(rtDir, { recursive: true, force: true });
});

const at = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe.sequential("idle auto-stop", () => {
  it("keeps a dev container up while a shell is open, however long", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${agent.port}/console?session=idle&cols=80&rows=24`, { headers: { authorization: `Bearer ${agent.token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    try {
      expect(await checkIdleServers(at(60), stop)).toEqual([]);
      const s = await db.server.findUniqueOrThrow({ where: { id: serverId } });
      expect(s.lastActivityAt!.getTime()).toBeGreaterThan(at(59).getTime());
    } finally {
      ws.close();
    }
  });

  it("a workspace edit counts as activity; without any, the container stops after the limit, not before", async () => {
    await db.server.update({ where: { id: serverId }, data: { lastActivityAt: new Date(Date.now() - 30 * 60_000) } });
    // An edit "8 minutes from now" on the driven clock: the agent's own start is then older than it.
    const file = path.join(agent.root, "home/dev/workspace/notes.md");
    writeFileSync(file, "edited");
    utimesSync(file, at(8), at(8));
    const seen = async () => ((await (await agent.fetch("/status")).json()) as { activity: { newestFileChangeAt: string | null } }).activity.newestFileChangeAt;
    await until("the agent to see the edit", async () => {
      const t = await seen();
      return t !== null && new Date(t) > at(7);
    }, 45_000, 1000);
    // 12 minutes on: the agent started 12 minutes ago, but the edit was 4 minutes ago.
    expect(await checkIdleServers(at(12), stop)).toEqual([]);
    // 19 minutes on: 11 minutes without anything: stopped once, recorded and notified.
    expect(await checkIdleServers(at(19), stop)).toEqual([serverId]);
    expect(stopped).toEqual([serverId]);
    const s = await db.server.findUniqueOrThrow({ where: { id: serverId } });
    expect(s.autoStoppedAt).not.toBeNull();
    const ev = await db.serverEvent.findFirst({ where: { serverId, message: { contains: "Auto-stopped after 10 minutes" } } });
    expect(ev).not.toBeNull();
    const note = await db.notification.findFirst({ where: { serverId, kind: "auto_stop" } });
    expect(note?.title).toMatch(/stopped while idle/);
    // Stopped servers are not looked at again.
    expect(await checkIdleServers(at(30), stop)).toEqual([]);
  }, 90_000);
});
