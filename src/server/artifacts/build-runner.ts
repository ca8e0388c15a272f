import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { logger } from "../log/logger";
import { buildPercent, failureReason, parseProgressLine } from "./build-progress";
import { claimNextBuild, finishBuild, reportBuild, requeueBuild, requeueStale, type ArtifactBuild } from "./build-queue";

/**
 * Runs queued artifact builds one at a time, in the background, through the artifacts CLI
 * (`npm run artifacts -- build <name>@<version> --publish`): the same code an operator runs by
 * hand. The CLI's JSON progress lines become the row's step, percent and message (at most one
 * write a second), so the wizard and /admin on any portal instance show them.
 */
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CLI = path.join(PROJECT_ROOT, "scripts", "artifacts.ts");
const POLL_MS = 1_000;
/** Added to the builds' niceness (nice(1)); the portal keeps its own. */
export const BUILD_NICENESS = 10;
const HEARTBEAT_MS = 15_000;
/** A running row not touched for this long lost its runner (portal killed): queue it again. */
export const STALE_MS = 90_000;

export type BuildRunner = { start(): void; stop(): Promise<void>; idle(): boolean };

export function createBuildRunner(opts: { dataDir: string; cacheDir: string }): BuildRunner {
  const log = logger.child({ component: "artifact-builds" });
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcess | undefined;
  let current: Promise<void> | undefined;
  let lastStaleCheck = 0;

  const run = (b: ArtifactBuild): Promise<void> =>
    new Promise((resolve) => {
      const label = `${b.name}@${b.version}`;
      const t0 = Date.now();
      log.info({ build: label, source: b.source }, "artifact build started");
      // At a lower CPU priority (npm, node-gyp, debootstrap, tar and zstd inherit it): on a small
      // machine the first run's builds compete with the portal they run beside, which meanwhile
      // compiles its pages (dev) and answers the user signing up.
      const proc = spawn("nice", ["-n", String(BUILD_NICENESS), process.execPath, "--import", "tsx", CLI, "build", label, "--publish", "--progress-json"], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ZLH_DATA_DIR: opts.dataDir, ZLH_CACHE_DIR: opts.cacheDir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = proc;
      const tail: string[] = [];
      const head: string[] = [];
      let percent: number | null = 0;
      let step = "starting";
      let message: string | null = null;
      let lastWrite = 0;
      let dirty = false;
      const flush = (force = false) => {
        if (!dirty && !force) return;
        if (!force && Date.now() - lastWrite < 1_000) return;
        dirty = false;
        lastWrite = Date.now();
        reportBuild(b.id, { step, percent, message }).catch((err: unknown) => log.warn({ err }, "could not record build progress"));
      };
      const heartbeat = setInterval(() => flush(true), HEARTBEAT_MS);
      const throttle = setInterval(() => flush(), 1_000);
      createInterface({ input: proc.stderr! }).on("line", (line) => {
        const p = parseProgressLine(line);
        if (!p) {
          if (head.length < 5) head.push(line.slice(0, 500));
          tail.push(line.slice(0, 500));
          if (tail.length > 20) tail.shift();
          return;
        }
        if (p.step !== step) dirty = true;
        step = p.step;
        percent = buildPercent(b.name, p, percent);
        message = p.message ?? message;
        dirty = true;
        flush();
      });
      createInterface({ input: proc.stdout! }).on("line", (line) => {
        message = line.slice(0, 300);
        dirty = true;
      });
      const done = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        clearInterval(heartbeat);
        clearInterval(throttle);
        child = undefined;
        const ms = Date.now() - t0;
        let outcome: Promise<void>;
        if (stopped) {
          // The portal is stopping (the CLI exits 143 on our SIGTERM): not a failure, the next start runs it again.
          outcome = requeueBuild(b.id, "portal stopped: queued again");
        } else if (code === 0) {
          log.info({ build: label, ms }, "artifact build published");
          outcome = finishBuild(b.id, { ok: true, message: message ?? undefined });
        } else {
          const error = spawnError ? `could not start the artifacts CLI: ${spawnError.message}` : failureReason(tail, code, signal, head);
          log.error({ build: label, ms, error }, "artifact build failed");
          outcome = finishBuild(b.id, { ok: false, error });
        }
        outcome.catch((err: unknown) => log.error({ err, build: label }, "could not record the build's outcome")).finally(resolve);
      };
      proc.on("error", (err) => done(null, null, err));
      proc.on("exit", (code, signal) => done(code, signal));
    });

  const tick = async () => {
    if (stopped) return;
    try {
      if (Date.now() - lastStaleCheck > STALE_MS / 3) {
        lastStaleCheck = Date.now();
        const n = await requeueStale(STALE_MS);
        if (n) log.warn({ n }, "builds whose runner vanished were queued again");
      }
      const next = await claimNextBuild();
      if (next && !stopped) {
        current = run(next);
        await current;
        current = undefined;
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, "build runner tick failed");
    }
    if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // The CLI takes its npm/tar children along on SIGTERM.
      child?.kill("SIGTERM");
      await current;
    },
    idle: () => !child,
  };
}
