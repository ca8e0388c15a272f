import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ssh2 from "ssh2";
import { freePort, startAgentProcess, type AgentProcess } from "../../../test/support/agent-process";
import { startTestArtifactServer, type TestArtifactServer } from "../../../test/support/artifact-server";
import { sshKit, type SshKit } from "../../../test/support/ssh-client";
import { sshConfigSnippet } from "../../../src/server/ssh/snippet";
import { cleanupTemp, postJson, tempDir, waitFor } from "../../test/helpers";
import { agentStatusSchema, authorizedKeysResultSchema, sshStatusSchema, type SshStatus } from "../contract";
import { sshFingerprint } from "./keys";

/**
 * The real OpenSSH client against a real agent that provisioned a dev container: the runtime is a
 * small tarball whose bin/node runs this machine's node binary.
 */
const NODE_VERSION = process.version; // e.g. v20.20.2

function nodeRuntimeDir(): string {
  const d = tempDir("zlh-rt-node-");
  mkdirSync(path.join(d, "bin"));
  writeFileSync(path.join(d, "bin", "node"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "$@"\n`, { mode: 0o755 });
  return d;
}

const fp = (pub: string) => sshFingerprint(Buffer.from(pub.split(" ")[1]!, "base64"));

let srv: TestArtifactServer;
let agent: AgentProcess;
let kit: SshKit;
let sshPort: number;
let revision = 1;
const keys: Record<string, { file: string; pub: string }> = {};

async function pushKeys(names: string[]) {
  const r = await agent.fetch("/ssh/authorized-keys", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ revision: revision++, keys: names.map((n) => ({ publicKey: keys[n]!.pub, fingerprint: fp(keys[n]!.pub), name: n })) }),
  });
  expect(r.status).toBe(200);
  return authorizedKeysResultSchema.parse(await r.json());
}
const sshStatus = async (): Promise<SshStatus> => sshStatusSchema.parse(agentStatusSchema.parse(await (await agent.fetch("/status")).json()).ssh);
const target = () => ["-p", String(sshPort), "dev@127.0.0.1"];
const sshAs = (key: string, command: string[], opts?: { input?: string }) => kit.ssh([...kit.options(keys[key]!.file), ...target(), ...command], opts);

beforeAll(async () => {
  kit = sshKit();
  for (const [name, type] of [["alice", "ed25519"], ["alice-laptop", "ecdsa"], ["alice-rsa", "rsa"], ["bob", "ed25519"], ["stranger", "ed25519"]] as const) keys[name] = kit.keygen(name, type);
  srv = await startTestArtifactServer();
  await srv.publishDir(nodeRuntimeDir(), {
    kind: "runtime",
    name: "node",
    version: NODE_VERSION.slice(1),
    bin: ["bin"],
    verify: { command: "bin/node", args: ["--version"], expect: NODE_VERSION },
  });
  sshPort = await freePort();
  agent = await startAgentProcess({ artifactsUrl: srv.url, catalogPublicKey: srv.publicKey, extraArgs: ["--ssh-port", String(sshPort)] });
  expect((await postJson(agent, "/provision", { kind: "dev", runtime: { name: "node" } })).status).toBe(202);
  await waitFor(async () => {
    const s = agentStatusSchema.parse(await (await agent.fetch("/status")).json());
    if (s.state === "error") throw new Error(`provisioning failed: ${s.error}`);
    return s.provisioningComplete;
  }, "provisioning", 120_000);
}, 180_000);

afterAll(async () => {
  await agent?.dispose();
  await srv?.close();
  kit?.cleanup();
  cleanupTemp();
});

describe("dev container SSH server (real OpenSSH client)", () => {
  it("was installed by the provisioning step: listening, host key kept under the container root (0600)", async () => {
    const s = await sshStatus();
    expect(s).toMatchObject({ listening: true, port: sshPort, authorizedKeys: 0 });
    const keyFile = path.join(agent.root, "etc/zlh/ssh_host_ed25519_key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, "utf8")).toContain("OPENSSH PRIVATE KEY");
    expect(s.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("refuses every key before the owner's keys arrive", async () => {
    const r = await sshAs("alice", ["true"]);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it("logs in with the owner's key and runs node from the installed runtime", async () => {
    expect(await pushKeys(["alice", "alice-laptop", "alice-rsa"])).toMatchObject({ applied: true, count: 3, closedSessions: 0 });
    const r = await sshAs("alice", ["node --version; command -v node; pwd; whoami >/dev/null && echo user-ok"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const [version, nodePath, cwd, userOk] = r.stdout.trim().split("\n");
    expect(version).toBe(NODE_VERSION);
    expect(nodePath).toBe(path.join(agent.root, "opt/zlh/runtimes/node/current/bin/node"));
    expect(cwd).toBe(path.join(agent.root, "home/dev/workspace"));
    expect(userOk).toBe("user-ok");
    // The known_hosts entry is the container's own host key.
    expect(readFileSync(kit.knownHosts, "utf8")).toContain("ssh-ed25519");
    // ECDSA and RSA (rsa-sha2-*) keys of the owner work too.
    for (const k of ["alice-laptop", "alice-rsa"]) expect((await sshAs(k, ["node", "--version"])).stdout.trim()).toBe(NODE_VERSION);
  });

  it("passes the command's exit status and stderr back", async () => {
    const r = await sshAs("alice", ["echo out; echo err >&2; exit 7"]);
    expect(r).toEqual({ code: 7, stdout: "out\n", stderr: "err\n" });
    const stdin = await sshAs("alice", ["wc -c"], { input: "twelve bytes" });
    expect(stdin.stdout.trim()).toBe("12");
  });

  it("gives a login shell on a PTY in the workspace with the dev environment", async () => {
    const r = await kit.ssh([...kit.options(keys.alice!.file), "-tt", ...target()], {
      input: "echo TTY=$(tty | cut -c1-8) TERM=$TERM; echo PWD=$PWD; node --version; exit 3\n",
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/TTY=\/dev\/pts/);
    expect(r.stdout).toContain(`PWD=${path.join(agent.root, "home/dev/workspace")}`);
    expect(r.stdout).toContain(NODE_VERSION);
  });

  // Regression (#16): a window-change to 0 columns made node-pty throw inside the session handler
  // and took the whole agent down.
  it("survives a window-change to zero columns and rows", async () => {
    const conn = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      conn.on("ready", resolve).on("error", reject);
      conn.connect({ host: "127.0.0.1", port: sshPort, username: "dev", privateKey: readFileSync(keys.alice!.file), hostVerifier: () => true });
    });
    try {
      const shell = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
        conn.shell({ term: "xterm", cols: 80, rows: 24 }, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
      let out = "";
      shell.on("data", (d: Buffer) => (out += d.toString()));
      shell.setWindow(0, 0, 0, 0);
      shell.write("stty size; echo ALIVE-$((40+2))\n");
      await waitFor(async () => out.includes("ALIVE-42"), "shell still answers", 20_000);
      expect(out).toMatch(/24 80/);
      shell.end();
    } finally {
      conn.end();
    }
    expect((await agent.fetch("/status")).status).toBe(200);
  });

  it("refuses a wrong key, another user's key and other login names", async () => {
    for (const k of ["stranger", "bob"]) {
      const r = await sshAs(k, ["true"]);
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
    }
    const root = await kit.ssh([...kit.options(keys.alice!.file), "-p", String(sshPort), "root@127.0.0.1", "true"]);
    expect(root.code).toBe(255);
    // Password authentication is not offered at all.
    const pw = await kit.ssh(["-F", "/dev/null", "-o", `UserKnownHostsFile=${kit.knownHosts}`, "-o", "BatchMode=yes", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive", ...target(), "true"]);
    expect(pw.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it("a removed key stops working at once, and its open session is closed", async () => {
    const open = kit.spawnSsh([...kit.options(keys["alice-laptop"]!.file), ...target(), "echo started; sleep 120"]);
    let out = "";
    open.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => open.on("exit", (code) => r(code)));
    open.stdin!.end();
    await waitFor(() => out.includes("started"), "the long session to start", 30_000);
    expect((await sshStatus()).connections).toBeGreaterThanOrEqual(1);

    const result = await pushKeys(["alice", "alice-rsa"]);
    expect(result).toMatchObject({ applied: true, count: 2, closedSessions: 1 });
    expect(await exited).not.toBe(0);
    const r = await sshAs("alice-laptop", ["true"]);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
    expect((await sshAs("alice", ["echo", "still-in"])).stdout.trim()).toBe("still-in");
  });

  it("ignores a push older than the stored list (a delayed push cannot bring a key back)", async () => {
    const before = (await sshStatus()).revision;
    const r = await agent.fetch("/ssh/authorized-keys", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ revision: before - 1, keys: [{ publicKey: keys["alice-laptop"]!.pub, fingerprint: fp(keys["alice-laptop"]!.pub) }] }),
    });
    expect(authorizedKeysResultSchema.parse(await r.json())).toMatchObject({ applied: false, revision: before, count: 2 });
    expect((await sshAs("alice-laptop", ["true"])).code).toBe(255);
  });

  it("requires the agent token to change the keys", async () => {
    const r = await fetch(`${agent.url}/ssh/authorized-keys`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ revision: 10 ** 12, keys: [] }) });
    expect(r.status).toBe(401);
  });

  it("sftp: put and get inside the workspace; paths outside the home are refused", async () => {
    const local = path.join(kit.dir, "upload.txt");
    const back = path.join(kit.dir, "download.txt");
    writeFileSync(local, "hello over sftp\n".repeat(5000));
    const sftpArgs = [...kit.options(keys.alice!.file), "-P", String(sshPort), "dev@127.0.0.1"];
    const ok = await kit.sftp(sftpArgs, `cd workspace\nput ${local} up.txt\nmkdir sub\nrename up.txt sub/up.txt\nget sub/up.txt ${back}\nls -l sub\n`);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(readFileSync(back, "utf8")).toBe(readFileSync(local, "utf8"));
    expect(readFileSync(path.join(agent.root, "home/dev/workspace/sub/up.txt"), "utf8")).toBe(readFileSync(local, "utf8"));

    // Outside the home: absolute, through .., and through a symlink that leads out. The server
    // answers SSH_FX_PERMISSION_DENIED; for `get`/`ls` sftp's own glob reports it as "not found".
    symlinkSync("/etc", path.join(agent.root, "home/dev/workspace/etc-link"));
    const evil = `/tmp/zlh-sftp-evil-${process.pid}.txt`;
    const cases: [string, RegExp][] = [
      ["cd /etc", /stat remote: Permission denied/],
      [`put ${local} ${evil}`, /dest open "\/tmp\/zlh-sftp-evil-\d+\.txt": Permission denied/],
      ["mkdir /opt/evil", /remote mkdir "\/opt\/evil": Permission denied/],
      [`put ${local} workspace/etc-link/evil`, /Permission denied/],
      [`get /etc/hostname ${back}.x`, /not found/],
      [`get ../../../etc/hostname ${back}.x`, /not found/],
      [`get workspace/etc-link/hostname ${back}.x`, /not found/],
      ["ls /etc", /not found/],
    ];
    for (const [cmd, error] of cases) {
      const r = await kit.sftp(sftpArgs, `${cmd}\n`);
      expect(r.code, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(error);
    }
    expect(existsSync(`${back}.x`)).toBe(false);
    expect(existsSync(evil)).toBe(false);
    expect(existsSync("/etc/evil")).toBe(false);
  });

  it("the printed config snippet works as printed: ssh dev-<vmid> node --version", async () => {
    const snippet = sshConfigSnippet({ vmid: 6001, sshHost: "127.0.0.1", sshPort }, { devDomain: "localhost" })!;
    const config = path.join(kit.dir, "config");
    writeFileSync(config, snippet);
    const opts = kit.options(keys.alice!.file).filter((_, i, a) => a[i] !== "/dev/null" || a[i - 1] !== "-F").filter((o) => o !== "-F");
    const r = await kit.ssh(["-F", config, ...opts, "dev-6001", "node", "--version"]);
    expect(r).toMatchObject({ code: 0, stdout: `${NODE_VERSION}\n` });
    // The transcript for the note (set ZLH_SSH_TRANSCRIPT=<file> to keep it).
    if (process.env.ZLH_SSH_TRANSCRIPT) {
      writeFileSync(process.env.ZLH_SSH_TRANSCRIPT, `$ cat ${config}\n${snippet}$ ssh -F ${config} ${opts.join(" ")} dev-6001 node --version\n${r.stdout}(exit ${r.code})\n`);
    }
    // HostKeyAlias: the container is known under its own name.
    expect(readFileSync(kit.knownHosts, "utf8")).toMatch(/^dev-6001 ssh-ed25519 /m);
  });

  it("keeps the host key and the keys across an agent restart", async () => {
    const before = await sshStatus();
    await agent.restart();
    const after = await waitFor(async () => { const s = await sshStatus(); return s.listening ? s : undefined; }, "ssh after restart");
    expect(after).toMatchObject({ hostKeyFingerprint: before.hostKeyFingerprint, port: sshPort, authorizedKeys: 2, revision: before.revision });
    const strict = kit.options(keys.alice!.file).map((o) => (o === "StrictHostKeyChecking=accept-new" ? "StrictHostKeyChecking=yes" : o));
    expect((await kit.ssh([...strict, ...target(), "node", "--version"])).stdout.trim()).toBe(NODE_VERSION);
  });
});
