import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { closeSync, constants, existsSync, openSync, watch, writeSync, type FSWatcher } from "node:fs";
import { appendFile, copyFile, mkdir, readFile, truncate } from "node:fs/promises";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import type { AgentContext } from "../context";
import { AGENT_EVENT, type AgentEvent } from "../contract/events";
import { artifactNameSchema, versionSchema } from "../contract/catalog";
import type { CrashRecord, GameStatus, PowerAction } from "../contract/game";
import { writeFileAtomic } from "../fs/atomic";
import { HttpError, conflict } from "../http/errors";
import { classifyCrash } from "./classify";
import { CrashStore } from "./crash-store";
import { gameArgv, gameIdentity, handOverTree } from "./identity";
import { LogFollower } from "./log-follower";
import { LineTail } from "./log-tail";
import { memoryLimitBytes, oomKillCount } from "./oom";
import { fileSize, isAlive, launchGame, processRecordSchema, readExit, runFiles, signalGame, type ExitRecord, type ProcessRecord } from "./process";
import { consoleIntent, initialState, transition, type Effect, type SupervisorConfig, type SupervisorEvent, type SupervisorState } from "./state";
import { templateFor, type GameSettings, type GameTemplate } from "./templates";

/** Lines kept for ready detection and crash records; the record stores the last CRASH_TAIL_LINES. */
const TAIL_LINES = 200;
const CRASH_TAIL_LINES = 60;
/** game.log is cut (copy to game.log.1, truncate) at a start once it passed this size. */
const LOG_ROTATE_BYTES = 16 * 1024 * 1024;
/** How much of a running game's log an adopting agent re-reads for its line tail. */
const ADOPT_REREAD_BYTES = 256 * 1024;
/** A game whose pid vanished without exit.json (wrapper killed too) is declared exited after this. */
const EXIT_FILE_GRACE_MS = 2000;

export const gameInstallSchema = z.object({
  artifact: z.object({ name: artifactNameSchema, version: versionSchema, sha256: z.string() }),
  template: z.string(),
  settings: z.object({ host: z.string(), port: z.number().int(), memoryMb: z.number().int(), motd: z.string(), maxPlayers: z.number().int() }),
  installedAt: z.iso.datetime(),
});
export type GameInstall = z.infer<typeof gameInstallSchema>;

const persistedSchema = z.object({
  state: z.object({
    phase: z.enum(["stopped", "starting", "running", "stopping", "crashed", "error"]),
    failures: z.number().int(),
    pid: z.number().int().nullable(),
    startedAt: z.number().nullable(),
    nextRestartAt: z.number().nullable(),
    intent: z.object({ kind: z.enum(["stop", "restart"]), until: z.number() }).nullable(),
    error: z.string().nullable(),
  }),
  proc: processRecordSchema.nullable(),
  /** The agent stopped the game on its own shutdown: start it again when the agent comes back. */
  resumeOnStart: z.boolean(),
});

export type SupervisorPaths = { runDir: string; installDir: string };
export type SupervisorTiming = SupervisorConfig & { stopTimeoutMs: number; termTimeoutMs: number; readyTimeoutMs: number };

/**
 * The I/O driver around the pure state machine (state.ts): launches and adopts the game process,
 * follows its log, detects readiness and exits, carries out graceful stops and restarts, records
 * crashes, and holds the per-server power lock.
 */
export class GameSupervisor {
  private state: SupervisorState = initialState;
  private proc: ProcessRecord | null = null;
  private install: GameInstall | null = null;
  private action: PowerAction | null = null;
  private resumeOnStart = false;
  private lines = new LineTail(TAIL_LINES);
  private decoder = new StringDecoder("utf8");
  private follower: LogFollower | null = null;
  private exitWatcher: { close(): void } | null = null;
  private fifoFd: number | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stableTimer: NodeJS.Timeout | null = null;
  private launching: Promise<void> | null = null;
  private oomAtSpawn: number | null = null;
  private persistChain: Promise<void> = Promise.resolve();
  private changes = new EventEmitter().setMaxListeners(0);
  /** Leave the game running when the agent exits (upgrade); set by flag, SIGUSR2 or POST /game/detach. */
  detachOnExit: boolean;
  /** When the mods folder last changed (epoch ms); restartRequired compares it with the start. */
  modsChangedAt: number | null = null;
  readonly crashes: CrashStore;

  constructor(
    private ctx: AgentContext,
    readonly paths: SupervisorPaths,
    private timing: SupervisorTiming,
  ) {
    this.crashes = new CrashStore(path.join(paths.runDir, "crashes.json"));
    this.detachOnExit = ctx.config.gameDetachOnExit;
  }

  private get files() {
    return { ...runFiles(this.paths.runDir), state: path.join(this.paths.runDir, "state.json"), install: path.join(this.paths.runDir, "game.json") };
  }

  get template(): GameTemplate | null {
    return this.install ? templateFor(this.install.template) : null;
  }

  get installed(): GameInstall | null {
    return this.install;
  }

  get phase() {
    return this.state.phase;
  }

  get startedAt(): number | null {
    return this.state.startedAt;
  }

  /** Loads what a previous agent left: the install, crash records, and a game that may still run. */
  async init(): Promise<void> {
    await mkdir(this.paths.runDir, { recursive: true, mode: 0o700 });
    await this.crashes.load();
    this.install = await readJson(this.files.install, gameInstallSchema);
    const saved = await readJson(this.files.state, persistedSchema);
    if (!saved) return;
    this.state = saved.state;
    this.resumeOnStart = saved.resumeOnStart;
    const proc = saved.proc;
    if (proc && isAlive(proc)) {
      this.proc = proc;
      this.ctx.log.info({ gamePid: proc.pid, phase: this.state.phase }, "game still running: reattached");
      const size = await fileSize(this.files.log);
      const from = this.state.phase === "starting" ? proc.logOffset : Math.max(proc.logOffset, size - ADOPT_REREAD_BYTES);
      await this.attach(proc, from);
      if (this.state.startedAt !== null) this.armStable(this.timing.stableMs - (Date.now() - this.state.startedAt));
      return;
    }
    if (proc) {
      // The game ended while no agent watched: replay its exit from the wrapper's record.
      const exit = readExit(this.paths.runDir, proc.runId) ?? unknownExit(proc);
      this.ctx.log.warn({ gamePid: proc.pid, exit }, "game exited while the agent was away");
      this.proc = proc;
      const follower = new LogFollower(this.files.log, proc.logOffset, (c) => this.onOutput(c));
      await follower.start();
      await follower.drain();
      await follower.close();
      this.proc = null;
      this.dispatch(exitEvent(exit));
    } else if (this.state.phase === "crashed" && this.state.nextRestartAt !== null) {
      this.armRestart(this.state.nextRestartAt - Date.now());
    } else if (this.state.phase === "starting" || this.state.phase === "running" || this.state.phase === "stopping") {
      this.state = { ...this.state, phase: "stopped", pid: null, startedAt: null, intent: null };
    }
    if (this.resumeOnStart && this.install && (this.state.phase === "stopped" || this.state.phase === "error")) {
      this.resumeOnStart = false;
      this.dispatch({ type: "start", at: Date.now(), byPerson: true });
    }
    this.persist();
  }

  /** Records the installed game (provisioning). */
  async setInstall(install: GameInstall): Promise<void> {
    this.install = install;
    await writeFileAtomic(this.files.install, JSON.stringify(install, null, 2), 0o600);
  }

  status(): GameStatus {
    const s = this.state;
    const running = s.phase === "running" || s.phase === "starting";
    return {
      installed: this.install !== null,
      state: s.phase,
      action: this.action,
      pid: s.pid,
      uptimeSeconds: s.startedAt !== null ? Math.max(0, (Date.now() - s.startedAt) / 1000) : null,
      template: this.install?.template ?? null,
      artifact: this.install ? { name: this.install.artifact.name, version: this.install.artifact.version } : null,
      port: this.install?.settings.port ?? null,
      failures: s.failures,
      nextRestartAt: s.nextRestartAt !== null ? new Date(s.nextRestartAt).toISOString() : null,
      lastCrash: this.crashes.latest(),
      error: s.error,
      restartRequired: running && s.startedAt !== null && this.modsChangedAt !== null && this.modsChangedAt > s.startedAt,
    };
  }

  /**
   * Runs a power action behind the lock. Answers as soon as it is accepted; the action goes on in
   * the background (watch /status or the event stream). A second action meanwhile is refused (409).
   */
  power(action: PowerAction): void {
    if (!this.install) throw conflict("no game is installed in this container");
    if (this.action) throw new HttpError(409, `a ${this.action} is already in progress; try again when it has finished`, { action: this.action });
    const phase = this.state.phase;
    if (action === "start" && (phase === "starting" || phase === "running" || phase === "stopping")) throw conflict(`the game is already ${phase}`);
    if ((action === "stop" || action === "kill") && phase === "stopped") throw conflict("the game is not running");
    if (action === "kill" && (phase === "crashed" || phase === "error")) throw conflict("the game is not running");
    this.action = action;
    this.changes.emit("change");
    void this.runAction(action)
      .catch((err: unknown) => this.ctx.log.error({ err, action }, "game power action failed"))
      .finally(() => {
        this.action = null;
        this.changes.emit("change");
      });
  }

  private async runAction(action: PowerAction): Promise<void> {
    if (this.launching) await this.launching;
    const at = Date.now();
    if (action === "start") {
      this.dispatch({ type: "start", at, byPerson: true });
      this.resumeOnStart = false;
    } else {
      this.resumeOnStart = false;
      this.dispatch({ type: "stop", at, restart: action === "restart", kill: action === "kill" });
      await this.waitFor((s) => s.phase !== "stopping", this.stopBudgetMs());
    }
    if (action === "start" || action === "restart") await this.waitFor((s) => s.phase !== "starting", this.timing.readyTimeoutMs);
  }

  /** Writes one console line to the game; a typed stop or restart is noted so its exit is not a crash. */
  command(line: string): void {
    const tpl = this.template;
    if (!tpl || !this.proc || this.fifoFd === null) throw conflict("the game is not running");
    const clean = line.replace(/[\r\n]+/g, " ").trim();
    if (!clean) return;
    const intent = consoleIntent(clean, tpl.consoleStopCommands, tpl.consoleRestartCommands);
    if (intent) this.dispatch({ type: "console_stop", at: Date.now(), restart: intent === "restart" });
    this.writeLine(clean);
  }

  /** Agent shutdown: stop the game gracefully, or leave it running when detaching. */
  async shutdown(): Promise<void> {
    this.clearTimers();
    if (!this.detachOnExit) {
      if (this.launching) await this.launching;
      if (this.action) await this.waitFor(() => this.action === null, this.stopBudgetMs() + this.timing.readyTimeoutMs);
      if (this.state.phase === "starting" || this.state.phase === "running") {
        this.ctx.log.info({ gamePid: this.state.pid }, "agent stopping: stopping the game first");
        this.dispatch({ type: "stop", at: Date.now(), restart: false, kill: false });
        this.resumeOnStart = true;
        await this.waitFor((s) => s.phase !== "stopping", this.stopBudgetMs());
      }
    } else {
      this.ctx.log.info({ gamePid: this.state.pid }, "agent stopping: leaving the game running (detached)");
    }
    this.clearTimers();
    await this.detachProcess();
    this.persist();
    await this.persistChain;
  }

  crashList(): CrashRecord[] {
    return this.crashes.list();
  }

  // ---- state machine plumbing ----

  private dispatch(e: SupervisorEvent): void {
    const before = this.state.phase;
    const r = transition(this.state, e, this.timing);
    this.state = r.state;
    if (r.state.phase !== before) {
      this.ctx.log.info({ from: before, to: r.state.phase, event: e.type, gamePid: r.state.pid }, "game state");
      this.emitLog(r.state.phase === "error" || r.state.phase === "crashed" ? "warn" : "info", `game ${r.state.phase}${r.state.error && r.state.phase === "error" ? `: ${r.state.error}` : ""}`);
    }
    this.persist();
    this.changes.emit("change");
    for (const effect of r.effects) this.run(effect);
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case "spawn":
        this.launching = this.launch().finally(() => {
          this.launching = null;
        });
        return;
      case "graceful_stop":
        void this.gracefulStop();
        return;
      case "kill":
        void this.kill();
        return;
      case "schedule_restart":
        this.armRestart(effect.delayMs);
        return;
      case "cancel_restart":
        if (this.restartTimer) clearTimeout(this.restartTimer);
        this.restartTimer = null;
        return;
      case "schedule_stable":
        this.armStable(effect.delayMs);
        return;
      case "record_crash":
        void this.recordCrash(effect).catch((err: unknown) => this.ctx.log.error({ err }, "writing the crash record failed"));
        return;
    }
  }

  private armRestart(delayMs: number): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.dispatch({ type: "backoff_elapsed", at: Date.now() });
    }, Math.max(0, delayMs));
  }

  private armStable(delayMs: number): void {
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => {
      this.stableTimer = null;
      this.dispatch({ type: "stable", at: Date.now() });
    }, Math.max(0, delayMs));
    this.stableTimer.unref();
  }

  private clearTimers(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.restartTimer = this.stableTimer = null;
  }

  private waitFor(cond: (s: SupervisorState) => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (cond(this.state)) return resolve(true);
      const onChange = () => {
        if (!cond(this.state)) return;
        cleanup();
        resolve(true);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(false);
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off("change", onChange);
      };
      this.changes.on("change", onChange);
    });
  }

  private stopBudgetMs(): number {
    return this.timing.stopTimeoutMs + this.timing.termTimeoutMs + 15_000;
  }

  private persist(): void {
    const data = JSON.stringify({ state: this.state, proc: this.proc, resumeOnStart: this.resumeOnStart });
    this.persistChain = this.persistChain
      .then(() => writeFileAtomic(this.files.state, data, 0o600))
      .catch((err: unknown) => this.ctx.log.error({ err }, "saving the game state failed"));
  }

  private emitLog(level: "info" | "warn" | "error", msg: string): void {
    const ev: AgentEvent = { type: "log", level, msg, source: "game" };
    this.ctx.events.emit(AGENT_EVENT, ev);
  }

  // ---- process I/O ----

  private async launch(): Promise<void> {
    const install = this.install;
    try {
      if (!install) throw new Error("no game is installed");
      const tpl = templateFor(install.template);
      await this.rotateLog();
      await appendFile(this.files.log, `[zlh-agent] ${new Date().toISOString()} starting ${install.artifact.name} ${install.artifact.version}\n`);
      const spec = await tpl.prepare(this.paths.installDir, install.settings);
      const id = gameIdentity(this.ctx, spec.env);
      if (id.runAs) await handOverTree(this.paths.installDir, id.runAs);
      this.lines.clear();
      this.oomAtSpawn = await oomKillCount();
      const proc = await launchGame({
        runDir: this.paths.runDir,
        runId: randomUUID(),
        cwd: this.paths.installDir,
        argv: gameArgv(id, spec.command, spec.args),
        env: id.env,
        cmdlineMarker: tpl.cmdlineMarker,
      });
      this.proc = proc;
      await this.attach(proc, proc.logOffset);
      this.dispatch({ type: "spawned", pid: proc.pid, at: proc.spawnedAt });
    } catch (err) {
      this.ctx.log.error({ err }, "game launch failed");
      this.dispatch({ type: "spawn_failed", message: (err as Error).message, at: Date.now() });
    }
  }

  /** Opens the console pipe, follows the log from `from` and watches for the exit. */
  private async attach(proc: ProcessRecord, from: number): Promise<void> {
    try {
      this.fifoFd = openSync(this.files.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (err) {
      this.ctx.log.warn({ err }, "could not open the game console pipe");
      this.fifoFd = null;
    }
    this.decoder = new StringDecoder("utf8");
    this.follower = new LogFollower(this.files.log, from, (chunk) => this.onOutput(chunk));
    await this.follower.start();
    this.watchExit(proc);
  }

  private async detachProcess(): Promise<void> {
    this.exitWatcher?.close();
    this.exitWatcher = null;
    await this.follower?.close();
    this.follower = null;
    if (this.fifoFd !== null) closeSync(this.fifoFd);
    this.fifoFd = null;
  }

  private onOutput(chunk: Buffer): void {
    const tpl = this.template;
    for (const line of this.lines.push(this.decoder.write(chunk))) {
      if (this.state.phase === "starting" && tpl?.readyPattern.test(line)) this.dispatch({ type: "ready", at: Date.now() });
    }
  }

  private watchExit(proc: ProcessRecord): void {
    let done = false;
    let goneSince: number | null = null;
    const check = () => {
      if (done) return;
      const exit = readExit(this.paths.runDir, proc.runId);
      if (!exit) {
        if (isAlive(proc) || proc.startTime === "gone") return;
        goneSince ??= Date.now();
        if (Date.now() - goneSince < EXIT_FILE_GRACE_MS) return;
      }
      done = true;
      close();
      void this.onExit(proc, exit ?? unknownExit(proc));
    };
    let watcher: FSWatcher | null = null;
    try {
      watcher = watch(this.paths.runDir, (_ev, name) => {
        if (name === "exit.json") check();
      });
      watcher.on("error", () => undefined);
    } catch {
      // the poll below still notices
    }
    const timer = setInterval(check, 250);
    const close = () => {
      watcher?.close();
      clearInterval(timer);
    };
    this.exitWatcher = { close };
    check();
  }

  private async onExit(proc: ProcessRecord, exit: ExitRecord): Promise<void> {
    await this.follower?.drain();
    await this.detachProcess();
    if (this.proc?.runId === proc.runId) this.proc = null;
    const what = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`;
    await appendFile(this.files.log, `[zlh-agent] ${new Date().toISOString()} game exited (${what})\n`).catch(() => undefined);
    this.changes.emit("exit", proc.runId);
    this.dispatch(exitEvent(exit));
  }

  private async recordCrash(e: Extract<Effect, { type: "record_crash" }>): Promise<void> {
    const logTail = this.lines.tail(CRASH_TAIL_LINES);
    const [oomNow, limit] = await Promise.all([oomKillCount(), memoryLimitBytes()]);
    const oomKilled = e.signal === "SIGKILL" && oomNow !== null && this.oomAtSpawn !== null && oomNow > this.oomAtSpawn;
    const c = classifyCrash({ exitCode: e.exitCode, signal: e.signal, logTail, oomKilled, memoryLimitBytes: limit });
    const record: CrashRecord = {
      id: randomUUID(),
      at: new Date().toISOString(),
      pid: e.pid,
      exitCode: e.exitCode,
      signal: e.signal,
      uptimeSeconds: Math.round(e.uptimeMs / 100) / 10,
      classification: c.classification,
      reason: c.reason.slice(0, 500),
      logTail,
      failures: e.failures,
      outcome: e.outcome,
      restartInMs: e.restartInMs,
      ...(c.classification === "oom" ? { memoryLimitBytes: limit } : {}),
    };
    await this.crashes.add(record);
    this.ctx.log.warn({ crash: { ...record, logTail: undefined } }, "game crashed");
    this.emitLog("error", `game crashed (${record.classification}: ${record.reason}); ${e.outcome === "error" ? "automatic restarts stopped" : `restarting in ${e.restartInMs} ms`}`);
    this.changes.emit("change");
  }

  private writeLine(line: string): void {
    if (this.fifoFd === null) throw conflict("the game is not running");
    try {
      writeSync(this.fifoFd, `${line}\n`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") throw new HttpError(503, "the game is not reading its console; try again");
      if (code === "EPIPE") throw conflict("the game is not running");
      throw err;
    }
  }

  private waitExit(runId: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.proc || this.proc.runId !== runId) return resolve(true);
      const onExit = (id: string) => {
        if (id !== runId) return;
        clearTimeout(t);
        resolve(true);
      };
      const t = setTimeout(() => {
        this.changes.off("exit", onExit);
        resolve(false);
      }, ms);
      this.changes.on("exit", onExit);
    });
  }

  /** Stop command on stdin, then SIGTERM, then SIGKILL, each after its timeout. */
  private async gracefulStop(): Promise<void> {
    const proc = this.proc;
    const tpl = this.template;
    if (!proc || !tpl) return;
    try {
      this.writeLine(tpl.stopCommand);
    } catch (err) {
      this.ctx.log.warn({ err }, "could not send the stop command");
    }
    if (await this.waitExit(proc.runId, this.timing.stopTimeoutMs)) return;
    this.ctx.log.warn({ gamePid: proc.pid, afterMs: this.timing.stopTimeoutMs }, "game ignored its stop command: SIGTERM");
    signalGame(proc, "SIGTERM");
    if (await this.waitExit(proc.runId, this.timing.termTimeoutMs)) return;
    this.ctx.log.warn({ gamePid: proc.pid }, "game ignored SIGTERM: SIGKILL");
    await this.kill();
  }

  private async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    signalGame(proc, "SIGKILL");
    await this.waitExit(proc.runId, 10_000);
  }

  /** Keeps game.log bounded: copied aside and truncated between runs (followers handle truncation). */
  private async rotateLog(): Promise<void> {
    if ((await fileSize(this.files.log)) < LOG_ROTATE_BYTES) return;
    await copyFile(this.files.log, `${this.files.log}.1`);
    await truncate(this.files.log, 0);
  }
}

function unknownExit(proc: ProcessRecord): ExitRecord {
  return { runId: proc.runId, pid: proc.pid, exitCode: null, signal: null, at: new Date().toISOString(), error: "exit status unknown (wrapper gone)" };
}

function exitEvent(exit: ExitRecord): SupervisorEvent {
  return { type: "exited", at: Date.parse(exit.at), exitCode: exit.exitCode, signal: exit.signal };
}

async function readJson<T extends z.ZodType>(file: string, schema: T): Promise<z.infer<T> | null> {
  if (!existsSync(file)) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
