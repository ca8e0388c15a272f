import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ssh2, { type ClientChannel } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { freePort, startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { sshKit, type SshKit } from "../../../test/support/ssh-client";
import type { Provider } from "../provisioning/providers/types";

/**
 * SSH through the portal's gateway to a stopped dev container: a real ssh2 client logs in with the
 * owner's key, sees "Starting your container..." and the start's progress, and ends up in the
 * container's shell (the agent's own SSH server) as the dev user. The container is a real agent
 * process; a provider stand-in (Proxmox VE's place) stops and starts that process.
 */
useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { runtimeFromEnv, setProvisioningRuntime, provisioningRuntime } = await import("../provisioning/runtime");
const { encryptToken } = await import("../provisioning/token-codec");
const { parsePublicKey } = await import("./public-key");
const { SshGateway } = await import("./gateway");
const { gatewayHostKey, markGatewayStarted } = await import("./gateway-key");

const { Client } = ssh2;
let artifacts: TestArtifactServer;
let agent: AgentProcess;
let kit: SshKit;
let gateway: InstanceType<typeof SshGateway>;
let gatewayPort: number;
let sshPort: number;
let vmid: number;
let serverId: string;
let ownerKey: { file: string; pub: string };
let strangerKey: { file: string; pub: string };
const rtDir = mkdtempSync(path.join(os.tmpdir(), "zlh-ssh-gw-"));

async function addKey(userId: string, pub: string) {
  const parsed = parsePublicKey(pub);
  if (!parsed.ok) throw new Error(parsed.error);
  await db.sshKey.create({ data: { userId, name: "k", publicKey: parsed.key.normalized, fingerprint: parsed.key.fingerprint } });
}

beforeAll(async () => {
  kit = sshKit();
  ownerKey = kit.keygen("owner");
  strangerKey = kit.keygen("stranger");
  artifacts = await startTestArtifactServer();
  const rt = path.join(rtDir, "rt");
  mkdirSync(path.join(rt, "bin"), { recursive: true });
  writeFileSync(path.join(rt, "bin", "node"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "$@"\n`, { mode: 0o755 });
  await artifacts.publishDir(rt, { kind: "runtime", name: "node", version: process.version.slice(1), bin: ["bin"], verify: { command: "bin/node", args: ["--version"], expect: process.version } });
  sshPort = await freePort();
  agent = await startAgentProcess({ artifactsUrl: artifacts.url, catalogPublicKey: artifacts.publicKey, extraArgs: ["--ssh-port", String(sshPort)] });
  await agent.fetch("/provision", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "dev", runtime: { name: "node" }, enableCodeServer: false }) });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const s = (await (await agent.fetch("/status")).json()) as { provisioningComplete: boolean; state: string };
    if (s.provisioningComplete) break;
    if (s.state === "error" || Date.now() > deadline) throw new Error(`provisioning failed: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  let running = true;
  const provider: Provider = {
    name: "proxmox",
    rotatesTokenOnStart: false,
    nextVmid: async (n) => n,
    create: async () => {
      throw new Error("not used");
    },
    start: async (ref) => {
      if (!running) await agent.restart();
      running = true;
      return { agentUrl: agent.url, sshHost: "127.0.0.1", sshPort, gamePort: 25565, isolated: true, providerRef: ref };
    },
    stop: async () => {
      await agent.stop();
      running = false;
    },
    state: async () => (running ? "running" : "stopped"),
    destroy: async () => {},
    gamePortOf: async () => 25565,
    diagnostics: async () => "",
  };
  setProvisioningRuntime({ ...runtimeFromEnv({ ...process.env, ZLH_ARTIFACTS_URL: artifacts.url, ZLH_DATA_DIR: rtDir }), provider, agentStartTimeoutMs: 30_000 });

  const owner = await db.user.create({ data: { email: `gw-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
  const stranger = await db.user.create({ data: { email: `gw-other-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
  await addKey(owner.id, ownerKey.pub);
  await addKey(stranger.id, strangerKey.pub);
  vmid = 700_000 + Math.floor(Math.random() * 99_999);
  const s = await db.server.create({
    data: { userId: owner.id, name: "box", kind: "dev", vmid, provider: "proxmox", providerRef: "{}", status: "running", runtimeId: "node", agentUrl: agent.url, sshHost: "127.0.0.1", sshPort, memoryMb: 512 },
  });
  await db.server.update({ where: { id: s.id }, data: { agentTokenEnc: encryptToken(agent.token, provisioningRuntime().secretKey, s.id) } });
  serverId = s.id;

  markGatewayStarted(true);
  gateway = new SshGateway({ hostKey: gatewayHostKey().privateKey, wake: { pollMs: 200, timeoutMs: 90_000 }, revokeCheckMs: 500 });
  gatewayPort = await gateway.listen(0, "127.0.0.1");
}, 180_000);

afterAll(async () => {
  markGatewayStarted(false);
  await gateway?.close();
  await agent?.dispose();
  await artifacts?.close();
  kit?.cleanup();
  setProvisioningRuntime(undefined);
  await closeDb();
  rmSync(rtDir, { recursive: true, force: true });
});

function connect(keyFile: string, username = `dev-${vmid}`): Promise<InstanceType<typeof Client>> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once("ready", () => resolve(c));
    c.once("error", reject);
    c.connect({ host: "127.0.0.1", port: gatewayPort, username, privateKey: readFileSync(keyFile), readyTimeout: 20_000 });
  });
}

/** Runs a login shell on a PTY, types `input` once `ready` matches, and collects everything until exit. */
function shell(c: InstanceType<typeof Client>, ready: RegExp, input: string): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    c.shell({ term: "xterm", cols: 100, rows: 30 }, (err: Error | undefined, stream: ClientChannel) => {
      if (err) return reject(err);
      let output = "";
      let typed = false;
      let code: number | null = null;
      stream.on("data", (d: Buffer) => {
        output += d.toString();
        if (!typed && ready.test(output)) {
          typed = true;
          stream.write(input);
        }
      });
      stream.on("exit", (c: number | null) => (code = c));
      // Fails with what was seen, not only "timed out".
      const timer = setTimeout(() => reject(new Error(`no end of the session; it printed: ${JSON.stringify(output)}`)), 90_000);
      stream.on("close", () => {
        clearTimeout(timer);
        resolve({ output, code });
      });
    });
  });
}

describe.sequential("SSH gateway", () => {
  it("refuses another user's key for this container", async () => {
    await expect(connect(strangerKey.file)).rejects.toThrow(/authentication/i);
    await expect(connect(ownerKey.file, "dev-1")).rejects.toThrow(/authentication/i);
  });

  it("on a stopped container: prints Starting your container... with progress, starts it, and lands in its shell", async () => {
    await provisioningRuntime().provider.stop("{}");
    await db.server.update({ where: { id: serverId }, data: { status: "stopped", autoStoppedAt: new Date() } });
    const c = await connect(ownerKey.file);
    try {
      const { output, code } = await shell(c, /Connecting\.\.\.[\s\S]*[$#] $/, "echo zlh-$((40+2)) as $(whoami); exit 3\n");
      expect(output).toContain("Starting your container...");
      expect(output).toMatch(/ {2}Starting\r\n/);
      expect(output).toMatch(/ {2}Started\r\n/);
      expect(output).toMatch(/zlh-42 as /);
      expect(code).toBe(3);
    } finally {
      c.end();
    }
    const s = await db.server.findUniqueOrThrow({ where: { id: serverId } });
    expect(s).toMatchObject({ status: "running", autoStoppedAt: null });
  }, 120_000);

  it("on a running container: a command goes straight through, output clean, exit status kept", async () => {
    const c = await connect(ownerKey.file);
    try {
      const r = await new Promise<{ out: string; err: string; code: number | null }>((resolve, reject) => {
        c.exec("printf hello; exit 7", (err: Error | undefined, stream: ClientChannel) => {
          if (err) return reject(err);
          let out = "";
          let errOut = "";
          let code: number | null = null;
          stream.on("data", (d: Buffer) => (out += d.toString()));
          stream.stderr.on("data", (d: Buffer) => (errOut += d.toString()));
          stream.on("exit", (x: number | null) => (code = x));
          stream.on("close", () => resolve({ out, err: errOut, code }));
        });
      });
      expect(r).toEqual({ out: "hello", err: "", code: 7 });
    } finally {
      c.end();
    }
  }, 60_000);

  it("ends an open session once its key is removed from the account", async () => {
    const c = await connect(ownerKey.file);
    const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
    const stream = await new Promise<ClientChannel>((resolve, reject) => c.shell({ term: "xterm", cols: 80, rows: 24 }, (err: Error | undefined, s: ClientChannel) => (err ? reject(err) : resolve(s))));
    stream.on("data", () => {});
    const fp = (parsePublicKey(ownerKey.pub) as { ok: true; key: { fingerprint: string } }).key.fingerprint;
    const owner = (await db.server.findUniqueOrThrow({ where: { id: serverId } })).userId;
    const row = await db.sshKey.findFirstOrThrow({ where: { userId: owner, fingerprint: fp } });
    await db.sshKey.delete({ where: { id: row.id } });
    try {
      await closed;
      await expect(connect(ownerKey.file)).rejects.toThrow(/authentication/i);
    } finally {
      await db.sshKey.create({ data: { userId: owner, name: row.name, publicKey: row.publicKey, fingerprint: row.fingerprint } });
    }
  }, 30_000);

  it("passes SFTP through to the container's home", async () => {
    const c = await connect(ownerKey.file);
    try {
      const sftp = await new Promise<ssh2.SFTPWrapper>((resolve, reject) => c.sftp((err: Error | undefined, s: ssh2.SFTPWrapper) => (err ? reject(err) : resolve(s))));
      await new Promise<void>((resolve, reject) => sftp.writeFile("via-gateway.txt", "through the gateway", (err) => (err ? reject(err) : resolve())));
      expect(readFileSync(path.join(agent.root, "home/dev/via-gateway.txt"), "utf8")).toBe("through the gateway");
    } finally {
      c.end();
    }
  }, 60_000);
});
