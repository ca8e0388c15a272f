import { existsSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
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

/** Inodes of the TCP sockets in LISTEN state (all of this network namespace). */
function listeningTcpInodes(): Set<string> {
  const out = new Set<string>();
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(f, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A") out.add(cols[9]!);
    }
  }
  return out;
}

/** Whether any of these processes holds a listening TCP socket. */
function listensOnTcp(pids: number[]): boolean {
  const listening = listeningTcpInodes();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && listening.has(m[1]!)) return true;
      } catch {
        // closed meanwhile
      }
    }
  }
  return false;
}

/** GET over a Unix socket (code-server's own, as only the agent may use it). */
function getOverSocket(socketPath: string, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path: p, headers: { host: "localhost" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on("error", reject);
  });
}

/** Opens the agent's code-server tunnel and returns the socket after its 101 (or the status it got). */
async function openTunnel(agent: AgentProcess, token: string): Promise<{ status: number; socket: net.Socket }> {
  const socket = net.connect(agent.port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  socket.write(`GET /tunnel/code-server HTTP/1.1\r\nHost: agent\r\nAuthorization: Bearer ${token}\r\nConnection: Upgrade\r\nUpgrade: zlh-tunnel\r\n\r\n`);
  const head = await new Promise<string>((resolve) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("latin1");
      if (buf.includes("\r\n\r\n")) {
        socket.off("data", onData);
        resolve(buf);
      }
    };
    socket.on("data", onData);
  });
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), socket };
}

/** One HTTP exchange written by hand on a tunnel: the status line and head of the answer. */
function exchange(socket: net.Socket, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("latin1");
      const end = buf.indexOf("\r\n\r\n");
      if (end >= 0) {
        socket.off("data", onData);
        resolve(buf.slice(0, end));
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.write(request);
  });
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
  let installDir: string;
  let socketPath: string;

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
    agent = await startAgentProcess({ artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey });
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
    const s = await status();
    expect(s).toMatchObject({ installed: false, running: false, pid: null, healthy: false, version: null });
    socketPath = s.socket;
    expect(socketPath.startsWith("/")).toBe(true);
  });

  it("installs from the artifact server and starts on a Unix socket only, reached through the agent's tunnel", async () => {
    const s = await action("start");
    expect(s).toMatchObject({ installed: true, running: true, healthy: true, socket: socketPath, version });
    expect(s.pid).toBeGreaterThan(0);
    expect(existsSync(path.join(installDir, "bin/code-server"))).toBe(true);
    expect(await getOverSocket(socketPath, "/healthz")).toBe(200);
    // No TCP port at all: nothing on any interface reaches it without the agent.
    expect(listensOnTcp(processesMentioning(installDir))).toBe(false);

    // The tunnel needs the bearer token.
    const refused = await openTunnel(agent, "not-the-token");
    expect(refused.status).toBe(401);
    refused.socket.destroy();

    // Through the tunnel: plain HTTP requests, then the management WebSocket the workbench opens
    // (its origin check wants the browser's Host kept).
    const t = await openTunnel(agent, agent.token);
    expect(t.status).toBe(101);
    expect(await exchange(t.socket, "GET /healthz HTTP/1.1\r\nHost: dev-6000.localhost\r\n\r\n")).toMatch(/^HTTP\/1\.1 200/);
    const page = await exchange(t.socket, "GET / HTTP/1.1\r\nHost: dev-6000.localhost\r\n\r\n");
    expect(page).toMatch(/^HTTP\/1\.1 (200|302)/);
    t.socket.destroy();
    const w = await openTunnel(agent, agent.token);
    const upgrade = await exchange(
      w.socket,
      `GET /?type=Management&reconnectionToken=${crypto.randomUUID()}&reconnection=false&skipWebSocketFrames=false HTTP/1.1\r\nHost: dev-6000.localhost\r\nOrigin: http://dev-6000.localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 101/);
    w.socket.destroy();
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
    await expect(getOverSocket(socketPath, "/healthz")).rejects.toThrow();
    // The tunnel says so with a status the portal turns into its "not answering" page.
    const t = await openTunnel(agent, agent.token);
    expect(t.status).toBe(503);
    t.socket.destroy();
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
  }, 240_000);

  it("comes back when a stopped container starts again (the agent boots with provisioning complete)", async () => {
    // A container stop ends every process in it: the agent and code-server alike.
    await agent.kill();
    for (const pid of processesMentioning(installDir)) process.kill(pid, "SIGKILL");
    await until(() => processesMentioning(installDir).length === 0, "code-server to be gone", 30_000);
    await agent.restart();
    const back = await until(async () => {
      const s = await status();
      return s.running && s.healthy ? s : undefined;
    }, "code-server to come back", 120_000);
    expect(back.socket).toBe(socketPath);
    // The portal's second POST /provision with the same payload is still a no-op.
    const again = await postJson(agent, "/provision", { kind: "dev", runtime: { name: "node" }, enableCodeServer: true });
    expect(again.status).toBe(200);
    await action("stop");
    await until(() => processesMentioning(installDir).length === 0, "every code-server process to exit", 30_000);
  }, 240_000);
});
