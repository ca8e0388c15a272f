import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { useTestDatabase } from "../../../test/db";
import { startHarness, until, type Harness } from "../../../test/provisioning/harness";
import { db } from "../db/client";
import { startJobs, stopJobs } from "./jobs";
import { reconcileContainers } from "./reconciler";
import { provisioningRuntime, setProvisioningRuntime } from "./runtime";

useTestDatabase();

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
}, 120_000);

type Caller = Awaited<ReturnType<Harness["user"]>>["caller"];
const ready = (caller: Caller, serverId: string) =>
  until(`server ${serverId} ready`, async () => {
    const s = await caller.servers.status({ serverId });
    if (s.server.status === "error") throw new Error(`provisioning failed: ${s.server.lastError}`);
    return s.server.status === "running" && s.agent?.provisioningComplete ? s : null;
  });

describe.sequential(`servers router with the ${process.env.ZLH_PROVIDER ?? "default"} provider`, () => {
  let owner: Awaited<ReturnType<Harness["user"]>>;
  let serverId: string;
  let vmid: number;

  it("creates a dev server that reaches provisioningComplete, isolated, with a timeline", async () => {
    owner = await h.user();
    const cat = await owner.caller.servers.runtimeCatalog();
    expect(cat.runtimes.map((r) => r.name)).toContain("node");
    const created = await owner.caller.servers.create({ kind: "dev", name: "my dev box", runtimeId: "node", enableCodeServer: false });
    expect(created).not.toHaveProperty("agentTokenEnc");
    expect(created.status).toBe("provisioning");
    expect(created.vmid).toBeGreaterThanOrEqual(6000);
    serverId = created.id;
    vmid = created.vmid;
    const s = await ready(owner.caller, serverId);
    expect(s.agent!.runtimes.map((r) => `${r.name}@${r.version}`)).toContain("node@20.20.2");
    expect(s.server.runtimeVersion).toBe("20.20.2");
    expect(s.isolated).toBe(s.server.isolated);
    if (provisioningRuntime().provider.name === "lxc") {
      expect(s.isolated).toBe(true);
      expect(s.server.agentUrl).toMatch(/^unix:\//);
    }
    // code-server has no address of its own: it is reached through the agent's tunnel only.
    expect(s.server).not.toHaveProperty("codeServerUrl");
    const events = await owner.caller.servers.events({ serverId });
    const done = events.filter((e) => e.type === "step" && e.status === "done").map((e) => (e.data as { step: string }).step);
    expect(done).toEqual(["container", "agent", "provision", "ssh-keys"]);
    expect(events.at(-1)).toMatchObject({ type: "job", status: "done", message: "Server is ready" });
    expect(await owner.caller.servers.list()).toHaveLength(1);
    // The token is stored encrypted only.
    const row = await db.server.findUniqueOrThrow({ where: { id: serverId } });
    expect(row.agentTokenEnc).toMatch(/^v1\./);
  });

  it("refuses a second user on every procedure", async () => {
    const other = await h.user();
    const input = { serverId };
    const calls: [string, () => Promise<unknown>][] = [
      ["get", () => other.caller.servers.get(input)],
      ["status", () => other.caller.servers.status(input)],
      ["events", () => other.caller.servers.events(input)],
      ["start", () => other.caller.servers.start(input)],
      ["stop", () => other.caller.servers.stop(input)],
      ["restart", () => other.caller.servers.restart(input)],
      ["kill", () => other.caller.servers.kill(input)],
      ["game", () => other.caller.servers.game({ ...input, action: "stop" })],
      ["delete", () => other.caller.servers.delete(input)],
    ];
    for (const [name, call] of calls) {
      const err = await call().then(() => null, (e: unknown) => e);
      expect(err, name).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code, name).toBe("NOT_FOUND");
    }
    expect(await other.caller.servers.list()).toEqual([]);
    expect((await db.server.findUniqueOrThrow({ where: { id: serverId } })).status).toBe("running");
  });

  it("adopts a running agent and restarts a dead one on reconcile", async () => {
    const first = await reconcileContainers();
    expect(first.adopted, JSON.stringify(first)).toContain(serverId);
    await h.crash(vmid);
    await until("agent gone", async () => (await provisioningRuntime().provider.state((await db.server.findUniqueOrThrow({ where: { id: serverId } })).providerRef!)) === "stopped");
    const second = await reconcileContainers();
    // What the reconcile saw, for a failure to say (once in CI it restarted nothing and reported nothing).
    const row = await db.server.findUniqueOrThrow({ where: { id: serverId } });
    expect(second.restarted, `${JSON.stringify(second)}; the row: ${row.status} ${row.lastError ?? ""}`).toContain(serverId);
    await ready(owner.caller, serverId);
  });

  it("stops (no process left), starts with a rotated token, and deletes (nothing left on disk)", async () => {
    const before = (await db.server.findUniqueOrThrow({ where: { id: serverId } })).agentTokenEnc;
    expect((await owner.caller.servers.stop({ serverId })).status).toBe("stopped");
    expect(h.provider.processesOf(vmid)).toEqual([]);
    expect((await owner.caller.servers.status({ serverId })).agent).toBeNull();
    expect((await owner.caller.servers.start({ serverId })).status).toBe("running");
    const after = (await db.server.findUniqueOrThrow({ where: { id: serverId } })).agentTokenEnc;
    expect(after).not.toBe(before);
    await ready(owner.caller, serverId);
    expect((await owner.caller.servers.restart({ serverId })).status).toBe("running");
    await owner.caller.servers.delete({ serverId });
    await until("deleted", async () => (await db.server.findUniqueOrThrow({ where: { id: serverId } })).status === "deleted");
    expect(existsSync(h.provider.dirOf(vmid))).toBe(false);
    expect(h.provider.processesOf(vmid)).toEqual([]);
    expect(await owner.caller.servers.list()).toEqual([]);
    await expect(owner.caller.servers.start({ serverId })).rejects.toThrow(/deleted/);
  });

  it("resumes a provisioning job interrupted by a portal restart", async () => {
    const u = await h.user();
    const created = await u.caller.servers.create({ kind: "dev", name: "restart me", runtimeId: "node" });
    // Stop the portal's job workers while the job is between steps (agent starting), then start them again.
    await until("agent step started", async () => (await db.serverEvent.findFirst({ where: { serverId: created.id, type: "step", status: "started", data: { path: ["step"], equals: "agent" } } })) ?? null);
    await stopJobs();
    const mid = await db.server.findUniqueOrThrow({ where: { id: created.id } });
    expect(mid.status).toBe("provisioning");
    await startJobs({ concurrency: 2 });
    const s = await ready(u.caller, created.id);
    expect(s.server.status).toBe("running");
    const events = await u.caller.servers.events({ serverId: created.id });
    expect(events.some((e) => e.type === "job" && /resumed/.test(e.message))).toBe(true);
    await u.caller.servers.delete({ serverId: created.id });
    await until("deleted", async () => (await db.server.findUniqueOrThrow({ where: { id: created.id } })).status === "deleted");
    expect(existsSync(h.provider.dirOf(created.vmid))).toBe(false);
  });

  it("fails with a clear reason and cleans up when the agent never comes up", async () => {
    const u = await h.user();
    const rt = provisioningRuntime();
    // An artifacts URL the agent refuses: it exits at start, like any agent that cannot boot.
    setProvisioningRuntime({ ...rt, artifacts: async () => ({ url: "not-a-url" }) });
    try {
      const created = await u.caller.servers.create({ kind: "dev", name: "doomed", runtimeId: "node" });
      const failed = await until("provisioning failed", async () => {
        const s = await db.server.findUniqueOrThrow({ where: { id: created.id } });
        return s.status === "error" ? s : null;
      });
      expect(failed.lastError).toMatch(/agent exited before it answered.*invalid agent configuration/s);
      expect(failed.providerRef).toBeNull();
      expect(existsSync(h.provider.dirOf(created.vmid))).toBe(false);
      expect(h.provider.processesOf(created.vmid)).toEqual([]);
      const events = await u.caller.servers.events({ serverId: created.id });
      expect(events.at(-1)).toMatchObject({ type: "job", status: "failed" });
      await u.caller.servers.delete({ serverId: created.id });
      await until("deleted", async () => (await db.server.findUniqueOrThrow({ where: { id: created.id } })).status === "deleted");
    } finally {
      setProvisioningRuntime(rt);
    }
  });
});
