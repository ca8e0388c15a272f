import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../test/support/artifact-server";
import { agentStatusSchema, runtimeInstallResponseSchema, runtimesListResponseSchema } from "../src/contract";
import { cleanupTemp, hostileTarball, installLocks, postJson, publishRuntime, runtimeFolder, stallDownloads, subscribe, waitFor, type RawMember } from "./helpers";

let srv: TestArtifactServer;
let agent: AgentProcess;

beforeAll(async () => {
  srv = await startTestArtifactServer();
  agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey });
});
afterAll(async () => {
  await agent?.dispose();
  await srv?.close();
  cleanupTemp();
});

const install = (body: unknown) => postJson(agent, "/runtimes/install", body);
const rtPath = (...p: string[]) => path.join(agent.root, "opt/zlh/runtimes", ...p);
const runBin = (name: string) => execFileSync(rtPath(name, "current", "bin", name)).toString().trim();

/** A failed install leaves the runtime's folder as it was and no install lock. */
async function expectNothingLeft(name: string, before: string[] = []) {
  expect(runtimeFolder(agent, name)).toEqual(before);
  expect(installLocks(agent)).toEqual([]);
}

async function publishHostile(name: string, members: RawMember[]) {
  return srv.publishFile(hostileTarball(members), { kind: "runtime", name, version: "1.0.0", bin: ["bin"] });
}

describe("runtime installs", () => {
  it("installs from the artifact server with progress, on PATH of the profile, counted in metrics", async () => {
    const entry = await publishRuntime(srv, "alpha", "1.0.0");
    const sub = await subscribe(agent);
    try {
      const r = await install({ name: "alpha" });
      expect(r.status).toBe(200);
      const body = runtimeInstallResponseSchema.parse(await r.json());
      expect(body).toEqual({ runtime: { name: "alpha", version: "1.0.0", current: true, path: "/opt/zlh/runtimes/alpha/1.0.0" }, installed: true });
      const progress = await waitFor(
        () => sub.events.some((e) => e.type === "progress" && e.phase === "verify") && sub.events.filter((e) => e.type === "progress" && e.step === "runtime:alpha"),
        "progress events",
      );
      const downloads = progress.filter((e) => e.type === "progress" && e.phase === "download");
      expect(downloads.at(-1)).toMatchObject({ bytesDone: entry.size, bytesTotal: entry.size });
      expect(progress.map((e) => e.type === "progress" && e.phase)).toEqual(expect.arrayContaining(["download", "extract", "verify"]));
    } finally {
      sub.close();
    }
    expect(runBin("alpha")).toBe("alpha v1.0.0");
    expect(readlinkSync(rtPath("alpha", "current"))).toBe("1.0.0");
    expect(runtimeFolder(agent, "alpha")).toEqual(["1.0.0", "current"]);
    const profile = readFileSync(path.join(agent.root, "home/dev/.zlh_profile"), "utf8");
    expect(profile).toContain(`${rtPath("alpha", "current", "bin")}:`);
    const list = runtimesListResponseSchema.parse(await (await agent.fetch("/runtimes")).json());
    expect(list.runtimes).toContainEqual({ name: "alpha", version: "1.0.0", current: true, path: "/opt/zlh/runtimes/alpha/1.0.0" });
    const status = agentStatusSchema.parse(await (await agent.fetch("/status")).json());
    expect(status.catalogVerified).toBe(true);
    expect(status.runtimes.map((r) => r.name)).toContain("alpha");
    const metrics = await (await agent.fetch("/metrics")).text();
    expect(metrics).toMatch(/zlh_agent_installs_total\{kind="runtime",result="ok"\} [1-9]/);
    expect(metrics).toMatch(/zlh_agent_download_bytes_total [1-9]/);
  });

  it("installing the same version again only re-verifies", async () => {
    const r = await install({ name: "alpha", version: "1.0.0" });
    expect(r.status).toBe(200);
    expect((await r.json()).installed).toBe(false);
  });

  it("refuses an unknown runtime or version with what exists", async () => {
    let r = await install({ name: "nosuch" });
    expect(r.status).toBe(400);
    let body = await r.json();
    expect(body.error).toMatch(/^unknown runtime "nosuch"; available: .*alpha \(1\.0\.0\)/);
    expect(body.details.available).toContainEqual({ name: "alpha", versions: ["1.0.0"] });
    r = await install({ name: "alpha", version: "9.9.9" });
    expect(r.status).toBe(400);
    body = await r.json();
    expect(body.error).toBe('unknown version 9.9.9 of runtime "alpha"; available: alpha (1.0.0)');
  });

  it("refuses a download whose sha256 does not match and leaves nothing", async () => {
    await publishRuntime(srv, "beta", "1.0.0");
    const cat = srv.catalog();
    const e = cat.artifacts.find((a) => a.name === "beta")!;
    e.sha256 = "0".repeat(64);
    srv.writeCatalog(cat);
    const r = await install({ name: "beta" });
    expect(r.status).toBe(502);
    expect((await r.json()).error).toMatch(/sha256 mismatch/);
    await expectNothingLeft("beta");
  });

  it("refuses a truncated download and leaves nothing", async () => {
    await publishRuntime(srv, "gamma", "1.0.0");
    srv.intercept = (req, res) => {
      if (!req.url?.includes("/gamma/")) return false;
      const file = path.join(srv.dir, new URL(req.url, "http://x").pathname);
      const data = readFileSync(file);
      res.writeHead(200, { "content-length": data.length });
      res.write(data.subarray(0, Math.floor(data.length / 2)), () => res.destroy());
      return true;
    };
    try {
      const r = await install({ name: "gamma" });
      expect(r.status).toBe(502);
      expect((await r.json()).error).toMatch(/download failed|truncated/);
    } finally {
      srv.intercept = undefined;
    }
    await expectNothingLeft("gamma");
  });

  it("refuses a download that is shorter than the catalog says (honest content-length)", async () => {
    const entry = await publishRuntime(srv, "gamma2", "1.0.0");
    srv.intercept = (req, res) => {
      if (!req.url?.includes("/gamma2/")) return false;
      const data = readFileSync(path.join(srv.dir, entry.url)).subarray(0, 100);
      res.writeHead(200, { "content-length": data.length }).end(data);
      return true;
    };
    try {
      const r = await install({ name: "gamma2" });
      expect(r.status).toBe(502);
      expect((await r.json()).error).toMatch(/size mismatch/);
    } finally {
      srv.intercept = undefined;
    }
    await expectNothingLeft("gamma2");
  });

  it("refuses a tar-slip archive (../evil) and writes nothing outside", async () => {
    await publishHostile("slip", [{ name: "bin", type: "dir" }, { name: "bin/ok", data: "ok" }, { name: "../evil", data: "pwned" }, { name: "../../evil2", data: "pwned" }]);
    const r = await install({ name: "slip" });
    expect(r.status).toBe(502);
    expect((await r.json()).error).toMatch(/archive rejected: entry "\.\.\/evil" escapes the target/);
    await expectNothingLeft("slip");
    expect(existsSync(rtPath("evil"))).toBe(false);
    expect(existsSync(rtPath("slip", "evil"))).toBe(false);
    expect(existsSync(path.join(agent.root, "opt/zlh/evil2"))).toBe(false);
  });

  it("refuses an absolute member name", async () => {
    await publishHostile("abs", [{ name: "/tmp/zlh-absolute-evil", data: "pwned" }]);
    const r = await install({ name: "abs" });
    expect(r.status).toBe(502);
    expect((await r.json()).error).toMatch(/escapes the target/);
    expect(existsSync("/tmp/zlh-absolute-evil")).toBe(false);
    await expectNothingLeft("abs");
  });

  it("refuses a symlink pointing out, and a file written through it", async () => {
    await publishHostile("symesc", [
      { name: "bin", type: "dir" },
      { name: "bin/out", type: "symlink", linkname: "../../../../../../../../tmp" },
      { name: "bin/out/zlh-symlink-evil", data: "pwned" },
    ]);
    const r = await install({ name: "symesc" });
    expect(r.status).toBe(502);
    expect((await r.json()).error).toMatch(/symlink "bin\/out" points outside the target/);
    expect(existsSync("/tmp/zlh-symlink-evil")).toBe(false);
    await expectNothingLeft("symesc");
  });

  it("refuses a symlink chain that only escapes on disk (a -> ., b -> a/../x)", async () => {
    await publishHostile("chain", [
      { name: "bin", type: "dir" },
      { name: "bin/a", type: "symlink", linkname: ".." },
      { name: "bin/b", type: "symlink", linkname: "a/../x" },
    ]);
    const r = await install({ name: "chain" });
    expect(r.status).toBe(502);
    expect((await r.json()).error).toMatch(/symlink "bin\/b" points outside the target/);
    await expectNothingLeft("chain");
  });

  it("runs two concurrent installs of the same runtime once", async () => {
    await publishRuntime(srv, "delta", "1.0.0");
    // Published up front: the test server rewrites catalog.json and its .sig one after the other.
    await publishRuntime(srv, "delta", "1.1.0", { channels: ["beta"] });
    const stall = stallDownloads(srv, "/delta/");
    const before = srv.requests.filter((r) => r.includes("/delta/")).length;
    const a = install({ name: "delta" });
    await waitFor(() => stall.held.length === 1, "the first download to start");
    const b = install({ name: "delta" });
    // A different version of the same runtime meanwhile is refused.
    const c = await install({ name: "delta", version: "1.1.0" });
    expect(c.status).toBe(409);
    stall.release();
    const [ra, rb] = await Promise.all([a, b]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect((await ra.json()).runtime).toEqual((await rb.json()).runtime);
    expect(srv.requests.filter((r) => r.includes("/delta/")).length - before).toBe(1);
    expect(runtimeFolder(agent, "delta")).toEqual(["1.0.0", "current"]);
    expect(runBin("delta")).toBe("delta v1.0.0");
  });

  it("upgrades keeping the previous version, rolls back, and refuses a version that fails verification", async () => {
    await publishRuntime(srv, "eps", "1.0.0");
    expect((await install({ name: "eps" })).status).toBe(200);
    await publishRuntime(srv, "eps", "2.0.0");
    const up = await install({ name: "eps" });
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ runtime: { version: "2.0.0", current: true }, installed: true, previous: "1.0.0" });
    expect(runBin("eps")).toBe("eps v2.0.0");
    expect(runtimeFolder(agent, "eps")).toEqual(["1.0.0", "2.0.0", "current", "previous"]);

    // 3.0.0 reports the wrong version: refused, 2.0.0 stays current and working.
    await publishRuntime(srv, "eps", "3.0.0", { prints: "eps v2.9.9" });
    const bad = await install({ name: "eps" });
    expect(bad.status).toBe(502);
    expect((await bad.json()).error).toMatch(/eps@3\.0\.0 failed verification/);
    expect(runBin("eps")).toBe("eps v2.0.0");
    expect(runtimeFolder(agent, "eps")).toEqual(["1.0.0", "2.0.0", "current", "previous"]);

    const rb = await postJson(agent, "/runtimes/rollback", { name: "eps" });
    expect(rb.status).toBe(200);
    expect(await rb.json()).toEqual({ runtime: { name: "eps", version: "1.0.0", current: true, path: "/opt/zlh/runtimes/eps/1.0.0" }, previous: "2.0.0" });
    expect(runBin("eps")).toBe("eps v1.0.0");
    expect(readFileSync(path.join(agent.root, "home/dev/.zlh_profile"), "utf8")).toContain("export ZLH_RUNTIME_EPS='1.0.0'");
  });

  it("removes a version, refusing the current one unless forced", async () => {
    expect((await agent.fetch("/runtimes/eps/1.0.0", { method: "DELETE" })).status).toBe(409);
    expect((await agent.fetch("/runtimes/eps/9.9.9", { method: "DELETE" })).status).toBe(404);
    expect((await agent.fetch("/runtimes/eps/2.0.0", { method: "DELETE" })).status).toBe(200);
    expect(runtimeFolder(agent, "eps")).toEqual(["1.0.0", "current"]);
    expect((await postJson(agent, "/runtimes/rollback", { name: "eps" })).status).toBe(409);
    expect((await agent.fetch("/runtimes/eps/1.0.0?force=1", { method: "DELETE" })).status).toBe(200);
    expect(runtimeFolder(agent, "eps")).toEqual([]);
    expect(readFileSync(path.join(agent.root, "home/dev/.zlh_profile"), "utf8")).not.toContain("eps");
  });
});
