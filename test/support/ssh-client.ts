import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The real OpenSSH client (ssh, sftp, ssh-keygen from openssh-client) for tests: keys in a temp
 * folder, a private known_hosts, never the user's own config or agent.
 */
export type SshResult = { code: number; stdout: string; stderr: string };

export type SshKit = {
  dir: string;
  knownHosts: string;
  /** Generates a key pair; returns the private key path and the .pub line. */
  keygen(name: string, type?: "ed25519" | "ecdsa" | "rsa"): { file: string; pub: string };
  /** Client options every call uses (batch mode, this key only, private known_hosts). */
  options(key: string): string[];
  ssh(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<SshResult>;
  sftp(args: string[], batch: string, opts?: { timeoutMs?: number }): Promise<SshResult>;
  /** Starts ssh and leaves it running (for sessions that must stay open). */
  spawnSsh(args: string[]): ReturnType<typeof spawn>;
  cleanup(): void;
};

/** No SSH_AUTH_SOCK, no user config: only what the test passes. */
const clientEnv = () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: os.tmpdir() }) as unknown as NodeJS.ProcessEnv;

function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, env: clientEnv() }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 255) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

export function sshKit(): SshKit {
  const dir = mkdtempSync(path.join(os.tmpdir(), "zlh-ssh-client-"));
  const knownHosts = path.join(dir, "known_hosts");
  writeFileSync(knownHosts, "");
  return {
    dir,
    knownHosts,
    keygen(name, type = "ed25519") {
      const file = path.join(dir, name);
      const args = ["-q", "-N", "", "-C", `${name}@zlh-test`, "-t", type, "-f", file, ...(type === "rsa" ? ["-b", "2048"] : [])];
      execFileSync("ssh-keygen", args, { stdio: "ignore" });
      return { file, pub: readFileSync(`${file}.pub`, "utf8").trim() };
    },
    options: (key) => [
      "-F", "/dev/null",
      "-o", "StrictHostKeyChecking=accept-new",
      "-o", `UserKnownHostsFile=${knownHosts}`,
      "-o", "GlobalKnownHostsFile=/dev/null",
      "-o", "IdentitiesOnly=yes",
      "-o", "IdentityAgent=none",
      "-o", "BatchMode=yes",
      "-o", "ConnectTimeout=20",
      "-o", "LogLevel=ERROR",
      "-i", key,
    ],
    ssh: (args, opts) => run("ssh", args, opts),
    sftp(args, batch, opts) {
      const file = path.join(dir, `batch-${Date.now()}-${Math.random().toString(36).slice(2)}`);
      writeFileSync(file, batch);
      return run("sftp", ["-b", file, ...args], opts);
    },
    spawnSsh: (args) => spawn("ssh", args, { stdio: ["pipe", "pipe", "pipe"], env: clientEnv() }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

