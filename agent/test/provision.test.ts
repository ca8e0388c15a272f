import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../test/support/artifact-server";
import { agentStatusSchema, type AgentStatus } from "../src/contract";
import { cleanupTemp, postJson, publishRuntime, stallDownloads, subscribe, waitFor } from "./helpers";

let srv: TestArtifactServer;
let agent: AgentProcess | undefined;

beforeAll(async () => {
  srv = await startTestArtifactServer();
  await publishRuntime(srv, "node", "22.1.0");
  await publishRuntime(srv, "python", "3.12.0");
});
afterEach(async () => {
  srv.intercept = undefined;
  await agent?.dispose();
  agent = undefined;
});
afterAll(async () => {
  await srv?.close();
  cleanupTemp();
});

const dev = (name = "node") => ({ kind: "dev", runtime: { name } });
const status = async (a: AgentProcess): Promise<AgentStatus> => agentStatusSchema.parse(await (await a.fetch("/status")).json());
const settled = (a: AgentProcess) => waitFor(async () => {
  const s = await status(a);
  return s.state === "ready" || s.state === "error" ? s : undefined;
}, "provisioning to settle");

describe("POST /provision", () => {
  it("provisions a dev container: ready, provisioningComplete, the runtime on PATH in the profile", async () => {
    agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey });
    const sub = await subscribe(agent);
    const r = await postJson(agent, "/provision", dev());
    expect(r.status).toBe(202);
    expect(agentStatusSchema.parse(await r.json()).state).toBe("provisioning");
    const s = await settled(agent);
    sub.close();
    expect(s).toMatchObject({ state: "ready", provisioningComplete: true, kind: "dev", catalogVerified: true, progress: { step: "done", phase: "done" } });
    expect(s.runtimes).toEqual([{ name: "node", version: "22.1.0", current: true, path: "/opt/zlh/runtimes/node/22.1.0" }]);

    const home = path.join(agent.root, "home/dev");
    const bin = path.join(agent.root, "opt/zlh/runtimes/node/current/bin");
    expect(statSync(path.join(home, "workspace")).isDirectory()).toBe(true);
    expect(readFileSync(path.join(home, ".zlh_profile"), "utf8")).toContain(`export PATH='${bin}:/usr/local/sbin:`);
    // Login and interactive shells both get the runtime on PATH.
    const env = { HOME: home, PATH: "/usr/bin:/bin", TERM: "dumb" } as unknown as NodeJS.ProcessEnv;
    expect(execFileSync("bash", ["-lc", "node --version"], { env }).toString().trim()).toBe("node v22.1.0");
    expect(execFileSync("bash", ["-ic", "command -v node"], { env, stdio: ["ignore", "pipe", "ignore"] }).toString().trim()).toBe(path.join(bin, "node"));

    const steps = sub.events.filter((e) => e.type === "progress").map((e) => e.type === "progress" && `${e.step}:${e.phase}`);
    expect(steps).toEqual(expect.arrayContaining(["devenv:configure", "runtime:download", "runtime:verify", "done:done"]));
    expect(sub.events.filter((e) => e.type === "state").map((e) => e.type === "state" && e.state)).toEqual(["ready", "provisioning", "ready"]);

    // Same payload again: a no-op; the profile is not rewritten.
    const before = statSync(path.join(home, ".zlh_profile")).mtimeMs;
    const again = await postJson(agent, "/provision", { runtime: { name: "node" }, kind: "dev", enableCodeServer: false });
    expect(again.status).toBe(200);
    expect(statSync(path.join(home, ".zlh_profile")).mtimeMs).toBe(before);

    // A restarted agent knows it was provisioned.
    await agent.restart();
    expect(await status(agent)).toMatchObject({ state: "ready", provisioningComplete: true, kind: "dev" });
    expect((await (await agent.fetch("/metrics")).text())).toContain("zlh_agent_provisioning_complete 1");
  });

  it("refuses a different payload while one runs (409), answers the same one with its state, and replays progress to new subscribers", async () => {
    agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey });
    const stall = stallDownloads(srv, "/node/", 8192);
    expect((await postJson(agent, "/provision", dev())).status).toBe(202);
    await waitFor(() => stall.held.length === 1, "the runtime download");
    await waitFor(async () => (await status(agent!)).progress?.phase === "download", "download progress in /status");
    const s = await status(agent);
    expect(s.state).toBe("provisioning");
    expect(s.progress).toMatchObject({ step: "runtime", phase: "download", bytesTotal: expect.any(Number) });

    const sub = await subscribe(agent);
    await waitFor(() => sub.events.length >= 2, "the replayed events");
    expect(sub.events[0]).toMatchObject({ type: "state", state: "provisioning", provisioningComplete: false });
    expect(sub.events[1]).toMatchObject({ type: "progress", step: "runtime", phase: "download" });
    sub.close();

    const other = await postJson(agent, "/provision", dev("python"));
    expect(other.status).toBe(409);
    const same = await postJson(agent, "/provision", dev());
    expect(same.status).toBe(200);
    expect((await same.json()).state).toBe("provisioning");
    stall.release();
    expect(await settled(agent)).toMatchObject({ state: "ready", provisioningComplete: true });
  });

  it("reports a failure as state error with the reason; POST /provision again retries", async () => {
    agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey });
    srv.intercept = (req, res) => {
      if (!req.url?.includes("/python/")) return false;
      res.writeHead(500).end("boom");
      return true;
    };
    expect((await postJson(agent, "/provision", dev("python"))).status).toBe(202);
    const failed = await settled(agent);
    expect(failed).toMatchObject({ state: "error", provisioningComplete: false, progress: { step: "runtime", phase: "failed" } });
    expect(failed.error).toBe("runtime: artifact download failed: HTTP 500");

    // The failure survives a restart (no automatic retry loop) ...
    await agent.restart();
    expect(await status(agent)).toMatchObject({ state: "error", error: "runtime: artifact download failed: HTTP 500" });

    // ... and the same payload again retries.
    srv.intercept = undefined;
    expect((await postJson(agent, "/provision", dev("python"))).status).toBe(202);
    expect(await settled(agent)).toMatchObject({ state: "ready", provisioningComplete: true, runtimes: [{ name: "python", version: "3.12.0", current: true }] });
  });

  it("resumes a run interrupted by a crash when the agent starts again", async () => {
    agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey });
    const stall = stallDownloads(srv, "/node/", 8192);
    expect((await postJson(agent, "/provision", dev())).status).toBe(202);
    await waitFor(() => stall.held.length === 1, "the runtime download");
    await agent.kill();
    stall.abandon();
    await agent.restart();
    expect(await settled(agent)).toMatchObject({ state: "ready", provisioningComplete: true, kind: "dev" });
  });

  it("refuses a catalog whose signature does not match the configured key", async () => {
    agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: (await startTestArtifactServer().then(async (o) => (await o.close(), o.publicKey))) });
    const r = await postJson(agent, "/runtimes/install", { name: "node" });
    expect(r.status).toBe(502);
    expect((await r.json()).error).toBe("catalog signature invalid");
    expect((await status(agent)).catalogVerified).toBe(false);
  });

  it("accepts an unsigned catalog when no key is configured, reporting it unverified", async () => {
    agent = await startAgentProcess({ artifactsUrl: srv.url });
    expect((await postJson(agent, "/runtimes/install", { name: "node" })).status).toBe(200);
    expect((await status(agent)).catalogVerified).toBe(false);
    expect(agent.logs.some((l) => l.includes("no catalog public key configured"))).toBe(true);
  });
});
