import { describe, expect, it } from "vitest";
import { idleDecision, idleLimitMinutes } from "./policy";

const now = new Date("2026-12-01T12:00:00Z");
const minAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const base = { now, limitMinutes: 30, lastActivityAt: null, agentStartedAt: minAgo(120), consoleViewers: 0, sshConnections: 0, players: 0, newestFileChangeAt: null };

describe("idle auto-stop policy", () => {
  it("stops a dev container idle past its limit, not one minute before", () => {
    expect(idleDecision({ ...base, kind: "dev", lastActivityAt: minAgo(31) }).stop).toBe(true);
    expect(idleDecision({ ...base, kind: "dev", lastActivityAt: minAgo(29) }).stop).toBe(false);
  });
  it("an open shell or SSH session keeps a dev container up however old the last recorded activity", () => {
    expect(idleDecision({ ...base, kind: "dev", lastActivityAt: minAgo(500), consoleViewers: 1 })).toMatchObject({ stop: false, busy: true, idleMs: 0 });
    expect(idleDecision({ ...base, kind: "dev", lastActivityAt: minAgo(500), sshConnections: 2 }).stop).toBe(false);
  });
  it("a recent workspace change or a fresh agent start counts as activity", () => {
    expect(idleDecision({ ...base, kind: "dev", lastActivityAt: minAgo(90), newestFileChangeAt: minAgo(5) }).stop).toBe(false);
    expect(idleDecision({ ...base, kind: "dev", lastActivityAt: minAgo(90), agentStartedAt: minAgo(2) }).stop).toBe(false);
  });
  it("game servers count players only, and only when the owner turned it on", () => {
    expect(idleDecision({ ...base, kind: "game", lastActivityAt: minAgo(40), players: 0 }).stop).toBe(true);
    expect(idleDecision({ ...base, kind: "game", lastActivityAt: minAgo(40), players: 3 }).stop).toBe(false);
    expect(idleDecision({ ...base, kind: "game", limitMinutes: null, lastActivityAt: minAgo(400) }).stop).toBe(false);
    // A workspace file does not keep a game server up.
    expect(idleDecision({ ...base, kind: "game", lastActivityAt: minAgo(40), newestFileChangeAt: minAgo(1) }).stop).toBe(true);
  });
  it("limits: dev capped by the plan (plan default when unset), game off unless set", () => {
    expect(idleLimitMinutes("dev", null, 30)).toBe(30);
    expect(idleLimitMinutes("dev", 10, 30)).toBe(10);
    expect(idleLimitMinutes("dev", 90, 30)).toBe(30);
    expect(idleLimitMinutes("game", null, 30)).toBeNull();
    expect(idleLimitMinutes("game", 15, 30)).toBe(15);
  });
});
