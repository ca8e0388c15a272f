import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";

/**
 * The game process at the OS level: launched through wrapper.mjs in its own session, identified by
 * pid + start time (so a recycled pid is never mistaken for the game), its exit read from the
 * wrapper's exit.json. None of this depends on the agent being the game's parent.
 */
export const WRAPPER = path.join(path.dirname(new URL(import.meta.url).pathname), "wrapper.mjs");

export const runFiles = (runDir: string) => ({
  fifo: path.join(runDir, "console.fifo"),
  log: path.join(runDir, "game.log"),
  pid: path.join(runDir, "game.pid.json"),
  exit: path.join(runDir, "exit.json"),
});

export const processRecordSchema = z.object({
  runId: z.string(),
  pid: z.number().int(),
  wrapperPid: z.number().int(),
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot; with the pid it names one process. */
  startTime: z.string(),
  /** Byte offset of game.log where this run's output begins. */
  logOffset: z.number().int().nonnegative(),
  spawnedAt: z.number(),
  cmdlineMarker: z.string(),
});
export type ProcessRecord = z.infer<typeof processRecordSchema>;

export const exitRecordSchema = z.object({
  runId: z.string(),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  error: z.string().optional(),
  at: z.iso.datetime(),
});
export type ExitRecord = z.infer<typeof exitRecordSchema>;

/** Start time and state of a pid from /proc, or null when it does not exist. */
export function procStat(pid: number): { startTime: string; state: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after its last ")".
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0]!, startTime: rest[19]! };
  } catch {
    return null;
  }
}

export function procCmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** Whether `rec` still names a live process: same pid, same start time, not a zombie, expected command. */
export function isAlive(rec: Pick<ProcessRecord, "pid" | "startTime" | "cmdlineMarker">): boolean {
  const st = procStat(rec.pid);
  if (!st || st.startTime !== rec.startTime || st.state === "Z" || st.state === "X") return false;
  return procCmdline(rec.pid).some((a) => a.includes(rec.cmdlineMarker));
}

export function readExit(runDir: string, runId: string): ExitRecord | null {
  try {
    const parsed = exitRecordSchema.safeParse(JSON.parse(readFileSync(runFiles(runDir).exit, "utf8")));
    return parsed.success && parsed.data.runId === runId ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function ensureFifo(file: string): Promise<void> {
  if (existsSync(file)) {
    if (statSync(file).isFIFO()) return;
    await rm(file, { force: true });
  }
  await promisify(execFile)("mkfifo", ["-m", "0600", file]);
}

export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * Starts the wrapper (setsid, stdio detached from the agent) and waits for it to report the game's
 * pid. Rejects with the launch error (e.g. the command does not exist) when the game never started.
 */
export async function launchGame(opts: {
  runDir: string;
  runId: string;
  cwd: string;
  /** The game's full command line (already dropped to the game user where there is one). */
  argv: string[];
  /** The game's whole environment; the wrapper gets the same and passes it on. */
  env: Record<string, string>;
  cmdlineMarker: string;
  timeoutMs?: number;
}): Promise<ProcessRecord> {
  const files = runFiles(opts.runDir);
  await rm(files.pid, { force: true });
  await rm(files.exit, { force: true });
  await ensureFifo(files.fifo);
  const logOffset = await fileSize(files.log);
  const wrapper = spawn(process.execPath, [WRAPPER, opts.runDir, opts.runId, opts.cwd, ...opts.argv], {
    detached: true,
    stdio: "ignore",
    cwd: opts.cwd,
    // Never the agent's process.env: it holds the agent's token.
    env: opts.env as NodeJS.ProcessEnv,
  });
  wrapper.unref();
  const spawnedAt = Date.now();
  const deadline = spawnedAt + (opts.timeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    const exit = readExit(opts.runDir, opts.runId);
    if (exit?.error) throw new Error(exit.error);
    try {
      const info = JSON.parse(readFileSync(files.pid, "utf8")) as { runId: string; pid: number; wrapperPid: number };
      if (info.runId === opts.runId) {
        const st = procStat(info.pid);
        // Gone already: the exit watcher reads exit.json; the start time is unknowable, keep a marker.
        return { runId: opts.runId, pid: info.pid, wrapperPid: info.wrapperPid, startTime: st?.startTime ?? "gone", logOffset, spawnedAt, cmdlineMarker: opts.cmdlineMarker };
      }
    } catch {
      // not written yet
    }
    if (wrapper.exitCode !== null && !existsSync(files.exit)) throw new Error(`game wrapper exited with ${wrapper.exitCode}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  try {
    process.kill(-wrapper.pid!, "SIGKILL");
  } catch {
    // already gone
  }
  throw new Error("the game did not start within the launch timeout");
}

/** Signals the game process (not its wrapper, which must live to record the exit). */
export function signalGame(rec: ProcessRecord, signal: NodeJS.Signals): boolean {
  if (!isAlive(rec)) return false;
  try {
    process.kill(rec.pid, signal);
    return true;
  } catch {
    return false;
  }
}
