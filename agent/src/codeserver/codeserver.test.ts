import { existsSync, readFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { freePort, startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { CODE_SERVER_NODE_VERSION, CODE_SERVER_VERSIONS } from "../../../scripts/artifacts/builders/code-server";
import type { CodeServerStatus } from "../contract/codeserver";
import { cleanupTemp, postJson, publishRuntime } from "../../test/helpers";

/**
 * The real code-server, installed from the artifact built by scripts/build-code-server.ts (CI builds
 * it first; it is cached under ~/.cache/zeroLagHub). Skipped only when that artifact is missing.
 */
const version = CODE_SERVER_VERSIONS[0];
const cacheDir = process.env.ZLH_CACHE_DIR ?? path.join(os.homedir(), ".cache", "zeroLagHub");
const tarball = path.join(cacheDir, "code-server", version, `code-server-${version}-linux-x64.tar.gz`);
const built = (() => {
  try {
    const meta = JSON.parse(readFileSync(path.join(cacheDir, "code-server", version, "build.json"), "utf8")) as { node?: string };
    return existsSync(tarball) && meta.node === CODE_SERVER_NODE_VERSION;
  } catch {
    return false;
  }
})();
if (!built) {
  console.warn(`code-server tests SKIPPED: no built artifact at ${tarball}. Build it first: npx tsx scripts/build-code-server.ts`);
}

/** Processes whose command line mentions `needle` (our temp root makes it unique to this test). */
function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes(needle)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** Processes in process group `pgid`, with their state and command (for a clear failure message). */
function groupMembers(pgid: number): string[] {
  const out: string[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) out.push(`${name} ${fields[0]} ${stat.slice(stat.indexOf("("), stat.lastIndexOf(")") + 1)}`);
    } catch {
      // gone
    }
  }
  return out;
}

async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!built)("code-server addon (real code-server through the agent)", () => {
  let artifacts: TestArtifactServer;
  let agent: AgentProcess;
  let port: number;
  let installDir: string;

  const status = async () => ((await (await agent.fetch("/status")).json()) as { codeServer: CodeServerStatus }).codeServer;
  const action = async (a: "start" | "stop" | "restart") => {
    const r = await agent.fetch(`/dev/codeserver/${a}`, { method: "POST" });
    const body = (await r.json()) as CodeServerStatus & { error?: string };
    if (r.status !== 200) throw new Error(`${a}: ${r.status} ${body.error}`);
    return body;
  };

  beforeAll(async () => {
    artifacts = await startTestArtifactServer();
    await artifacts.publishFile(tarball, {
      kind: "service",
      name: "code-server",
      version,
      bin: ["bin"],
      verify: { command: "bin/code-server", args: ["--version"], expect: version },
    });
    port = await freePort();
    agent = await startAgentProcess({
      artifactsUrl: artifacts.url,
      catalogPublicKey: artifacts.publicKey,
      extraArgs: ["--code-server-port", String(port), "--code-server-host", "127.0.0.1"],
    });
    installDir = path.join(agent.root, "opt/zlh/services/code-server");
  }, 120_000);

  afterAll(async () => {
    // Safety net: nothing of this test's code-server may outlive it.
    if (installDir) for (const pid of processesMentioning(installDir)) try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
    await agent?.dispose();
    await artifacts?.close();
    cleanupTemp();
  }, 60_000);

  it("reports not installed, not running before the first start", async () => {
    expect(await status()).toMatchObject({ installed: false, running: false, pid: null, port, healthy: false, version: null });
  });

  it("installs from the artifact server and starts; healthy over HTTP and its WebSocket", async () => {
    const s = await action("start");
    expect(s).toMatchObject({ installed: true, running: true, healthy: true, port, version });
    expect(s.pid).toBeGreaterThan(0);
    expect(existsSync(path.join(installDir, "bin/code-server"))).toBe(true);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toHaveProperty("status");
    // The workbench page (it redirects to the folder first).
    const page = await fetch(`http://127.0.0.1:${port}/`, { redirect: "follow" });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/workbench|vscode/i);

    // The management WebSocket the workbench opens (origin must match the host).
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/?type=Management&reconnectionToken=${crypto.randomUUID()}&reconnection=false&skipWebSocketFrames=false`,
      { headers: { origin: `http://127.0.0.1:${port}` } },
    );
    const code = await new Promise<number>((resolve, reject) => {
      ws.once("upgrade", (res) => resolve(res.statusCode ?? 0));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", reject);
    });
    expect(code).toBe(101);
    ws.terminate();
  }, 240_000);

  it("runs detached in its own process group, with a second start a no-op", async () => {
    const before = await status();
    const stat = readFileSync(`/proc/${before.pid}/stat`, "utf8");
    const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    expect(pgid).toBe(before.pid);
    const again = await action("start");
    expect(again.pid).toBe(before.pid);
  }, 120_000);

  it("is adopted by a restarted agent (same pid, no second code-server)", async () => {
    const before = await status();
    const processesBefore = processesMentioning(installDir).length;
    await agent.restart();
    const after = await status();
    expect(after).toMatchObject({ running: true, pid: before.pid, healthy: true });
    expect(agent.logs.some((l) => l.includes("adopted a running code-server"))).toBe(true);
    const started = await action("start");
    expect(started.pid).toBe(before.pid);
    expect(processesMentioning(installDir).length).toBe(processesBefore);
  }, 120_000);

  it("restarts with a new pid, then stops with no process left behind", async () => {
    const before = await status();
    const restarted = await action("restart");
    expect(restarted).toMatchObject({ running: true, healthy: true });
    expect(restarted.pid).not.toBe(before.pid);

    const stopped = await action("stop");
    expect(stopped).toMatchObject({ running: false, pid: null, healthy: false, installed: true });
    await until(() => processesMentioning(installDir).length === 0, "every code-server process to exit", 30_000);
    // Nothing is left in its process group either (zombies included: /proc lists them).
    await until(() => groupMembers(restarted.pid!).length === 0, `its process group to be empty: ${JSON.stringify(groupMembers(restarted.pid!))}`, 30_000);
    const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => "answered",
      () => "refused",
    );
    expect(refused).toBe("refused");
  }, 120_000);

  it("is installed and started by provisioning a dev container with enableCodeServer", async () => {
    await publishRuntime(artifacts, "node", "22.1.0");
    const r = await postJson(agent, "/provision", { kind: "dev", runtime: { name: "node" }, enableCodeServer: true });
    expect(r.status).toBe(202);
    const done = await until(async () => {
      const s = (await (await agent.fetch("/status")).json()) as { state: string; error?: string; codeServer: CodeServerStatus };
      if (s.state === "error") throw new Error(`provisioning failed: ${s.error}`);
      return s.state === "ready" ? s : undefined;
    }, "provisioning to finish", 180_000);
    expect(done.codeServer).toMatchObject({ installed: true, running: true, healthy: true, version });
    await action("stop");
    await until(() => processesMentioning(installDir).length === 0, "every code-server process to exit", 30_000);
  }, 240_000);
});
