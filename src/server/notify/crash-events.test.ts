import { describe, expect, it } from "vitest";
import type { CrashRecord } from "../../../agent/src/contract/game";
import { crashNotification, newCrashes } from "./crash-events";
import { failureNotices } from "./billing-notices";
import { standingOf } from "../billing/standing";

const record = (id: string, at: string, over: Partial<CrashRecord> = {}): CrashRecord => ({
  id, at, pid: 42, exitCode: null, signal: "SIGKILL", uptimeSeconds: 12.4, classification: "unexpected_exit", reason: "killed by SIGKILL",
  logTail: ["line 1", "line 2"], failures: 1, outcome: "restart_scheduled", restartInMs: 1000, ...over,
});
const server = { id: "s1", name: "mc", userId: "u1" };

describe("crash events", () => {
  it("notifies new records since the cutoff, oldest first, each once", () => {
    const recs = [record("c3", "2026-12-01T10:03:00Z"), record("c2", "2026-12-01T10:02:00Z"), record("c1", "2026-11-01T10:00:00Z")];
    expect(newCrashes(recs, new Set(["c2"]), new Date("2026-12-01T00:00:00Z")).map((r) => r.id)).toEqual(["c3"]);
    expect(newCrashes(recs, new Set(), new Date("2026-12-01T00:00:00Z")).map((r) => r.id)).toEqual(["c2", "c3"]);
  });
  it("a crash says what happened; a crash loop ending in error is its own kind", () => {
    const n = crashNotification(server, record("c1", "2026-12-01T10:00:00Z"));
    expect(n).toMatchObject({ kind: "crash", title: "mc crashed", dedupeKey: "crash:s1:c1", serverId: "s1", userId: "u1" });
    expect(n.body).toContain("killed by SIGKILL, after 12 s");
    expect(n.body).toContain("restarts automatically in 1 s");
    expect(n.body).toContain("line 2");
    const loop = crashNotification(server, record("c9", "2026-12-01T10:00:00Z", { failures: 5, outcome: "error", restartInMs: null, signal: null, exitCode: 1, classification: "mod_or_plugin_error" }));
    expect(loop).toMatchObject({ kind: "crash_loop", title: "mc stopped after 5 crashes in a row", dedupeKey: "crash:s1:c9" });
  });
});

describe("billing notices", () => {
  const failedAt = new Date("2026-12-01T00:00:00Z");
  const day = 24 * 60 * 60_000;
  const sub = { plan: "pro", status: "past_due", paymentFailedAt: failedAt };
  const at = (days: number) => new Date(failedAt.getTime() + days * day);
  const kinds = (days: number) => failureNotices("u1", failedAt, standingOf(sub, at(days), 7), at(days)).map((n) => n.kind);
  it("tells about the failure, reminds near the end of grace, and tells about the suspension", () => {
    expect(kinds(0)).toEqual(["payment_failed"]);
    expect(kinds(5.5)).toEqual(["payment_failed", "grace"]);
    expect(kinds(8)).toEqual(["payment_failed", "suspended"]);
  });
  it("keys every notice by the failure, so one failure notifies each kind once", () => {
    const keys = failureNotices("u1", failedAt, standingOf(sub, at(6), 7), at(6)).map((n) => n.dedupeKey);
    expect(keys).toEqual([`payment_failed:u1:${failedAt.toISOString()}`, `grace:u1:${failedAt.toISOString()}`]);
  });
});
