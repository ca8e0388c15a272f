import type { GamePhase } from "../contract/game";
import { backoffDelay, failuresAfterCrash, type BackoffPolicy } from "./backoff";

/**
 * The supervisor's state machine: pure transitions that return the effects the I/O driver must
 * carry out. Times are epoch milliseconds passed in with the events, so tests control the clock.
 *
 *   stopped --start--> starting --ready--> running
 *   starting/running --stop--> stopping --exit--> stopped (or starting again for a restart)
 *   starting/running --unexpected exit--> crashed --backoff elapsed--> starting
 *                                      \-> error (failure limit; waits for a person's start)
 */
export type SupervisorState = {
  phase: GamePhase;
  failures: number;
  pid: number | null;
  /** When the current process was spawned. */
  startedAt: number | null;
  nextRestartAt: number | null;
  /** A stop asked for by the API or typed in the console: the coming exit is not a crash. */
  intent: { kind: "stop" | "restart"; until: number } | null;
  error: string | null;
};

export type SupervisorEvent =
  | { type: "start"; at: number; byPerson: boolean }
  | { type: "spawned"; pid: number; at: number }
  | { type: "spawn_failed"; message: string; at: number }
  | { type: "ready"; at: number }
  | { type: "stop"; at: number; restart: boolean; kill: boolean }
  | { type: "console_stop"; at: number; restart: boolean }
  | { type: "exited"; at: number; exitCode: number | null; signal: string | null }
  | { type: "backoff_elapsed"; at: number }
  | { type: "stable"; at: number };

export type Effect =
  | { type: "spawn" }
  | { type: "graceful_stop" }
  | { type: "kill" }
  | { type: "schedule_restart"; delayMs: number }
  | { type: "cancel_restart" }
  | { type: "schedule_stable"; delayMs: number }
  | { type: "record_crash"; pid: number | null; exitCode: number | null; signal: string | null; uptimeMs: number; failures: number; outcome: "restart_scheduled" | "error"; restartInMs: number | null };

export type SupervisorConfig = BackoffPolicy & {
  /** How long a stop typed in the console excuses the next exit. */
  consoleStopWindowMs: number;
};

export const initialState: SupervisorState = { phase: "stopped", failures: 0, pid: null, startedAt: null, nextRestartAt: null, intent: null, error: null };

type Result = { state: SupervisorState; effects: Effect[] };
const same = (state: SupervisorState): Result => ({ state, effects: [] });

const launching = (s: SupervisorState, failures: number): SupervisorState => ({
  ...s,
  phase: "starting",
  failures,
  pid: null,
  startedAt: null,
  nextRestartAt: null,
  intent: null,
  error: null,
});

export function transition(s: SupervisorState, e: SupervisorEvent, cfg: SupervisorConfig): Result {
  switch (e.type) {
    case "start": {
      if (s.phase !== "stopped" && s.phase !== "crashed" && s.phase !== "error") return same(s);
      // A person starting the server gets a fresh failure count; an automatic restart keeps it.
      const failures = e.byPerson ? 0 : s.failures;
      return { state: launching(s, failures), effects: s.phase === "crashed" ? [{ type: "cancel_restart" }, { type: "spawn" }] : [{ type: "spawn" }] };
    }
    case "spawned":
      if (s.phase !== "starting") return same(s);
      return { state: { ...s, pid: e.pid, startedAt: e.at }, effects: [{ type: "schedule_stable", delayMs: cfg.stableMs }] };
    case "spawn_failed":
      return { state: { ...s, phase: "error", pid: null, startedAt: null, error: `launch failed: ${e.message}` }, effects: [] };
    case "ready":
      return s.phase === "starting" ? same({ ...s, phase: "running" }) : same(s);
    case "stable":
      return (s.phase === "running" || s.phase === "starting") && s.startedAt !== null && e.at - s.startedAt >= cfg.stableMs ? same({ ...s, failures: 0 }) : same(s);
    case "stop": {
      const intent = { kind: e.restart ? ("restart" as const) : ("stop" as const), until: Number.MAX_SAFE_INTEGER };
      if (s.phase === "starting" || s.phase === "running" || s.phase === "stopping") {
        if (s.pid === null && s.phase === "starting") {
          // Not spawned yet (the driver is still launching): the exit will follow the kill.
          return { state: { ...s, phase: "stopping", intent }, effects: [{ type: "kill" }] };
        }
        return { state: { ...s, phase: "stopping", intent }, effects: [{ type: e.kill ? "kill" : "graceful_stop" }] };
      }
      if (e.restart) return transition(s, { type: "start", at: e.at, byPerson: true }, cfg);
      if (s.phase === "crashed") return { state: { ...s, phase: "stopped", nextRestartAt: null, failures: 0 }, effects: [{ type: "cancel_restart" }] };
      if (s.phase === "error") return same({ ...s, phase: "stopped", failures: 0, error: null });
      return same(s);
    }
    case "console_stop":
      if (s.phase !== "starting" && s.phase !== "running") return same(s);
      return same({ ...s, intent: { kind: e.restart ? "restart" : "stop", until: e.at + cfg.consoleStopWindowMs } });
    case "exited": {
      if (s.phase !== "starting" && s.phase !== "running" && s.phase !== "stopping") return same(s);
      const asked = s.intent && e.at <= s.intent.until ? s.intent.kind : null;
      if (asked === "restart") return { state: launching(s, s.failures), effects: [{ type: "spawn" }] };
      if (asked === "stop") return same({ ...s, phase: "stopped", pid: null, startedAt: null, intent: null });
      const uptimeMs = s.startedAt === null ? 0 : Math.max(0, e.at - s.startedAt);
      const failures = failuresAfterCrash(s.failures, uptimeMs, cfg);
      const delay = backoffDelay(failures, cfg);
      const base = { pid: s.pid, exitCode: e.exitCode, signal: e.signal, uptimeMs, failures };
      if (delay === null) {
        const error = `crashed ${failures} times in a row; automatic restarts stopped`;
        return {
          state: { ...s, phase: "error", failures, pid: null, startedAt: null, intent: null, nextRestartAt: null, error },
          effects: [{ type: "record_crash", ...base, outcome: "error", restartInMs: null }],
        };
      }
      return {
        state: { ...s, phase: "crashed", failures, pid: null, startedAt: null, intent: null, nextRestartAt: e.at + delay },
        effects: [{ type: "record_crash", ...base, outcome: "restart_scheduled", restartInMs: delay }, { type: "schedule_restart", delayMs: delay }],
      };
    }
    case "backoff_elapsed":
      return s.phase === "crashed" ? transition(s, { type: "start", at: e.at, byPerson: false }, cfg) : same(s);
  }
}

/** What a console line means to the supervisor: a stop or restart typed by the player/admin. */
export function consoleIntent(line: string, stopCommands: string[], restartCommands: string[]): "stop" | "restart" | null {
  const cmd = line.trim().toLowerCase();
  if (stopCommands.includes(cmd)) return "stop";
  if (restartCommands.includes(cmd)) return "restart";
  return null;
}
