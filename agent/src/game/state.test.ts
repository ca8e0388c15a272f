import { describe, expect, it } from "vitest";
import { consoleIntent, initialState, transition, type SupervisorConfig, type SupervisorEvent, type SupervisorState } from "./state";

const cfg: SupervisorConfig = { scheduleMs: [30_000, 60_000, 120_000], stableMs: 30_000, maxFailures: 4, consoleStopWindowMs: 60_000 };

function run(events: SupervisorEvent[], from: SupervisorState = initialState) {
  let s = from;
  const effects: string[] = [];
  for (const e of events) {
    const r = transition(s, e, cfg);
    s = r.state;
    effects.push(...r.effects.map((x) => x.type));
  }
  return { s, effects };
}

const boot = (at: number, pid = 100): SupervisorEvent[] => [
  { type: "start", at, byPerson: true },
  { type: "spawned", pid, at },
  { type: "ready", at: at + 2000 },
];

describe("supervisor transitions", () => {
  it("is running only after the ready line, not at spawn", () => {
    const a = run([{ type: "start", at: 0, byPerson: true }, { type: "spawned", pid: 7, at: 10 }]);
    expect(a.s.phase).toBe("starting");
    expect(a.s.pid).toBe(7);
    expect(a.effects).toEqual(["spawn", "schedule_stable"]);
    expect(run([{ type: "ready", at: 20 }], a.s).s.phase).toBe("running");
  });

  it("an unexpected exit records a crash and schedules a restart after the backoff", () => {
    const { s } = run(boot(0));
    const r = transition(s, { type: "exited", at: 5000, exitCode: null, signal: "SIGKILL" }, cfg);
    expect(r.state.phase).toBe("crashed");
    expect(r.state.failures).toBe(1);
    expect(r.state.nextRestartAt).toBe(35_000);
    expect(r.effects[0]).toMatchObject({ type: "record_crash", signal: "SIGKILL", uptimeMs: 5000, failures: 1, outcome: "restart_scheduled", restartInMs: 30_000 });
    expect(r.effects[1]).toEqual({ type: "schedule_restart", delayMs: 30_000 });
    const again = transition(r.state, { type: "backoff_elapsed", at: 35_000 }, cfg);
    expect(again.state.phase).toBe("starting");
    expect(again.state.failures).toBe(1);
    expect(again.effects.map((x) => x.type)).toContain("spawn");
  });

  it("a crash loop ends in error and waits for a person", () => {
    let s = initialState;
    const waits: (number | null)[] = [];
    let t = 0;
    s = run(boot(t)).s;
    for (let i = 0; i < 4; i++) {
      t += 1000;
      const r = transition(s, { type: "exited", at: t, exitCode: 1, signal: null }, cfg);
      const crash = r.effects.find((x) => x.type === "record_crash");
      waits.push(crash && crash.type === "record_crash" ? crash.restartInMs : -1);
      s = r.state;
      if (s.phase === "crashed") s = run([{ type: "backoff_elapsed", at: t }, { type: "spawned", pid: 200 + i, at: t }], s).s;
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, null]);
    expect(s.phase).toBe("error");
    expect(s.error).toMatch(/4 times/);
    // Nothing automatic leaves error; a person's start does, with a fresh count.
    expect(transition(s, { type: "backoff_elapsed", at: t + 999_999 }, cfg).state.phase).toBe("error");
    const started = transition(s, { type: "start", at: t + 1, byPerson: true }, cfg);
    expect(started.state).toMatchObject({ phase: "starting", failures: 0, error: null });
  });

  it("a run that stayed up resets the count", () => {
    let s = run(boot(0)).s;
    s = transition(s, { type: "exited", at: 1000, exitCode: 1, signal: null }, cfg).state;
    s = run([{ type: "backoff_elapsed", at: 31_000 }, { type: "spawned", pid: 2, at: 31_000 }, { type: "ready", at: 32_000 }], s).s;
    expect(transition(s, { type: "stable", at: 61_000 }, cfg).state.failures).toBe(0);
    const r = transition(s, { type: "exited", at: 70_000, exitCode: 1, signal: null }, cfg);
    expect(r.state.failures).toBe(1);
  });

  it("stop via the API is a graceful stop, and its exit is not a crash", () => {
    const { s } = run(boot(0));
    const r = transition(s, { type: "stop", at: 10, restart: false, kill: false }, cfg);
    expect(r.state.phase).toBe("stopping");
    expect(r.effects).toEqual([{ type: "graceful_stop" }]);
    const done = transition(r.state, { type: "exited", at: 20, exitCode: 0, signal: null }, cfg);
    expect(done.state.phase).toBe("stopped");
    expect(done.effects).toEqual([]);
  });

  it("kill sends SIGKILL and ends stopped; restart launches again", () => {
    const { s } = run(boot(0));
    const k = transition(s, { type: "stop", at: 10, restart: false, kill: true }, cfg);
    expect(k.effects).toEqual([{ type: "kill" }]);
    expect(transition(k.state, { type: "exited", at: 11, exitCode: null, signal: "SIGKILL" }, cfg).state.phase).toBe("stopped");
    const r = transition(s, { type: "stop", at: 10, restart: true, kill: false }, cfg);
    const again = transition(r.state, { type: "exited", at: 20, exitCode: 0, signal: null }, cfg);
    expect(again.state.phase).toBe("starting");
    expect(again.effects).toEqual([{ type: "spawn" }]);
  });

  it("stop or /stop typed in the console is not a crash; /restart restarts", () => {
    const { s } = run(boot(0));
    const typed = transition(s, { type: "console_stop", at: 100, restart: false }, cfg).state;
    expect(typed.phase).toBe("running");
    const exit = transition(typed, { type: "exited", at: 900, exitCode: 0, signal: null }, cfg);
    expect(exit.state.phase).toBe("stopped");
    expect(exit.effects).toEqual([]);
    const restart = transition(transition(s, { type: "console_stop", at: 100, restart: true }, cfg).state, { type: "exited", at: 900, exitCode: 0, signal: null }, cfg);
    expect(restart.state.phase).toBe("starting");
    expect(restart.effects).toEqual([{ type: "spawn" }]);
  });

  it("a console stop that never happened does not excuse a later crash", () => {
    const { s } = run(boot(0));
    const typed = transition(s, { type: "console_stop", at: 100, restart: false }, cfg).state;
    const late = transition(typed, { type: "exited", at: 100 + cfg.consoleStopWindowMs + 1, exitCode: 1, signal: null }, cfg);
    expect(late.state.phase).toBe("crashed");
  });

  it("stop while waiting out a backoff cancels the restart", () => {
    let s = run(boot(0)).s;
    s = transition(s, { type: "exited", at: 10, exitCode: 1, signal: null }, cfg).state;
    const r = transition(s, { type: "stop", at: 20, restart: false, kill: false }, cfg);
    expect(r.state.phase).toBe("stopped");
    expect(r.effects).toEqual([{ type: "cancel_restart" }]);
  });

  it("a launch failure goes to error with the reason", () => {
    const r = transition(run([{ type: "start", at: 0, byPerson: true }]).s, { type: "spawn_failed", message: "ENOENT java", at: 1 }, cfg);
    expect(r.state).toMatchObject({ phase: "error", error: "launch failed: ENOENT java" });
  });

  it("start is ignored while already starting or running", () => {
    const { s } = run(boot(0));
    expect(transition(s, { type: "start", at: 5, byPerson: true }, cfg)).toEqual({ state: s, effects: [] });
  });

  it("recognises console stop and restart commands", () => {
    const stops = ["stop", "/stop"];
    const restarts = ["restart", "/restart"];
    expect(consoleIntent(" /STOP ", stops, restarts)).toBe("stop");
    expect(consoleIntent("/restart", stops, restarts)).toBe("restart");
    expect(consoleIntent("say stop", stops, restarts)).toBeNull();
  });
});
