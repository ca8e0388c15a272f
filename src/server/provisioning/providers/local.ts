import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { logger } from "../../log/logger";
import { cmdline, containerPids, isAlive } from "./proc";
import { detectIsolation, privateTmpFor, sandboxCommand, type IsolationMode } from "./isolation";
import type { ContainerSpec, ContainerState, CreatedContainer, Provider, StartOptions } from "./types";
import { freePort } from "../../net/free-port";
import { unisolatedAgentEnv } from "./agent-env";

/**
 * The single-machine provider: a container is a folder <data>/containers/<vmid> (root/ is the
 * agent's root, tmp/ its private /tmp) plus one detached agent process (own session, logs to
 * agent.log, pid in agent.pid) so agents outlive a portal restart.
 */
const log = logger.child({ module: "provider.local" });

const layoutSchema = z.object({
  vmid: z.number().int(),
  serverId: z.string(),
  ports: z.object({ agent: z.number().int(), game: z.number().int(), ssh: z.number().int() }),
  isolation: z.enum(["bwrap", "unshare", "none"]),
});
type Layout = z.infer<typeof layoutSchema>;

const refSchema = z.object({ dir: z.string().min(1), vmid: z.number().int() });

function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

export type LocalProviderOptions = {
  dataDir: string;
  portalUrl?: string;
};

export class LocalProvider implements Provider {
  readonly name = "local" as const;
  readonly rotatesTokenOnStart = true;
  readonly containersDir: string;

  constructor(private readonly opts: LocalProviderOptions) {
    this.containersDir = path.join(path.resolve(opts.dataDir), "containers");
  }

  async nextVmid(atLeast: number): Promise<number> {
    return Math.max(atLeast, 6000);
  }

  dirOf(vmid: number): string {
    return path.join(this.containersDir, String(vmid));
  }

  private parseRef(ref: string): { dir: string; vmid: number } {
    const r = refSchema.parse(JSON.parse(ref));
    // The folder must be ours: a tampered ref cannot point the provider at another path.
    if (r.dir !== this.dirOf(r.vmid)) throw new Error(`provider ref points outside ${this.containersDir}`);
    return r;
  }

  private readLayout(dir: string): Layout | null {
    try {
      return layoutSchema.parse(JSON.parse(readFileSync(path.join(dir, "container.json"), "utf8")));
    } catch {
      return null;
    }
  }

  private describe(dir: string, layout: Layout): CreatedContainer {
    return {
      agentUrl: `http://127.0.0.1:${layout.ports.agent}`,
      sshHost: "127.0.0.1",
      sshPort: layout.ports.ssh,
      gamePort: layout.ports.game,
      isolated: layout.isolation !== "none",
      providerRef: JSON.stringify({ dir, vmid: layout.vmid }),
    };
  }

  async create(spec: ContainerSpec): Promise<CreatedContainer> {
    const dir = this.dirOf(spec.vmid);
    const existing = this.readLayout(dir);
    if (existing) {
      if (existing.serverId !== spec.serverId) throw new Error(`container ${spec.vmid} belongs to another server`);
      return this.describe(dir, existing);
    }
    mkdirSync(path.join(dir, "root"), { recursive: true, mode: 0o700 });
    mkdirSync(path.join(dir, "tmp"), { recursive: true, mode: 0o1777 });
    const layout: Layout = {
      vmid: spec.vmid,
      serverId: spec.serverId,
      ports: { agent: await freePort(), game: await freePort(), ssh: await freePort() },
      isolation: detectIsolation(),
    };
    writeAtomic(path.join(dir, "container.json"), JSON.stringify(layout, null, 2));
    return this.describe(dir, layout);
  }

  /** The pid in agent.pid when that process is alive and is this container's agent. */
  agentPid(dir: string): number | null {
    let pid: number;
    try {
      pid = Number(readFileSync(path.join(dir, "agent.pid"), "utf8").trim());
    } catch {
      return null;
    }
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return null;
    const args = cmdline(pid);
    // A recycled pid belongs to someone else: the command line must name this container's root.
    const rootIdx = args.indexOf("--root");
    if (rootIdx < 0 || args[rootIdx + 1] !== path.join(dir, "root")) return null;
    return pid;
  }

  async start(ref: string, opts: StartOptions): Promise<CreatedContainer> {
    const { dir } = this.parseRef(ref);
    const layout = this.readLayout(dir);
    if (!layout) throw new Error(`container folder ${dir} is missing`);
    const running = this.agentPid(dir);
    if (running) {
      // Restart so the agent takes the (rotated) token; its state lives on disk.
      await this.stop(ref);
    }
    const agentArgs = [
      process.execPath, agentBundle(),
      "--port", String(layout.ports.agent), "--host", "127.0.0.1",
      "--root", path.join(dir, "root"),
      "--artifacts", opts.artifactsUrl,
      "--ssh-port", String(layout.ports.ssh),
      ...(opts.catalogPublicKey ? ["--catalog-public-key", opts.catalogPublicKey] : []),
      ...(this.opts.portalUrl ? ["--portal-url", this.opts.portalUrl] : []),
    ];
    const privateTmp = privateTmpFor(path.join(dir, "tmp"), [AGENT_BUNDLE, dir]);
    const [cmd, ...args] = sandboxCommand(layout.isolation as IsolationMode, privateTmp, agentArgs);
    const out = openSync(path.join(dir, "agent.log"), "a", 0o600);
    try {
      // detached = setsid: own session and process group, no tie to the portal's lifetime.
      const child = spawn(cmd!, args, {
        cwd: path.join(dir, "root"),
        detached: true,
        stdio: ["ignore", out, out],
        // An allowlist: the portal's own secrets never reach the agent (or the tenant beside it).
        env: unisolatedAgentEnv(process.env, opts.agentToken) as NodeJS.ProcessEnv,
      });
      child.unref();
      if (!child.pid) throw new Error("could not start the agent process");
      writeAtomic(path.join(dir, "agent.pid"), String(child.pid));
      log.info({ dir, pid: child.pid, isolation: layout.isolation }, "agent started");
    } finally {
      closeSync(out);
    }
    return this.describe(dir, layout);
  }

  async stop(ref: string, timeoutMs = 30_000): Promise<void> {
    const { dir } = this.parseRef(ref);
    const pid = this.agentPid(dir);
    if (pid) {
      // The agent's SIGTERM hooks stop the game and code-server gracefully.
      for (const p of this.agentProcesses(dir, pid)) signal(p, "SIGTERM");
      await waitFor(() => this.agentProcesses(dir, pid).length === 0 && !isAlive(pid), timeoutMs);
    }
    // Whatever is left (children in their own groups, a stuck agent) is killed outright.
    await this.killAll(dir, pid);
    rmSync(path.join(dir, "agent.pid"), { force: true });
  }

  /** The agent's own node process (inside a sandbox it is a child of the launcher). */
  private agentProcesses(dir: string, launcher: number): number[] {
    const rootDir = path.join(dir, "root");
    return containerPids(launcher, dir).filter((p) => {
      const a = cmdline(p);
      const i = a.indexOf("--root");
      return i >= 0 && a[i + 1] === rootDir && a.some((x) => x === AGENT_BUNDLE) && a[0] !== "bwrap" && a[0] !== "unshare";
    });
  }

  private async killAll(dir: string, launcher: number | null): Promise<void> {
    for (let round = 0; round < 20; round++) {
      const pids = containerPids(launcher, dir);
      if (pids.length === 0) return;
      for (const p of pids) signal(p, "SIGKILL");
      await waitFor(() => pids.every((p) => !isAlive(p)), 2_000);
    }
    const left = containerPids(launcher, dir);
    if (left.length) throw new Error(`processes of ${dir} survived SIGKILL: ${left.map((p) => `${p} (${cmdline(p).slice(0, 3).join(" ")})`).join(", ")}`);
  }

  async gamePortOf(ref: string): Promise<number> {
    const layout = this.readLayout(this.parseRef(ref).dir);
    if (!layout) throw new Error("container folder is missing");
    return layout.ports.game;
  }

  async diagnostics(ref: string): Promise<string> {
    try {
      const text = readFileSync(path.join(this.parseRef(ref).dir, "agent.log"), "utf8");
      return text.trim().split("\n").slice(-5).join("\n").slice(-1500);
    } catch {
      return "";
    }
  }

  async state(ref: string): Promise<ContainerState> {
    const { dir } = this.parseRef(ref);
    if (!this.readLayout(dir)) return "missing";
    return this.agentPid(dir) ? "running" : "stopped";
  }

  async destroy(ref: string): Promise<void> {
    const { dir } = this.parseRef(ref);
    if (!existsSync(dir)) return;
    await this.stop(ref, 15_000);
    rmSync(dir, { recursive: true, force: true });
    log.info({ dir }, "container destroyed");
  }

  /** Process ids of a container, for tests and the destroy guarantee. */
  processesOf(vmid: number): number[] {
    const dir = this.dirOf(vmid);
    return containerPids(this.agentPid(dir), dir);
  }
}

/**
 * The one-file agent (agent/dist/main.mjs, built by scripts/build-agent.mjs from `npm run dev`,
 * `npm test` and `npm run build`): it boots in about a second where tsx needs several. The portal
 * runs from the repository root.
 */
const AGENT_BUNDLE = path.resolve("agent/dist/main.mjs");

function agentBundle(): string {
  if (!existsSync(AGENT_BUNDLE)) throw new Error(`agent bundle missing at ${AGENT_BUNDLE}: run \`node scripts/build-agent.mjs\``);
  return AGENT_BUNDLE;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}
