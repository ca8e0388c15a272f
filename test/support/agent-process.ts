import { spawn, type ChildProcess } from "node:child_process";
import https from "node:https";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../src/server/net/free-port";
export { freePort };

/**
 * Starts the real agent (`npm run agent` entry: agent/src/main.ts under tsx) as its own process
 * group, waits for /healthz, and can stop or restart it with the same root and token.
 */
export type AgentProcess = {
  url: string;
  port: number;
  root: string;
  token: string;
  pid: number;
  logs: string[];
  /** fetch with the bearer token. */
  fetch(p: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM (graceful) and wait for exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL the whole agent process group. */
  kill(): Promise<void>;
  /** Start again on the same port, root and token. */
  restart(): Promise<void>;
  /** Stop and remove the root folder (unless keepRoot). */
  dispose(): Promise<void>;
};

export async function startAgentProcess(opts: {
  artifactsUrl: string;
  catalogPublicKey?: string;
  root?: string;
  token?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
  keepRoot?: boolean;
  /** Serve HTTPS with a key pair the agent makes under <root>/tls (as on Proxmox); url is then https. */
  tls?: boolean;
}): Promise<AgentProcess> {
  const root = opts.root ?? (await mkdtemp(path.join(os.tmpdir(), "zlh-agent-root-")));
  const token = opts.token ?? randomBytes(24).toString("hex");
  const port = await freePort();
  const entry = path.resolve("agent/src/main.ts");
  let child: ChildProcess | undefined;
  const logs: string[] = [];

  const launch = async () => {
    const args = ["--import", "tsx", entry, "--port", String(port), "--host", "127.0.0.1", "--root", root, "--token", token, "--artifacts", opts.artifactsUrl];
    if (opts.catalogPublicKey) args.push("--catalog-public-key", opts.catalogPublicKey);
    if (opts.tls) args.push("--tls-dir", path.join(root, "tls"));
    args.push(...(opts.extraArgs ?? []));
    child = spawn(process.execPath, args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LOG_LEVEL: process.env.AGENT_LOG_LEVEL ?? "info", ...opts.env },
    });
    child.stdout!.on("data", (d: Buffer) => logs.push(...d.toString().split("\n").filter(Boolean)));
    child.stderr!.on("data", (d: Buffer) => logs.push(...d.toString().split("\n").filter(Boolean)));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}: ${logs.slice(-5).join("\n")}`);
      if (opts.tls ? await tlsHealthy(port) : await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`agent did not become healthy: ${logs.slice(-5).join("\n")}`);
  };

  const waitExit = (c: ChildProcess, ms: number) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      const t = setTimeout(resolve, ms);
      c.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
    });

  await launch();
  const self: AgentProcess = {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    root,
    token,
    get pid() {
      return child!.pid!;
    },
    logs,
    fetch: (p, init = {}) =>
      fetch(`http://127.0.0.1:${port}${p}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
      }),
    async stop(signal = "SIGTERM") {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await waitExit(child, 90_000);
    },
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      await waitExit(child, 10_000);
    },
    async restart() {
      await self.stop();
      await launch();
    },
    async dispose() {
      await self.stop();
      if (child && child.exitCode === null && child.signalCode === null) await self.kill();
      if (!opts.keepRoot) await rm(root, { recursive: true, force: true });
    },
  };
  return self;
}

/** /healthz over TLS without checking the certificate (readiness only; tests pin it themselves). */
function tlsHealthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    https.get({ host: "127.0.0.1", port, path: "/healthz", rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on("error", () => resolve(false));
  });
}
