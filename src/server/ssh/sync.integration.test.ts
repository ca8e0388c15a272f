import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { freePort, startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { sshKit, type SshKit } from "../../../test/support/ssh-client";
import type { ProvisioningRuntime } from "../provisioning/runtime";

/**
 * The whole chain: keys added and removed through the portal's ssh router are pushed to the
 * owner's dev container agent, and the real OpenSSH client sees the change at once.
 */
useTestDatabase();
const { createCaller } = await import("../api/root");
const { createTRPCContext } = await import("../api/trpc");
const { db, closeDb } = await import("../db/client");
const { setProvisioningRuntime } = await import("../provisioning/runtime");
const { encryptToken } = await import("../provisioning/token-codec");

let srv: TestArtifactServer;
let agent: AgentProcess;
let kit: SshKit;
let sshPort: number;
const rtDir = mkdtempSync(path.join(os.tmpdir(), "zlh-ssh-sync-"));
const secretKey = randomBytes(32);

async function newUser() {
  const u = await db.user.create({ data: { email: `sync-${randomUUID()}@example.test`, passwordHash: "x" } });
  const caller = createCaller(await createTRPCContext({ headers: new Headers(), session: { user: { id: u.id, email: u.email }, expires: new Date(Date.now() + 60_000).toISOString() } }));
  return { user: u, caller };
}

beforeAll(async () => {
  setProvisioningRuntime({ secretKey, dataDir: rtDir } as unknown as ProvisioningRuntime);
  kit = sshKit();
  srv = await startTestArtifactServer();
  const rt = path.join(rtDir, "rt");
  mkdirSync(path.join(rt, "bin"), { recursive: true });
  writeFileSync(path.join(rt, "bin", "node"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "$@"\n`, { mode: 0o755 });
  await srv.publishDir(rt, { kind: "runtime", name: "node", version: process.version.slice(1), bin: ["bin"], verify: { command: "bin/node", args: ["--version"], expect: process.version } });
  sshPort = await freePort();
  agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey, extraArgs: ["--ssh-port", String(sshPort)] });
  await agent.fetch("/provision", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "dev", runtime: { name: "node" } }) });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const s = (await (await agent.fetch("/status")).json()) as { provisioningComplete: boolean; state: string };
    if (s.provisioningComplete) break;
    if (s.state === "error" || Date.now() > deadline) throw new Error(`provisioning failed: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 180_000);

afterAll(async () => {
  await agent?.dispose();
  await srv?.close();
  kit?.cleanup();
  setProvisioningRuntime(undefined);
  rmSync(rtDir, { recursive: true, force: true });
  await closeDb();
});

describe("SSH keys from the portal to the container", () => {
  it("pushes the owner's keys on add and remove; another user's key never reaches the container", async () => {
    const owner = await newUser();
    const other = await newUser();
    const vmid = 800_000 + Math.floor(Math.random() * 99_999);
    const server = await db.server.create({
      data: { userId: owner.user.id, name: "box", kind: "dev", vmid, provider: "local", status: "running", agentUrl: agent.url, sshHost: "127.0.0.1", sshPort },
    });
    await db.server.update({ where: { id: server.id }, data: { agentTokenEnc: encryptToken(agent.token, secretKey, server.id) } });

    const mine = kit.keygen("mine");
    const theirs = kit.keygen("theirs");
    const added = await owner.caller.ssh.addKey({ name: "mine", publicKey: mine.pub });
    await other.caller.ssh.addKey({ name: "theirs", publicKey: theirs.pub });

    const login = (key: string) => kit.ssh([...kit.options(key), "-p", String(sshPort), "dev@127.0.0.1", "node", "--version"]);
    expect(await login(mine.file)).toMatchObject({ code: 0, stdout: `${process.version}\n` });
    const refused = await login(theirs.file);
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Permission denied \(publickey\)/);

    // The printed snippet, from the router, works as printed.
    const cfg = await owner.caller.ssh.config({ serverId: server.id });
    const file = path.join(kit.dir, "config-from-router");
    writeFileSync(file, cfg.snippet!);
    const viaSnippet = await kit.ssh(["-F", file, ...kit.options(mine.file).slice(2), cfg.alias, "node", "--version"]);
    expect(viaSnippet).toMatchObject({ code: 0, stdout: `${process.version}\n` });

    await owner.caller.ssh.removeKey({ id: added.id });
    const removed = await login(mine.file);
    expect(removed.code).toBe(255);
    expect(removed.stderr).toMatch(/Permission denied \(publickey\)/);
  });
});
