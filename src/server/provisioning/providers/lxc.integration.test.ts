import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { AgentClient } from "../../agent-client";
import { startTestArtifactServer, type TestArtifactServer } from "../../../../test/support/artifact-server";
import { lxcAvailable, publishTemplate } from "../../../../test/support/lxc";
import { tinyRuntimeDir } from "../../../../test/provisioning/harness";
import { until } from "../../../../test/support/until";
import { detectCgroupVersion, LxcProvider } from "./lxc";
import { slirpPid } from "./lxc-slirp";

const avail = lxcAvailable();
if (avail !== true) console.warn(`lxc provider integration test skipped: ${avail}`);

/** Reads what a TCP listener on the host side of a published port sends. */
function readFrom(port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host);
    let out = "";
    s.setTimeout(5_000, () => s.destroy(new Error("timeout")));
    s.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.length > 3) s.destroy();
    });
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}

async function openConsole(client: AgentClient): Promise<{ ws: WebSocket; run(cmd: string, expect: RegExp): Promise<string> }> {
  const ws = client.openWebSocket("/console?session=t&cols=200&rows=40");
  let seen = "";
  ws.on("message", (d: Buffer) => (seen = (seen + d.toString()).slice(-20_000)));
  ws.on("close", (code: number, reason: Buffer) => (seen += `[closed ${code} ${reason.toString()}]`));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  return {
    ws,
    async run(cmd, expect) {
      seen = "";
      ws.send(`${cmd}\r`);
      return until(`console shows ${expect}`, () => (expect.test(seen) ? seen : null), 20_000, 50).catch((err: Error) => {
        throw new Error(`${err.message}; the console showed: ${JSON.stringify(seen.slice(-600))}`);
      });
    },
  };
}

describe.skipIf(avail !== true).sequential("lxc provider on real LXC", () => {
  let dataDir: string;
  let artifacts: TestArtifactServer;
  let provider: LxcProvider;
  const vmid = 6001;
  let ref: string;
  let client: AgentClient;
  const token = "lxc-test-token-0123456789abcdef";

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "zlh-lxc-"));
    // Container root (host uid 100000) walks to its overlay layers through here.
    chmodSync(dataDir, 0o711);
    artifacts = await startTestArtifactServer();
    const rt = tinyRuntimeDir("node", "20.20.2");
    await artifacts.publishDir(rt, { kind: "runtime", name: "node", version: "20.20.2", bin: ["bin"], verify: { command: "bin/node", args: ["--version"], expect: "v20.20.2" } });
    rmSync(rt, { recursive: true, force: true });
    await publishTemplate(artifacts);
    provider = new LxcProvider({ dataDir });
  }, 600_000);

  afterAll(async () => {
    for (const v of provider?.listVmids() ?? []) await provider.destroy(provider.refOf(v)).catch(() => {});
    await artifacts?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it("creates and starts a container whose agent answers on its Unix socket, with nothing of the host inside", async () => {
    const spec = { serverId: "srv-lxc", vmid, kind: "dev" as const, memoryMb: 1024, hostname: "zlh-6001", agentToken: token, artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey };
    const created = await provider.create(spec);
    expect(created.agentUrl).toBe(`unix:${provider.dirOf(vmid)}/run/agent.sock`);
    expect(created.isolated).toBe(true);
    expect(await provider.create(spec)).toEqual(created);
    ref = created.providerRef;
    expect(await provider.state(ref)).toBe("stopped");
    // A killed LXC monitor leaves its container's cgroups behind. LXC then runs the container in
    // `<name>-1`, and the view bound in below must not be that empty leftover (no usage, no limit).
    const leftover = path.join(detectCgroupVersion() === 1 ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup", `lxc.payload.${provider.nameOf(vmid)}`);
    mkdirSync(path.join(leftover, "init"), { recursive: true });
    const started = await provider.start(ref, { agentToken: token, artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey });
    expect(existsSync(`${leftover}-1`)).toBe(false);
    expect(await provider.state(ref)).toBe("running");
    client = new AgentClient({ url: started.agentUrl, token, retries: 0 });
    await until("agent healthy", () => client.healthy(), 30_000, 100);
    expect((await client.status()).state).toBeDefined();
    // The token never sits on a command line nor in a file once the agent has read it.
    const pids = provider.processesOf(vmid);
    expect(pids.length).toBeGreaterThan(1);
    for (const p of pids) expect(readFileSync(`/proc/${p}/cmdline`, "utf8")).not.toContain(token);
    expect(existsSync(path.join(provider.dirOf(vmid), "run", "agent.token"))).toBe(false);
    // Unprivileged: container root is host uid 100000; the cgroup limits are in place.
    const lxc = ["-P", provider.containersDir, "-n", provider.nameOf(vmid)];
    expect(execFileSync("lxc-attach", [...lxc, "--", "cat", "/proc/self/uid_map"]).toString()).toMatch(/^\s*0\s+100000\s+65536/);
    const seen = execFileSync("lxc-attach", [...lxc, "--", "/bin/sh", "-c", "ls / ; test -e /work && echo HOST-WORK-VISIBLE; test -e /tmp/zlh-lxc-probe && echo HOST-TMP; cat /proc/1/environ | tr '\\0' '\\n'"]).toString();
    expect(seen).not.toMatch(/HOST-WORK-VISIBLE|HOST-TMP|DATABASE_URL|ZLH_SECRET|NEXTAUTH/);
    expect(seen).toMatch(/NODE_ENV=production/);
    // Its own cgroup is visible (the agent's stats) with the plan's limits, and read-only.
    const limitFile = detectCgroupVersion() === 1 ? "/sys/fs/cgroup/memory/memory.limit_in_bytes" : "/sys/fs/cgroup/memory.max";
    expect(execFileSync("lxc-attach", [...lxc, "--", "cat", limitFile]).toString().trim()).toBe(String(1024 * 1024 * 1024));
    expect(() => execFileSync("lxc-attach", [...lxc, "--", "/bin/sh", "-c", `echo 99999999999 > ${limitFile}`], { stdio: "pipe" })).toThrow();
    expect(execFileSync("lxc-attach", [...lxc, "--", "cat", limitFile]).toString().trim()).toBe(String(1024 * 1024 * 1024));
    // Container root swaps its agent socket for a symlink to a host socket (its own slirp4netns API,
    // by host path): the portal's connect() must not follow it.
    const hostSock = path.join(provider.dirOf(vmid), "slirp.sock");
    execFileSync("lxc-attach", [...lxc, "--", "/bin/sh", "-c", `mv /run/zlh/agent.sock /run/zlh/agent.real && ln -s ${hostSock} /run/zlh/agent.sock`]);
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const s = net.connect(started.agentUrl.slice("unix:".length));
      s.on("connect", () => (s.destroy(), resolve(null)));
      s.on("error", resolve);
    });
    expect(err?.code).toBe("ELOOP");
    execFileSync("lxc-attach", [...lxc, "--", "/bin/sh", "-c", "rm /run/zlh/agent.sock && mv /run/zlh/agent.real /run/zlh/agent.sock"]);
    expect(await client.healthy()).toBe(true);
  }, 120_000);

  it("provisions a dev container with the node runtime; the console echoes; published ports reach listeners inside", async () => {
    const first = await client.provision({ kind: "dev", runtime: { name: "node" }, enableCodeServer: false });
    if (!first.provisioningComplete) {
      await until("provisioned", async () => {
        const s = await client.status();
        if (s.state === "error") throw new Error(`provisioning failed: ${s.error}`);
        return s.provisioningComplete;
      }, 120_000, 200);
    }
    expect((await client.status()).runtimes.map((r) => `${r.name}@${r.version}`)).toContain("node@20.20.2");
    const c = await openConsole(client);
    try {
      await c.run(`echo hello-""lxc`, /hello-lxc/);
      const gamePort = await provider.gamePortOf(ref);
      await c.run(`/usr/local/bin/node -e 'require("net").createServer((s)=>s.end("pong")).listen(${gamePort},()=>console.log("listen"+"ing"))' &`, /listening/);
      expect(await readFrom(gamePort)).toBe("pong");
    } finally {
      c.ws.close();
    }
    const sshPort = (await provider.start(ref, { agentToken: token, artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey })).sshPort!;
    await until("agent healthy after restart", () => client.healthy(), 30_000, 100);
    // The SSH server comes back with the agent (dev containers) on the published port.
    await until("ssh banner", async () => /^SSH-2\.0/.test(await readFrom(sshPort).catch(() => "")), 30_000, 200);
  }, 300_000);

  it("stops (nothing left running), then is adopted by a new provider instance after slirp4netns died", async () => {
    await provider.stop(ref);
    expect(await provider.state(ref)).toBe("stopped");
    expect(provider.processesOf(vmid)).toEqual([]);
    await provider.start(ref, { agentToken: token, artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey });
    await until("agent healthy", () => client.healthy(), 30_000, 100);
    const files = { pidFile: path.join(provider.dirOf(vmid), "slirp.pid"), apiSocket: path.join(provider.dirOf(vmid), "slirp.sock"), logFile: path.join(provider.dirOf(vmid), "slirp.log") };
    const slirp = slirpPid(files)!;
    expect(slirp).toBeGreaterThan(1);
    process.kill(slirp, "SIGKILL");
    await until("slirp gone", () => slirpPid(files) === null, 5_000, 20);
    // A portal restart: a new provider over the same data folder adopts the running container.
    const again = new LxcProvider({ dataDir });
    expect(await again.state(ref)).toBe("running");
    expect(slirpPid(files)).not.toBeNull();
    expect(await new AgentClient({ url: `unix:${again.dirOf(vmid)}/run/agent.sock`, token, retries: 0 }).healthy()).toBe(true);
    provider = again;
  }, 120_000);

  it("destroys: no process, no mount, no folder", async () => {
    const dir = provider.dirOf(vmid);
    await provider.destroy(ref);
    await provider.destroy(ref);
    expect(await provider.state(ref)).toBe("missing");
    expect(provider.processesOf(vmid)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(dir);
    expect(execFileSync("ps", ["-eo", "args"]).toString()).not.toContain(dir);
  }, 120_000);
});
