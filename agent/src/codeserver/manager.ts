import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { chown, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import type { AgentContext } from "../context";
import { CODE_SERVER_INSTALL_DIR, CODE_SERVER_SOCKET, type CodeServerStatus } from "../contract/codeserver";
import type { ProvisionProgress } from "../contract/provision";
import { getCatalogClient } from "../artifacts/catalog-client";
import { installArchive } from "../artifacts/install";
import { devEnvironment, devRunAs } from "../devenv";
import { runAsArgv } from "../sandbox/identity";
import { HttpError } from "../http/errors";
import { descendants, isCodeServerFor, pickMain, procState, processTable, type ProcInfo } from "./proc-scan";

const META_FILE = ".zlh-artifact.json";
export const LOG_FILE = "/opt/zlh/agent/code-server.log";
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 1_500;

const installMetaSchema = z.object({ name: z.string(), version: z.string(), sha256: z.string() });

/** Running (a zombie counts as gone: nothing may reap it when the agent is PID 1). */
const alive = (pid: number) => {
  try {
    return procState(readFileSync(`/proc/${pid}/stat`, "utf8")) !== "Z";
  } catch {
    return false;
  }
};
const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The command line code-server runs with (flags from the environment notes). It listens on a Unix
 * socket only its user may open: the one way in from outside the container is the agent's
 * authenticated tunnel, so `--auth none` is safe.
 */
export function codeServerArgs(o: { socket: string; userDataDir: string; extensionsDir: string; config: string; folder: string }): string[] {
  return [
    "--socket",
    o.socket,
    "--socket-mode",
    "600",
    "--auth",
    "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--reconnection-grace-time",
    "5",
    "--user-data-dir",
    o.userDataDir,
    "--extensions-dir",
    o.extensionsDir,
    "--config",
    o.config,
    o.folder,
  ];
}

/**
 * Installs, starts, stops and finds code-server. /proc is the source of truth for "running": the
 * manager keeps no pid of its own, so an agent restart simply finds (adopts) the running one.
 * Operations are serialized.
 */
export class CodeServerManager {
  readonly installDir: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private ctx: AgentContext) {
    this.installDir = ctx.containerPath(CODE_SERVER_INSTALL_DIR);
  }

  /**
   * code-server's socket in the container's /run. A socket address holds at most 107 bytes: under a
   * deep agent root (the unisolated provider's folders) a short name in the agent's /tmp is used.
   */
  get socketPath(): string {
    const p = this.ctx.containerPath(CODE_SERVER_SOCKET);
    return Buffer.byteLength(p) <= 100 ? p : path.join(os.tmpdir(), `zlh-cs-${createHash("sha256").update(p).digest("hex").slice(0, 16)}.sock`);
  }

  installedVersion(): string | null {
    try {
      return installMetaSchema.parse(JSON.parse(readFileSync(path.join(this.installDir, META_FILE), "utf8"))).version;
    } catch {
      return existsSync(path.join(this.installDir, "bin", "code-server")) ? "unknown" : null;
    }
  }

  /** Our code-server's processes (matching install dir and port) and the main one. */
  async find(): Promise<{ main: ProcInfo | null; all: ProcInfo[]; table: ProcInfo[] }> {
    const table = await processTable();
    const all = table.filter((p) => isCodeServerFor(p.argv, this.installDir, this.socketPath));
    return { main: pickMain(all), all, table };
  }

  probe(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get({ socketPath: this.socketPath, path: "/healthz", timeout: PROBE_TIMEOUT_MS, headers: { host: "localhost" } }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(false));
    });
  }

  async status(): Promise<CodeServerStatus> {
    const { main } = await this.find();
    return {
      installed: this.installedVersion() !== null,
      running: main !== null,
      pid: main?.pid ?? null,
      socket: this.socketPath,
      healthy: main ? await this.probe() : false,
      version: this.installedVersion(),
    };
  }

  /** Installs the catalog's code-server unless that version is already installed. */
  install(progress?: (p: Omit<ProvisionProgress, "step">) => void): Promise<void> {
    return this.serialize(() => this.installNow(progress));
  }

  start(): Promise<CodeServerStatus> {
    return this.serialize(async () => {
      await this.startNow();
      return this.status();
    });
  }

  stop(): Promise<CodeServerStatus> {
    return this.serialize(async () => {
      await this.stopNow();
      return this.status();
    });
  }

  restart(): Promise<CodeServerStatus> {
    return this.serialize(async () => {
      await this.stopNow();
      await this.startNow();
      return this.status();
    });
  }

  /** Provisioning: install (when needed) and start. */
  ensureRunning(progress: (p: Omit<ProvisionProgress, "step">) => void): Promise<void> {
    return this.serialize(async () => {
      await this.installNow(progress);
      progress({ phase: "start", message: "starting code-server" });
      await this.startNow();
      progress({ phase: "done" });
    });
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async installNow(progress?: (p: Omit<ProvisionProgress, "step">) => void): Promise<void> {
    const art = await getCatalogClient(this.ctx).resolve({ name: "code-server" }, "service");
    if (this.installedVersion() === art.version) return;
    const { main } = await this.find();
    if (main) throw new HttpError(409, "code-server is running: stop it before installing another version");
    this.ctx.log.info({ version: art.version }, "installing code-server");
    await installArchive(this.ctx, art, this.installDir, {
      onProgress: (p) => progress?.({ phase: p.phase, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
      beforeCommit: async (tmp) => {
        if (!existsSync(path.join(tmp, "bin", "code-server"))) throw new HttpError(502, "the code-server artifact has no bin/code-server");
        await writeFile(path.join(tmp, META_FILE), JSON.stringify({ name: art.name, version: art.version, sha256: art.sha256 }));
      },
    });
  }

  private async startNow(): Promise<void> {
    const found = await this.find();
    if (found.main) {
      this.ctx.log.info({ pid: found.main.pid }, "code-server already running");
      await this.waitHealthy(found.main.pid);
      return;
    }
    if (this.installedVersion() === null) await this.installNow();
    const dev = devEnvironment(this.ctx);
    if (dev.user.real && dev.user.uid < 0) throw new HttpError(409, "the dev user does not exist yet");
    const asDev = dev.user.real && process.getuid?.() === 0;
    const dataDir = path.join(dev.home, ".local", "share", "code-server");
    const extensionsDir = path.join(dataDir, "extensions");
    const configDir = path.join(dev.home, ".config", "code-server");
    const config = path.join(configDir, "config.yaml");
    for (const d of [dev.workspace, extensionsDir, configDir]) {
      await mkdir(d, { recursive: true });
      if (asDev) await chownTree(dev.home, d, dev.user.uid, dev.user.gid);
    }
    const socket = this.socketPath;
    // Its folder is the IDE user's alone; a socket left by a killed run would make listen fail.
    await mkdir(path.dirname(socket), { recursive: true, mode: 0o700 });
    if (asDev && path.dirname(socket) !== os.tmpdir()) await chown(path.dirname(socket), dev.user.uid, dev.user.gid);
    await rm(socket, { force: true });
    // Our own config file, so code-server never writes one with a generated password or a TCP bind.
    await writeFile(config, `auth: none\ncert: false\n`);
    if (asDev) await chown(config, dev.user.uid, dev.user.gid);

    const logFile = this.ctx.containerPath(LOG_FILE);
    await mkdir(path.dirname(logFile), { recursive: true });
    const fd = openSync(logFile, "w", 0o640);
    const args = codeServerArgs({ socket, userDataDir: dataDir, extensionsDir, config, folder: dev.workspace });
    const launcher = path.join(this.installDir, "bin", "code-server");
    let child: ChildProcess;
    try {
      // detached: its own session and process group, so it outlives agent restarts and a stop reaches all of it.
      // As the dev user through setpriv (its groups only, no capabilities, no-new-privs), like shells.
      const [file, ...argv] = runAsArgv(asDev ? devRunAs(this.ctx) : null, [launcher, ...args]);
      child = spawn(file!, argv, {
        cwd: dev.workspace,
        detached: true,
        stdio: ["ignore", fd, fd],
        // Only the dev environment: nothing of the agent's own (its token) leaks into the IDE.
        env: { ...dev.env, XDG_CONFIG_HOME: path.join(dev.home, ".config"), XDG_DATA_HOME: path.join(dev.home, ".local", "share") } as unknown as NodeJS.ProcessEnv,
      });
    } finally {
      closeSync(fd);
    }
    const pid = child.pid;
    child.unref();
    if (!pid) throw new HttpError(500, "code-server failed to spawn");
    this.ctx.log.info({ pid, socket }, "code-server started");
    await this.waitHealthy(pid, logFile);
  }

  private async waitHealthy(pid: number, logFile?: string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (await this.probe()) return;
      if (!alive(pid)) {
        const tail = logFile ? (await readFile(logFile, "utf8").catch(() => "")).slice(-600) : "";
        throw new HttpError(502, `code-server exited during start${tail ? `: ${tail}` : ""}`);
      }
      await sleep(200);
    }
    throw new HttpError(504, `code-server did not answer /healthz within ${READY_TIMEOUT_MS / 1000} s`);
  }

  private async stopNow(): Promise<void> {
    const { main, all, table } = await this.find();
    if (!main) return;
    // Everything under it, including terminals that made their own sessions (setsid) and would
    // escape a process-group signal.
    const pids = new Set<number>(all.map((p) => p.pid));
    for (const p of all) for (const d of descendants(table, p.pid)) pids.add(d);
    const ownGroup = table.find((p) => p.pid === process.pid)?.pgid;
    const groups = new Set(all.map((p) => p.pgid).filter((g) => g > 1 && g !== ownGroup));
    this.ctx.log.info({ pid: main.pid, processes: pids.size }, "stopping code-server");
    const send = (sig: NodeJS.Signals) => {
      for (const g of groups) signal(-g, sig);
      for (const p of pids) signal(p, sig);
    };
    send("SIGTERM");
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (Date.now() < deadline && [...pids].some(alive)) await sleep(100);
    if ([...pids].some(alive)) {
      this.ctx.log.warn({ pid: main.pid }, "code-server ignored SIGTERM: killing it");
      send("SIGKILL");
      const killDeadline = Date.now() + STOP_TIMEOUT_MS;
      while (Date.now() < killDeadline && [...pids].some(alive)) await sleep(50);
    }
  }
}

/** chown the folders from `top` down to `dir` (those mkdir -p may just have created as root). */
async function chownTree(top: string, dir: string, uid: number, gid: number): Promise<void> {
  for (let d = dir; d.startsWith(top); d = path.dirname(d)) {
    await chown(d, uid, gid);
    if (d === top) break;
  }
}
