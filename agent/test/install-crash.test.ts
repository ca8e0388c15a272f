import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../test/support/artifact-server";
import { cleanupTemp, installLocks, postJson, publishRuntime, runtimeFolder, stallDownloads, waitFor } from "./helpers";

let srv: TestArtifactServer;
let agent: AgentProcess | undefined;

beforeAll(async () => {
  srv = await startTestArtifactServer();
  await publishRuntime(srv, "zeta", "1.0.0");
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

/** Waits until the stalled install has extracted something into its temp dir. */
async function midInstall(a: AgentProcess) {
  await waitFor(() => runtimeFolder(a, "zeta").some((n) => n.startsWith(".zlh-tmp-")), "the install's temp dir");
  await waitFor(() => installLocks(a).length === 1, "the install lock");
}

describe("interrupted installs", () => {
  it("after SIGKILL mid-download, a restarted agent has no half-installed runtime and the retry works", async () => {
    agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey });
    const stall = stallDownloads(srv, "/zeta/", 4096);
    const pending = postJson(agent, "/runtimes/install", { name: "zeta" }).catch(() => null);
    await midInstall(agent);
    await agent.kill();
    await pending;
    stall.abandon();
    expect(runtimeFolder(agent, "zeta").some((n) => n.startsWith(".zlh-tmp-"))).toBe(true); // what the kill left

    await agent.restart();
    expect(runtimeFolder(agent, "zeta")).toEqual([]);
    expect(installLocks(agent)).toEqual([]);
    expect((await (await agent.fetch("/runtimes")).json()).runtimes).toEqual([]);

    const r = await postJson(agent, "/runtimes/install", { name: "zeta" });
    expect(r.status).toBe(200);
    expect(runtimeFolder(agent, "zeta")).toEqual(["1.0.0", "current"]);
    expect(execFileSync(path.join(agent.root, "opt/zlh/runtimes/zeta/current/bin/zeta")).toString().trim()).toBe("zeta v1.0.0");
  });

  it("SIGTERM mid-download aborts the install, removes its temp files and exits cleanly", async () => {
    agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey });
    const stall = stallDownloads(srv, "/zeta/", 4096);
    const pending = postJson(agent, "/runtimes/install", { name: "zeta" }).then((r) => r.status, () => "closed");
    await midInstall(agent);
    await agent.stop("SIGTERM");
    stall.abandon();
    expect(["closed", 503]).toContain(await pending);
    expect(runtimeFolder(agent, "zeta")).toEqual([]);
    expect(installLocks(agent)).toEqual([]);
    expect(agent.logs.some((l) => l.includes('"msg":"agent stopped"'))).toBe(true);
  });
});
