import { existsSync } from "node:fs";
import * as pty from "node-pty";
import { runAsArgv, type RunAs } from "../sandbox/identity";
import type { ConsoleSource } from "./session";

export type PtySpawnOptions = {
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  /** The container user the shell runs as (the agent must be root); null: as the agent itself. */
  runAs?: RunAs | null;
  shell?: string;
};

export type PtySource = ConsoleSource & {
  pid: number;
  /** Resolves when the shell has exited. */
  exited: Promise<void>;
  /** SIGKILL to the shell's process group (after close() when it must go now). */
  kill(): void;
};

const HANGUP_GRACE_MS = 2000;

/** The login shell: bash when present, else sh. */
export function defaultShell(): string {
  return existsSync("/bin/bash") ? "/bin/bash" : "/bin/sh";
}

/** A login shell on a new PTY, as a ConsoleSource. Output arrives as raw bytes (no decoding). */
export function spawnPtySource(opts: PtySpawnOptions): PtySource {
  const shell = opts.shell ?? defaultShell();
  const [file, ...args] = runAsArgv(opts.runAs ?? null, [shell, "-l"]);
  const proc = pty.spawn(file!, args, {
    name: opts.env.TERM ?? "xterm-256color",
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd,
    env: opts.env,
    // Raw bytes: no UTF-8 decode/encode on the hot path, and no characters split across reads.
    encoding: null,
  });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    proc.onExit(() => {
      exited = true;
      resolve();
    }),
  );
  const killGroup = () => {
    if (exited) return;
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  return {
    pid: proc.pid,
    exited: exitedPromise,
    kill: killGroup,
    onData(listener) {
      // With encoding null node-pty hands out Buffers (its typings say string).
      const d = proc.onData((chunk: string | Buffer) => listener(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
      return () => d.dispose();
    },
    onExit(listener) {
      const d = proc.onExit(({ exitCode, signal }) => listener({ code: exitCode, signal: signal ?? null }));
      return () => d.dispose();
    },
    write: (data) => {
      if (!exited) proc.write(data);
    },
    resize: (cols, rows) => {
      if (!exited) proc.resize(cols, rows);
    },
    pause: () => proc.pause(),
    resume: () => proc.resume(),
    close: () => {
      if (exited) return;
      // SIGHUP is what a terminal hang-up sends: shells exit and pass it to their jobs.
      try {
        process.kill(-proc.pid, "SIGHUP");
      } catch {
        proc.kill("SIGHUP");
      }
      // A shell that ignores the hang-up (or a job that traps it) is killed shortly after.
      setTimeout(killGroup, HANGUP_GRACE_MS).unref();
    },
  };
}
